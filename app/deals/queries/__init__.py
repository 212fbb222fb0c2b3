"""Reads for deals: list filters and totals, the kanban board, follow-ups, panels, investors.

Duplicate detection lives in ``duplicates`` and the deal page's timeline in ``timeline``;
both are re-exported here so callers use ``queries.<name>`` throughout.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core.dates import today
from app.core.ownership import mine_clause
from app.core.permissions import can, can_see, is_leader_account, keeps_own_unit, visible
from app.deals.models import Deal, FundsInPlace, Investor, Negotiation, deal_co_units
from app.deals.queries.common import as_int, like_pattern
from app.deals.queries.duplicates import (  # noqa: F401
    Duplicate,
    deal_key,
    investor_key,
    similar_deals,
    similar_investors,
    similarity,
)
from app.deals.queries.timeline import (  # noqa: F401
    TimelineEvent,
    deal_timeline,
    funds_summary,
    history_mismatches,
    stage_changes,
)
from app.deals.stages import ALL_STAGES, PAUSED_OR_ENDED
from app.extensions import db

PER_PAGE = 20
KANBAN_CARDS = 30


def _int_arg(args, key: str) -> int | None:
    raw = (args.get(key) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


# --- follow-up windows ---------------------------------------------------------------------

FOLLOW_UP_GROUPS = {"overdue": "已逾期", "today": "今天到期", "this_week": "本周到期", "due": "本周内待跟进（含逾期）"}
FOLLOW_UP_LIMIT = 10


def week_end(on: date) -> date:
    """The Sunday ending the week of ``on``."""
    return on + timedelta(days=6 - on.weekday())


def follow_up_window(group: str, on: date) -> tuple[date | None, date]:
    """(first, last) follow-up dates of a group; first None means open-ended (overdue)."""
    return {
        "overdue": (None, on - timedelta(days=1)),
        "today": (on, on),
        "this_week": (on + timedelta(days=1), week_end(on)),
        "due": (None, week_end(on)),
    }[group]


def pending_follow_up_clause(first: date | None, last: date):
    """Negotiations with a pending follow-up due in [first, last]."""
    return sa.and_(
        Negotiation.follow_up_done.is_(False),
        Negotiation.next_follow_up_on.is_not(None),
        Negotiation.next_follow_up_on <= last,
        *([Negotiation.next_follow_up_on >= first] if first else []),
    )


IN_PIPELINE = Deal.stage.not_in(PAUSED_OR_ENDED)  # deals whose follow-ups still matter


# --- list filters ----------------------------------------------------------------------------

SORTS = {
    "updated": ("最近更新", lambda: Deal.last_activity_on),
    "name": ("项目名称", lambda: Deal.name),
    "amount": ("金额", lambda: Deal.contract_amount_yuan),
    "stage": ("阶段", lambda: sa.case({s: i for i, s in enumerate(ALL_STAGES)}, value=Deal.stage, else_=99)),
    "lead": ("线索日期", lambda: Deal.lead_on),
    "signed": ("签约日期", lambda: Deal.signed_on),
    "started": ("开工日期", lambda: Deal.started_on),
}


@dataclass
class DealFilters:
    """The deal list's filter, parsed leniently from URL arguments (bad values are ignored)."""

    q: str = ""
    stage: str | None = None
    lead_unit_id: int | None = None
    township_id: int | None = None
    leader_id: int | None = None
    industry_id: int | None = None
    investor_id: int | None = None
    year: int | None = None
    counted: bool | None = None
    follow: str | None = None
    owner_id: int | None = None  # 我负责的: the deals one user owns
    with_unowned: bool = False  # …and those nobody owns yet (what 我的跟进 counts for staff)
    sort: str = "updated"
    direction: str = "desc"

    @classmethod
    def from_args(cls, args) -> "DealFilters":
        year = _int_arg(args, "year")
        counted = {"1": True, "0": False}.get(args.get("counted") or "")
        sort = args.get("sort") if args.get("sort") in SORTS else "updated"
        return cls(
            q=(args.get("q") or "").strip()[:100],
            stage=args.get("stage") if args.get("stage") in ALL_STAGES else None,
            lead_unit_id=_int_arg(args, "lead_unit"),
            township_id=_int_arg(args, "township"),
            leader_id=_int_arg(args, "leader"),
            industry_id=_int_arg(args, "industry"),
            investor_id=_int_arg(args, "investor"),
            year=year if year and 2000 <= year <= 2100 else None,
            counted=counted,
            follow=args.get("follow") if args.get("follow") in FOLLOW_UP_GROUPS else None,
            owner_id=_int_arg(args, "owner"),
            with_unowned=args.get("unowned") == "1",
            sort=sort,
            direction="asc" if args.get("dir") == "asc" else "desc",
        )

    def conditions(self, *, with_stage: bool = True) -> list:
        """SQL conditions on Deal for this filter."""
        where = []
        if self.q:
            pattern = like_pattern(self.q)
            # A union of two index-friendly lookups (pg_trgm GIN on both names on PostgreSQL): an OR
            # with a sub-select would scan every deal.
            by_name = sa.select(Deal.id).where(Deal.name.ilike(pattern, escape="\\"))
            by_investor = (
                sa.select(Deal.id)
                .join(Investor, Deal.investor_id == Investor.id)
                .where(Investor.name.ilike(pattern, escape="\\"))
            )
            where.append(Deal.id.in_(sa.union(by_name, by_investor)))
        if with_stage and self.stage:
            where.append(Deal.stage == self.stage)
        for column, value in (
            (Deal.lead_unit_id, self.lead_unit_id),
            (Deal.township_id, self.township_id),
            (Deal.leader_id, self.leader_id),
            (Deal.industry_id, self.industry_id),
            (Deal.investor_id, self.investor_id),
        ):
            if value is not None:
                where.append(column == value)
        if self.owner_id is not None:
            mine = Deal.owner_id == self.owner_id
            where.append(sa.or_(mine, Deal.owner_id.is_(None)) if self.with_unowned else mine)
        if self.year is not None:
            where.append(Deal.signed_on.between(date(self.year, 1, 1), date(self.year, 12, 31)))
        if self.counted is not None:
            where.append(Deal.is_counted.is_(self.counted))
        if self.follow is not None:
            pending = sa.select(Negotiation.deal_id).where(
                pending_follow_up_clause(*follow_up_window(self.follow, today()))
            )
            where += [Deal.id.in_(pending), IN_PIPELINE]
        return where

    def args(self, **overrides) -> dict:
        """URL arguments reproducing this filter (for links, pagination and the export)."""
        values = {
            "q": self.q or None,
            "stage": self.stage,
            "lead_unit": self.lead_unit_id,
            "township": self.township_id,
            "leader": self.leader_id,
            "industry": self.industry_id,
            "investor": self.investor_id,
            "year": self.year,
            "counted": None if self.counted is None else ("1" if self.counted else "0"),
            "follow": self.follow,
            "owner": self.owner_id,
            "unowned": "1" if self.owner_id and self.with_unowned else None,
            "sort": None if self.sort == "updated" else self.sort,
            "dir": "asc" if self.direction == "asc" else None,
        }
        values.update(overrides)
        return {key: value for key, value in values.items() if value is not None}

    @property
    def is_empty(self) -> bool:
        return not self.conditions()


def _with_relations(stmt):
    return stmt.options(
        selectinload(Deal.investor),
        selectinload(Deal.lead_unit),
        selectinload(Deal.township),
        selectinload(Deal.leader),
        selectinload(Deal.industry),
        selectinload(Deal.project),
    )


def deals_stmt(filters: DealFilters, user):
    """Select of the deals matching ``filters`` that ``user`` may see, sorted."""
    stmt = visible(sa.select(Deal).where(*filters.conditions()), Deal, user)
    column = SORTS[filters.sort][1]()
    order = column.asc() if filters.direction == "asc" else column.desc()
    return _with_relations(stmt.order_by(order.nulls_last(), Deal.id.desc()))


def deal_totals(filters: DealFilters, user) -> dict:
    """Count and amount (integer yuan) of the deals matching ``filters``."""
    stmt = visible(
        sa.select(sa.func.count(Deal.id), sa.func.coalesce(sa.func.sum(Deal.contract_amount_yuan), 0)).where(
            *filters.conditions()
        ),
        Deal,
        user,
    )
    count, amount = db.session.execute(stmt).one()
    return {"count": as_int(count), "amount_yuan": as_int(amount)}


def signing_years() -> list[int]:
    """Years that have signed deals, newest first."""
    dates = db.session.scalars(sa.select(Deal.signed_on).where(Deal.signed_on.is_not(None)).distinct())
    return sorted({d.year for d in dates}, reverse=True)


def funds_in_place_by_deal(deal_ids: list[int]) -> dict[int, int]:
    """Total funds in place (integer yuan) per deal id."""
    if not deal_ids:
        return {}
    rows = db.session.execute(
        sa.select(FundsInPlace.deal_id, sa.func.sum(FundsInPlace.amount_yuan))
        .where(FundsInPlace.deal_id.in_(deal_ids))
        .group_by(FundsInPlace.deal_id)
    )
    return {deal_id: as_int(total) for deal_id, total in rows}


# --- kanban ----------------------------------------------------------------------------------


@dataclass
class KanbanColumn:
    stage: str
    count: int = 0
    amount_yuan: int = 0
    deals: list = field(default_factory=list)


def kanban(filters: DealFilters, user) -> list[KanbanColumn]:
    """One column per stage with its count, amount and most recently active deals.

    The cards of every column come in one query (numbered per stage, the first ``KANBAN_CARDS`` of
    each kept) with their relations loaded once for all columns.
    """
    columns = {stage: KanbanColumn(stage) for stage in ALL_STAGES}
    stmt = visible(
        sa.select(Deal.stage, sa.func.count(Deal.id), sa.func.coalesce(sa.func.sum(Deal.contract_amount_yuan), 0))
        .where(*filters.conditions(with_stage=False))
        .group_by(Deal.stage),
        Deal,
        user,
    )
    for stage, count, amount in db.session.execute(stmt):
        if stage in columns:
            columns[stage].count, columns[stage].amount_yuan = as_int(count), as_int(amount)
    stages = [column.stage for column in columns.values() if column.count]
    if stages:
        position = sa.func.row_number().over(
            partition_by=Deal.stage, order_by=(Deal.last_activity_on.desc().nulls_last(), Deal.id.desc())
        )
        ranked = visible(
            sa.select(Deal.id, position.label("position")).where(
                Deal.stage.in_(stages), *filters.conditions(with_stage=False)
            ),
            Deal,
            user,
        ).subquery()
        cards = (
            sa.select(Deal)
            .join(ranked, ranked.c.id == Deal.id)
            .where(ranked.c.position <= KANBAN_CARDS)
            .order_by(ranked.c.position)
        )
        for deal in db.session.scalars(_with_relations(cards)):
            columns[deal.stage].deals.append(deal)
    return list(columns.values())


# --- follow-ups (我的跟进) --------------------------------------------------------------------


@dataclass
class FollowUps:
    overdue: list
    today: list
    this_week: list
    counts: dict
    week_end: date

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def follow_ups(user, on: date, *, limit: int = FOLLOW_UP_LIMIT) -> FollowUps | None:
    """Pending follow-ups due by the end of this week in the user's scope (None when not the user's job).

    Unit users get their unit's deals and leaders their own (``visible`` scopes both); other roles
    every deal they may edit. Deals on hold or terminated drop out. Each group lists its first
    ``limit`` follow-ups (earliest due first) and counts them all.
    """
    if not can(user, "deals") or (not is_leader_account(user) and not can(user, "deals", "edit")):
        return None
    groups, counts = {}, {}
    mine = mine_clause(Deal, user)  # the owner's own, unless the user oversees the unit or county
    for group in ("overdue", "today", "this_week"):
        condition = sa.and_(
            pending_follow_up_clause(*follow_up_window(group, on)), IN_PIPELINE, *([mine] if mine is not None else [])
        )
        stmt = (
            sa.select(Negotiation)
            .join(Negotiation.deal)
            .where(condition)
            .order_by(Negotiation.next_follow_up_on, Negotiation.id)
            .limit(limit)
            .options(selectinload(Negotiation.deal).selectinload(Deal.investor))
        )
        groups[group] = db.session.scalars(visible(stmt, Deal, user)).all()
        count = sa.select(sa.func.count(Negotiation.id)).join(Negotiation.deal).where(condition)
        counts[group] = as_int(db.session.scalar(visible(count, Deal, user)))
    return FollowUps(**groups, counts=counts, week_end=week_end(on))


# --- panels and investors --------------------------------------------------------------------


def deals_where(user, *conditions, limit: int | None = None) -> list[Deal]:
    """Visible deals matching ``conditions``, latest signed first."""
    stmt = visible(sa.select(Deal).where(*conditions), Deal, user)
    stmt = stmt.order_by(Deal.signed_on.desc().nulls_last(), Deal.last_activity_on.desc().nulls_last(), Deal.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return db.session.scalars(_with_relations(stmt)).all()


def unit_condition(unit_id: int):
    """Deals a unit leads, sits in (township) or co-owns."""
    co = sa.select(deal_co_units.c.deal_id).where(deal_co_units.c.unit_id == unit_id)
    return sa.or_(Deal.lead_unit_id == unit_id, Deal.township_id == unit_id, Deal.id.in_(co))


def panel_summary(user, condition) -> dict:
    """Count, signed count and amount, and started count of the visible deals matching ``condition``."""
    signed = Deal.signed_on.is_not(None)
    stmt = sa.select(
        sa.func.count(Deal.id),
        sa.func.coalesce(sa.func.sum(sa.case((signed, 1), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((signed, Deal.contract_amount_yuan), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((sa.and_(signed, Deal.started_on.is_not(None)), 1), else_=0)), 0),
    ).where(condition)
    count, signed_count, amount, started = db.session.execute(visible(stmt, Deal, user)).one()
    return {
        "count": as_int(count),
        "signed_count": as_int(signed_count),
        "signed_amount_yuan": as_int(amount),
        "started_count": as_int(started),
    }


def investors_stmt(q: str = ""):
    """Investors (optionally searched by name or credit code), by name."""
    stmt = sa.select(Investor).options(selectinload(Investor.contacts))
    q = (q or "").strip()[:100]
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(
            sa.or_(Investor.name.ilike(pattern, escape="\\"), Investor.credit_code.ilike(pattern, escape="\\"))
        )
    return stmt.order_by(Investor.name, Investor.id)


def deal_counts(investor_ids: list[int]) -> dict[int, int]:
    """Number of deals (in any unit) per investor id."""
    if not investor_ids:
        return {}
    rows = db.session.execute(
        sa.select(Deal.investor_id, sa.func.count(Deal.id))
        .where(Deal.investor_id.in_(investor_ids))
        .group_by(Deal.investor_id)
    )
    return {investor_id: as_int(count) for investor_id, count in rows}


def can_edit_investor(user, investor: Investor) -> bool:
    """Deal editors may edit an investor; unit users only one whose deals all lie in their scope."""
    if not can(user, "deals", "edit"):
        return False
    if not keeps_own_unit(user):
        return True
    return all(can_see(deal, user) for deal in investor.deals)
