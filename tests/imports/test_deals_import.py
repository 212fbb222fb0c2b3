"""Deals ledger: messy file → preview without writes → commit through the services → re-import → undo."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.deals.models import Deal, DealStageChange, Investor
from app.deals.services import create_deal, move_deal_to_stage
from app.extensions import db
from app.imports import services
from app.imports.models import ImportBatch, ImportItem
from app.people.models import Leader
from tests.imports.ledgers import diff, ledger, snapshot

CODE_1 = "91140525MA0K12345T"
HEADERS = [
    "序号",
    "项目名称",
    "投资方",
    "统一社会信用代码",
    "投资方来源",
    "产业类别",
    "签约额(亿元)",
    "协议类型",
    "是否计入考核",
    "不计入原因",
    "当前阶段",
    "线索日期",
    "签约日期",
    "开工日期",
    "所在乡镇",
    "责任单位",
    "包联领导",
    "备注",
]
ROWS = [
    [
        1,
        "高纯硅基材料项目",
        "华晟新材料科技有限公司",
        CODE_1,
        "省外",
        "新材料",
        1.5,
        "正式",
        "是",
        None,
        "开工",
        "2025年1月10日",
        "2025/3/1",
        45778,
        "巴公",
        "县投资促进中心",
        "卫明哲",
        "重点推进",
    ],
    [
        2,
        "储能电池PACK项目",
        "晋润储能有限公司",
        None,
        "市外",
        "新能源",
        "8000万",
        "框架协议",
        "是",
        None,
        "已签约",
        datetime(2025, 2, 3),
        "2025.4.15",
        None,
        "南村",
        "投促中心",
        None,
        None,
    ],
    [
        3,
        "智慧物流信息平台",
        "中泽物流有限公司",
        None,
        "本地",
        "现代物流",
        "０．３",
        "意向",
        "否",
        "意向项目，暂不考核",
        "在谈",
        "2025-02-10",
        None,
        None,
        "高都镇",
        "县发展改革和科技局",
        None,
        None,
    ],
    [
        4,
        "康养小镇项目",
        "恒瑞文旅集团",
        None,
        "省外",
        "文旅康养",
        2,
        "正式合同",
        None,
        None,
        "签约",
        None,
        "2025年6月18日",
        None,
        "大阳",
        "县文化和旅游局",
        "卫明哲",
        None,
    ],
]
TITLES = ("泽州县2025年招商引资项目台账", "（截至2025年6月30日）")


def deals_file(rows=ROWS, **kw) -> bytes:
    return ledger(HEADERS, rows, titles=TITLES, total={"项目名称": "合计", "签约额(亿元)": 4.8}, **kw)


@pytest.fixture
def county(seeded, make):
    make.leader("卫明哲")
    db.session.commit()


def business_counts() -> dict:
    return {
        m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Deal, DealStageChange, Investor, Leader, AuditEntry, ImportItem)
    }


def history(deal: Deal) -> list[tuple]:
    return [(c.from_stage, c.to_stage, c.effective_on) for c in sorted(deal.stage_changes, key=lambda c: c.id)]


def test_preview_reads_the_messy_ledger_and_writes_nothing(county):
    before = business_counts()
    plan, _lookups = services.build_plan("deals", deals_file(), "台账.xlsx", create_leaders=False)
    assert business_counts() == before
    assert plan.table.header_row == 3  # two merged title rows above the header
    assert plan.table.skipped == [8]  # the 合计 row; the blank trailing rows are gone
    assert [r.number for r in plan.rows] == [4, 5, 6, 7]
    assert plan.summary() == {"total": 4, "create": 4, "update": 0, "unchanged": 0, "error": 0}
    by_number = {r.number: r for r in plan.rows}
    assert "线索日期未填，按最早日期 2025-06-18 记" in by_number[7].notes
    assert "洽谈日期未填，按线索日期 2025-02-10 记" in by_number[6].notes


def test_dry_run_then_commit_creates_deals_like_entered_ones(county, runner, tmp_path):
    path = tmp_path / "招商台账.xlsx"
    path.write_bytes(deals_file())
    before = business_counts()
    dry = runner.invoke(args=["import", "deals", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "共 4 行：新建 4，更新 0，未变 0，错误 0" in dry.output
    assert "试运行" in dry.output
    assert business_counts() == before

    result = runner.invoke(args=["import", "deals", str(path)])
    assert result.exit_code == 0, result.output
    deals = {d.name: d for d in db.session.scalars(sa.select(Deal))}
    assert len(deals) == 4
    silicon = deals["高纯硅基材料项目"]
    assert silicon.contract_amount_yuan == 150_000_000  # 1.5 in a 亿元 column
    assert deals["储能电池PACK项目"].contract_amount_yuan == 80_000_000  # "8000万" in the cell wins
    assert deals["智慧物流信息平台"].contract_amount_yuan == 30_000_000  # full-width ０．３ 亿元
    assert deals["康养小镇项目"].contract_amount_yuan == 200_000_000
    assert silicon.stage == "已开工" and silicon.agreement_type == "正式合同"
    assert (silicon.lead_on, silicon.signed_on, silicon.started_on) == (
        date(2025, 1, 10),
        date(2025, 3, 1),
        date(2025, 5, 1),
    )  # 45778 = 2025-05-01
    assert silicon.township.name == "巴公镇" and silicon.lead_unit.name == "县投资促进中心"
    assert silicon.leader.name == "卫明哲" and silicon.notes == "重点推进"
    assert silicon.investor.credit_code == CODE_1 and silicon.investor.origin == "省外"
    logistics = deals["智慧物流信息平台"]
    assert logistics.is_counted is False and logistics.exclusion_reason == "意向项目，暂不考核"
    assert logistics.stage == "在谈" and logistics.negotiating_on == date(2025, 2, 10)
    assert deals["储能电池PACK项目"].lead_unit.name == "县投资促进中心"  # short name 投促中心

    # The same deal entered by hand has exactly the same stage history.
    entered = create_deal({"name": "对照项目", "contract_amount_yuan": 150_000_000}, effective_on=date(2025, 1, 10))
    move_deal_to_stage(entered, "已签约", effective_on=date(2025, 3, 1))
    move_deal_to_stage(entered, "已开工", effective_on=date(2025, 5, 1))
    assert history(silicon) == history(entered)
    assert history(silicon)[-1] == ("已注册", "已开工", date(2025, 5, 1))
    db.session.rollback()

    batch = db.session.scalar(sa.select(ImportBatch))
    assert (batch.status, batch.source, batch.created_count, batch.total_rows) == ("committed", "cli", 4, 4)
    sources = db.session.scalars(sa.select(AuditEntry.source).where(AuditEntry.entity == "deals").distinct()).all()
    assert sources == ["import"]
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.batch_id == batch.id, AuditEntry.entity == "deals", AuditEntry.action == "create")
        )
        == 4
    )


def test_imported_deals_count_in_the_metrics(county):
    from app.dashboard.metrics import compute_metrics

    services.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()
    figures = compute_metrics(2025, date(2025, 6, 30))
    # Counted deals signed in 2025 by 30 June: 1.5亿 + 0.8亿 + 2亿 (the 在谈 one is neither signed nor counted).
    assert figures["signed"]["count"] == 3
    assert figures["signed"]["amount_yuan"] == 430_000_000
    assert figures["same_year_start"]["signed_count"] == 3
    assert figures["same_year_start"]["started_count"] == 1
    march = compute_metrics(2025, date(2025, 3, 31))
    assert march["signed"]["count"] == 1 and march["signed"]["amount_yuan"] == 150_000_000


def test_reimport_of_the_same_file_changes_nothing(county):
    services.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()
    before = snapshot()
    audit_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    plan, batch = services.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()
    assert plan.summary() == {"total": 4, "create": 0, "update": 0, "unchanged": 4, "error": 0}
    assert diff(before, snapshot()) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == audit_before
    assert (
        batch.unchanged_count == 4
        and db.session.scalar(sa.select(sa.func.count()).select_from(ImportItem).where(ImportItem.batch_id == batch.id))
        == 0
    )


def test_updates_then_undo_restore_the_exact_prior_state(county):
    services.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()
    before = snapshot()
    rows = [list(r) for r in ROWS]
    rows[0][6] = "1.8亿"  # amount changed
    rows[0][12] = "2025-03-05"  # 签约日期 corrected
    rows[1][10], rows[1][13] = "已开工", "2025年6月1日"  # advanced to 已开工
    rows[2][16] = "邵景川"  # an unknown leader, created on commit
    rows.append(
        [
            5,
            "新增冷链项目",
            "汇通冷链有限公司",
            None,
            "县外",
            "现代物流",
            0.5,
            "正式合同",
            "是",
            None,
            "签约",
            None,
            "2025-05-20",
            None,
            "金村",
            "投促中心",
            None,
            None,
        ]
    )
    plan, batch = services.import_file("deals", "台账-6月.xlsx", deals_file(rows), create_leaders=True)
    db.session.commit()
    assert plan.summary() == {"total": 5, "create": 1, "update": 3, "unchanged": 1, "error": 0}
    silicon = db.session.scalar(sa.select(Deal).where(Deal.name == "高纯硅基材料项目"))
    assert silicon.contract_amount_yuan == 180_000_000 and silicon.signed_on == date(2025, 3, 5)
    pack = db.session.scalar(sa.select(Deal).where(Deal.name == "储能电池PACK项目"))
    assert pack.stage == "已开工" and pack.started_on == date(2025, 6, 1)
    assert history(pack)[-1] == ("已注册", "已开工", date(2025, 6, 1))
    assert db.session.scalar(sa.select(Leader).where(Leader.name == "邵景川")) is not None
    assert batch.created_leaders == "邵景川"

    services.undo_batch(batch, user=None)
    db.session.commit()
    assert diff(before, snapshot()) == []
    assert batch.status == "undone"
    undo_sources = db.session.scalars(
        sa.select(AuditEntry.source).where(AuditEntry.batch_id == batch.id).distinct()
    ).all()
    assert undo_sources == ["import"]


def test_undo_of_a_first_import_leaves_the_database_as_before(county):
    before = snapshot()
    _plan, batch = services.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 4
    services.undo_batch(batch, user=None)
    db.session.commit()
    assert diff(before, snapshot()) == []
    with pytest.raises(services.InputError, match="只有“已导入”的批次可以撤销"):
        services.undo_batch(batch, user=None)


def test_undo_refuses_when_records_changed_afterwards(county):
    from app.deals.services import update_deal

    _plan, batch = services.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()
    from app.core.audit import audit_context
    from tests import factories

    deal = db.session.scalar(sa.select(Deal).where(Deal.name == "康养小镇项目"))
    editor = factories.user("investment", username="touzu_x")
    editor.display_name = "投促中心王科长"
    with audit_context(source="web", user=editor):
        update_deal(deal, {"notes": "导入后手工修改"})
        db.session.commit()
    # The warning names the person, as the timelines do, not the login.
    with pytest.raises(services.InputError, match="康养小镇项目.*导入后被投促中心王科长修改过"):
        services.undo_batch(batch, user=None)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 4


def test_bad_rows_stop_the_whole_file_with_row_column_and_reason(county, runner, tmp_path):
    rows = [list(r) for r in ROWS]
    rows[1][6] = "八千万"  # not a number
    rows[2][4] = "海外"  # unknown origin
    rows[3][14] = "火星镇"  # unknown township
    rows[0][13] = "2025-02-01"  # 开工 before 签约
    rows.append(
        [5, "", "某公司", None, None, None, 1, None, None, None, "线索", None, None, None, None, None, None, None]
    )
    path = tmp_path / "bad.xlsx"
    path.write_bytes(deals_file(rows))
    before = business_counts()
    result = runner.invoke(args=["import", "deals", str(path)])
    assert result.exit_code == 1
    assert business_counts() == before
    out = result.output
    assert "错误 5" in out
    assert "第4行 N列“开工日期”：开工日期（2025-02-01）不能早于签约日期（2025-03-01）" in out
    assert "第5行 G列“签约额(亿元)”：签约金额“八千万”不是数字" in out
    assert "第6行 E列“投资方来源”：投资方来源“海外”无法识别（可填：省外、市外、县外、本地）" in out
    assert "第7行 O列“所在乡镇”：单位“火星镇”不存在" in out
    assert "第8行 B列“项目名称”：必填，不能为空" in out


def test_unknown_leaders_are_listed_and_created_only_when_asked(seeded, runner, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(deals_file())
    refused = runner.invoke(args=["import", "deals", str(path)])
    assert refused.exit_code == 1
    assert "第4行 Q列“包联领导”：县级领导“卫明哲”不存在（可加 --create-leaders 新建）" in refused.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 0
    created = runner.invoke(args=["import", "deals", str(path), "--create-leaders"])
    assert created.exit_code == 0, created.output
    assert "将新建县级领导：卫明哲（第4、7行）" in created.output
    leaders = db.session.scalars(sa.select(Leader)).all()
    assert [leader.name for leader in leaders] == ["卫明哲"]
    assert {d.leader_id for d in db.session.scalars(sa.select(Deal).where(Deal.leader_id.is_not(None)))} == {
        leaders[0].id
    }


def test_same_deal_twice_in_a_file_and_ambiguous_names_are_errors(county):
    rows = [list(ROWS[1]), list(ROWS[1])]
    plan, _ = services.build_plan("deals", deals_file(rows), "x.xlsx", create_leaders=False)
    assert plan.rows[1].errors == [("B", "项目名称", "与第4行是同一招商项目，请合并为一行")]
    create_deal({"name": "储能电池PACK项目"})
    create_deal({"name": "储能电池PACK项目"})
    plan, _ = services.build_plan("deals", deals_file([ROWS[1]]), "x.xlsx", create_leaders=False)
    assert "系统中有2个名为“储能电池PACK项目”的招商项目" in plan.rows[0].errors[0][2]


def test_credit_code_plus_name_is_the_key(county):
    services.import_file("deals", "a.xlsx", deals_file([ROWS[0]]))
    db.session.commit()
    other_company = list(ROWS[0])
    other_company[2], other_company[3] = "另一家公司", "91110108MA01ABCD5T"
    plan, _ = services.build_plan("deals", deals_file([ROWS[0], other_company]), "b.xlsx", create_leaders=False)
    assert [r.action for r in plan.rows] == ["unchanged", "create"]
    bad_code = list(ROWS[0])
    bad_code[3] = "91140525MA0K123450"
    plan, _ = services.build_plan("deals", deals_file([bad_code]), "c.xlsx", create_leaders=False)
    assert plan.rows[0].errors[0][:2] == ("D", "统一社会信用代码")
    assert "校验位不正确" in plan.rows[0].errors[0][2]


def test_a_row_refused_by_a_service_at_commit_writes_nothing(county, monkeypatch):
    from app.imports.mappers import deals as deals_mapper

    real = deals_mapper.move_deal_to_stage
    calls = []

    def refuse_fourth_row(deal, stage, **kw):
        calls.append(deal.name)
        if deal.name == "康养小镇项目":
            raise services.InputError("模拟：服务拒绝了这次阶段变更")
        return real(deal, stage, **kw)

    monkeypatch.setattr(deals_mapper, "move_deal_to_stage", refuse_fourth_row)
    before = snapshot()
    with pytest.raises(services.ImportFailed, match="第7行写入时被拒绝：模拟：服务拒绝了这次阶段变更") as failure:
        services.import_file("deals", "台账.xlsx", deals_file())
    db.session.rollback()
    assert "高纯硅基材料项目" in calls  # earlier rows had been written in the transaction…
    assert diff(before, snapshot()) == []  # …and none of them stayed
    assert failure.value.plan.rows[3].action == "error"


def test_unit_note_above_the_header_sets_the_default_unit(county):
    headers = ["项目名称", "投资方", "投资额", "当前阶段", "签约日期"]
    rows = [["小额项目", "某某公司", 3, "签约", "2025-03-01"]]
    plan, _ = services.build_plan(
        "deals", ledger(headers, rows, note="单位：亿元", start_col=3), "x.xlsx", create_leaders=False
    )
    assert plan.rows[0].action == "create"
    assert plan.rows[0].data["values"]["amount"] == 300_000_000
    plan, _ = services.build_plan("deals", ledger(headers, rows), "x.xlsx", create_leaders=False)
    assert plan.rows[0].data["values"]["amount"] == 30_000  # 投资额 without a unit: 万元


def test_leader_names_match_without_a_bracketed_note(seeded, make):
    make.leader("卫明哲（挂职）")
    db.session.commit()
    plan, _ = services.build_plan("deals", deals_file([ROWS[0]]), "x.xlsx", create_leaders=False)
    assert plan.rows[0].action == "create" and plan.rows[0].leaders == []
    make.leader("卫明哲（演示）")
    db.session.commit()
    plan, _ = services.build_plan("deals", deals_file([ROWS[0]]), "x.xlsx", create_leaders=False)
    assert "县级领导“卫明哲”不存在" in plan.rows[0].errors[0][2]  # two could fit: never guess
