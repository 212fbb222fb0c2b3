"""Reads for problems. A problem past its deadline and not closed counts as 督办中, and its
escalation level rises with the days overdue (2级 after N days, 3级 after M; settings
alert.problem_level2_days / alert.problem_level3_days). Both are computed in SQL from the
date, so no scheduled job is needed and the list, the page, alerts, the report and Excel agree.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.core.permissions import (
    is_scoped,
    oversees_county,
    visible,
)
from app.core.settings import read_thresholds, threshold
from app.extensions import db
from app.problems.models import ESCALATION_LEVELS, Problem

OPEN_STATUSES = ("待交办", "已交办", "督办中")
CLOSED_STATUSES = ("已销号", "退回")
EFFECTIVE_STATUSES = ["待交办", "已交办", "督办中", "已销号", "退回"]

ESCALATION_KEYS = ("alert.problem_level2_days", "alert.problem_level3_days")


def escalation_days(settings: dict | None = None) -> tuple[int, int]:
    """(N, M): days overdue after which a problem counts as 2级 and 3级; from ``settings`` (read_thresholds) when given."""
    if settings is None:
        settings = read_thresholds()
    level2, level3 = (settings[key] for key in ESCALATION_KEYS)
    return level2, max(level3, level2)


def is_open_at(as_of: date):
    """SQL: found by D and still open at D (not 退回, not 销号 on or before D)."""
    return sa.and_(
        Problem.found_on <= as_of,
        sa.or_(
            Problem.status.in_(OPEN_STATUSES),
            sa.and_(Problem.status == "已销号", Problem.resolved_on.is_not(None), Problem.resolved_on > as_of),
        ),
    )


def is_open():
    """SQL: the problem is still being worked on."""
    return Problem.status.in_(OPEN_STATUSES)


def is_overdue(as_of: date):
    """SQL: open at D and past its deadline (the deadline day itself is still in time)."""
    return sa.and_(is_open_at(as_of), Problem.deadline_on.is_not(None), Problem.deadline_on < as_of)


def overdue_by(as_of: date, days: int):
    """SQL: overdue at D by at least ``days`` days (deadline + days ≤ D), a plain date comparison."""
    return sa.and_(is_overdue(as_of), Problem.deadline_on <= as_of - timedelta(days=days))


def effective_status(as_of: date):
    """SQL: the status as of D: an overdue open problem counts as 督办中, else the stored status."""
    return sa.case((is_overdue(as_of), "督办中"), else_=Problem.status)


def effective_level(as_of: date, days: tuple[int, int] | None = None):
    """SQL: the escalation level as of D: the stored level, raised to 2 after N days overdue and to 3 after M.

    The stored level is what people set by hand; the automatic level never lowers it.
    """
    level2, level3 = days or escalation_days()
    return sa.case(
        (sa.and_(overdue_by(as_of, level3), Problem.escalation_level < 3), 3),
        (sa.and_(overdue_by(as_of, level2), Problem.escalation_level < 2), 2),
        else_=Problem.escalation_level,
    )


def level_reason(stored: int, level: int, days_overdue: int) -> str | None:
    """Why the effective level is above the stored one (None when it is not)."""
    if level <= stored:
        return None
    return f"超期{days_overdue}天，自动升为{level}级督办（{ESCALATION_LEVELS[level]}）"


def status_of(problem: Problem, as_of: date) -> str:
    """The effective status of one problem (the SQL definition, evaluated for its row)."""
    db.session.flush()
    return db.session.scalar(sa.select(effective_status(as_of)).where(Problem.id == problem.id))


def level_of(problem: Problem, as_of: date) -> int:
    """The effective escalation level of one problem (the SQL definition, evaluated for its row)."""
    db.session.flush()
    return int(db.session.scalar(sa.select(effective_level(as_of)).where(Problem.id == problem.id)))


def due_soon(as_of: date, days: int):
    """SQL: open with a deadline within ``days`` days from ``as_of`` (inclusive), or overdue."""
    return sa.and_(is_open(), Problem.deadline_on.is_not(None), Problem.deadline_on <= as_of + timedelta(days=days))


def alert_days() -> int:
    """Setting alert.problem_deadline_days (default 3)."""
    return threshold("alert.problem_deadline_days")


@dataclass
class ProblemRow:
    """A problem with its status as of a date."""

    problem: Problem
    status: str
    overdue: bool
    days_overdue: int
    due_soon: bool
    level: int = 1
    level_reason: str | None = None


def rows_with_status(stmt, as_of: date, days: int | None = None) -> list[ProblemRow]:
    """Run a select of Problem, attaching effective status, effective level and the overdue flag."""
    days = alert_days() if days is None else days
    stmt = stmt.add_columns(
        effective_status(as_of).label("effective_status"),
        is_overdue(as_of).label("overdue"),
        effective_level(as_of).label("effective_level"),
    )
    rows = []
    for problem, status, overdue, level in db.session.execute(stmt).all():
        overdue = bool(overdue)
        late = (as_of - problem.deadline_on).days if overdue else 0
        soon = (
            not overdue
            and problem.status in OPEN_STATUSES
            and problem.deadline_on is not None
            and problem.deadline_on <= as_of + timedelta(days=days)
        )
        level = int(level)
        rows.append(
            ProblemRow(problem, status, overdue, late, soon, level, level_reason(problem.escalation_level, level, late))
        )
    return rows


def row_for(problem: Problem, as_of: date) -> ProblemRow:
    """One problem with its effective status."""
    return rows_with_status(sa.select(Problem).where(Problem.id == problem.id), as_of)[0]


@dataclass
class ProblemFilter:
    """Filters of the problem list, read leniently from URL arguments."""

    status: str | None = None
    unit_id: int | None = None
    leader_id: int | None = None
    project_id: int | None = None
    deal_id: int | None = None
    overdue: bool = False
    open_only: bool = False
    level: int | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "ProblemFilter":
        def number(name):
            value = args.get(name, "")
            return int(value) if value.isdigit() and len(value) < 10 else None

        status = args.get("status")
        level = number("level")
        return cls(
            status=status if status in EFFECTIVE_STATUSES else None,
            unit_id=number("unit_id"),
            leader_id=number("leader_id"),
            project_id=number("project_id"),
            deal_id=number("deal_id"),
            overdue=args.get("overdue") == "1",
            open_only=args.get("open") == "1",
            level=level if level in (1, 2, 3) else None,
            q=(args.get("q") or "").strip()[:100],
        )

    def apply(self, stmt, as_of: date):
        if self.status:
            stmt = stmt.where(effective_status(as_of) == self.status)
        for value, column in (
            (self.unit_id, Problem.unit_id),
            (self.leader_id, Problem.leader_id),
            (self.project_id, Problem.project_id),
            (self.deal_id, Problem.deal_id),
            (self.level, effective_level(as_of)),
        ):
            if value is not None:
                stmt = stmt.where(column == value)
        if self.overdue:
            stmt = stmt.where(is_overdue(as_of))
        if self.open_only:
            stmt = stmt.where(is_open_at(as_of))
        if self.q:
            stmt = stmt.where(Problem.description.icontains(self.q, autoescape=True))
        return stmt


def list_statement(flt: ProblemFilter, user, as_of: date):
    """Problems the user may see: overdue first, then open by deadline, closed last.

    The list's columns (project or deal, unit, leader) come joined in, not one query per row.
    """
    stmt = flt.apply(visible(sa.select(Problem), Problem, user), as_of)
    stmt = stmt.options(
        joinedload(Problem.project), joinedload(Problem.deal), joinedload(Problem.unit), joinedload(Problem.leader)
    )
    return stmt.order_by(
        sa.case((is_overdue(as_of), 0), (is_open(), 1), else_=2),
        Problem.deadline_on.is_(None),
        Problem.deadline_on,
        Problem.id.desc(),
    )


def status_counts(user, as_of: date, flt: ProblemFilter | None = None) -> dict:
    """Count per effective status (and overdue) of the problems the user may see."""
    status = effective_status(as_of)
    stmt = visible(sa.select(status.label("status"), sa.func.count(Problem.id)), Problem, user)
    if flt is not None:
        stmt = replace(flt, status=None, overdue=False).apply(stmt, as_of)
    counts = {name: 0 for name in EFFECTIVE_STATUSES}
    for name, number in db.session.execute(stmt.group_by(status)).all():
        counts[name] = int(number)
    overdue_stmt = visible(sa.select(sa.func.count(Problem.id)).where(is_overdue(as_of)), Problem, user)
    if flt is not None:
        overdue_stmt = replace(flt, status=None, overdue=False).apply(overdue_stmt, as_of)
    counts["超期"] = int(db.session.scalar(overdue_stmt))
    return counts


def alerts_for(user, as_of: date) -> list[ProblemRow] | None:
    """Problems due within the alert window or overdue that the user follows: everything in the user's
    scope (a unit also reads the problems located in it, a leader his 包联 ones — the same set the
    home page's 问题临期/逾期 alert counts); task force and admins: all; others: None."""
    if not (is_scoped(user) or oversees_county(user)):
        return None
    stmt = visible(sa.select(Problem).where(due_soon(as_of, alert_days())), Problem, user)
    return rows_with_status(stmt.order_by(Problem.deadline_on, Problem.id), as_of)


def for_scope(
    as_of: date,
    *,
    unit_id: int | None = None,
    leader_id: int | None = None,
    project_id: int | None = None,
    open_only: bool = False,
    user=None,
) -> list[ProblemRow]:
    """Problems of one unit, leader or project (pages that show a record's problems), as ``user`` may see them."""
    flt = ProblemFilter(unit_id=unit_id, leader_id=leader_id, project_id=project_id, open_only=open_only)
    stmt = sa.select(Problem) if user is None else visible(sa.select(Problem), Problem, user)
    stmt = flt.apply(stmt, as_of).order_by(
        sa.case((is_overdue(as_of), 0), (is_open(), 1), else_=2),
        Problem.deadline_on.is_(None),
        Problem.deadline_on,
        Problem.id.desc(),
    )
    return rows_with_status(stmt, as_of)
