"""Alert counts in SQL and the rows shown (limit per kind) agree with the full alert lists."""

import importlib.util
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.models import set_setting
from app.dashboard.metrics import alert_counts, alert_groups, alerts, compute_metrics
from app.dashboard.metrics.alerts import KINDS
from app.dashboard.metrics.periods import gap_level, read_thresholds
from app.deals.models import Deal
from app.extensions import db
from app.people.models import Leader
from tests import factories
from tests.dashboard.conftest import walk

JUNE_30 = date(2025, 6, 30)
BENCH_TODAY = date(2025, 11, 20)


def tally(items: list[dict]) -> dict[str, dict]:
    """What alert_counts should say, counted from a full alert list."""
    result = {}
    for kind in KINDS:
        rows = [a for a in items if a["kind"] == kind]
        danger = sum(a["level"] == "danger" for a in rows)
        result[kind] = {"count": len(rows), "danger": danger, "warning": len(rows) - danger}
    return result


def first_of_each_kind(items: list[dict], n: int) -> list[dict]:
    return [a for kind in KINDS for a in [x for x in items if x["kind"] == kind][:n]]


def test_counts_of_the_hand_computed_county(county):
    # As of 30 June: 丙镇 −50 points (red); B waits 91 days (> 90, not > 180); G's follow-up was due
    # 28 June (overdue) and its last update was 1 May (60 days > 30). No problems, no applications.
    assert alert_counts(2025, JUNE_30) == {
        "progress": {"count": 1, "danger": 1, "warning": 0},
        "start_rate_risk": {"count": 0, "danger": 0, "warning": 0},
        "signed_not_started": {"count": 1, "danger": 0, "warning": 1},
        "problem_deadline": {"count": 0, "danger": 0, "warning": 0},
        "fund_deadline": {"count": 0, "danger": 0, "warning": 0},
        "follow_up": {"count": 1, "danger": 1, "warning": 0},
        "stale": {"count": 1, "danger": 0, "warning": 1},
    }
    # Threshold 20 days: B (91 > 40, danger) and F (25 days, warning).
    set_setting("alert.signed_not_started_days", "20")
    db.session.commit()
    assert alert_counts(2025, JUNE_30)["signed_not_started"] == {"count": 2, "danger": 1, "warning": 1}


def test_counts_follow_levels_at_the_boundaries(county):
    from app.problems.services import create_problem

    # Problems: overdue by one day (danger), due today and in 3 days (warning), in 4 days (not yet).
    for deadline in (date(2025, 6, 29), JUNE_30, date(2025, 7, 3), date(2025, 7, 4)):
        create_problem(
            {"deal": county.a, "description": f"时限{deadline}", "found_on": date(2025, 6, 1), "deadline_on": deadline}
        )
    # Applications: passed (danger), 1 day left (danger), 2 and 7 days (warning), 8 days and last year (none).
    for deadline in (
        date(2025, 6, 1),
        date(2025, 7, 1),
        date(2025, 7, 2),
        date(2025, 7, 7),
        date(2025, 7, 8),
        date(2024, 12, 31),
    ):
        factories.application(f"截止{deadline}", deadline_on=deadline)
    db.session.commit()
    counts = alert_counts(2025, JUNE_30)
    assert counts["problem_deadline"] == {"count": 3, "danger": 1, "warning": 2}
    assert counts["fund_deadline"] == {"count": 4, "danger": 2, "warning": 2}
    assert counts == tally(alerts(2025, JUNE_30))


def test_groups_list_the_first_alerts_and_count_them_all(county):
    for number in range(7):
        deal = walk(f"线索{number}", amount=1, lead_on=date(2025, 1, 2))
        deal.last_activity_on = date(2025, 1, 2 + number)
    db.session.commit()
    full = alerts(2025, JUNE_30)
    groups = alert_groups(2025, JUNE_30, limit_per_kind=3)
    assert [g["kind"] for g in groups] == ["progress", "signed_not_started", "follow_up", "stale"]
    stale = groups[-1]
    assert (stale["label"], stale["count"], stale["danger"], stale["warning"]) == ("久未更新", 8, 0, 8)
    # The oldest update first: the seven leads of 2 to 8 January, then G (1 May); three shown.
    assert [a["title"][:3] for a in stale["alerts"]] == ["线索0", "线索1", "线索2"]
    assert stale["alerts"] == [a for a in full if a["kind"] == "stale"][:3]
    assert alerts(2025, JUNE_30, limit_per_kind=3) == first_of_each_kind(full, 3)
    assert alerts(2025, JUNE_30, limit_per_kind=0) == []
    counts_only = alert_groups(2025, JUNE_30, limit_per_kind=0)
    assert [(g["kind"], g["count"], g["alerts"]) for g in counts_only] == [
        ("progress", 1, []),
        ("signed_not_started", 1, []),
        ("follow_up", 1, []),
        ("stale", 8, []),
    ]


def test_home_panel_shows_counts_from_sql(client, login, make):
    for number in range(53):
        deal = walk(f"线索{number}", amount=1, lead_on=date(2025, 1, 2))
        deal.last_activity_on = date(2025, 1, 2)
    login(make.user("taskforce"))
    html = client.get("/").get_data(as_text=True)
    assert '久未更新 <span class="badge text-bg-warning">53</span>' in html


def _bench_data():
    path = Path(__file__).resolve().parents[2] / "scripts" / "bench_data.py"
    spec = importlib.util.spec_from_file_location("bench_data_for_tests", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def generated_county():
    """The benchmark's generated county at 600 deals (today 2025-11-20): hundreds of alerts of every kind."""
    from app.auth.models import User

    _bench_data().build_dataset(600, BENCH_TODAY)
    busiest_leader = db.session.scalar(
        sa.select(Deal.leader_id)
        .where(Deal.leader_id.is_not(None))
        .group_by(Deal.leader_id)
        .order_by(sa.func.count().desc(), Deal.leader_id)
        .limit(1)
    )
    users = {
        "county": None,
        "taskforce": db.session.scalar(sa.select(User).where(User.username == "bench_taskforce")),
        "unit": db.session.scalar(sa.select(User).where(User.username == "bench_unit")),
        "leader": factories.user("leader", leader=db.session.get(Leader, busiest_leader)),
    }
    db.session.commit()
    return users


def test_counts_equal_the_full_lists_on_a_generated_county(generated_county):
    for as_of in (BENCH_TODAY, JUNE_30, date(2025, 10, 31)):
        for name, user in generated_county.items():
            full = alerts(2025, as_of, user=user)
            counts = alert_counts(2025, as_of, user=user)
            assert list(counts) == list(KINDS)
            assert counts == tally(full), (as_of, name)
            assert alerts(2025, as_of, user=user, limit_per_kind=50) == first_of_each_kind(full, 50), (as_of, name)
            figures = compute_metrics(2025, as_of)
            groups = alert_groups(2025, as_of, user=user, figures=figures, limit_per_kind=50)
            assert [(g["kind"], g["count"], g["danger"], g["warning"]) for g in groups] == [
                (kind, c["count"], c["danger"], c["warning"]) for kind, c in counts.items() if c["count"]
            ]
            assert [a for g in groups for a in g["alerts"]] == first_of_each_kind(full, 50)
    # The dataset is a real test: county-wide, most kinds have alerts and some more than shown.
    counts = alert_counts(2025, BENCH_TODAY)
    assert sum(1 for c in counts.values() if c["count"]) >= 5
    assert max(c["count"] for c in counts.values()) > 50
    assert sum(c["danger"] for c in counts.values()) > 0 and sum(c["warning"] for c in counts.values()) > 0
    scoped = alert_counts(2025, BENCH_TODAY, user=generated_county["unit"])
    assert 0 < sum(c["count"] for c in scoped.values()) < sum(c["count"] for c in counts.values())


def test_counts_follow_edited_thresholds_on_a_generated_county(generated_county):
    before = alert_counts(2025, BENCH_TODAY)
    for key, value in (
        ("alert.signed_not_started_days", "30"),
        ("alert.stale_days", "90"),
        ("alert.problem_deadline_days", "0"),
        ("alert.fund_deadline_days", "30"),
    ):
        set_setting(key, value)
    db.session.commit()
    after = alert_counts(2025, BENCH_TODAY)
    assert after == tally(alerts(2025, BENCH_TODAY))
    assert after["signed_not_started"]["count"] > before["signed_not_started"]["count"]
    assert after["stale"]["count"] < before["stale"]["count"]


def test_thresholds_are_read_once_per_computation(county, app):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        compute_metrics(2025, date(2025, 9, 30))
        metrics_reads = sum("FROM settings" in s for s in statements)
        statements.clear()
        alert_groups(2025, date(2025, 9, 30), limit_per_kind=50)
        alert_reads = sum("FROM settings" in s for s in statements)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert (metrics_reads, alert_reads) == (1, 1)


def test_gap_level_uses_the_thresholds_passed_in(county):
    thresholds = read_thresholds()
    assert thresholds["alert.progress_yellow_points"] == 10 and thresholds["alert.progress_red_points"] == 30
    assert gap_level(-0.15, thresholds) == "yellow"
    assert gap_level(-0.15, {**thresholds, "alert.progress_yellow_points": 20}) == "ok"
    assert gap_level(-0.15, {**thresholds, "alert.progress_red_points": 15}) == "red"
    set_setting("alert.progress_yellow_points", "abc")  # unreadable: the default, as threshold() gives
    set_setting("alert.progress_red_points", "25")
    db.session.commit()
    assert read_thresholds()["alert.progress_yellow_points"] == 10
    assert read_thresholds()["alert.progress_red_points"] == 25


@pytest.mark.parametrize(
    "stored, fund_days, problem_days",
    [(None, 7, 3), ("12", 12, 12), ("abc", 7, 3), ("-1", 7, 3), ("１０", 10, 10), ("999", 7, 3)],
)
def test_every_reader_of_a_threshold_agrees(app, stored, fund_days, problem_days):
    """The fund deadline and problem reminders read the thresholds exactly as the dashboard does."""
    from app.core.models import set_setting
    from app.funds.queries import deadline_days
    from app.problems.queries import alert_days

    if stored is not None:
        set_setting("alert.fund_deadline_days", stored)
        set_setting("alert.problem_deadline_days", stored)
    thresholds = read_thresholds()
    assert (deadline_days(), alert_days()) == (fund_days, problem_days)
    assert (thresholds["alert.fund_deadline_days"], thresholds["alert.problem_deadline_days"]) == (
        fund_days,
        problem_days,
    )
