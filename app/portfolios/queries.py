"""Reads for the leader (包联) and unit pages: key figures across projects, deals, funds, problems.

A leader's or unit's records are exactly what that leader's or unit's own users may see
(permissions.scope_clause), so the page a task-force member reads matches the one the
leader or unit reads.
"""

from datetime import date
from types import SimpleNamespace

import sqlalchemy as sa

from app.core.permissions import scope_clause
from app.deals.models import Deal, deal_co_units
from app.extensions import db
from app.funds.models import FundApplication, FundLedgerEntry
from app.problems.models import Problem
from app.problems.queries import is_open, is_overdue
from app.projects.models import Project, ProjectInvestment
from app.projects.queries import completed_in_plan_year


def _owner(*, leader_id: int | None = None, unit_id: int | None = None):
    """A stand-in user scoped to one leader or unit, for scope_clause."""
    return SimpleNamespace(role="leader" if leader_id else "unit", leader_id=leader_id, unit_id=unit_id)


def owned(model, *, leader_id: int | None = None, unit_id: int | None = None):
    """SQL condition: the record belongs to this leader (包联) or unit."""
    return scope_clause(model, _owner(leader_id=leader_id, unit_id=unit_id))


def figures(as_of: date, *, leader_id: int | None = None, unit_id: int | None = None) -> dict:
    """Key figures of one leader or unit: projects, deals, fund applications, problems."""
    started = sa.and_(Project.actual_start_on.is_not(None), Project.actual_start_on <= as_of)
    p = db.session.execute(
        sa.select(
            sa.func.count(Project.id),
            sa.func.coalesce(sa.func.sum(Project.total_investment_yuan), 0),
            sa.func.coalesce(sa.func.sum(Project.annual_plan_yuan), 0),
            sa.func.coalesce(sa.func.sum(sa.case((started, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((Project.is_key_clause(), 1), else_=0)), 0),
        ).where(owned(Project, leader_id=leader_id, unit_id=unit_id))
    ).one()
    completed = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(ProjectInvestment.amount_yuan), 0))
        .join(Project, Project.id == ProjectInvestment.project_id)
        .where(
            owned(Project, leader_id=leader_id, unit_id=unit_id),
            sa.extract("year", ProjectInvestment.period_on) == Project.plan_year,
        )
    )

    signed = sa.and_(Deal.signed_on.is_not(None), Deal.signed_on <= as_of, Deal.is_counted)
    deal_started = sa.and_(signed, Deal.started_on.is_not(None), Deal.started_on <= as_of)
    d = db.session.execute(
        sa.select(
            sa.func.count(Deal.id),
            sa.func.coalesce(sa.func.sum(sa.case((signed, 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((signed, Deal.contract_amount_yuan), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((deal_started, 1), else_=0)), 0),
        ).where(owned(Deal, leader_id=leader_id, unit_id=unit_id))
    ).one()

    apps = owned(FundApplication, leader_id=leader_id, unit_id=unit_id)
    f = db.session.execute(
        sa.select(
            sa.func.count(FundApplication.id), sa.func.coalesce(sa.func.sum(FundApplication.requested_yuan), 0)
        ).where(apps)
    ).one()
    ledger = dict(
        db.session.execute(
            sa.select(FundLedgerEntry.kind, sa.func.sum(FundLedgerEntry.amount_yuan))
            .join(FundApplication, FundApplication.id == FundLedgerEntry.application_id)
            .where(apps, FundLedgerEntry.entry_on <= as_of)
            .group_by(FundLedgerEntry.kind)
        ).all()
    )

    q = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(sa.case((is_open(), 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((is_overdue(as_of), 1), else_=0)), 0),
        ).where(owned(Problem, leader_id=leader_id, unit_id=unit_id))
    ).one()
    return {
        "project_count": int(p[0]),
        "total_investment_yuan": int(p[1]),
        "annual_plan_yuan": int(p[2]),
        "started_count": int(p[3]),
        "key_count": int(p[4]),
        "completed_yuan": int(completed or 0),
        "deal_count": int(d[0]),
        "signed_count": int(d[1]),
        "signed_amount_yuan": int(d[2]),
        "deal_started_count": int(d[3]),
        "application_count": int(f[0]),
        "requested_yuan": int(f[1]),
        "approved_yuan": int(ledger.get("下达") or 0),
        "disbursed_yuan": int(ledger.get("拨付") or 0),
        "spent_yuan": int(ledger.get("支出") or 0),
        "open_problems": int(q[0]),
        "overdue_problems": int(q[1]),
    }


def projects_of(
    *, leader_id: int | None = None, unit_id: int | None = None, year: int | None = None
) -> list[tuple[Project, int]]:
    """The leader's or unit's projects (of plan year ``year`` when given) with completed investment in their
    plan year, newest plan first."""
    completed = completed_in_plan_year().label("completed")
    stmt = sa.select(Project, completed).where(owned(Project, leader_id=leader_id, unit_id=unit_id))
    if year is not None:
        stmt = stmt.where(Project.plan_year == year)
    rows = db.session.execute(
        stmt.order_by(Project.plan_year.desc(), Project.annual_plan_yuan.desc(), Project.id)
    ).all()
    return [(project, int(done or 0)) for project, done in rows]


def _grouped(stmt) -> dict:
    return {key: row for key, *row in db.session.execute(stmt).all() if key is not None}


def summary_by_leader(as_of: date) -> dict[int, dict]:
    """Per leader id: project, deal, application and problem counts and key amounts (grouped in SQL)."""
    return _summary(
        as_of,
        {
            "projects": (Project.leader_id, Project.id),
            "deals": (Deal.leader_id, Deal.id),
            "apps": (FundApplication.leader_id, FundApplication.id),
            "problems": (Problem.leader_id, Problem.id),
        },
    )


def summary_by_unit(as_of: date) -> dict[int, dict]:
    """Per unit id: the same figures, a record counting for every unit it belongs to."""
    project_pairs = sa.union(
        sa.select(Project.township_id.label("owner"), Project.id.label("rid")),
        sa.select(Project.lead_unit_id, Project.id),
    ).subquery()
    deal_pairs = sa.union(
        sa.select(Deal.lead_unit_id.label("owner"), Deal.id.label("rid")),
        sa.select(Deal.township_id, Deal.id),
        sa.select(deal_co_units.c.unit_id, deal_co_units.c.deal_id),
    ).subquery()
    return _summary(
        as_of,
        {
            "projects": (project_pairs.c.owner, project_pairs.c.rid, project_pairs),
            "deals": (deal_pairs.c.owner, deal_pairs.c.rid, deal_pairs),
            "apps": (FundApplication.applicant_unit_id, FundApplication.id),
            "problems": (Problem.unit_id, Problem.id),
        },
    )


def _summary(as_of: date, owners: dict) -> dict[int, dict]:
    def spec(name, model):
        owner, rid, *pairs = owners[name]
        if pairs:
            return owner, lambda stmt: stmt.select_from(pairs[0]).join(model, model.id == rid)
        return owner, lambda stmt: stmt

    result: dict[int, dict] = {}

    def put(key, **values):
        result.setdefault(
            key,
            {
                "project_count": 0,
                "annual_plan_yuan": 0,
                "deal_count": 0,
                "signed_amount_yuan": 0,
                "application_count": 0,
                "approved_yuan": 0,
                "open_problems": 0,
                "overdue_problems": 0,
            },
        ).update(values)

    owner, frm = spec("projects", Project)
    for key, (count, plan) in _grouped(
        frm(
            sa.select(owner, sa.func.count(Project.id), sa.func.coalesce(sa.func.sum(Project.annual_plan_yuan), 0))
        ).group_by(owner)
    ).items():
        put(key, project_count=int(count), annual_plan_yuan=int(plan))
    signed = sa.and_(Deal.signed_on.is_not(None), Deal.signed_on <= as_of, Deal.is_counted)
    owner, frm = spec("deals", Deal)
    for key, (count, amount) in _grouped(
        frm(
            sa.select(
                owner,
                sa.func.count(Deal.id),
                sa.func.coalesce(sa.func.sum(sa.case((signed, Deal.contract_amount_yuan), else_=0)), 0),
            )
        ).group_by(owner)
    ).items():
        put(key, deal_count=int(count), signed_amount_yuan=int(amount))
    owner, _frm = spec("apps", FundApplication)
    for key, (count,) in _grouped(sa.select(owner, sa.func.count(FundApplication.id)).group_by(owner)).items():
        put(key, application_count=int(count))
    for key, (amount,) in _grouped(
        sa.select(owner, sa.func.sum(FundLedgerEntry.amount_yuan))
        .join(FundApplication, FundApplication.id == FundLedgerEntry.application_id)
        .where(FundLedgerEntry.kind == "下达", FundLedgerEntry.entry_on <= as_of)
        .group_by(owner)
    ).items():
        put(key, approved_yuan=int(amount or 0))
    owner, _frm = spec("problems", Problem)
    for key, (open_count, overdue) in _grouped(
        sa.select(
            owner,
            sa.func.coalesce(sa.func.sum(sa.case((is_open(), 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((is_overdue(as_of), 1), else_=0)), 0),
        ).group_by(owner)
    ).items():
        put(key, open_problems=int(open_count), overdue_problems=int(overdue))
    return result
