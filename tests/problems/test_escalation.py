"""Effective status and automatic escalation: one SQL definition for list, page, alerts, report and Excel."""

import re
from datetime import date, timedelta

import pytest

from app.core.models import set_setting
from app.dashboard.metrics import alerts, overdue_problems
from app.extensions import db
from app.problems import queries
from app.problems.services import escalate, move_problem

TODAY = date(2025, 7, 10)


@pytest.fixture
def pinned(app, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_TODAY", TODAY.isoformat())
    return TODAY


def overdue_problem(make, days: int, *, level: int = 1, status: str = "已交办"):
    """A problem whose deadline passed ``days`` days before TODAY."""
    deadline = TODAY - timedelta(days=days)
    problem = make.problem(
        found_on=deadline - timedelta(days=30),
        deadline_on=deadline,
        unit_id=make.unit().id,
        escalation_level=level,
        description=f"超期{days}天的问题",
    )
    if status != "待交办":
        move_problem(problem, status, effective_on=deadline - timedelta(days=29))
    return problem


@pytest.mark.parametrize(
    ("days", "level"),
    [
        (-5, 1),  # not yet due
        (0, 1),  # the deadline day itself is still in time
        (1, 1),
        (6, 1),
        (7, 2),
        (29, 2),  # 2级 from N = 7 days overdue (default)
        (30, 3),
        (200, 3),  # 3级 from M = 30 days
    ],
)
def test_level_rises_with_days_overdue(make, pinned, days, level):
    problem = overdue_problem(make, days)
    db.session.commit()
    assert queries.level_of(problem, TODAY) == level
    assert queries.row_for(problem, TODAY).level == level
    assert problem.escalation_level == 1  # nothing is written: computed in the query


def test_thresholds_are_settings(make, pinned):
    problem = overdue_problem(make, 10)
    set_setting("alert.problem_level2_days", "3")
    set_setting("alert.problem_level3_days", "10")
    db.session.commit()
    assert queries.level_of(problem, TODAY) == 3
    set_setting("alert.problem_level2_days", "11")
    set_setting("alert.problem_level3_days", "40")
    db.session.commit()
    assert queries.level_of(problem, TODAY) == 1


def test_hand_set_level_is_never_lowered(make, pinned):
    problem = overdue_problem(make, 8, level=3)
    db.session.commit()
    row = queries.row_for(problem, TODAY)
    assert (row.level, row.level_reason) == (3, None)


def test_closed_problem_is_not_escalated(make, pinned):
    problem = overdue_problem(make, 40)
    move_problem(problem, "已销号", effective_on=TODAY, resolution="已办结")
    db.session.commit()
    row = queries.row_for(problem, TODAY)
    assert (row.status, row.level, row.overdue) == ("已销号", 1, False)
    # As of a date when it was still open and 40 days late it was 督办中 at 3级.
    late = TODAY - timedelta(days=1)
    assert queries.level_of(problem, late) == 3


def test_one_definition_everywhere(client, login, make, pinned, seeded):
    """List, page, alerts, report list and level filter all read the same status and level."""
    problem = overdue_problem(make, 12, status="待交办")
    db.session.commit()
    login(make.user("taskforce"))
    row = queries.row_for(problem, TODAY)
    assert (row.status, row.level, row.days_overdue) == ("督办中", 2, 12)
    assert row.level_reason == "超期12天，自动升为2级督办（分管县领导）"

    listed = client.get("/problems/").get_data(as_text=True)
    assert "2级督办（自动）" in listed and row.level_reason in listed
    assert "超期12天的问题" in client.get("/problems/?level=2").get_data(as_text=True)
    assert "超期12天的问题" not in client.get("/problems/?level=1").get_data(as_text=True)

    page = client.get(f"/problems/{problem.id}").get_data(as_text=True)
    assert "2级督办 · 分管县领导" in page and row.level_reason in page

    report_rows = overdue_problems(TODAY)
    assert [(r["status"], r["escalation_level"], r["level_reason"]) for r in report_rows] == [
        ("督办中", 2, row.level_reason)
    ]
    alert = [a for a in alerts(2025, TODAY) if a["kind"] == "problem_deadline"]
    assert len(alert) == 1 and "督办中" in alert[0]["detail"] and "2级（分管县领导）" in alert[0]["detail"]


def test_closing_is_offered_from_the_effective_status(client, login, make, pinned):
    """A 待交办 problem past its deadline is 督办中: 销号 is offered at once, without picking 已交办 first."""
    problem = overdue_problem(make, 3, status="待交办")
    db.session.commit()
    login(make.user("taskforce"))
    page = client.get(f"/problems/{problem.id}").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([^"]+)"', page.split('data-testid="move-form"')[1].split("</form>")[0])
    assert "已销号" in options
    response = client.post(
        f"/problems/{problem.id}/move",
        data={"move-to_status": "已销号", "move-effective_on": TODAY.isoformat(), "move-resolution": "已协调解决"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(problem), problem.id).status == "已销号"


def test_unit_cannot_lower_its_own_even_when_automatic(client, login, make, pinned):
    problem = overdue_problem(make, 10)
    db.session.commit()
    unit_user = make.user("unit", unit=problem.unit)
    db.session.commit()
    login(unit_user)
    page = client.post(f"/problems/{problem.id}/escalate", data={"escalate-level": 1, "escalate-note": "已在处理"})
    assert page.status_code == 200
    assert "责任单位不能降低本单位问题的督办层级" in page.get_data(as_text=True)
    # The unit may ask for more help.
    assert client.post(f"/problems/{problem.id}/escalate", data={"escalate-level": 3}).status_code == 302


def test_nobody_goes_below_the_automatic_level(make, pinned):
    problem = overdue_problem(make, 35, level=1)
    db.session.commit()  # 35 days overdue: 3级 by itself
    admin = make.user("taskforce")
    with pytest.raises(Exception, match="至少为3级督办"):
        escalate(problem, 2, actor=admin, note="协调中")


def test_threshold_order_is_checked(client, login, make, seeded):
    login(make.user("admin"))
    db.session.commit()
    form = {
        "signed_not_started_days": "60",
        "year_end_risk_month": "10",
        "stale_days": "45",
        "fund_deadline_days": "10",
        "problem_deadline_days": "5",
        "progress_yellow_points": "10",
        "progress_red_points": "30",
        "problem_level2_days": "20",
        "problem_level3_days": "10",
    }
    page = client.post("/dashboard/alert-settings", data=form)
    assert page.status_code == 200
    assert "问题超期自动升为3级督办的天数须大于升为2级的天数" in page.get_data(as_text=True)
