"""Fund applications ledger: channel short names, status history, amounts with dates as ledger entries."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.funds.models import FundApplication
from app.imports import services
from tests.imports.ledgers import diff, ledger, snapshot

HEADERS = [
    "序号",
    "申报项目名称",
    "资金渠道",
    "申报年度",
    "申报批次",
    "关联项目",
    "申报单位",
    "包联领导",
    "申请金额（万元）",
    "当前状态",
    "申报日期",
    "申报截止日期",
    "下达金额（万元）",
    "下达日期",
    "拨付金额（万元）",
    "拨付日期",
    "支出金额（万元）",
    "支出日期",
    "备注",
    "结果日期",
]
ROWS = [
    [
        1,
        "巴公园区污水处理厂提标改造",
        "专项债",
        2025,
        "2025年第一批",
        "2501-140525-04-01-200001",
        "巴公镇",
        None,
        5000,
        "执行中",
        "2025-02-20",
        "2025-02-28",
        4000,
        "2025年4月30日",
        "3,000",
        "2025/6/10",
        1200,
        45838,
        None,
        None,
    ],
    [
        2,
        "城区老旧管网改造",
        "中央预算内",
        None,
        "2025年第二批",
        None,
        "住建局",
        None,
        "1.2亿",
        "已申报",
        "2025.5.8",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "等待评审",
        None,
    ],
    [
        3,
        "农村供水保障工程",
        "两重",
        "2025年",
        None,
        "城区供水管网改造工程",
        "县水务局",
        None,
        3000,
        "储备",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ],
    [
        4,
        "文旅融合发展项目",
        "竞争性奖补",
        2025,
        None,
        None,
        "县文化和旅游局",
        None,
        800,
        "未通过",
        "2025-03-01",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "2025-04-10",
    ],
]


def funds_file(rows=ROWS) -> bytes:
    return ledger(
        HEADERS, rows, titles=("2025年争资争项工作台账",), total={"申报项目名称": "合计", "申请金额（万元）": 20800}
    )


@pytest.fixture
def county(seeded, make):
    make.project("巴公园区污水处理厂", code="2501-140525-04-01-200001")
    make.project("城区供水管网改造工程")
    db.session.commit()


def test_applications_with_statuses_and_ledger(county):
    plan, _batch = services.import_file("funds", "争资台账.xlsx", funds_file())
    db.session.commit()
    assert plan.summary() == {"total": 4, "create": 4, "update": 0, "unchanged": 0, "error": 0}, [
        r.errors for r in plan.rows
    ]
    apps = {a.title: a for a in db.session.scalars(sa.select(FundApplication))}
    sewage = apps["巴公园区污水处理厂提标改造"]
    assert sewage.channel.name == "地方政府专项债券" and sewage.requested_yuan == 50_000_000
    assert sewage.status == "执行中" and sewage.declared_on == date(2025, 2, 20)
    assert [(c.from_status, c.to_status, c.effective_on) for c in sewage.status_changes] == [
        (None, "谋划储备", date(2025, 2, 20)),
        ("谋划储备", "已申报", date(2025, 2, 20)),
        ("已申报", "已下达", date(2025, 4, 30)),
        ("已下达", "执行中", date(2025, 6, 10)),
    ]
    assert [(e.kind, e.entry_on, e.amount_yuan) for e in sewage.ledger] == [
        ("下达", date(2025, 4, 30), 40_000_000),
        ("拨付", date(2025, 6, 10), 30_000_000),
        ("支出", date(2025, 6, 30), 12_000_000),
    ]
    assert [p.name for p in sewage.projects] == ["巴公园区污水处理厂"]
    pipes = apps["城区老旧管网改造"]
    assert pipes.year == 2025 and pipes.requested_yuan == 120_000_000 and pipes.channel.name == "中央预算内投资"
    assert pipes.applicant_unit.name == "县住房和城乡建设管理局" and pipes.notes == "等待评审"
    water = apps["农村供水保障工程"]
    assert water.channel.name == "超长期特别国债（“两重”）" and water.status == "谋划储备"
    assert [p.name for p in water.projects] == ["城区供水管网改造工程"]
    rejected = apps["文旅融合发展项目"]
    assert rejected.status == "未通过" and rejected.decided_on == date(2025, 4, 10)

    from app.dashboard.metrics import compute_metrics

    bonds = compute_metrics(2025, date(2025, 6, 30))["funds"]["地方政府专项债券"]
    assert (bonds["approved_yuan"], bonds["disbursed_yuan"], bonds["spent_yuan"]) == (
        40_000_000,
        30_000_000,
        12_000_000,
    )


def test_reimport_unchanged_and_cumulative_amounts_add_the_difference(county):
    services.import_file("funds", "争资台账.xlsx", funds_file())
    db.session.commit()
    before = snapshot()
    again, _ = services.import_file("funds", "争资台账.xlsx", funds_file())
    db.session.commit()
    assert again.summary()["unchanged"] == 4
    assert diff(before, snapshot()) == []

    rows = [list(r) for r in ROWS]
    rows[0][14], rows[0][15] = 3500, "2025-07-15"  # cumulative disbursed grew by 500万
    rows[0][16], rows[0][17] = "2000", "2025-07-20"
    rows[1][9], rows[1][12], rows[1][13] = "已下达", "0.9亿", "2025-07-01"
    plan, batch = services.import_file("funds", "争资台账-7月.xlsx", funds_file(rows))
    db.session.commit()
    assert [r.action for r in plan.rows] == ["update", "update", "unchanged", "unchanged"]
    sewage = db.session.scalar(sa.select(FundApplication).where(FundApplication.title == "巴公园区污水处理厂提标改造"))
    assert [(e.kind, e.entry_on, e.amount_yuan) for e in sewage.ledger][-2:] == [
        ("拨付", date(2025, 7, 15), 5_000_000),
        ("支出", date(2025, 7, 20), 8_000_000),
    ]
    pipes = db.session.scalar(sa.select(FundApplication).where(FundApplication.title == "城区老旧管网改造"))
    assert pipes.status == "已下达" and pipes.decided_on == date(2025, 7, 1)

    services.undo_batch(batch, user=None)
    db.session.commit()
    assert diff(before, snapshot()) == []


def test_fund_errors(county):
    services.import_file("funds", "争资台账.xlsx", funds_file())
    db.session.commit()
    rows = [list(r) for r in ROWS]
    rows[0][14] = 2000  # less disbursed than recorded
    rows[1][2] = "彩票公益金"  # unknown channel
    rows[2][9], rows[2][12] = "已下达", 1000  # 下达金额 without 下达日期
    rows[3][9] = "已申报"  # 未通过 cannot go back
    rows.append(
        [
            5,
            "新申报项目",
            "中央预算内",
            2025,
            None,
            None,
            None,
            None,
            100,
            "已申报",
            None,
            None,
            None,
            None,
            50,
            "2025-05-01",
            None,
            None,
            None,
            None,
        ]
    )
    plan, _ = services.build_plan("funds", funds_file(rows), "x.xlsx", create_leaders=False)
    errors = {r.number: r.errors for r in plan.rows}
    assert errors[3][0][:2] == ("O", "拨付金额（万元）") and "少于系统已登记的3,000万元" in errors[3][0][2]
    assert errors[4][0][:2] == ("C", "资金渠道") and "彩票公益金" in errors[4][0][2]
    assert errors[5] == [
        ("K", "申报日期", "当前状态为“已下达”，请填写申报日期"),
        ("N", "下达日期", "填写了下达金额，请填写下达日期"),
    ]
    assert "导入不能变更其状态" in errors[6][0][2]
    assert errors[7][0][:2] == ("K", "申报日期")  # 已申报 needs a 申报日期
    assert plan.count("error") == 5
