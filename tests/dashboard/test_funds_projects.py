"""Fund and project figures reach compute_metrics from the funds and projects features unchanged."""

from datetime import date

import pytest

from app.dashboard.metrics import compute_metrics
from app.extensions import db
from app.funds.services import add_ledger_entry, change_status
from app.projects.services import record_investment
from tests import factories

MILLION = 1_000_000
JUNE_30 = date(2025, 6, 30)


@pytest.fixture
def funds_and_projects(seeded):
    leader = factories.leader("赵包联")
    bond = factories.channel("地方政府专项债券")
    app_ = factories.application("污水厂提标改造", channel_obj=bond, requested=30 * MILLION, leader_id=leader.id)
    change_status(app_, "已申报", effective_on=date(2025, 3, 1))
    change_status(app_, "已下达", effective_on=date(2025, 4, 1))
    add_ledger_entry(app_, kind="下达", entry_on=date(2025, 4, 1), amount_yuan=20 * MILLION)
    add_ledger_entry(app_, kind="发行", entry_on=date(2025, 4, 15), amount_yuan=20 * MILLION)
    add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 5, 1), amount_yuan=10 * MILLION)
    add_ledger_entry(app_, kind="支出", entry_on=date(2025, 6, 1), amount_yuan=5 * MILLION)
    add_ledger_entry(app_, kind="支出", entry_on=date(2025, 7, 1), amount_yuan=3 * MILLION)
    reserve = factories.application("储备项目", channel_obj=bond, requested=8 * MILLION)
    project = factories.project(
        "园区道路",
        plan_year=2025,
        annual_plan_yuan=60 * MILLION,
        leader_id=leader.id,
        actual_start_on=date(2025, 3, 10),
    )
    record_investment(project, period_on=date(2025, 5, 31), amount_yuan=10 * MILLION)
    record_investment(project, period_on=date(2025, 7, 31), amount_yuan=7 * MILLION)
    db.session.commit()
    return reserve


def test_fund_figures_per_channel_and_total(funds_and_projects):
    m = compute_metrics(2025, JUNE_30)
    assert list(m["funds"])[:4] == [
        "中央预算内投资",
        "超长期特别国债（“两重”）",
        "超长期特别国债（“两新”）",
        "地方政府专项债券",
    ]
    bond = m["funds"]["地方政府专项债券"]
    assert bond["is_bond"] is True
    assert (bond["count"], bond["requested_yuan"]) == (1, 30 * MILLION)
    assert (bond["reserve_count"], bond["reserve_yuan"]) == (1, 8 * MILLION)
    assert (bond["decided_count"], bond["approved_count"], bond["approval_rate"]) == (1, 1, 1.0)
    assert (bond["approved_yuan"], bond["issued_yuan"], bond["disbursed_yuan"], bond["spent_yuan"]) == (
        20 * MILLION,
        20 * MILLION,
        10 * MILLION,
        5 * MILLION,
    )  # the 3M spent on 1 July is after the as-of date
    assert bond["spend_progress"] == pytest.approx(5 / 20)  # bonds: spent ÷ issued
    total = m["funds_total"]
    assert (total["count"], total["requested_yuan"], total["spent_yuan"]) == (1, 30 * MILLION, 5 * MILLION)
    assert "is_bond" not in total


def test_project_figures(funds_and_projects):
    p = compute_metrics(2025, JUNE_30)["projects"]
    assert (p["count"], p["key_count"], p["started_count"]) == (1, 1, 1)
    assert (p["annual_plan_yuan"], p["completed_yuan"], p["key_completed_yuan"]) == (
        60 * MILLION,
        10 * MILLION,
        10 * MILLION,
    )
    assert p["start_rate"] == pytest.approx(1.0)
    assert p["target_count"] == 398  # the seeded 2025 target


def test_issue_shape(funds_and_projects):
    """The object issue 6 asks for, at least."""
    m = compute_metrics(2025, JUNE_30)
    assert {"count", "amount_yuan", "target_yuan", "progress", "time_progress"} <= set(m["signed"])
    assert {"signed_count", "started_count", "rate", "amount_rate", "target_rate"} <= set(m["same_year_start"])
    for figures in m["funds"].values():
        assert {"count", "requested_yuan", "approved_yuan", "disbursed_yuan", "spent_yuan"} <= set(figures)
    for unit in m["units"]:
        assert {"unit", "signed_count", "signed_amount_yuan", "started_count", "start_rate"} <= set(unit)
