"""Reads for projects: the year's plan figures, list filtering, totals and lookups."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.core.permissions import visible
from app.extensions import db
from app.people.queries import target_value
from app.projects.models import NATURES, RESERVE_STATUSES, Project, ProjectInvestment

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
        sa.select(
            sa.func.coalesce(sa.func.sum(ProjectInvestment.amount_yuan), 0),
            _sum_if(is_key, ProjectInvestment.amount_yuan),
        )
        .join(Project, Project.id == ProjectInvestment.project_id)
        .where(Project.plan_year == year, period)
    ).one()
    reserve_total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Project.total_investment_yuan), 0)).where(
            Project.reserve_status.in_(RESERVE_POOL)
        )
    )

    milestones = []
    for (label, _month, _day, required), due, by_due in zip(MILESTONES, milestone_dates, started_by_due, strict=True):
        actual = _rate(by_due, new_count) if as_of >= due else None
        milestones.append(
            {
                "label": label,
                "due": due.isoformat(),
                "required_rate": required,
                "actual_rate": actual,
                "met": None if actual is None else actual >= required,
            }
        )
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


# ---- the project list -------------------------------------------------------------------------

YES_NO = {"1": True, "0": False}


def completed_in_plan_year():
    """Correlated subquery: a project's completed investment within its own plan year."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(ProjectInvestment.amount_yuan), 0))
        .where(
            ProjectInvestment.project_id == Project.id,
            sa.extract("year", ProjectInvestment.period_on) == Project.plan_year,
        )
        .scalar_subquery()
    )


SORTS = {
    "name": lambda: Project.name,
    "year": lambda: Project.plan_year,
    "total": lambda: Project.total_investment_yuan,
    "plan": lambda: Project.annual_plan_yuan,
    "completed": completed_in_plan_year,
    "planned_start": lambda: Project.planned_start_on,
    "actual_start": lambda: Project.actual_start_on,
}


@dataclass
class ProjectFilter:
    """The list's filter, search and sort, read leniently from URL arguments (bad values are ignored)."""

    year: int | None = None
    township_id: int | None = None
    unit_id: int | None = None
    leader_id: int | None = None
    industry_id: int | None = None
    nature: str | None = None
    reserve_status: str | None = None
    key: bool | None = None
    started: bool | None = None
    q: str = ""
    sort: str = "plan"
    direction: str = "desc"

    @classmethod
    def from_args(cls, args, *, default_year: int) -> "ProjectFilter":
        def number(name):
            value = args.get(name, "")
            return int(value) if value.isdigit() and len(value) < 10 else None

        year_text = args.get("year")
        year = number("year")
        year = None if year_text == "all" else (year if year and 2000 <= year <= 2100 else default_year)
        nature = args.get("nature")
        reserve = args.get("reserve_status")
        sort = args.get("sort", "plan")
        return cls(
            year=year,
            township_id=number("township_id"),
            unit_id=number("unit_id"),
            leader_id=number("leader_id"),
            industry_id=number("industry_id"),
            nature=nature if nature in NATURES else None,
            reserve_status=reserve if reserve in RESERVE_STATUSES else None,
            key=YES_NO.get(args.get("key", "")),
            started=YES_NO.get(args.get("started", "")),
            q=(args.get("q") or "").strip()[:100],
            sort=sort if sort in SORTS else "plan",
            direction="asc" if args.get("dir") == "asc" else "desc",
        )

    def apply(self, stmt, as_of: date):
        """Add this filter's conditions to a select over Project."""
        if self.year:
            stmt = stmt.where(Project.plan_year == self.year)
        for value, column in (
            (self.township_id, Project.township_id),
            (self.unit_id, Project.lead_unit_id),
            (self.leader_id, Project.leader_id),
            (self.industry_id, Project.industry_id),
            (self.nature, Project.nature),
            (self.reserve_status, Project.reserve_status),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        if self.key is not None:
            stmt = stmt.where(Project.is_key_clause() if self.key else sa.not_(Project.is_key_clause()))
        if self.started is not None:
            started = sa.and_(Project.actual_start_on.is_not(None), Project.actual_start_on <= as_of)
            stmt = stmt.where(started if self.started else sa.not_(started))
        if self.q:
            stmt = stmt.where(
                sa.or_(Project.name.icontains(self.q, autoescape=True), Project.code.icontains(self.q, autoescape=True))
            )
        return stmt

    def ordered(self, stmt):
        column = SORTS[self.sort]()
        order = column.asc() if self.direction == "asc" else column.desc()
        return stmt.order_by(order, Project.id.desc())


def list_statement(flt: ProjectFilter, user, as_of: date):
    """Select of the projects the user may see, filtered and sorted."""
    stmt = flt.apply(visible(sa.select(Project), Project, user), as_of)
    return flt.ordered(stmt)


def list_totals(flt: ProjectFilter, user, as_of: date) -> dict:
    """Count, total investment, annual plan and completed investment of the filtered list."""
    base = flt.apply(visible(sa.select(Project.id), Project, user), as_of).subquery()
    ids = sa.select(base.c.id)
    row = db.session.execute(
        sa.select(
            sa.func.count(Project.id),
            sa.func.coalesce(sa.func.sum(Project.total_investment_yuan), 0),
            sa.func.coalesce(sa.func.sum(Project.annual_plan_yuan), 0),
        ).where(Project.id.in_(ids))
    ).one()
    completed = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ProjectInvestment.amount_yuan), 0))
        .join(Project, Project.id == ProjectInvestment.project_id)
        .where(Project.id.in_(ids), sa.extract("year", ProjectInvestment.period_on) == Project.plan_year)
    )
    return {
        "count": int(row[0]),
        "total_investment_yuan": int(row[1]),
        "annual_plan_yuan": int(row[2]),
        "completed_yuan": int(completed),
    }


def completed_by_project(project_ids) -> dict[int, int]:
    """Completed investment within each project's plan year, for a page of projects."""
    if not project_ids:
        return {}
    rows = db.session.execute(
        sa.select(ProjectInvestment.project_id, sa.func.sum(ProjectInvestment.amount_yuan))
        .join(Project, Project.id == ProjectInvestment.project_id)
        .where(
            ProjectInvestment.project_id.in_(list(project_ids)),
            sa.extract("year", ProjectInvestment.period_on) == Project.plan_year,
        )
        .group_by(ProjectInvestment.project_id)
    ).all()
    return {project_id: int(total or 0) for project_id, total in rows}


def plan_years() -> list[int]:
    """Plan years that have projects, newest first."""
    return list(db.session.scalars(sa.select(Project.plan_year).distinct().order_by(Project.plan_year.desc())))


def project_figures(project: Project, as_of: date) -> dict:
    """Key figures of one project: completed investment in its plan year and in total."""
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(ProjectInvestment.amount_yuan), 0),
            _sum_if(
                sa.and_(
                    ProjectInvestment.period_on >= date(project.plan_year, 1, 1),
                    ProjectInvestment.period_on <= date(project.plan_year, 12, 31),
                ),
                ProjectInvestment.amount_yuan,
            ),
        ).where(ProjectInvestment.project_id == project.id)
    ).one()
    year_completed = int(row[1])
    plan = project.annual_plan_yuan or 0
    return {
        "completed_total_yuan": int(row[0]),
        "completed_year_yuan": year_completed,
        "plan_progress": year_completed / plan if plan else None,
        "started": bool(project.actual_start_on and project.actual_start_on <= as_of),
    }
