"""Alerts of DOMAIN.md §5 with their thresholds."""

from datetime import date

import sqlalchemy as sa

from app.core.models import set_setting
from app.dashboard.metrics import alerts
from app.extensions import db
from app.people.models import Target
from tests import factories

JUNE_30 = date(2025, 6, 30)


def kinds(items, kind):
    return [a for a in items if a["kind"] == kind]


def test_every_alert_has_the_contract_keys(county):
    items = alerts(2025, JUNE_30)
    assert items
    for alert in items:
        assert {"kind", "level", "title", "detail", "url"} <= set(alert)
        assert alert["level"] in ("warning", "danger")


def test_signed_not_started_beyond_threshold(county):
    items = kinds(alerts(2025, JUNE_30), "signed_not_started")
    # B waited 91 days (> 90); F only 25; C is terminated; E is not counted.
    assert [a["deal_id"] for a in items] == [county.b.id]
    assert items[0]["level"] == "warning" and "91 天" in items[0]["title"]
    set_setting("alert.signed_not_started_days", "20")
    db.session.commit()
    items = kinds(alerts(2025, JUNE_30), "signed_not_started")
    assert [a["deal_id"] for a in items] == [county.b.id, county.f.id]
    assert items[0]["level"] == "danger"  # 91 > 2 × 20


def test_progress_alerts(county):
    # County on schedule (50% vs 6/12); 甲镇 and 乙局 75%; 丙镇 0% of its target → −50 points (red).
    assert [(a["title"], a["level"]) for a in kinds(alerts(2025, JUNE_30), "progress")] == [
        ("丙镇签约进度落后序时进度 50.0 个百分点", "danger")
    ]
    items = kinds(alerts(2025, date(2025, 9, 30)), "progress")
    # County: 60% vs 75% → −15 points (yellow). 甲镇 400M of 400M = 100%; 乙局 150M of 200M = 75% (ok);
    # 丙镇 0 of 100M → −75 points (red).
    assert [(a["title"][:4], a["level"]) for a in items] == [("全县签约", "warning"), ("丙镇签约", "danger")]
    # 31 December: county 60% vs 100% (red); 丙镇 −100 points before 乙局 −25 (furthest behind first).
    items = kinds(alerts(2025, date(2025, 12, 31)), "progress")
    assert [(a["title"][:4], a["level"]) for a in items] == [
        ("全县签约", "danger"),
        ("丙镇签约", "danger"),
        ("乙局签约", "warning"),
    ]


def test_year_end_start_rate_risk(county):
    assert kinds(alerts(2025, date(2025, 9, 30)), "start_rate_risk") == []  # before October
    assert kinds(alerts(2025, date(2025, 10, 31)), "start_rate_risk") == []  # 2 of 5 = 40%, on target
    target = db.session.scalar(sa.select(Target).where(Target.year == 2025, Target.metric == "same_year_start_rate"))
    target.value = 5000
    db.session.commit()
    items = kinds(alerts(2025, date(2025, 10, 31)), "start_rate_risk")
    assert len(items) == 1 and items[0]["level"] == "danger"
    assert items[0]["needed"] == 1  # ceil(50% × 5) − 2


def test_follow_up_and_stale(county):
    items = alerts(2025, JUNE_30)
    follow = kinds(items, "follow_up")
    assert [(a["deal_id"], a["level"]) for a in follow] == [(county.g.id, "danger")]  # due 28 June
    assert "2 天" in follow[0]["title"]
    assert kinds(alerts(2025, date(2025, 6, 28)), "follow_up")[0]["level"] == "warning"  # due that day
    stale = kinds(items, "stale")
    assert [a["deal_id"] for a in stale] == [county.g.id]  # last update 1 May: 60 days
    assert kinds(alerts(2025, date(2025, 5, 31)), "stale") == []  # 30 days is not beyond 30


def test_fund_deadline(seeded):
    factories.application("即将截止", deadline_on=date(2025, 7, 5))
    factories.application("尚早", deadline_on=date(2025, 7, 20))
    db.session.commit()
    items = kinds(alerts(2025, JUNE_30), "fund_deadline")
    assert [a["title"] for a in items] == ["即将截止距申报截止还有 5 天"]
    assert items[0]["level"] == "warning"


def test_problem_deadlines(county):
    from app.problems.services import create_problem

    overdue = create_problem(
        {
            "deal": county.a,
            "description": "用地报批滞后",
            "found_on": date(2025, 5, 1),
            "deadline_on": date(2025, 6, 20),
        }
    )
    soon = create_problem(
        {
            "deal": county.b,
            "description": "施工用电未接入",
            "found_on": date(2025, 6, 1),
            "deadline_on": date(2025, 7, 3),
        }
    )
    create_problem(
        {"deal": county.b, "description": "尚早", "found_on": date(2025, 6, 1), "deadline_on": date(2025, 7, 4)}
    )
    db.session.commit()
    items = kinds(alerts(2025, JUNE_30), "problem_deadline")
    assert [(a["problem_id"], a["level"]) for a in items] == [(overdue.id, "danger"), (soon.id, "warning")]
    assert "督办" in items[0]["detail"]


def test_alerts_are_scoped_for_unit_users(county, make):
    user = make.user("unit", unit=county.u1)
    db.session.commit()
    items = alerts(2025, JUNE_30, user=user)
    assert kinds(items, "follow_up") == [] and kinds(items, "stale") == []  # G belongs to 乙局
    assert [a["deal_id"] for a in kinds(items, "signed_not_started")] == [county.b.id]


def test_alerts_link_to_their_records(county, app):
    from app.problems.services import create_problem

    problem = create_problem(
        {
            "deal": county.a,
            "description": "用地报批滞后",
            "found_on": date(2025, 5, 1),
            "deadline_on": date(2025, 6, 20),
        }
    )
    application = factories.application("即将截止", deadline_on=date(2025, 7, 5))
    db.session.commit()
    items = alerts(2025, JUNE_30)
    by_kind = {a["kind"]: a for a in items}
    assert by_kind["signed_not_started"]["url"] == f"/deals/{county.b.id}"
    assert by_kind["follow_up"]["url"] == f"/deals/{county.g.id}"
    assert by_kind["stale"]["url"] == f"/deals/{county.g.id}"
    assert by_kind["problem_deadline"]["url"] == f"/problems/{problem.id}"
    assert by_kind["fund_deadline"]["url"] == f"/funds/{application.id}"
    unit_alert = [a for a in items if a["kind"] == "progress"][0]  # 丙镇: its deals in the list
    assert unit_alert["url"] == f"/deals/?lead_unit={county.u3.id}&year=2025&counted=1"


def test_alerts_reuse_figures_at_hand(county):
    from app.dashboard.metrics import compute_metrics

    for as_of in (JUNE_30, date(2025, 10, 31), date(2025, 12, 31)):
        assert alerts(2025, as_of, figures=compute_metrics(2025, as_of)) == alerts(2025, as_of)
