"""Projects ledger: upsert by 统一项目代码 else name, key-project flag, .xls files, undo."""

from datetime import date
from pathlib import Path

import sqlalchemy as sa

from app.core.dates import today
from app.extensions import db
from app.imports import services
from app.projects.models import Project
from tests.imports.ledgers import diff, ledger, snapshot

HEADERS = [
    "序号",
    "项目名称",
    "统一项目代码",
    "建设性质",
    "产业类别",
    "所在乡镇",
    "责任单位",
    "包联领导",
    "总投资（亿元）",
    "2025年计划投资（万元）",
    "计划开工日期",
    "实际开工日期",
    "计划竣工日期",
    "入库纳统日期",
    "储备状态",
    "是否重点项目",
]
ROWS = [
    [
        1,
        "巴公装备制造园基础设施工程",
        "2501-140525-04-01-100001",
        "新建",
        "高端装备制造",
        "巴公",
        "巴公镇",
        None,
        "3.2",
        "8,000",
        "2025-03-01",
        "2025年3月18日",
        "2026-12-31",
        45747,
        "在建",
        "是",
    ],
    [
        2,
        "城区供水管网改造工程",
        None,
        "续建",
        "基础设施",
        "南村镇",
        "县住房和城乡建设管理局",
        None,
        "1.2",
        "3000万",
        "2025/4/1",
        None,
        "2025/12/31",
        None,
        "前期",
        "否",
    ],
    [
        3,
        "数字乡村建设项目",
        "2501-140525-04-01-100003",
        "新建",
        "数字经济",
        "周村",
        "县工业和信息化局",
        None,
        0.6,
        2000,
        None,
        None,
        None,
        None,
        "储备",
        "是",
    ],
]


def projects_file(rows=ROWS) -> bytes:
    return ledger(
        HEADERS, rows, titles=("泽州县2025年重点项目推进台账",), total={"项目名称": "合计", "总投资（亿元）": 5}
    )


def test_create_then_reimport_unchanged(seeded):
    plan, batch = services.import_file("projects", "项目.xlsx", projects_file())
    db.session.commit()
    assert plan.summary() == {"total": 3, "create": 3, "update": 0, "unchanged": 0, "error": 0}
    projects = {p.name: p for p in db.session.scalars(sa.select(Project))}
    park = projects["巴公装备制造园基础设施工程"]
    assert park.total_investment_yuan == 320_000_000 and park.annual_plan_yuan == 80_000_000
    assert park.reserve_status == "实施" and park.nature == "新建" and park.is_key and park.key_override is None
    assert park.actual_start_on == date(2025, 3, 18) and park.stats_registered_on == date(2025, 3, 31)
    assert park.township.name == "巴公镇" and park.plan_year == 2025
    water = projects["城区供水管网改造工程"]
    assert water.code is None and water.annual_plan_yuan == 30_000_000 and not water.is_key
    digital = projects["数字乡村建设项目"]
    assert digital.key_override is True and digital.is_key  # 2000万 < 5000万, but the ledger says 重点
    assert "按台账人工认定为重点项目" in " ".join(plan.rows[2].notes)
    assert digital.plan_year == today().year  # no 计划年度, no planned start: this year

    before = snapshot()
    again, _ = services.import_file("projects", "项目.xlsx", projects_file())
    db.session.commit()
    assert again.summary()["unchanged"] == 3
    assert diff(before, snapshot()) == []


def test_code_first_then_name_and_undo(seeded):
    services.import_file("projects", "项目.xlsx", projects_file())
    db.session.commit()
    before = snapshot()
    rows = [list(r) for r in ROWS]
    rows[0][1] = "巴公装备制造园基础设施工程（一期）"  # renamed: still found by its code
    rows[0][9] = 9000
    rows[1][2] = "2501-140525-04-01-100002"  # the code is now known: found by name, code added
    plan, batch = services.import_file("projects", "项目-7月.xlsx", projects_file(rows))
    db.session.commit()
    assert [r.action for r in plan.rows] == ["update", "update", "unchanged"]
    assert "年度计划投资：8,000 万元 → 9,000 万元" in plan.rows[0].changes
    park = db.session.scalar(sa.select(Project).where(Project.code == "2501-140525-04-01-100001"))
    assert park.name == "巴公装备制造园基础设施工程（一期）" and park.annual_plan_yuan == 90_000_000
    assert (
        db.session.scalar(sa.select(Project.code).where(Project.name == "城区供水管网改造工程"))
        == "2501-140525-04-01-100002"
    )
    services.undo_batch(batch, user=None)
    db.session.commit()
    assert diff(before, snapshot()) == []


def test_project_errors(seeded):
    rows = [list(r) for r in ROWS]
    rows[0][12] = "2024-12-31"  # 计划竣工 before 计划开工
    rows[1][3] = "改扩建"
    rows[2][11] = "2099-01-01"  # an actual start in the future
    plan, _ = services.build_plan("projects", projects_file(rows), "x.xlsx", create_leaders=False)
    assert plan.rows[0].errors == [("M", "计划竣工日期", "计划竣工日期不能早于计划开工日期")]
    assert plan.rows[1].errors[0][:2] == ("D", "建设性质")
    assert plan.rows[2].errors[0][0] == "L" and "不能晚于今天" in plan.rows[2].errors[0][2]


def test_reads_an_xls_ledger(seeded):
    content = (Path(__file__).parent / "data" / "ledger.xls").read_bytes()
    plan, _ = services.build_plan("projects", content, "ledger.xls", create_leaders=False)
    assert plan.table.header_row == 3 and plan.table.skipped == [6]
    assert plan.summary()["create"] == 2, [r.errors for r in plan.rows]
    first, second = (r.data["values"] for r in plan.rows)
    assert first["total_investment"] == 120_000_000 and first["planned_start_on"] == date(2025, 4, 1)
    assert second["total_investment"] == 120_000_000  # "1.2亿" in a 万元 sheet
    assert second["annual_plan"] == 30_000_000 and second["planned_start_on"] == date(2025, 4, 1)
