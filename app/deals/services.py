"""Writes for deals: creation, effective-dated stage moves, negotiations, funds in place.

The stage-date columns on Deal (signed_on, started_on …) always mirror the stage
history: every change goes through ``move_deal_to_stage`` or
``correct_stage_date`` which keep both in step. Services flush; callers commit.
"""

from datetime import date

from app.core.dates import today
from app.core.errors import InputError
from app.deals.models import (
    ALL_STAGES,
    STAGE_DATE_FIELDS,
    STAGES,
    Deal,
    DealStageChange,
    FundsInPlace,
    Negotiation,
)
from app.extensions import db

# Later stages require these earlier dates not to be after them.
_ORDER = [("lead_on", "线索日期"), ("negotiating_on", "洽谈日期"), ("signed_on", "签约日期"),
          ("registered_on", "注册日期"), ("started_on", "开工日期"), ("production_on", "投产日期")]


def _stage_index(stage: str | None) -> int:
    return STAGES.index(stage) if stage in STAGES else -1


def check_date_order(deal: Deal) -> None:
    """Refuse stage dates out of order (开工 before 签约 …) with a clear message."""
    known = [(getattr(deal, field), field, label) for field, label in _ORDER if getattr(deal, field)]
    for index, (value, _field, label) in enumerate(known):
        for later_value, _later_field, later_label in known[index + 1:]:
            if later_value < value:
                raise InputError(f"{later_label}（{later_value}）不能早于{label}（{value}）", field="effective_on")
    if deal.terminated_on and known and deal.terminated_on < known[0][0]:
        raise InputError(f"终止日期（{deal.terminated_on}）不能早于{known[0][2]}（{known[0][0]}）",
                         field="effective_on")


def create_deal(data: dict, *, actor=None, effective_on: date | None = None) -> Deal:
    """Create a deal at stage 线索 (or the stage in ``data``), recording the first history row."""
    name = (data.get("name") or "").strip()
    if not name:
        raise InputError("项目名称不能为空", field="name")
    stage = data.pop("stage", None) or "线索"
    deal = Deal(**{"is_counted": True, **data, "name": name, "stage": "线索"})
    if not deal.is_counted and not (deal.exclusion_reason or "").strip():
        raise InputError("不计入考核时必须填写原因", field="exclusion_reason")
    start_on = effective_on or data.get("lead_on") or today()
    if start_on > today():
        raise InputError(f"线索日期（{start_on}）不能晚于今天", field="lead_on")
    deal.lead_on = start_on
    deal.last_activity_on = today()
    db.session.add(deal)
    db.session.flush()
    db.session.add(DealStageChange(deal=deal, from_stage=None, to_stage="线索", effective_on=start_on,
                                   actor_id=getattr(actor, "id", None)))
    if stage != "线索":
        move_deal_to_stage(deal, stage, effective_on=start_on, actor=actor)
    db.session.flush()
    return deal


def move_deal_to_stage(deal: Deal, to_stage: str, *, effective_on: date, actor=None,
                       note: str | None = None, reason: str | None = None) -> DealStageChange:
    """Move a deal to ``to_stage`` effective on ``effective_on``, enforcing the date rules.

    Forward moves may skip stages (the skipped dates take the same date when empty).
    Moving backwards requires a reason and clears the dates of the stages left.
    暂缓 remembers the stage to resume; 终止 requires a reason and keeps all dates.
    """
    if to_stage not in ALL_STAGES:
        raise InputError(f"阶段“{to_stage}”不存在", field="to_stage")
    if effective_on is None:
        raise InputError("请填写生效日期", field="effective_on")
    if effective_on > today():
        raise InputError(f"生效日期（{effective_on}）不能晚于今天（{today()}）", field="effective_on")
    if to_stage == deal.stage:
        raise InputError(f"项目已处于“{to_stage}”阶段", field="to_stage")
    if deal.stage == "终止":
        raise InputError("已终止的项目不能再变更阶段", field="to_stage")
    note = (note or "").strip() or None
    reason = (reason or "").strip() or None
    from_stage = deal.stage
    current = deal.stage_before_hold if from_stage == "暂缓" else from_stage

    if to_stage == "终止":
        if not reason:
            raise InputError("终止项目必须填写原因", field="reason")
        deal.terminated_on = effective_on
        deal.termination_reason = reason
    elif to_stage == "暂缓":
        deal.stage_before_hold = current
    else:
        target, here = _stage_index(to_stage), _stage_index(current)
        if target < here:
            if not reason:
                raise InputError(f"从“{current}”退回“{to_stage}”必须填写原因", field="reason")
            for stage in STAGES[target + 1:]:
                field = STAGE_DATE_FIELDS[stage][0]
                setattr(deal, field, None)
        else:
            for stage in STAGES[here + 1:target + 1]:
                field = STAGE_DATE_FIELDS[stage][0]
                if stage == to_stage or getattr(deal, field) is None:
                    setattr(deal, field, effective_on)
        deal.stage_before_hold = None
    deal.stage = to_stage
    check_date_order(deal)
    change = DealStageChange(deal=deal, from_stage=from_stage, to_stage=to_stage, effective_on=effective_on,
                             note="；".join(filter(None, [reason, note])) or None,
                             actor_id=getattr(actor, "id", None))
    db.session.add(change)
    deal.last_activity_on = today()
    db.session.flush()
    return change


def correct_stage_date(change: DealStageChange, new_date: date, *, actor=None, note: str | None = None) -> None:
    """Correct the effective date of a recorded stage move (audited), re-checking the order."""
    if new_date is None or new_date > today():
        raise InputError("更正后的日期不能为空或晚于今天", field="effective_on")
    deal = change.deal
    change.effective_on = new_date
    if note:
        change.note = f"{change.note or ''}（更正：{note}）".strip()
    field = STAGE_DATE_FIELDS.get(change.to_stage, (None,))[0]
    latest = max((c for c in deal.stage_changes if c.to_stage == change.to_stage),
                 key=lambda c: c.id, default=None)
    if field and latest is change and getattr(deal, field) is not None:
        setattr(deal, field, new_date)
    check_date_order(deal)
    db.session.flush()


def add_negotiation(deal: Deal, data: dict, *, actor=None) -> Negotiation:
    """Log a negotiation; the next follow-up date feeds 我的跟进."""
    held_on = data.get("held_on")
    if held_on is None:
        raise InputError("请填写洽谈日期", field="held_on")
    if held_on > today():
        raise InputError("洽谈日期不能晚于今天", field="held_on")
    if not (data.get("content") or "").strip():
        raise InputError("请填写洽谈内容", field="content")
    follow = data.get("next_follow_up_on")
    if follow is not None and follow < held_on:
        raise InputError("下次跟进日期不能早于洽谈日期", field="next_follow_up_on")
    # A new negotiation settles earlier pending follow-ups of the same deal.
    for earlier in deal.negotiations:
        if earlier.next_follow_up_on and not earlier.follow_up_done:
            earlier.follow_up_done = True
    negotiation = Negotiation(deal=deal, actor_id=getattr(actor, "id", None), **data)
    db.session.add(negotiation)
    deal.last_activity_on = today()
    db.session.flush()
    return negotiation


def add_funds_in_place(deal: Deal, *, received_on: date, amount_yuan: int, kind: str = "固定资产",
                       evidence: str | None = None) -> FundsInPlace:
    """Record money actually invested for a signed deal."""
    if deal.signed_on is None:
        raise InputError("项目尚未签约，不能登记到位资金", field="received_on")
    if received_on is None or received_on > today():
        raise InputError("到位日期不能为空或晚于今天", field="received_on")
    if received_on < deal.signed_on:
        raise InputError(f"到位日期不能早于签约日期（{deal.signed_on}）", field="received_on")
    if not amount_yuan or amount_yuan <= 0:
        raise InputError("到位金额须大于0", field="amount_yuan")
    entry = FundsInPlace(deal=deal, received_on=received_on, amount_yuan=amount_yuan, kind=kind, evidence=evidence)
    db.session.add(entry)
    deal.last_activity_on = today()
    db.session.flush()
    return entry
