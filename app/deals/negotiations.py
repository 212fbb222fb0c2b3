"""Writes on logged negotiations (洽谈记录): edit, soft delete with a reason, closing a follow-up and undoing it.

The audit log keeps every old value, so an edited text stays readable in the deal's
timeline. Services flush; callers commit.
"""

from app.core.dates import today, utcnow
from app.core.errors import InputError
from app.core.text import clean_text
from app.deals.models import NEGOTIATION_KINDS, Negotiation
from app.extensions import db

EDITABLE = (
    "held_on",
    "kind",
    "our_participants",
    "their_participants",
    "content",
    "result",
    "next_step",
    "next_follow_up_on",
)


def check_negotiation(data: dict) -> None:
    """The rules a logged or edited negotiation must meet (date not in the future, a kind, content, follow-up after it)."""
    held_on = data.get("held_on")
    if held_on is None:
        raise InputError("请填写洽谈日期", field="held_on")
    if held_on > today():
        raise InputError("洽谈日期不能晚于今天", field="held_on")
    if data.get("kind") not in NEGOTIATION_KINDS:
        raise InputError(f"洽谈方式须为{'、'.join(NEGOTIATION_KINDS)}之一", field="kind")
    if not (data.get("content") or "").strip():
        raise InputError("请填写洽谈内容", field="content")
    follow = data.get("next_follow_up_on")
    if follow is not None and follow < held_on:
        raise InputError("下次跟进日期不能早于洽谈日期", field="next_follow_up_on")


def _live(negotiation: Negotiation) -> None:
    if negotiation.deleted_at is not None:
        raise InputError("该洽谈记录已删除")


def update_negotiation(negotiation: Negotiation, data: dict, *, actor=None) -> Negotiation:
    """Correct a negotiation record; a changed follow-up date reopens the follow-up."""
    _live(negotiation)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise InputError(f"不能在此修改：{'、'.join(sorted(unknown))}")
    merged = {name: getattr(negotiation, name) for name in EDITABLE} | data
    check_negotiation(merged)
    if merged["next_follow_up_on"] != negotiation.next_follow_up_on:
        negotiation.follow_up_done = False
        negotiation.follow_up_done_at = None
        negotiation.follow_up_note = None
    for name, value in data.items():
        setattr(negotiation, name, value)
    negotiation.deal.last_activity_on = today()
    db.session.flush()
    return negotiation


def delete_negotiation(negotiation: Negotiation, *, reason: str | None, actor=None) -> None:
    """Withdraw a wrongly logged negotiation: kept (and audited) with its reason, its follow-up dropped."""
    _live(negotiation)
    reason = clean_text(reason)
    if not reason:
        raise InputError("删除洽谈记录必须填写原因", field="reason")
    negotiation.deleted_at = utcnow()
    negotiation.delete_reason = reason[:500]
    # A deleted record's follow-up no longer counts anywhere (我的跟进, alerts, the 待跟进 filter).
    negotiation.follow_up_done = True
    db.session.flush()


def close_follow_up(negotiation: Negotiation, *, note: str | None = None, actor=None) -> None:
    """Tick off a pending follow-up, with an optional note of what was done."""
    _live(negotiation)
    if negotiation.next_follow_up_on is None:
        raise InputError("该洽谈记录没有待跟进事项")
    if negotiation.follow_up_done:
        raise InputError("该跟进已标记完成")
    negotiation.follow_up_done = True
    negotiation.follow_up_done_at = utcnow()
    negotiation.follow_up_note = clean_text(note)[:500] or None
    db.session.flush()


def reopen_follow_up(negotiation: Negotiation, *, actor=None) -> None:
    """Undo 已跟进: the follow-up is pending again (the audit log keeps the closing and its note)."""
    _live(negotiation)
    if not negotiation.follow_up_done or negotiation.next_follow_up_on is None:
        raise InputError("该跟进尚未完成，无需撤销")
    negotiation.follow_up_done = False
    negotiation.follow_up_done_at = None
    negotiation.follow_up_note = None
    db.session.flush()
