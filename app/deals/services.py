"""Writes for deals: creation, effective-dated stage moves, negotiations, funds in place, investors.

The stage-date columns on Deal (signed_on, started_on …) always mirror the stage
history: every change goes through ``move_deal_to_stage`` or
``correct_stage_date`` which keep both in step (``replay_stage_history`` derives
the columns from the rows alone). Services flush only when they need an id; callers commit.
"""

from datetime import date

import sqlalchemy as sa

from app.core.dates import today
from app.core.errors import InputError
from app.core.locking import lock_key, lock_row
from app.deals.credit_code import validate_credit_code
from app.deals.models import (
    AGREEMENT_TYPES,
    FUNDS_KINDS,
    ORIGINS,
    Deal,
    DealStageChange,
    FundsInPlace,
    Investor,
    InvestorContact,
    Negotiation,
)
from app.deals.stages import (
    Stage,
    StageState,
    latest_change,
    plan_correction,
    plan_move,
    replay_stage_history,
)
from app.extensions import db

# Deal columns a plain edit may change; stage and its dates only move through the stage services.
EDITABLE_FIELDS = {
    "name",
    "investor",
    "investor_id",
    "industry",
    "industry_id",
    "contract_amount_yuan",
    "agreement_type",
    "is_counted",
    "exclusion_reason",
    "lead_unit",
    "lead_unit_id",
    "township",
    "township_id",
    "leader",
    "leader_id",
    "co_units",
    "contact_name",
    "contact_phone",
    "notes",
}


# --- deals -------------------------------------------------------------------------------------


def _validate_deal(deal: Deal) -> None:
    if not (deal.name or "").strip():
        raise InputError("项目名称不能为空", field="name")
    deal.name = deal.name.strip()
    if len(deal.name) > 200:
        raise InputError("项目名称不能超过200字", field="name")
    if deal.is_counted is None:
        deal.is_counted = True
    if deal.is_counted:
        deal.exclusion_reason = None
    elif not (deal.exclusion_reason or "").strip():
        raise InputError("不计入考核时必须填写原因", field="exclusion_reason")
    if deal.contract_amount_yuan is None:
        deal.contract_amount_yuan = 0
    if deal.contract_amount_yuan < 0:
        raise InputError("签约金额不能为负数", field="contract_amount_yuan")
    if deal.agreement_type and deal.agreement_type not in AGREEMENT_TYPES:
        raise InputError(f"协议类型须为{'、'.join(AGREEMENT_TYPES)}之一", field="agreement_type")


def create_deal(data: dict, *, actor=None, effective_on: date | None = None) -> Deal:
    """Create a deal at stage 线索 (or the stage in ``data``), recording the first history row."""
    data = dict(data)
    stage = data.pop("stage", None) or Stage.LEAD
    co_units = data.pop("co_units", None) or []
    deal = Deal(**{"is_counted": True, "owner_id": getattr(actor, "id", None), **data, "stage": Stage.LEAD})
    deal.co_units = list(co_units)
    try:
        _validate_deal(deal)
    except InputError:
        if deal in db.session:  # pulled in by a related object's backref
            db.session.expunge(deal)
        raise
    start_on = effective_on or data.get("lead_on") or today()
    if start_on > today():
        raise InputError(f"线索日期（{start_on}）不能晚于今天", field="lead_on")
    deal.lead_on = start_on
    deal.last_activity_on = today()
    db.session.add(deal)
    db.session.add(
        DealStageChange(
            deal=deal, from_stage=None, to_stage=Stage.LEAD, effective_on=start_on, actor_id=getattr(actor, "id", None)
        )
    )
    if stage != Stage.LEAD:
        move_deal_to_stage(deal, stage, effective_on=start_on, actor=actor)
    return deal


def update_deal(deal: Deal, data: dict) -> Deal:
    """Change a deal's descriptive fields (not its stage or stage dates)."""
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise InputError(f"不能在此修改：{'、'.join(sorted(unknown))}（阶段和日期请用“变更阶段”）")
    for key, value in data.items():
        setattr(deal, key, list(value) if key == "co_units" else value)
    _validate_deal(deal)
    deal.last_activity_on = today()
    return deal


# --- stage history -----------------------------------------------------------------------------


def move_deal_to_stage(
    deal: Deal, to_stage: str, *, effective_on: date, actor=None, note: str | None = None, reason: str | None = None
) -> DealStageChange:
    """Move a deal to ``to_stage`` effective on ``effective_on``, enforcing the date rules.

    Forward moves may skip stages: each skipped stage gets its own history row with
    the same date, so every stage date can be corrected later. Moving backwards
    requires a reason and clears the dates of the stages left. 暂缓 remembers the
    stage to resume; 终止 requires a reason and keeps all dates. The effective date
    may not precede the previous move, nor lie in the future.
    """
    lock_row(deal)  # a concurrent move waits, then sees this one's stage and history
    note = (note or "").strip() or None
    reason = (reason or "").strip() or None
    from_stage = deal.stage
    state = StageState.of(deal)
    skipped = plan_move(state, to_stage, effective_on, reason=reason, previous=latest_change(deal.stage_changes))
    for column, value in state.dates.items():
        setattr(deal, column, value)
    deal.stage, deal.stage_before_hold = state.stage, state.before_hold
    if to_stage == Stage.TERMINATED:
        deal.termination_reason = reason

    actor_id = getattr(actor, "id", None)
    step_from = from_stage
    for stage in skipped:
        db.session.add(
            DealStageChange(
                deal=deal,
                from_stage=step_from,
                to_stage=stage,
                effective_on=effective_on,
                note=f"随“{to_stage}”一并登记",
                actor_id=actor_id,
            )
        )
        step_from = stage
    change = DealStageChange(
        deal=deal,
        from_stage=step_from,
        to_stage=to_stage,
        effective_on=effective_on,
        note="；".join(filter(None, [reason, note])) or None,
        actor_id=actor_id,
    )
    db.session.add(change)
    deal.last_activity_on = today()
    return change


def correct_stage_date(change: DealStageChange, new_date: date, *, note: str | None = None) -> None:
    """Correct the effective date of a recorded stage move (audited), re-checking every date rule."""
    deal = change.deal
    state = plan_correction(deal.stage_changes, change, new_date)
    old = change.effective_on
    change.effective_on = new_date
    change.date_unknown = False
    note = (note or "").strip()
    change.note = "".join(filter(None, [change.note, f"（{old} 更正为 {new_date}{'：' + note if note else ''}）"]))[
        :1000
    ]
    for column, value in state.dates.items():
        setattr(deal, column, value)
    deal.last_activity_on = today()


def sync_dates_from_history(deal: Deal) -> None:
    """Rewrite a deal's stage and stage dates from its history rows (repairs data written around the services)."""
    state = replay_stage_history(deal.stage_changes)
    for column, value in state.dates.items():
        setattr(deal, column, value)
    deal.stage, deal.stage_before_hold = state.stage, state.before_hold


# --- negotiations and funds ------------------------------------------------------------------


def add_negotiation(deal: Deal, data: dict, *, actor=None) -> Negotiation:
    """Log a negotiation; the next follow-up date feeds 我的跟进."""
    from app.deals.negotiations import check_negotiation

    check_negotiation(data)
    # A new negotiation settles earlier pending follow-ups of the same deal.
    for earlier in deal.negotiations:
        if earlier.next_follow_up_on and not earlier.follow_up_done:
            earlier.follow_up_done = True
    negotiation = Negotiation(deal=deal, actor_id=getattr(actor, "id", None), **data)
    db.session.add(negotiation)
    deal.last_activity_on = today()
    return negotiation


def add_funds_in_place(
    deal: Deal, *, received_on: date, amount_yuan: int, kind: str = "固定资产", evidence: str | None = None
) -> FundsInPlace:
    """Record money actually invested for a signed deal."""
    lock_row(deal)
    if deal.signed_on is None:
        raise InputError("项目尚未签约，不能登记到位资金", field="received_on")
    if received_on is None or received_on > today():
        raise InputError("到位日期不能为空或晚于今天", field="received_on")
    if received_on < deal.signed_on:
        raise InputError(f"到位日期不能早于签约日期（{deal.signed_on}）", field="received_on")
    if not amount_yuan or amount_yuan <= 0:
        raise InputError("到位金额须大于0", field="amount_yuan")
    if kind not in FUNDS_KINDS:
        raise InputError(f"资金类别须为{'或'.join(FUNDS_KINDS)}", field="kind")
    entry = FundsInPlace(
        deal=deal,
        received_on=received_on,
        amount_yuan=amount_yuan,
        kind=kind,
        evidence=(evidence or "").strip() or None,
    )
    db.session.add(entry)
    deal.last_activity_on = today()
    return entry


def delete_funds_in_place(entry: FundsInPlace) -> None:
    """Remove a wrongly entered funds-in-place row (the audit log keeps it)."""
    deal = entry.deal
    deal.funds_in_place.remove(entry)
    db.session.delete(entry)
    deal.last_activity_on = today()


# --- linking to projects ---------------------------------------------------------------------


def link_deal_to_project(deal: Deal, project) -> None:
    """Link a signed deal to a project (None unlinks)."""
    if project is not None and deal.signed_on is None:
        raise InputError("项目签约后才能关联项目库项目", field="project_id")
    deal.project = project
    deal.last_activity_on = today()


def project_defaults(deal: Deal) -> dict:
    """Project fields prefilled from a deal."""
    year = (deal.signed_on or today()).year
    return {
        "name": deal.name,
        "plan_year": year,
        "nature": "新建",
        "industry_id": deal.industry_id,
        "township_id": deal.township_id,
        "lead_unit_id": deal.lead_unit_id,
        "leader_id": deal.leader_id,
        "total_investment_yuan": deal.contract_amount_yuan or 0,
        "planned_start_on": deal.started_on,
        "actual_start_on": deal.started_on,
    }


def create_project_for_deal(deal: Deal, data: dict):
    """Create a project from a signed deal (fields prefilled by ``project_defaults``) and link it."""
    from app.projects.services import create_project

    if deal.signed_on is None:
        raise InputError("项目签约后才能转入项目库", field="name")
    db.session.flush()  # the deal's references (units, leader, industry) as the ids the project is prefilled with
    project = create_project({**project_defaults(deal), **data})
    link_deal_to_project(deal, project)
    return project


# --- investors -------------------------------------------------------------------------------


def _validate_investor(investor: Investor) -> None:
    investor.name = (investor.name or "").strip()
    if not investor.name:
        raise InputError("投资方名称不能为空", field="name")
    investor.credit_code = validate_credit_code(investor.credit_code)
    if investor.credit_code:
        lock_key(Investor, investor.credit_code)  # a twin request waits here, then sees this one's row
        with db.session.no_autoflush:  # the edited row must not be flushed before the check
            clash = db.session.scalar(
                sa.select(Investor).where(
                    Investor.credit_code == investor.credit_code, Investor.id != (investor.id or -1)
                )
            )
        if clash is not None:
            raise InputError(
                f"统一社会信用代码 {investor.credit_code} 已登记为投资方“{clash.name}”", field="credit_code"
            )
    if investor.origin and investor.origin not in ORIGINS:
        raise InputError(f"来源须为{'、'.join(ORIGINS)}之一", field="origin")
    investor.origin = investor.origin or None


def create_investor(data: dict, *, contacts: list[dict] | None = None) -> Investor:
    """Register an investor; the credit code is checked (GB 32100) and must be unique."""
    investor = Investor(**data)
    _validate_investor(investor)
    db.session.add(investor)
    for contact in contacts or []:
        add_investor_contact(investor, contact)
    return investor


def update_investor(investor: Investor, data: dict) -> Investor:
    """Change an investor's fields."""
    for key, value in data.items():
        setattr(investor, key, value)
    _validate_investor(investor)
    return investor


def add_investor_contact(investor: Investor, data: dict) -> InvestorContact:
    """Add a contact person to an investor."""
    name = (data.get("name") or "").strip()
    if not name:
        raise InputError("联系人姓名不能为空", field="name")
    contact = InvestorContact(
        investor=investor,
        name=name,
        title=(data.get("title") or "").strip() or None,
        phone=(data.get("phone") or "").strip() or None,
    )
    db.session.add(contact)
    return contact


def remove_investor_contact(contact: InvestorContact) -> None:
    """Delete a contact person (the audit log keeps it)."""
    contact.investor.contacts.remove(contact)
    db.session.delete(contact)
