"""Corrections to fund records, as deals have them: status dates (登记日期 included), back-dated
registration, and voiding a ledger entry. Every correction is audited through the ORM. Flush only."""

from datetime import date

from app.core.dates import today
from app.core.errors import InputError
from app.core.money import format_wan
from app.extensions import db
from app.funds.models import STATUSES, FundApplication, FundLedgerEntry, FundStatusChange
from app.funds.services import APPROVED_STATUSES, change_status, create_application


def _ordered(app_: FundApplication) -> list[FundStatusChange]:
    return sorted((c for c in app_.status_changes if c.id is not None), key=lambda c: c.id)


def derive_status_dates(app_: FundApplication) -> None:
    """Set 申报日期 and 结果日期 from the status history (the round since the last reopening)."""
    declared = decided = None
    previous = None
    for change in _ordered(app_):
        status = change.to_status
        if status == "谋划储备":
            declared = decided = None
        elif status in STATUSES[1:] or status == "未通过":
            declared = declared or change.effective_on
        if status == "未通过" or (status in APPROVED_STATUSES and previous not in APPROVED_STATUSES):
            decided = None if change.date_unknown else change.effective_on
        previous = status
    app_.declared_on, app_.decided_on = declared, decided


def correct_status_date(change: FundStatusChange, new_date: date | None, *, reason: str | None, actor=None) -> None:
    """Correct the effective date of a recorded status change (the first one is the 登记日期).

    A reason is required; the date stays between the neighbouring changes and not in the
    future. A change whose date was unknown (日期未填) becomes known.
    """
    reason = (reason or "").strip()
    if new_date is None:
        raise InputError("请填写更正后的日期", field="effective_on")
    if new_date > today():
        raise InputError(f"更正后的日期（{new_date}）不能晚于今天（{today()}）", field="effective_on")
    if not reason:
        raise InputError("请填写更正原因", field="note")
    if new_date == change.effective_on and not change.date_unknown:
        raise InputError("更正后的日期与原日期相同", field="effective_on")
    ordered = _ordered(change.application)
    position = ordered.index(change)
    before = ordered[position - 1] if position > 0 else None
    after = ordered[position + 1] if position + 1 < len(ordered) else None
    if before is not None and new_date < before.effective_on:
        raise InputError(
            f"更正后的日期不能早于前一次变更“{before.to_status}”的日期（{before.effective_on}）", field="effective_on"
        )
    if after is not None and new_date > after.effective_on and not after.date_unknown:
        raise InputError(
            f"更正后的日期不能晚于后一次变更“{after.to_status}”的日期（{after.effective_on}）", field="effective_on"
        )
    old = "日期未填" if change.date_unknown else str(change.effective_on)
    change.effective_on = new_date
    change.date_unknown = False
    change.note = "".join(filter(None, [change.note, f"（{old} 更正为 {new_date}：{reason}）"]))[:1000]
    derive_status_dates(change.application)
    db.session.flush()


def register_application(
    data: dict, *, registered_on: date | None, status: str = "谋划储备", status_on: date | None = None, actor=None
) -> FundApplication:
    """Create an application registered on ``registered_on`` (may be months ago) and, when its
    current status is further along, moved there on ``status_on`` (default the registration date)."""
    registered_on = registered_on or today()
    app_ = create_application({k: v for k, v in data.items() if k != "status"}, actor=actor, effective_on=registered_on)
    if status and status != "谋划储备":
        status_on = status_on or registered_on
        if status_on < registered_on:
            raise InputError(f"状态生效日期（{status_on}）不能早于登记日期（{registered_on}）", field="status_on")
        change_status(app_, status, effective_on=status_on, actor=actor)
    return app_


def void_ledger_entry(entry: FundLedgerEntry, *, voided_on: date | None, reason: str | None) -> FundLedgerEntry:
    """Void a ledger entry: a new adjustment row with the opposite amount on ``voided_on``.

    Sums as of a date before the void still include the entry; from the void's date on they
    do not. Nothing is deleted; both rows are audited.
    """
    reason = (reason or "").strip()
    if entry.void_of_id is not None:
        raise InputError("这是一条作废记录，不能再作废", field="reason")
    if entry.voided_by is not None:
        raise InputError(f"该记录已于 {entry.voided_by.entry_on} 作废", field="reason")
    if not reason:
        raise InputError("请填写作废原因", field="reason")
    if len(reason) > 400:
        raise InputError("作废原因不能超过400字", field="reason")
    if voided_on is None:
        raise InputError("请填写作废日期", field="voided_on")
    if voided_on > today():
        raise InputError(f"作废日期（{voided_on}）不能晚于今天（{today()}）", field="voided_on")
    if voided_on < entry.entry_on:
        raise InputError(f"作废日期不能早于原记录日期（{entry.entry_on}）", field="voided_on")
    void = FundLedgerEntry(
        application=entry.application,
        kind=entry.kind,
        entry_on=voided_on,
        amount_yuan=-entry.amount_yuan,
        is_adjustment=True,
        void_of=entry,
        reason=f"作废 {entry.entry_on} {entry.kind} {format_wan(entry.amount_yuan)} 万元：{reason}",
        note=None,
    )
    db.session.add(void)
    db.session.flush()
    return void
