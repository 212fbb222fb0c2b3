"""Record lists behind the figures: signed but not started, overdue problems, the per-leader summary.

Each takes an optional ``user``: a scoped user (unit, leader) only gets the records
they may see; without a user the lists are county-wide (monthly report, CLI).
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.core.permissions import is_leader_account, own_leader_id, visible
from app.dashboard.metrics.deals import as_int, signed_clause, started_by
from app.deals.models import Deal, Investor
from app.extensions import db
from app.funds.models import FundApplication, FundLedgerEntry
from app.people.models import Leader, Unit
from app.problems.models import Problem
from app.problems.queries import (
    effective_level,
    effective_status,
    escalation_days,
    is_open_at,
    is_overdue,
    level_reason,
)
from app.projects.models import Project


def _scoped(stmt, model, user):
    return visible(stmt, model, user) if user is not None else stmt


def signed_not_started_clause(year: int, as_of: date):
    """Counted deals signed in Y up to D with no 开工 by D and not terminated by D."""
    return sa.and_(
        signed_clause(year, as_of),
        sa.not_(started_by(as_of)),
        sa.or_(Deal.terminated_on.is_(None), Deal.terminated_on > as_of),
    )


def signed_not_started(
    year: int,
    as_of: date,
    *,
    user=None,
    signed_before: date | None = None,
    limit: int | None = None,
    leader_id: int | None = None,
) -> list[dict]:
    """Counted deals signed in Y up to D with no 开工 by D and not terminated by D; longest waiting first.

    ``signed_before`` keeps the deals signed before that date; ``limit`` gives the first ones only.
    """
    lead_unit, township = aliased(Unit), aliased(Unit)
    stmt = (
        sa.select(
            Deal.id,
            Deal.name,
            Investor.name,
            lead_unit.name,
            township.name,
            Leader.name,
            Deal.contract_amount_yuan,
            Deal.signed_on,
            Deal.stage,
        )
        .outerjoin(Investor, Deal.investor_id == Investor.id)
        .outerjoin(lead_unit, Deal.lead_unit_id == lead_unit.id)
        .outerjoin(township, Deal.township_id == township.id)
        .outerjoin(Leader, Deal.leader_id == Leader.id)
        .where(signed_not_started_clause(year, as_of))
        .order_by(Deal.signed_on, Deal.id)
    )
    if signed_before is not None:
        stmt = stmt.where(Deal.signed_on < signed_before)
    if leader_id is not None:
        stmt = stmt.where(Deal.leader_id == leader_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = db.session.execute(_scoped(stmt, Deal, user)).all()
    return [
        {
            "deal_id": deal_id,
            "name": name,
            "investor": investor,
            "unit": unit,
            "township": town,
            "leader": leader,
            "amount_yuan": as_int(amount),
            "signed_on": signed_on.isoformat(),
            "days_waiting": (as_of - signed_on).days,
            "stage": stage,
        }
        for deal_id, name, investor, unit, town, leader, amount, signed_on, stage in rows
    ]


def open_problem_clause(as_of: date):
    """Problems found by D and still open at D (the problems feature's definition)."""
    return is_open_at(as_of)


def overdue_problems(as_of: date, *, user=None, leader_id: int | None = None) -> list[dict]:
    """Problems open at D whose deadline is before D, with their effective status and level; most overdue first."""
    stmt = (
        sa.select(
            Problem.id,
            Problem.description,
            Project.name,
            Deal.name,
            Unit.name,
            Leader.name,
            Problem.deadline_on,
            Problem.escalation_level,
            effective_level(as_of, escalation_days()),
            effective_status(as_of),
        )
        .outerjoin(Project, Problem.project_id == Project.id)
        .outerjoin(Deal, Problem.deal_id == Deal.id)
        .outerjoin(Unit, Problem.unit_id == Unit.id)
        .outerjoin(Leader, Problem.leader_id == Leader.id)
        .where(is_overdue(as_of))
        .order_by(Problem.deadline_on, Problem.id)
    )
    if leader_id is not None:
        stmt = stmt.where(Problem.leader_id == leader_id)
    rows = db.session.execute(_scoped(stmt, Problem, user)).all()
    return [
        {
            "problem_id": pid,
            "description": text,
            "project": project or deal,
            "unit": unit,
            "leader": leader,
            "deadline_on": deadline.isoformat(),
            "days_overdue": (as_of - deadline).days,
            "escalation_level": int(level),
            "level_reason": level_reason(stored, int(level), (as_of - deadline).days),
            "status": status,
        }
        for pid, text, project, deal, unit, leader, deadline, stored, level, status in rows
    ]


def _by_leader(stmt) -> dict:
    return {leader_id: values for leader_id, *values in db.session.execute(stmt).all()}


def leader_summary(year: int, as_of: date, *, user=None, leader_id: int | None = None) -> list[dict]:
    """Per county leader (包联): projects, signed deals, fund amounts and problems of year Y as of D.

    The one definition of a leader's figures: report section 八, the 包联 list and each leader's
    page (``leader_id`` picks one leader, active or not) all read these rows.
    """
    if leader_id is not None:
        leaders_stmt = sa.select(Leader).where(Leader.id == leader_id)
    else:
        leaders_stmt = sa.select(Leader).where(Leader.is_active).order_by(Leader.sort_order, Leader.id)
    if user is not None and is_leader_account(user):
        leaders_stmt = leaders_stmt.where(Leader.id == own_leader_id(user))
    leaders = db.session.scalars(leaders_stmt).all()
    projects = _by_leader(
        sa.select(Project.leader_id, sa.func.count(Project.id))
        .where(Project.plan_year == year)
        .group_by(Project.leader_id)
    )
    deals = _by_leader(
        sa.select(
            Deal.leader_id,
            sa.func.count(Deal.id),
            sa.func.coalesce(sa.func.sum(Deal.contract_amount_yuan), 0),
            sa.func.coalesce(sa.func.sum(sa.case((started_by(as_of), 1), else_=0)), 0),
        )
        .where(signed_clause(year, as_of))
        .group_by(Deal.leader_id)
    )

    def ledger(kind):
        return sa.func.coalesce(
            sa.func.sum(sa.case((FundLedgerEntry.kind == kind, FundLedgerEntry.amount_yuan), else_=0)), 0
        )

    funds = _by_leader(
        sa.select(FundApplication.leader_id, ledger("下达"), ledger("拨付"))
        .join(FundLedgerEntry, FundLedgerEntry.application_id == FundApplication.id)
        .where(FundApplication.year == year, FundLedgerEntry.entry_on <= as_of)
        .group_by(FundApplication.leader_id)
    )
    problems = _by_leader(
        sa.select(
            Problem.leader_id,
            sa.func.count(Problem.id),
            sa.func.coalesce(sa.func.sum(sa.case((is_overdue(as_of), 1), else_=0)), 0),
        )
        .where(is_open_at(as_of))
        .group_by(Problem.leader_id)
    )
    result = []
    for leader in leaders:
        n_deals, amount, started = deals.get(leader.id, (0, 0, 0))
        approved, disbursed = funds.get(leader.id, (0, 0))
        open_count, overdue = problems.get(leader.id, (0, 0))
        result.append(
            {
                "leader_id": leader.id,
                "leader": leader.name,
                "title": leader.title,
                "project_count": as_int(projects.get(leader.id, (0,))[0]),
                "signed_count": as_int(n_deals),
                "signed_amount_yuan": as_int(amount),
                "started_count": as_int(started),
                "approved_yuan": as_int(approved),
                "disbursed_yuan": as_int(disbursed),
                "open_problems": as_int(open_count),
                "overdue_problems": as_int(overdue),
            }
        )
    return result


def leader_figures(year: int, as_of: date, leader_id: int) -> dict:
    """One leader's row of ``leader_summary`` (report section 八)."""
    return leader_summary(year, as_of, leader_id=leader_id)[0]


EMPTY_UNIT_ROW = {
    "signed_count": 0,
    "signed_amount_yuan": 0,
    "target_yuan": None,
    "completion_rate": None,
    "gap_level": "ok",
    "started_count": 0,
    "start_rate": None,
    "rank": None,
    "open_problems": 0,
    "overdue_problems": 0,
}


def unit_summary(year: int, as_of: date) -> dict[int, dict]:
    """Per unit id: its 赛马 row (report section 五; deals by 招商责任单位) plus open and overdue problems at D.

    Units without signed deals or a target have no 赛马 row and get zero figures (rank None).
    """
    from app.dashboard.metrics.deals import unit_ranking

    ranking, _unassigned = unit_ranking(year, as_of)
    problems = _by_leader(
        sa.select(
            Problem.unit_id,
            sa.func.count(Problem.id),
            sa.func.coalesce(sa.func.sum(sa.case((is_overdue(as_of), 1), else_=0)), 0),
        )
        .where(is_open_at(as_of))
        .group_by(Problem.unit_id)
    )
    rows = {row["unit_id"]: dict(row) for row in ranking}
    for unit_id in set(rows) | {key for key in problems if key is not None}:
        row = rows.setdefault(unit_id, {**EMPTY_UNIT_ROW, "unit_id": unit_id})
        open_count, overdue = problems.get(unit_id, (0, 0))
        row["open_problems"], row["overdue_problems"] = as_int(open_count), as_int(overdue)
    return rows


def unit_figures(year: int, as_of: date, unit_id: int) -> dict:
    """One unit's row of ``unit_summary``."""
    return unit_summary(year, as_of).get(unit_id) or {**EMPTY_UNIT_ROW, "unit_id": unit_id}
