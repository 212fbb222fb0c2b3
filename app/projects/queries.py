"""Reads for projects: the year's plan figures, list filtering, totals and lookups."""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.people.queries import target_value
from app.projects.models import Project, ProjectInvestment

RESERVE_POOL = ("储备", "前期")  # reserve-library statuses counted in the 储备库 total
# (label, month, day, required share of new projects started by then) — the plan's 开工 milestones
MILESTONES = [("一季度", 3, 31, 0.4), ("上半年", 6, 30, 0.8), ("前三季度", 9, 30, 1.0)]


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _sum_if(condition, column):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, column), else_=0)), 0)


def _count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def plan_figures(year: int, as_of: date) -> dict:
    """Plan figures of the year's projects (plan_year == year) as of a date, aggregated in SQL.

    Amounts are integer yuan; rates floats in 0..1 or None when the denominator is 0;
    milestone ``due`` dates are ISO strings so the dict is JSON-serialisable.
    """
    is_key = Project.is_key_clause()
    is_new = Project.nature == "新建"
    started = sa.and_(Project.actual_start_on.is_not(None), Project.actual_start_on <= as_of)
    milestone_dates = [date(year, month, day) for _label, month, day, _rate_ in MILESTONES]
    columns = [
        sa.func.count(Project.id),
        sa.func.coalesce(sa.func.sum(Project.annual_plan_yuan), 0),
        _count_if(is_key),
        _sum_if(is_key, Project.annual_plan_yuan),
        _count_if(started),
        _count_if(is_new),
        _count_if(sa.and_(is_new, started)),
    ] + [
        _count_if(sa.and_(is_new, Project.actual_start_on.is_not(None), Project.actual_start_on <= due))
        for due in milestone_dates
    ]
    row = db.session.execute(sa.select(*columns).where(Project.plan_year == year)).one()
    count, annual_plan, key_count, key_plan, started_count, new_count, new_started = (int(v) for v in row[:7])
    started_by_due = [int(v) for v in row[7:]]

    period = sa.and_(ProjectInvestment.period_on >= date(year, 1, 1), ProjectInvestment.period_on <= as_of)
    completed_row = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(ProjectInvestment.amount_yuan), 0),
                  _sum_if(is_key, ProjectInvestment.amount_yuan))
        .join(Project, Project.id == ProjectInvestment.project_id)
        .where(Project.plan_year == year, period)
    ).one()
    reserve_total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Project.total_investment_yuan), 0))
        .where(Project.reserve_status.in_(RESERVE_POOL))
    )

    milestones = []
    for (label, _month, _day, required), due, by_due in zip(MILESTONES, milestone_dates, started_by_due, strict=True):
        actual = _rate(by_due, new_count) if as_of >= due else None
        milestones.append({"label": label, "due": due.isoformat(), "required_rate": required,
                           "actual_rate": actual, "met": None if actual is None else actual >= required})
    return {
        "count": count,
        "target_count": target_value(year, "project_count"),
        "annual_plan_yuan": annual_plan,
        "target_annual_plan_yuan": target_value(year, "annual_plan_investment"),
        "completed_yuan": int(completed_row[0]),
        "key_count": key_count,
        "key_target_count": target_value(year, "key_project_count"),
        "key_annual_plan_yuan": key_plan,
        "key_target_plan_yuan": target_value(year, "key_project_plan_investment"),
        "key_completed_yuan": int(completed_row[1]),
        "started_count": started_count,
        "start_rate": _rate(started_count, count),
        "new_count": new_count,
        "new_started_count": new_started,
        "new_start_rate": _rate(new_started, new_count),
        "milestones": milestones,
        "reserve_total_yuan": int(reserve_total),
        "reserve_target_yuan": target_value(year, "reserve_total"),
        "fixed_asset_target_yuan": target_value(year, "fixed_asset_investment"),
    }
