"""Real ledgers go in as they are: reasons from 备注, terminal states without dates (日期未填) are
warnings, not refusals; the figures after import equal those of the same ledger with the dates
filled in wherever docs/metrics_contract.md says they must."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.dashboard.metrics import compute_metrics
from app.deals.models import Deal
from app.extensions import db
from app.funds.models import FundApplication
from app.funds.queries import channel_figures
from tests.imports.ledgers import ledger

IMPORT_DAY = "2025-12-10"

# A county's own 招商 ledger: no 终止日期 / 终止原因 / 不计入原因 columns; the reasons live in 备注.
DEAL_HEADERS = [
    "项目名称",
    "投资方",
    "签约金额（万元）",
    "是否计入考核",
    "当前阶段",
    "线索日期",
    "签约日期",
    "开工日期",
    "所在乡镇",
    "备注",
]
DEAL_ROWS = [
    [
        "高纯硅基材料项目",
        "华晟新材料科技有限公司",
        "2.5亿",
        "是",
        "已签约",
        "2025-01-10",
        "2025-03-01",
        None,
        "巴公",
        None,
    ],
    [
        "储能电池PACK项目",
        "晋润储能有限公司",
        8000,
        "是",
        "终止",
        "2025-02-03",
        "2025-04-15",
        None,
        "南村",
        "企业资金链断裂，项目终止",
    ],
    [
        "智慧物流信息平台",
        "中泽物流有限公司",
        3000,
        "否",
        "已签约",
        "2025-02-10",
        "2025-05-20",
        None,
        "高都",
        "续签协议，不计入考核",
    ],
    ["康养小镇项目", "恒瑞文旅集团", 20000, "是", "已开工", "2025-03-01", "2025-06-18", "2025-08-01", "大阳", None],
]
# The same ledger with the dates and reasons in their own columns.
FILLED_HEADERS = DEAL_HEADERS + ["终止日期", "终止原因", "不计入原因"]
FILLED_ROWS = [
    row + extra
    for row, extra in zip(
        DEAL_ROWS,
        [
            [None, None, None],
            ["2025-07-01", "企业资金链断裂，项目终止", None],
            [None, None, "续签协议，不计入考核"],
            [None, None, None],
        ],
        strict=True,
    )
]


@pytest.fixture(autouse=True)
def import_day(app, monkeypatch, seeded):
    monkeypatch.setitem(app.config, "CRM_TODAY", IMPORT_DAY)


def _start_over():
    """Empty the database and load the reference data again, to import the other ledger."""
    from app.people.seeds import seed_reference_data
    from tests.conftest import clear_tables

    clear_tables()
    seed_reference_data()
    db.session.commit()


def _import(runner, tmp_path, kind, content, *extra):
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(content)
    return runner.invoke(args=["import", kind, str(path), *extra])


def test_deals_ledger_with_reasons_in_notes_imports_with_warnings(runner, tmp_path):
    result = _import(runner, tmp_path, "deals", ledger(DEAL_HEADERS, DEAL_ROWS))
    assert result.exit_code == 0, result.output
    assert "错误 0" in result.output
    assert "提示 第4行 J列“备注”：“终止原因”无此列，取自备注：企业资金链断裂，项目终止" in result.output
    assert "提示 第4行 E列“当前阶段”：终止日期未填：按导入日期 2025-12-10 记为“终止”" in result.output
    assert "提示 第5行 J列“备注”：“不计入原因”无此列，取自备注：续签协议，不计入考核" in result.output
    deals = {d.name: d for d in db.session.scalars(sa.select(Deal))}
    battery = deals["储能电池PACK项目"]
    assert battery.stage == "终止" and battery.termination_reason == "企业资金链断裂，项目终止"
    assert battery.signed_on == date(2025, 4, 15) and battery.terminated_date_unknown
    assert [c.date_unknown for c in battery.stage_changes if c.to_stage == "终止"] == [True]
    assert deals["智慧物流信息平台"].exclusion_reason == "续签协议，不计入考核"


def test_deal_page_and_timeline_say_date_unknown(runner, tmp_path, client, login, make):
    _import(runner, tmp_path, "deals", ledger(DEAL_HEADERS, DEAL_ROWS))
    admin = make.user("admin")
    db.session.commit()
    login(admin)
    battery = db.session.scalar(sa.select(Deal).where(Deal.name == "储能电池PACK项目"))
    page = client.get(f"/deals/{battery.id}").data.decode()
    assert 'data-testid="date-unknown"' in page and "日期未填（按 2025-12-10 计）" in page


def _deal_figures(as_of: date) -> dict:
    figures = compute_metrics(2025, as_of)
    return {key: figures[key] for key in ("signed", "same_year_start", "funnel", "units", "monthly", "funds_in_place")}


@pytest.mark.parametrize("as_of", [date(2025, 6, 30), date(2025, 7, 15), date(2025, 12, 10)])
def test_deal_figures_equal_the_ledger_with_dates_filled_in(runner, tmp_path, as_of):
    """Contract: a termination (dated or not) never moves a deal out of the signed cohort."""
    assert _import(runner, tmp_path, "deals", ledger(DEAL_HEADERS, DEAL_ROWS)).exit_code == 0
    missing = _deal_figures(as_of)
    _start_over()
    result = _import(runner, tmp_path, "deals", ledger(FILLED_HEADERS, FILLED_ROWS))
    assert result.exit_code == 0, result.output
    assert "提示" not in result.output
    assert _deal_figures(as_of) == missing
    # hand-computed: 2.5亿 + 8000万 (terminated, still signed) + 2亿 (counted); 3000万 is not counted
    if as_of >= date(2025, 6, 18):
        assert missing["signed"]["count"] == 3 and missing["signed"]["amount_yuan"] == 530_000_000


# ---- funds: 未通过 rows with no result date ------------------------------------------------------

FUND_HEADERS = [
    "申报项目名称",
    "资金渠道",
    "申报年度",
    "申请金额（万元）",
    "当前状态",
    "申报日期",
    "下达金额（万元）",
    "下达日期",
    "备注",
]
FUND_ROWS = [
    ["污水处理厂提标改造", "中央预算内", 2025, 5000, "已下达", "2025-02-20", 4000, "2025-04-30", None],
    ["城区老旧管网改造", "中央预算内", 2025, 3000, "未通过", "2025-03-08", None, None, "不符合本批次支持方向"],
    ["乡村道路提升", "中央预算内", 2025, 1000, "已申报", "2025-05-08", None, None, None],
]
FUND_FILLED_HEADERS = FUND_HEADERS + ["结果日期"]
FUND_FILLED_ROWS = [row + [extra] for row, extra in zip(FUND_ROWS, [None, "2025-06-15", None], strict=True)]


def test_funds_ledger_without_result_dates_imports_with_warnings(runner, tmp_path):
    result = _import(runner, tmp_path, "funds", ledger(FUND_HEADERS, FUND_ROWS))
    assert result.exit_code == 0, result.output
    assert "提示 第4行 E列“当前状态”：结果日期未填：按导入日期 2025-12-10 记为“未通过”" in result.output
    assert "提示 第4行 I列“备注”：“未通过”的原因取自备注：不符合本批次支持方向" in result.output
    pipes = db.session.scalar(sa.select(FundApplication).where(FundApplication.title == "城区老旧管网改造"))
    last = max(pipes.status_changes, key=lambda c: c.id)
    assert (last.to_status, last.date_unknown, last.effective_on, last.note) == (
        "未通过",
        True,
        date(2025, 12, 10),
        "不符合本批次支持方向",
    )
    assert pipes.declared_on == date(2025, 3, 8) and pipes.decided_on is None


def _fund_figures(as_of: date) -> dict:
    return channel_figures(2025, as_of)["中央预算内投资"]


def test_fund_figures_with_unknown_decision_date_follow_the_contract(runner, tmp_path):
    """Contract: an unknown decision date counts as decided from the import's date on; everything
    else (declared count, requested, amounts) equals the dated ledger at every date."""
    assert _import(runner, tmp_path, "funds", ledger(FUND_HEADERS, FUND_ROWS)).exit_code == 0
    missing = {d: _fund_figures(d) for d in (date(2025, 5, 31), date(2025, 7, 31), date(2025, 12, 10))}
    _start_over()
    assert _import(runner, tmp_path, "funds", ledger(FUND_FILLED_HEADERS, FUND_FILLED_ROWS)).exit_code == 0
    filled = {d: _fund_figures(d) for d in missing}
    same = ("count", "requested_yuan", "approved_yuan", "disbursed_yuan", "reserve_count")
    for day in missing:
        assert {k: missing[day][k] for k in same} == {k: filled[day][k] for k in same}
    assert missing[date(2025, 12, 10)] == filled[date(2025, 12, 10)]  # as of the import date: equal
    # before it, the undated 未通过 is not yet decided: 1 decided (approved) instead of 2
    assert (missing[date(2025, 7, 31)]["decided_count"], filled[date(2025, 7, 31)]["decided_count"]) == (1, 2)
    assert missing[date(2025, 7, 31)]["approval_rate"] == 1.0 and filled[date(2025, 7, 31)]["approval_rate"] == 0.5
    assert missing[date(2025, 5, 31)] == filled[date(2025, 5, 31)]  # before either decision


# ---- preview: warnings apart from errors, parsed values, amounts to confirm -------------------------


@pytest.fixture
def officer(client, login, make):
    user = make.user("investment")
    db.session.commit()
    login(user)
    return user


def _upload(client, content, kind="deals"):
    response = client.post(
        "/imports/preview",
        data={"kind": kind, "file": (io.BytesIO(content), "台账.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return response.location.rsplit("/", 1)[-1]


def test_preview_shows_warnings_apart_and_parsed_values(client, officer):
    token = _upload(client, ledger(DEAL_HEADERS, DEAL_ROWS))
    page = client.get(f"/imports/preview/{token}").data.decode()
    assert "错误 0" in page and "提示 2" in page and 'data-testid="preview-warnings"' in page
    assert 'data-testid="row-warnings"' in page and "取自备注" in page
    assert "25,000 万元" in page  # 2.5亿 as stored
    assert "2025-03-01" in page and "巴公镇" in page  # ISO date, matched township
    assert 'data-testid="commit-button"' in page
    only = client.get(f"/imports/preview/{token}?outcome=warning").data.decode()
    assert "储能电池PACK项目" in only and "高纯硅基材料项目" not in only


SLIP = [
    ["算力中心项目", "北辰数据科技有限公司", 999999999, "是", "已签约", "2025-01-10", "2025-03-01", None, "巴公", None]
]


def test_implausible_amount_needs_a_tick_in_the_preview(client, officer):
    token = _upload(client, ledger(DEAL_HEADERS, SLIP))
    page = client.get(f"/imports/preview/{token}").data.decode()
    assert 'data-testid="confirm-amounts"' in page and 'name="confirm_rows" value="3"' in page
    refused = client.post(f"/imports/preview/{token}/commit", data={})
    assert refused.status_code == 302 and "outcome=confirm" in refused.location
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 0
    ok = client.post(f"/imports/preview/{token}/commit", data={"confirm_rows": "3"})
    assert ok.status_code == 302 and "/imports/batches/" in ok.location
    deal = db.session.scalar(sa.select(Deal))
    assert deal.contract_amount_yuan == 9_999_999_990_000
    confirm = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "confirm"))
    assert (confirm.entity, confirm.record_id, confirm.source) == ("deals", deal.id, "import")


def test_cli_refuses_implausible_amount_unless_confirmed(runner, tmp_path):
    refused = _import(runner, tmp_path, "deals", ledger(DEAL_HEADERS, SLIP))
    assert refused.exit_code == 1 and "--confirm-amounts" in refused.output
    ok = _import(runner, tmp_path, "deals", ledger(DEAL_HEADERS, SLIP), "--confirm-amounts")
    assert ok.exit_code == 0, ok.output
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "confirm")) == 1
    )


def test_reimport_of_a_confirmed_amount_needs_no_new_tick(runner, tmp_path):
    assert _import(runner, tmp_path, "deals", ledger(DEAL_HEADERS, SLIP), "--confirm-amounts").exit_code == 0
    again = _import(runner, tmp_path, "deals", ledger(DEAL_HEADERS, SLIP))
    assert again.exit_code == 0, again.output
    assert "未变 1" in again.output


def test_project_ledger_amounts_are_checked_too(runner, tmp_path):
    headers = ["项目名称", "计划年度", "总投资（万元）", "年度计划投资（万元）"]
    content = ledger(headers, [["城东供热管网工程", 2025, 60_000_000, 3000]])
    refused = _import(runner, tmp_path, "projects", content)
    assert refused.exit_code == 1 and "总投资" in refused.output and "超过合理上限" in refused.output
    assert _import(runner, tmp_path, "projects", content, "--confirm-amounts").exit_code == 0
