"""Reads for deals: list filters and totals, the kanban board, follow-ups, duplicates, the merged timeline."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core.audit import AuditEntry
from app.core.audit_display import describe
from app.core.permissions import can, can_see, visible
from app.deals.models import (
    ALL_STAGES,
    STAGE_DATE_FIELDS,
    Deal,
    DealStageChange,
    FundsInPlace,
    Investor,
    Negotiation,
    deal_co_units,
)
from app.extensions import db

PER_PAGE = 20
KANBAN_CARDS = 30


def as_int(value) -> int:
    """SQL sums come back as int, Decimal (PostgreSQL bigint sums) or None."""
    return int(value or 0)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _int_arg(args, key: str) -> int | None:
    raw = (args.get(key) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


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
            lead_unit_id=_int_arg(args, "lead_unit"), township_id=_int_arg(args, "township"),
            leader_id=_int_arg(args, "leader"), industry_id=_int_arg(args, "industry"),
            investor_id=_int_arg(args, "investor"),
            year=year if year and 2000 <= year <= 2100 else None, counted=counted,
            sort=sort, direction="asc" if args.get("dir") == "asc" else "desc",
        )

    def conditions(self, *, with_stage: bool = True) -> list:
        """SQL conditions on Deal for this filter."""
        where = []
        if self.q:
            pattern = _like(self.q)
            by_investor = sa.select(Investor.id).where(Investor.name.ilike(pattern, escape="\\"))
            where.append(sa.or_(Deal.name.ilike(pattern, escape="\\"), Deal.investor_id.in_(by_investor)))
        if with_stage and self.stage:
            where.append(Deal.stage == self.stage)
        for column, value in ((Deal.lead_unit_id, self.lead_unit_id), (Deal.township_id, self.township_id),
                              (Deal.leader_id, self.leader_id), (Deal.industry_id, self.industry_id),
                              (Deal.investor_id, self.investor_id)):
            if value is not None:
                where.append(column == value)
        if self.year is not None:
            where.append(Deal.signed_on.between(date(self.year, 1, 1), date(self.year, 12, 31)))
        if self.counted is not None:
            where.append(Deal.is_counted.is_(self.counted))
        return where

    def args(self, **overrides) -> dict:
        """URL arguments reproducing this filter (for links, pagination and the export)."""
        values = {
            "q": self.q or None, "stage": self.stage, "lead_unit": self.lead_unit_id, "township": self.township_id,
            "leader": self.leader_id, "industry": self.industry_id, "investor": self.investor_id, "year": self.year,
            "counted": None if self.counted is None else ("1" if self.counted else "0"),
            "sort": None if self.sort == "updated" else self.sort, "dir": "asc" if self.direction == "asc" else None,
        }
        values.update(overrides)
        return {key: value for key, value in values.items() if value is not None}

    @property
    def is_empty(self) -> bool:
        return not self.conditions()


def _with_relations(stmt):
    return stmt.options(selectinload(Deal.investor), selectinload(Deal.lead_unit), selectinload(Deal.township),
                        selectinload(Deal.leader), selectinload(Deal.industry), selectinload(Deal.project))


def deals_stmt(filters: DealFilters, user):
    """Select of the deals matching ``filters`` that ``user`` may see, sorted."""
    stmt = visible(sa.select(Deal).where(*filters.conditions()), Deal, user)
    column = SORTS[filters.sort][1]()
    order = column.asc() if filters.direction == "asc" else column.desc()
    return _with_relations(stmt.order_by(order.nulls_last(), Deal.id.desc()))


def deal_totals(filters: DealFilters, user) -> dict:
    """Count and amount (integer yuan) of the deals matching ``filters``."""
    stmt = visible(sa.select(sa.func.count(Deal.id), sa.func.coalesce(sa.func.sum(Deal.contract_amount_yuan), 0))
                   .where(*filters.conditions()), Deal, user)
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
    rows = db.session.execute(sa.select(FundsInPlace.deal_id, sa.func.sum(FundsInPlace.amount_yuan))
                              .where(FundsInPlace.deal_id.in_(deal_ids)).group_by(FundsInPlace.deal_id))
    return {deal_id: as_int(total) for deal_id, total in rows}


# --- kanban ----------------------------------------------------------------------------------

@dataclass
class KanbanColumn:
    stage: str
    count: int = 0
    amount_yuan: int = 0
    deals: list = field(default_factory=list)


def kanban(filters: DealFilters, user) -> list[KanbanColumn]:
    """One column per stage with its count, amount and most recently active deals."""
    columns = {stage: KanbanColumn(stage) for stage in ALL_STAGES}
    stmt = visible(sa.select(Deal.stage, sa.func.count(Deal.id), sa.func.coalesce(sa.func.sum(Deal.contract_amount_yuan), 0))
                   .where(*filters.conditions(with_stage=False)).group_by(Deal.stage), Deal, user)
    for stage, count, amount in db.session.execute(stmt):
        if stage in columns:
            columns[stage].count, columns[stage].amount_yuan = as_int(count), as_int(amount)
    for column in columns.values():
        if column.count:
            cards = visible(sa.select(Deal).where(Deal.stage == column.stage, *filters.conditions(with_stage=False)),
                            Deal, user)
            cards = cards.order_by(Deal.last_activity_on.desc().nulls_last(), Deal.id.desc()).limit(KANBAN_CARDS)
            column.deals = db.session.scalars(_with_relations(cards)).all()
    return list(columns.values())


# --- follow-ups (我的跟进) --------------------------------------------------------------------

@dataclass
class FollowUps:
    overdue: list
    today: list
    this_week: list
    week_end: date

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.today) + len(self.this_week)


def follow_ups(user, on: date) -> FollowUps | None:
    """Pending follow-ups due by the end of this week in the user's scope (None when not the user's job).

    Unit users get their unit's deals and leaders their own (``visible`` scopes both); other roles
    every deal they may edit. Deals on hold or terminated drop out.
    """
    if not can(user, "deals") or (user.role != "leader" and not can(user, "deals", "edit")):
        return None
    week_end = on + timedelta(days=6 - on.weekday())
    stmt = (sa.select(Negotiation).join(Negotiation.deal)
            .where(Negotiation.follow_up_done.is_(False), Negotiation.next_follow_up_on.is_not(None),
                   Negotiation.next_follow_up_on <= week_end, Deal.stage.not_in(("终止", "暂缓")))
            .order_by(Negotiation.next_follow_up_on, Negotiation.id)
            .options(selectinload(Negotiation.deal).selectinload(Deal.investor)))
    rows = db.session.scalars(visible(stmt, Deal, user)).all()
    return FollowUps(overdue=[n for n in rows if n.next_follow_up_on < on],
                     today=[n for n in rows if n.next_follow_up_on == on],
                     this_week=[n for n in rows if n.next_follow_up_on > on], week_end=week_end)


# --- duplicates ------------------------------------------------------------------------------

_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司", "控股",
                     "co.,ltd", "co.ltd", "coltd", "ltd", "inc")
_PLACES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建",
           "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
           "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门", "台湾", "深圳", "广州", "杭州", "苏州", "南京",
           "武汉", "成都", "西安", "郑州", "济南", "青岛", "厦门", "宁波", "太原", "长治", "晋城", "泽州", "阳城",
           "高平", "陵川", "沁水", "大同", "朔州", "忻州", "吕梁", "晋中", "阳泉", "临汾", "运城")
_DEAL_WORDS = ("建设项目", "项目", "工程")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
SIMILARITY = 0.8


def _clean(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or "").lower())


def investor_key(name: str) -> str:
    """A company name reduced to its core: no places, punctuation or legal-form suffix."""
    text = _clean(name)
    for suffix in _COMPANY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text[: -len(suffix)]
            break
    for place in _PLACES:
        for form in (place + "省", place + "市", place + "县", place):
            text = text.replace(form, "") if len(text) - len(form) >= 2 else text
    return text


def deal_key(name: str) -> str:
    """A deal name reduced to its core (no punctuation, no trailing 项目/工程)."""
    text = _clean(name)
    for word in _DEAL_WORDS:
        if text.endswith(word) and len(text) > len(word) + 1:
            return text[: -len(word)]
    return text


def similarity(a: str, b: str) -> float:
    """0..1: 1 for equal keys or one key containing the other (≥ 4 characters), else the difflib ratio."""
    if not a or not b:
        return 0.0
    if a == b or (min(len(a), len(b)) >= 4 and (a in b or b in a)):
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass
class Duplicate:
    record: object
    reason: str
    score: float
    can_open: bool = True


def similar_investors(name: str, credit_code: str | None = None, *, exclude_id: int | None = None,
                      limit: int = 5) -> list[Duplicate]:
    """Investors that look like the one being entered: same credit code, or a very similar name."""
    found: dict[int, Duplicate] = {}
    if credit_code:
        from app.deals.credit_code import normalize_credit_code

        code = normalize_credit_code(credit_code)
        for investor in db.session.scalars(sa.select(Investor).where(Investor.credit_code == code)):
            if investor.id != exclude_id:
                found[investor.id] = Duplicate(investor, f"统一社会信用代码相同（{code}）", 2.0)
    key = investor_key(name or "")
    if len(key) >= 2:
        for investor_id, other_name in db.session.execute(sa.select(Investor.id, Investor.name)):
            if investor_id == exclude_id or investor_id in found:
                continue
            score = similarity(key, investor_key(other_name))
            if score >= SIMILARITY:
                found[investor_id] = Duplicate(db.session.get(Investor, investor_id), "名称相近", score)
    return sorted(found.values(), key=lambda d: -d.score)[:limit]


def similar_deals(name: str, *, investor_id: int | None = None, exclude_id: int | None = None, user=None,
                  limit: int = 5) -> list[Duplicate]:
    """Deals (in any unit) with a very similar name; ``can_open`` tells whether ``user`` may open them."""
    key = deal_key(name or "")
    if len(key) < 2:
        return []
    found = []
    for deal_id, other_name, other_investor in db.session.execute(sa.select(Deal.id, Deal.name, Deal.investor_id)):
        if deal_id == exclude_id:
            continue
        score = similarity(key, deal_key(other_name))
        same_investor = investor_id is not None and other_investor == investor_id
        if score >= SIMILARITY or (same_investor and score >= 0.6):
            found.append((deal_id, score + (0.5 if same_investor else 0), same_investor))
    result = []
    for deal_id, score, same_investor in sorted(found, key=lambda item: -item[1])[:limit]:
        deal = db.session.get(Deal, deal_id)
        reason = "同一投资方、名称相近" if same_investor else "名称相近"
        result.append(Duplicate(deal, reason, score, can_open=user is None or can_see(deal, user)))
    return result


# --- the deal page ---------------------------------------------------------------------------

# Deal columns that only change with a stage move; their audit rows repeat the stage events.
_STAGE_COLUMNS = {"stage", "stage_before_hold", "termination_reason",
                  *(column for column, _label in STAGE_DATE_FIELDS.values() if column)}


@dataclass
class TimelineEvent:
    """One entry of the deal page's merged timeline."""

    on: date  # the business date (effective, held, received), or the day of an edit
    at: datetime | None  # when it was recorded (UTC)
    kind: str  # stage | negotiation | funds | change
    title: str
    who: str = ""
    lines: list = field(default_factory=list)
    record: object = None


def _beijing_day(moment: datetime) -> date:
    return (moment + timedelta(hours=8)).date()


def deal_timeline(deal: Deal) -> list[TimelineEvent]:
    """Stage history, negotiations, funds in place and audited edits of a deal, newest first."""
    related = {
        "deal_stage_changes": [c.id for c in deal.stage_changes],
        "negotiations": [n.id for n in deal.negotiations],
        "funds_in_place": [f.id for f in deal.funds_in_place],
    }
    targets = [sa.and_(AuditEntry.entity == "deals", AuditEntry.record_id == deal.id)]
    targets += [sa.and_(AuditEntry.entity == table, AuditEntry.record_id.in_(ids)) for table, ids in related.items() if ids]
    entries = db.session.scalars(sa.select(AuditEntry).where(sa.or_(*targets)).order_by(AuditEntry.id)).all()
    created = {(e.entity, e.record_id): e for e in entries if e.action == "create"}

    def who(table, record_id):
        entry = created.get((table, record_id))
        return (entry.username or "系统") if entry else ""

    events: list[TimelineEvent] = []
    for change in deal.stage_changes:
        title = f"登记为“{change.to_stage}”" if change.from_stage is None else f"{change.from_stage} → {change.to_stage}"
        label = STAGE_DATE_FIELDS.get(change.to_stage, (None, "生效日期"))[1]
        lines = [f"{label}：{change.effective_on.isoformat()}"]
        if change.note:
            lines.append(change.note)
        events.append(TimelineEvent(change.effective_on, change.recorded_at, "stage", title,
                                    who("deal_stage_changes", change.id), lines, change))
    for negotiation in deal.negotiations:
        lines = [negotiation.content]
        if negotiation.result:
            lines.append(f"结果：{negotiation.result}")
        if negotiation.next_step:
            lines.append(f"下一步：{negotiation.next_step}")
        if negotiation.next_follow_up_on:
            state = "（已跟进）" if negotiation.follow_up_done else ""
            lines.append(f"下次跟进：{negotiation.next_follow_up_on.isoformat()}{state}")
        events.append(TimelineEvent(negotiation.held_on, negotiation.created_at, "negotiation",
                                    f"洽谈（{negotiation.kind}）", who("negotiations", negotiation.id), lines, negotiation))
    for entry in deal.funds_in_place:
        from app.core.money import format_wan

        lines = [f"{entry.kind} {format_wan(entry.amount_yuan)} 万元"] + ([entry.evidence] if entry.evidence else [])
        events.append(TimelineEvent(entry.received_on, entry.created_at, "funds", "资金到位",
                                    who("funds_in_place", entry.id), lines, entry))
    for entry in entries:
        if entry.entity == "deals" and entry.action == "update" and entry.field in _STAGE_COLUMNS:
            continue
        if entry.action == "create":
            continue  # shown above as the business event itself (a deal's creation is its 线索 row)
        item = describe(entry)
        lines = [f"{c.label}：{c.old} → {c.new}" if item.action == "修改" else f"{c.label}：{c.new or c.old}"
                 for c in item.changes]
        events.append(TimelineEvent(_beijing_day(entry.created_at), entry.created_at, "change",
                                    f"{item.action}{item.entity_label}", entry.username or "系统", lines))
    merged: list[TimelineEvent] = []
    for event in sorted(events, key=lambda e: (e.on, e.at or datetime.min)):
        last = merged[-1] if merged else None
        if (last and event.kind == last.kind == "change" and event.at == last.at and event.who == last.who
                and event.title == last.title):
            last.lines.extend(event.lines)  # one edit touching several fields
        else:
            merged.append(event)
    return list(reversed(merged))


def history_mismatches() -> list[tuple[Deal, list[str]]]:
    """Deals whose stage or stage dates differ from what their stage history implies, with the differences."""
    from app.deals.services import DATE_COLUMNS, replay_stage_history

    labels = {column: label for column, label in STAGE_DATE_FIELDS.values() if column}
    found = []
    stmt = sa.select(Deal).options(selectinload(Deal.stage_changes)).order_by(Deal.id)
    for deal in db.session.scalars(stmt):
        state = replay_stage_history(deal.stage_changes)
        differences = [f"{labels[column]}：{getattr(deal, column) or '空'} ≠ 记录 {state.dates[column] or '空'}"
                       for column in DATE_COLUMNS if getattr(deal, column) != state.dates[column]]
        if deal.stage != state.stage:
            differences.insert(0, f"阶段：{deal.stage} ≠ 记录 {state.stage}")
        if differences:
            found.append((deal, differences))
    return found


def funds_summary(deal: Deal) -> dict:
    """Funds in place of a deal: total, per kind, and 资金到位率 against the contract amount."""
    by_kind: dict[str, int] = {}
    for entry in deal.funds_in_place:
        by_kind[entry.kind] = by_kind.get(entry.kind, 0) + entry.amount_yuan
    total = sum(by_kind.values())
    rate = total / deal.contract_amount_yuan if deal.contract_amount_yuan else None
    return {"total_yuan": total, "by_kind": by_kind, "rate": rate}


def stage_changes(deal: Deal) -> list[DealStageChange]:
    """A deal's stage history in recording order."""
    return sorted(deal.stage_changes, key=lambda c: c.id)


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
    return {"count": as_int(count), "signed_count": as_int(signed_count), "signed_amount_yuan": as_int(amount),
            "started_count": as_int(started)}


def investors_stmt(q: str = ""):
    """Investors (optionally searched by name or credit code), by name."""
    stmt = sa.select(Investor).options(selectinload(Investor.contacts))
    q = (q or "").strip()[:100]
    if q:
        pattern = _like(q)
        stmt = stmt.where(sa.or_(Investor.name.ilike(pattern, escape="\\"),
                                 Investor.credit_code.ilike(pattern, escape="\\")))
    return stmt.order_by(Investor.name, Investor.id)


def deal_counts(investor_ids: list[int]) -> dict[int, int]:
    """Number of deals (in any unit) per investor id."""
    if not investor_ids:
        return {}
    rows = db.session.execute(sa.select(Deal.investor_id, sa.func.count(Deal.id))
                              .where(Deal.investor_id.in_(investor_ids)).group_by(Deal.investor_id))
    return {investor_id: as_int(count) for investor_id, count in rows}


def can_edit_investor(user, investor: Investor) -> bool:
    """Deal editors may edit an investor; unit users only one whose deals all lie in their scope."""
    if not can(user, "deals", "edit"):
        return False
    if user.role != "unit":
        return True
    return all(can_see(deal, user) for deal in investor.deals)
