"""The deal page: the merged timeline, funds in place, the stage history and its consistency."""

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core.audit import AuditEntry
from app.core.audit_display import actor_name, describe
from app.core.dates import to_local
from app.core.money import format_wan
from app.core.permissions import is_leader_account
from app.deals.models import Deal, DealStageChange
from app.deals.stages import DATE_COLUMNS, DATE_LABELS, STAGE_DATE_FIELDS, replay_stage_history
from app.extensions import db

# Deal columns that only change with a stage move; their audit rows repeat the stage events.
_STAGE_COLUMNS = {
    "stage",
    "stage_before_hold",
    "termination_reason",
    *(column for column, _label in STAGE_DATE_FIELDS.values() if column),
}


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
    source: str = ""  # for audited edits: 网页, 导入, 命令行 …


def _beijing_day(moment: datetime) -> date:
    return to_local(moment).date()


def deal_timeline(deal: Deal, *, extra_related: list[tuple[str, list[int]]] = (), comments=()) -> list[TimelineEvent]:
    """The deal page's one timeline: stage history, negotiations, funds in place and audited edits (with
    who and through what: 网页, 导入 …), newest first."""
    related = {
        "deal_stage_changes": [c.id for c in deal.stage_changes],
        "negotiations": [n.id for n in deal.negotiations],
        "funds_in_place": [f.id for f in deal.funds_in_place],
        **dict(extra_related),  # e.g. the deal's attachments, so their deletions show as changes
    }
    targets = [sa.and_(AuditEntry.entity == "deals", AuditEntry.record_id == deal.id)]
    targets += [
        sa.and_(AuditEntry.entity == table, AuditEntry.record_id.in_(ids)) for table, ids in related.items() if ids
    ]
    entries = db.session.scalars(sa.select(AuditEntry).where(sa.or_(*targets)).order_by(AuditEntry.id)).all()
    created = {(e.entity, e.record_id): e for e in entries if e.action == "create"}

    def who(table, record_id):
        entry = created.get((table, record_id))
        return actor_name(entry) if entry else ""

    events: list[TimelineEvent] = []
    for change in deal.stage_changes:
        title = (
            f"登记为“{change.to_stage}”" if change.from_stage is None else f"{change.from_stage} → {change.to_stage}"
        )
        label = STAGE_DATE_FIELDS.get(change.to_stage, (None, "生效日期"))[1]
        lines = [
            f"{label}：日期未填（按 {change.effective_on.isoformat()} 计）"
            if change.date_unknown
            else f"{label}：{change.effective_on.isoformat()}"
        ]
        if change.note:
            lines.append(change.note)
        events.append(
            TimelineEvent(
                change.effective_on,
                change.recorded_at,
                "stage",
                title,
                who("deal_stage_changes", change.id),
                lines,
                change,
            )
        )
    for negotiation in deal.negotiations:
        lines = [negotiation.content]
        if negotiation.result:
            lines.append(f"结果：{negotiation.result}")
        if negotiation.next_step:
            lines.append(f"下一步：{negotiation.next_step}")
        if negotiation.next_follow_up_on and negotiation.deleted_at is None:
            state = "（已跟进）" if negotiation.follow_up_done else ""
            lines.append(f"下次跟进：{negotiation.next_follow_up_on.isoformat()}{state}")
        if negotiation.follow_up_note:
            lines.append(f"跟进情况：{negotiation.follow_up_note}")
        title = f"洽谈（{negotiation.kind}）"
        if negotiation.deleted_at is not None:  # kept in the timeline, marked, with the reason
            title += "（已删除）"
            lines.append(f"删除原因：{negotiation.delete_reason}")
        events.append(
            TimelineEvent(
                negotiation.held_on,
                negotiation.created_at,
                "negotiation",
                title,
                who("negotiations", negotiation.id),
                lines,
                negotiation,
            )
        )
    for entry in deal.funds_in_place:
        lines = [f"{entry.kind} {format_wan(entry.amount_yuan)} 万元"] + ([entry.evidence] if entry.evidence else [])
        events.append(
            TimelineEvent(
                entry.received_on, entry.created_at, "funds", "资金到位", who("funds_in_place", entry.id), lines, entry
            )
        )
    for entry in entries:
        if entry.entity == "deals" and entry.action == "update" and entry.field in _STAGE_COLUMNS:
            continue
        if entry.action == "create" and entry.entity != "attachments":
            continue  # shown above as the business event itself (a deal's creation is its 线索 row)
        item = describe(entry)
        lines = [
            f"{c.label}：{c.old} → {c.new}" if item.action == "修改" else f"{c.label}：{c.new or c.old}"
            for c in item.changes
        ]
        events.append(
            TimelineEvent(
                _beijing_day(entry.created_at),
                entry.created_at,
                "change",
                f"{item.action}{item.entity_label}",
                item.who,
                lines,
                source=item.source,
            )
        )
    for comment in comments:  # 批示 on the deal (app.records), in the order they were written
        leader = comment.author is not None and is_leader_account(comment.author)
        events.append(
            TimelineEvent(
                _beijing_day(comment.created_at),
                comment.created_at,
                "comment",
                "领导批示" if leader else "批示",
                str(comment.author or "系统"),
                [comment.body],
                comment,
            )
        )
    merged: list[TimelineEvent] = []
    for event in sorted(events, key=lambda e: (e.on, e.at or datetime.min)):
        last = merged[-1] if merged else None
        if (
            last
            and event.kind == last.kind == "change"
            and event.at == last.at
            and event.who == last.who
            and event.title == last.title
        ):
            last.lines.extend(event.lines)  # one edit touching several fields
        else:
            merged.append(event)
    return list(reversed(merged))


def history_mismatches() -> list[tuple[Deal, list[str]]]:
    """Deals whose stage or stage dates differ from what their stage history implies, with the differences."""
    found = []
    stmt = sa.select(Deal).options(selectinload(Deal.stage_changes)).order_by(Deal.id)
    for deal in db.session.scalars(stmt):
        state = replay_stage_history(deal.stage_changes)
        differences = [
            f"{DATE_LABELS[column]}：{getattr(deal, column) or '空'} ≠ 记录 {state.dates[column] or '空'}"
            for column in DATE_COLUMNS
            if getattr(deal, column) != state.dates[column]
        ]
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
