"""Plan figures (issue §5) on a small dataset computed by hand."""

from datetime import date

import pytest

from app.extensions import db
from app.projects.queries import plan_figures
from app.projects.services import record_investment

WAN = 10_000


@pytest.fixture
def dataset(make, seeded):
    """Five projects of 2025, one of 2024, one of 2026 (see the figures in each test)."""
    p1 = make.project(
        "P1 新建重点",
        nature="新建",
        annual_plan_yuan=6000 * WAN,
        total_investment_yuan=20000 * WAN,
        reserve_status="实施",
        actual_start_on=date(2025, 3, 10),
    )
    p2 = make.project(
        "P2 人工认定重点",
        nature="新建",
        annual_plan_yuan=3000 * WAN,
        key_override=True,
        total_investment_yuan=5000 * WAN,
        reserve_status="前期",
        actual_start_on=date(2025, 5, 20),
    )
    make.project(
        "P3 人工排除重点",
        nature="新建",
        annual_plan_yuan=8000 * WAN,
        key_override=False,
        total_investment_yuan=30000 * WAN,
        reserve_status="储备",
    )
    p4 = make.project(
        "P4 续建",
        nature="续建",
        annual_plan_yuan=1000 * WAN,
        total_investment_yuan=10000 * WAN,
        reserve_status="实施",
        actual_start_on=date(2024, 6, 1),
    )
    make.project(
        "P5 八月开工",
        nature="新建",
        annual_plan_yuan=2000 * WAN,
        total_investment_yuan=4000 * WAN,
        reserve_status="储备",
        actual_start_on=date(2025, 8, 1),
    )
    p6 = make.project(
        "P6 上年项目",
        plan_year=2024,
        nature="新建",
        annual_plan_yuan=9000 * WAN,
        total_investment_yuan=60000 * WAN,
        reserve_status="前期",
        actual_start_on=date(2025, 2, 1),
    )
    make.project("P7 明年储备", plan_year=2026, total_investment_yuan=10000 * WAN, reserve_status="储备")
    record_investment(p1, period_on=date(2025, 3, 1), amount_yuan=500 * WAN)
    record_investment(p1, period_on=date(2025, 6, 1), amount_yuan=800 * WAN)
    record_investment(p1, period_on=date(2025, 7, 1), amount_yuan=300 * WAN)  # dated 07-31
    record_investment(p2, period_on=date(2025, 5, 1), amount_yuan=200 * WAN)
    record_investment(p4, period_on=date(2024, 12, 1), amount_yuan=999 * WAN)  # last year
    record_investment(p4, period_on=date(2025, 2, 1), amount_yuan=100 * WAN)
    record_investment(p6, period_on=date(2025, 3, 1), amount_yuan=1000 * WAN)  # not a 2025 project
    db.session.commit()


def test_plan_figures_mid_year(dataset):
    figures = plan_figures(2025, date(2025, 7, 15))
    assert figures["count"] == 5
    assert figures["annual_plan_yuan"] == 20000 * WAN  # 6000 + 3000 + 8000 + 1000 + 2000
    # P1 (≥5000万) and P2 (override); P3 is ≥5000万 but excluded by hand.
    assert figures["key_count"] == 2
    assert figures["key_annual_plan_yuan"] == 9000 * WAN
    # 2025 entries of 2025 projects dated ≤ 07-15: 500 + 800 + 200 + 100 (July is dated 07-31).
    assert figures["completed_yuan"] == 1600 * WAN
    assert figures["key_completed_yuan"] == 1500 * WAN
    # Started by 07-15: P1, P2, P4 (continuing, started last year).
    assert figures["started_count"] == 3
    assert figures["start_rate"] == pytest.approx(3 / 5)
    assert figures["new_count"] == 4
    assert figures["new_started_count"] == 2
    assert figures["new_start_rate"] == pytest.approx(0.5)
    q1, h1, q3 = figures["milestones"]
    assert (q1["label"], q1["due"], q1["required_rate"]) == ("一季度", "2025-03-31", 0.4)
    assert q1["actual_rate"] == pytest.approx(1 / 4) and q1["met"] is False
    assert (h1["due"], h1["required_rate"]) == ("2025-06-30", 0.8)
    assert h1["actual_rate"] == pytest.approx(2 / 4) and h1["met"] is False
    assert (q3["due"], q3["required_rate"]) == ("2025-09-30", 1.0)
    assert q3["actual_rate"] is None and q3["met"] is None  # not due yet
    # Reserve library (储备/前期, any year): P2 0.5亿 + P3 3亿 + P5 0.4亿 + P6 6亿 + P7 1亿.
    assert figures["reserve_total_yuan"] == 109000 * WAN
    assert figures["target_count"] == 398
    assert figures["target_annual_plan_yuan"] == 170 * 100_000_000
    assert figures["key_target_count"] == 69
    assert figures["key_target_plan_yuan"] == 117 * 100_000_000
    assert figures["reserve_target_yuan"] == 1000 * 100_000_000
    assert figures["fixed_asset_target_yuan"] == 15_840_000_000
    for key in ("count", "annual_plan_yuan", "completed_yuan", "key_completed_yuan", "reserve_total_yuan"):
        assert type(figures[key]) is int, key


def test_plan_figures_year_end(dataset):
    figures = plan_figures(2025, date(2025, 12, 31))
    assert figures["started_count"] == 4  # P5 started 08-01
    assert figures["new_started_count"] == 3
    assert figures["completed_yuan"] == 1900 * WAN  # July now included
    q1, h1, q3 = figures["milestones"]
    assert q1["actual_rate"] == pytest.approx(0.25)
    assert q3["actual_rate"] == pytest.approx(3 / 4) and q3["met"] is False


def test_plan_figures_milestone_met(make, seeded):
    make.project("早开工", nature="新建", actual_start_on=date(2025, 2, 1))
    make.project("续建不计入里程碑", nature="续建")
    db.session.commit()
    q1 = plan_figures(2025, date(2025, 4, 1))["milestones"][0]
    assert q1["actual_rate"] == 1.0 and q1["met"] is True


def test_plan_figures_empty_year(seeded):
    figures = plan_figures(2031, date(2031, 12, 31))
    assert figures["count"] == 0 and figures["annual_plan_yuan"] == 0 and figures["completed_yuan"] == 0
    assert figures["start_rate"] is None and figures["new_start_rate"] is None
    assert all(m["actual_rate"] is None and m["met"] is None for m in figures["milestones"])
    assert figures["target_count"] is None
