"""Reads for fund applications: per-channel figures as of a date, lists with filters and totals,
deadlines, and the panels other pages show. Everything aggregates in SQL over integer yuan."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from app.core.ownership import mine_clause
from app.core.permissions import visible
from app.core.settings import threshold
from app.extensions import db
from app.funds.current_status import status_on
from app.funds.models import (
    ALL_STATUSES,
    FundApplication,
    FundLedgerEntry,
    FundStatusChange,
    fund_application_projects,
)
from app.funds.services import APPROVED_STATUSES, DECIDED_STATUSES
from app.people.models import FundChannel

AMOUNT_KEYS = ("approved_yuan", "issued_yuan", "disbursed_yuan", "spent_yuan")
_KIND_KEYS = {"下达": "approved_yuan", "发行": "issued_yuan", "拨付": "disbursed_yuan", "支出": "spent_yuan"}
FIGURE_KEYS = (
    "count",
    "requested_yuan",
    "reserve_count",
    "reserve_yuan",
    "decided_count",
    "approved_count",
    *AMOUNT_KEYS,
)


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _sum_if(condition, column):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, column), else_=0)), 0)


def status_as_of(as_of: date):
    """Subquery (application_id, status): each application's status on ``as_of`` from its history.

    The status on D is the ``to_status`` of the latest change with effective date ≤ D
    (ties broken by the order recorded); applications registered after D have no row.
    """
    ranked = (
        sa.select(
            FundStatusChange.application_id,
            FundStatusChange.to_status.label("status"),
            sa.func.row_number()
            .over(
                partition_by=FundStatusChange.application_id,
                order_by=(FundStatusChange.effective_on.desc(), FundStatusChange.id.desc()),
            )
            .label("rn"),
        )
        .where(FundStatusChange.effective_on <= as_of)
        .subquery()
    )
    return sa.select(ranked.c.application_id, ranked.c.status).where(ranked.c.rn == 1).subquery("status_on")


def ledger_by_application(as_of: date | None = None):
    """Subquery (application_id, approved_yuan, issued_yuan, disbursed_yuan, spent_yuan) up to ``as_of``."""
    stmt = sa.select(
        FundLedgerEntry.application_id,
        *[
            _sum_if(FundLedgerEntry.kind == kind, FundLedgerEntry.amount_yuan).label(key)
            for kind, key in _KIND_KEYS.items()
        ],
    ).group_by(FundLedgerEntry.application_id)
    if as_of is not None:
        stmt = stmt.where(FundLedgerEntry.entry_on <= as_of)
    return stmt.subquery("ledger_sums")


def channel_figures(year: int, as_of: date, *, user=None) -> dict[str, dict]:
    """Per-channel figures of the applications of batch year ``year`` as of ``as_of``, in channel order.

    For the applications with ``year == year`` (the 申报批次 year), with S = status on ``as_of``
    (see ``status_as_of``):

    - ``count``/``requested_yuan``: declared ones, 申报日期 (``declared_on``) ≤ as_of — they stay
      counted after a later 未通过 or 已撤回;
    - ``reserve_count``/``reserve_yuan``: S = 谋划储备 (planned, not yet declared), reported apart;
    - ``decided_count``: S ∈ {已下达, 执行中, 已完成, 未通过}, i.e. a decision taken by as_of
      and not withdrawn since; ``approved_count``: S ∈ {已下达, 执行中, 已完成};
      ``approval_rate`` = approved_count ÷ decided_count;
    - ``approved/issued/disbursed/spent_yuan``: ledger sums of 下达/发行/拨付/支出 dated ≤ as_of
      (adjustments included, whatever the status);
    - ``spend_progress`` = spent ÷ disbursed, for bond channels (``is_bond``) spent ÷ issued.

    Amounts are integer yuan; rates floats in 0..1, None when the denominator is 0. Every
    active channel appears (zeros when empty), plus inactive channels having applications
    that year. ``user`` (optional) restricts to what a scoped user may see.
    """
    status = status_on(as_of)  # the current-status column; history only for changes after as_of
    ledger = ledger_by_application(as_of)
    declared = sa.and_(FundApplication.declared_on.is_not(None), FundApplication.declared_on <= as_of)
    reserve = status == "谋划储备"
    decided = status.in_(DECIDED_STATUSES)
    approved = status.in_(APPROVED_STATUSES)
    stmt = (
        sa.select(
            FundApplication.channel_id,
            _count_if(declared).label("count"),
            _sum_if(declared, FundApplication.requested_yuan).label("requested_yuan"),
            _count_if(reserve).label("reserve_count"),
            _sum_if(reserve, FundApplication.requested_yuan).label("reserve_yuan"),
            _count_if(decided).label("decided_count"),
            _count_if(approved).label("approved_count"),
            *[sa.func.coalesce(sa.func.sum(ledger.c[key]), 0).label(key) for key in AMOUNT_KEYS],
        )
        .outerjoin(ledger, ledger.c.application_id == FundApplication.id)
        .where(FundApplication.year == year)
        .group_by(FundApplication.channel_id)
    )
    if user is not None:
        stmt = visible(stmt, FundApplication, user)
    rows = {row.channel_id: row for row in db.session.execute(stmt)}
    channels = db.session.scalars(
        sa.select(FundChannel)
        .where(sa.or_(FundChannel.is_active, FundChannel.id.in_(list(rows) or [-1])))
        .order_by(FundChannel.sort_order, FundChannel.id)
    ).all()
    result: dict[str, dict] = {}
    for channel in channels:
        row = rows.get(channel.id)
        figures = {"is_bond": bool(channel.is_bond)}
        figures.update({key: int(getattr(row, key)) if row is not None else 0 for key in FIGURE_KEYS})
        result[channel.name] = _with_rates(figures, is_bond=channel.is_bond)
    return result


def _with_rates(figures: dict, *, is_bond: bool) -> dict:
    figures["approval_rate"] = _rate(figures["approved_count"], figures["decided_count"])
    base = figures["issued_yuan"] if is_bond else figures["disbursed_yuan"]
    figures["spend_progress"] = _rate(figures["spent_yuan"], base)
    return figures


def figures_total(figures: dict[str, dict]) -> dict:
    """The channel figures summed over channels (``is_bond`` omitted); 支出进度 = spent ÷ (issued
    of bond channels + disbursed of the others), the two bases the channel rows use."""
    total = {key: sum(f[key] for f in figures.values()) for key in FIGURE_KEYS}
    total["approval_rate"] = _rate(total["approved_count"], total["decided_count"])
    base = sum(f["issued_yuan"] if f["is_bond"] else f["disbursed_yuan"] for f in figures.values())
    total["spend_progress"] = _rate(total["spent_yuan"], base)
    return total


def channel_id_for_short_name(short: str) -> int | None:
    """Channel id by short name (专项债) or full name."""
    return db.session.scalar(
        sa.select(FundChannel.id).where(sa.or_(FundChannel.short_name == short, FundChannel.name == short))
    )


# ---- lists ---------------------------------------------------------------------------------

SORTS = {
    "deadline": FundApplication.deadline_on,
    "requested": FundApplication.requested_yuan,
    "year": FundApplication.year,
    "status": FundApplication.status,
    "id": FundApplication.id,
}


@dataclass
class Filters:
    """The list filters read from the query string; unknown or malformed values are ignored."""

    channel_id: int | None = None
    status: str | None = None
    year: int | None = None
    unit_id: int | None = None
    leader_id: int | None = None
    project_id: int | None = None
    owner_id: int | None = None  # 我负责的
    q: str = ""
    due: bool = False
    sort: str = "id"
    direction: str = "desc"
    args: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> "Filters":
        def positive(name):
            value = args.get(name, type=int)
            return value if value and value > 0 else None

        status = args.get("status") or None
        year = positive("year")
        sort = args.get("sort") if args.get("sort") in SORTS else "id"
        direction = "asc" if args.get("dir") == "asc" else "desc"
        filters = cls(
            channel_id=positive("channel"),
            status=status if status in ALL_STATUSES else None,
            year=year if year and 2000 <= year <= 2100 else None,
            unit_id=positive("unit"),
            leader_id=positive("leader"),
            project_id=positive("project"),
            owner_id=positive("owner"),
            q=(args.get("q") or "").strip()[:100],
            due=args.get("due") == "1",
            sort=sort,
            direction=direction,
        )
        filters.args = {
            k: v
            for k, v in {
                "channel": filters.channel_id,
                "status": filters.status,
                "year": filters.year,
                "unit": filters.unit_id,
                "leader": filters.leader_id,
                "project": filters.project_id,
                "owner": filters.owner_id,
                "q": filters.q or None,
                "due": "1" if filters.due else None,
            }.items()
            if v is not None
        }
        return filters

    @property
    def active(self) -> bool:
        return bool(self.args)


def deadline_days() -> int:
    """The 申报截止 alert threshold in days (setting ``alert.fund_deadline_days``, default 7)."""
    return threshold("alert.fund_deadline_days")


def _due_clause(as_of: date, days: int):
    return sa.and_(
        FundApplication.status == "谋划储备",
        FundApplication.deadline_on.is_not(None),
        FundApplication.deadline_on <= as_of + timedelta(days=days),
    )


def filtered(filters: Filters, user=None):
    """Select of FundApplication ids narrowed by the filters and the user's scope."""
    stmt = sa.select(FundApplication.id)
    if filters.channel_id:
        stmt = stmt.where(FundApplication.channel_id == filters.channel_id)
    if filters.status:
        stmt = stmt.where(FundApplication.status == filters.status)
    if filters.year:
        stmt = stmt.where(FundApplication.year == filters.year)
    if filters.unit_id:
        stmt = stmt.where(FundApplication.applicant_unit_id == filters.unit_id)
    if filters.leader_id:
        stmt = stmt.where(FundApplication.leader_id == filters.leader_id)
    if filters.owner_id:
        stmt = stmt.where(FundApplication.owner_id == filters.owner_id)
    if filters.project_id:
        linked = sa.select(fund_application_projects.c.application_id).where(
            fund_application_projects.c.project_id == filters.project_id
        )
        stmt = stmt.where(FundApplication.id.in_(linked))
    if filters.q:
        stmt = stmt.where(FundApplication.title.contains(filters.q, autoescape=True))
    if filters.due:
        from app.core.dates import today

        stmt = stmt.where(_due_clause(today(), deadline_days()))
    return visible(stmt, FundApplication, user)


def list_statement(filters: Filters, user=None):
    """Select of FundApplication for the filter, sorted (ties newest first)."""
    column = SORTS[filters.sort]
    order = column.asc() if filters.direction == "asc" else column.desc()
    if filters.sort == "deadline":
        order = order.nulls_last()
    ids = filtered(filters, user).subquery()
    return (
        sa.select(FundApplication).join(ids, ids.c.id == FundApplication.id).order_by(order, FundApplication.id.desc())
    )


def sums_by_application(ids) -> dict[int, dict]:
    """Ledger sums to date per application id (zeros for applications without entries)."""
    ids = list(ids)
    result = {i: dict.fromkeys(AMOUNT_KEYS, 0) for i in ids}
    if not ids:
        return result
    ledger = ledger_by_application()
    for row in db.session.execute(sa.select(ledger).where(ledger.c.application_id.in_(ids))):
        result[row.application_id] = {key: int(getattr(row, key)) for key in AMOUNT_KEYS}
    return result


def list_totals(filters: Filters, user=None) -> dict:
    """Count, requested and ledger sums (to date) over every application matching the filter."""
    ledger = ledger_by_application()
    ids = filtered(filters, user).subquery()
    row = db.session.execute(
        sa.select(
            sa.func.count(FundApplication.id).label("count"),
            sa.func.coalesce(sa.func.sum(FundApplication.requested_yuan), 0).label("requested_yuan"),
            *[sa.func.coalesce(sa.func.sum(ledger.c[key]), 0).label(key) for key in AMOUNT_KEYS],
        )
        .join(ids, ids.c.id == FundApplication.id)
        .outerjoin(ledger, ledger.c.application_id == FundApplication.id)
    ).one()
    totals = {key: int(getattr(row, key)) for key in ("count", "requested_yuan", *AMOUNT_KEYS)}
    totals["remaining_yuan"] = totals["approved_yuan"] - totals["disbursed_yuan"]
    return totals


def years() -> list[int]:
    """Batch years present, newest first."""
    return list(db.session.scalars(sa.select(FundApplication.year).distinct().order_by(FundApplication.year.desc())))


def due_applications(user, as_of: date, days: int | None = None) -> list[FundApplication]:
    """Applications still 谋划储备 whose 申报截止 is within ``days`` of ``as_of`` or already passed,
    the latest deadline first (the coming ones, then the most recently missed)."""
    days = deadline_days() if days is None else days
    mine = mine_clause(FundApplication, user)  # the owner's own, unless the user oversees more
    stmt = (
        sa.select(FundApplication)
        .where(_due_clause(as_of, days), *([mine] if mine is not None else []))
        .order_by(FundApplication.deadline_on.desc(), FundApplication.id)
    )
    return list(db.session.scalars(visible(stmt, FundApplication, user)))


def applications_with_sums(condition, user) -> list:
    """(application, approved, issued, disbursed, spent) rows matching ``condition`` visible to ``user``."""
    ledger = ledger_by_application()
    stmt = (
        sa.select(FundApplication, *[sa.func.coalesce(ledger.c[key], 0).label(key) for key in AMOUNT_KEYS])
        .outerjoin(ledger, ledger.c.application_id == FundApplication.id)
        .where(condition)
        .order_by(FundApplication.year.desc(), FundApplication.id.desc())
    )
    return list(db.session.execute(visible(stmt, FundApplication, user)))


def for_project(project_id: int, user) -> list:
    """The applications linked to a project, with ledger sums."""
    linked = sa.select(fund_application_projects.c.application_id).where(
        fund_application_projects.c.project_id == project_id
    )
    return applications_with_sums(FundApplication.id.in_(linked), user)


def sums_of(rows) -> dict:
    """Requested and ledger totals over rows from ``applications_with_sums``."""
    totals = {"requested_yuan": sum(r[0].requested_yuan or 0 for r in rows)}
    for key in AMOUNT_KEYS:
        totals[key] = sum(int(getattr(r, key)) for r in rows)
    return totals
