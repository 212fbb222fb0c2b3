"""Timelines read like the rest of the UI: people by name, codes as labels, amounts in their unit, Beijing time."""

from datetime import date, datetime

import sqlalchemy as sa

from app.auth.models import User
from app.core.audit import AuditEntry, audit_context
from app.core.audit_display import actor_name, describe, timeline_for
from app.extensions import db
from app.people.services import save_target
from app.problems.services import escalate
from app.projects.services import record_investment
from app.reports.models import IssuedReport


def changes(item) -> dict:
    return {c.label: (c.old, c.new) for c in item.changes}


def test_the_author_reads_as_the_users_name_not_the_login(make):
    clerk = make.user("investment", username="touzu")
    clerk.display_name = "投促中心"
    with audit_context(source="web", user=clerk):
        unit = make.unit("测试镇")
        db.session.commit()
    [item] = timeline_for(unit)
    assert item.who == "投促中心"
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "units")).one()
    assert actor_name(entry) == "投促中心"


def test_a_deleted_user_falls_back_to_the_stored_login_and_no_user_to_system(make):
    clerk = make.user("investment", username="olduser")
    with audit_context(source="web", user=clerk):
        make.unit("甲镇")
        db.session.commit()
    with audit_context(source="cli", user=None):  # a command run without a user
        make.unit("乙镇")
        db.session.commit()
    rows = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "units").order_by(AuditEntry.id)).all()
    db.session.execute(sa.delete(User).where(User.id == clerk.id))
    db.session.expire_all()
    assert [actor_name(row) for row in rows] == ["olduser", "系统"]


def test_target_metric_and_value_read_as_label_and_unit(make):
    target = save_target(None, year=2025, metric="annual_plan_investment", unit_id=None, text="170亿")
    db.session.commit()
    save_target(target, year=2025, metric="annual_plan_investment", unit_id=None, text="1800000")
    rate = save_target(None, year=2025, metric="same_year_start_rate", unit_id=None, text="40%")
    db.session.commit()
    update, create = timeline_for(target)
    assert changes(create)["指标"] == ("", "年度计划投资")
    assert changes(create)["目标值"] == ("", "1,700,000 万元")
    assert changes(update)["目标值"] == ("1,700,000 万元", "1,800,000 万元")
    assert changes(timeline_for(rate)[0])["目标值"] == ("", "40%")


def test_role_escalation_level_month_and_times_read_in_chinese(make):
    user = make.user("investment")
    db.session.commit()
    assert changes(timeline_for(user)[0])["角色"] == ("", "投资促进中心")

    problem = make.problem()
    db.session.commit()
    escalate(problem, 2, note="超期未办结")
    db.session.commit()
    level = [item for item in timeline_for(problem) if "督办层级" in changes(item)]
    assert changes(level[0])["督办层级"] == ("1级（责任单位）", "2级（分管县领导）")

    project = make.project()
    record_investment(project, period_on=date(2025, 6, 30), amount_yuan=1_000_000)
    db.session.commit()
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "project_investments")).one()
    assert changes(describe(entry))["月份"] == ("", "2025年6月")

    report = IssuedReport(
        month="2025-06",
        version=1,
        as_of=date(2025, 6, 30),
        issued_on=date(2025, 7, 1),
        issued_at=datetime(2025, 7, 1, 1, 30),
    )
    report_entry = AuditEntry(
        entity="issued_reports",
        record_id=1,
        action="update",
        field="issued_at",
        old_value=None,
        new_value=report.issued_at.isoformat(),
        source="web",
    )
    assert changes(describe(report_entry))["发布时间"] == ("（空）", "2025-07-01 09:30")
