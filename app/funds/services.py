"""Writes for fund applications: status workflow, review steps, the amount ledger. Flush only."""

from datetime import date

import sqlalchemy as sa

from app.core.dates import today
from app.core.errors import InputError
from app.extensions import db
from app.funds.models import (
    ALL_STATUSES,
    LEDGER_KINDS,
    REVIEW_DECISIONS,
    REVIEW_LEVELS,
    STATUSES,
    FundApplication,
    FundLedgerEntry,
    FundReview,
    FundStatusChange,
)

# Allowed moves: forward along STATUSES one or more steps, or to a side status;
# 未通过/已撤回 may be reopened to 谋划储备 (a new round).
_SIDE_FROM = {"未通过": {"谋划储备"}, "已撤回": {"谋划储备"}}


def create_application(data: dict, *, actor=None, effective_on: date | None = None) -> FundApplication:
    """Register an application (status 谋划储备 unless given) with its first history row."""
    title = (data.get("title") or "").strip()
    if not title:
        raise InputError("申报项目名称不能为空", field="title")
    if not data.get("channel_id") and not data.get("channel"):
        raise InputError("请选择资金渠道", field="channel_id")
    if not data.get("year"):
        raise InputError("请填写申报年度", field="year")
    status = data.pop("status", None) or "谋划储备"
    channel_id = data.get("channel_id") or data["channel"].id
    clash = db.session.scalar(sa.select(FundApplication.id).where(
        FundApplication.channel_id == channel_id, FundApplication.year == data["year"],
        FundApplication.title == title))
    if clash:
        raise InputError(f"同一渠道、年度已有名为“{title}”的申报", field="title")
    app_ = FundApplication(**{**data, "title": title, "status": "谋划储备"})
    db.session.add(app_)
    db.session.flush()
    start = effective_on or today()
    db.session.add(FundStatusChange(application=app_, from_status=None, to_status="谋划储备",
                                    effective_on=start, actor_id=getattr(actor, "id", None)))
    if status != "谋划储备":
        change_status(app_, status, effective_on=start, actor=actor)
    db.session.flush()
    return app_


def change_status(app_: FundApplication, to_status: str, *, effective_on: date, actor=None,
                  note: str | None = None) -> FundStatusChange:
    """Move an application along its workflow with an effective date."""
    if to_status not in ALL_STATUSES:
        raise InputError(f"状态“{to_status}”不存在", field="to_status")
    if effective_on is None or effective_on > today():
        raise InputError("生效日期不能为空或晚于今天", field="effective_on")
    current = app_.status
    if to_status == current:
        raise InputError(f"申报已处于“{to_status}”状态", field="to_status")
    if current in _SIDE_FROM:
        if to_status not in _SIDE_FROM[current]:
            raise InputError(f"“{current}”的申报只能重新进入“谋划储备”", field="to_status")
    elif to_status in STATUSES and STATUSES.index(to_status) < STATUSES.index(current):
        raise InputError(f"不能从“{current}”退回“{to_status}”", field="to_status")
    elif current == "已完成":
        raise InputError("已完成的申报不能再变更状态", field="to_status")
    last = max((c.effective_on for c in app_.status_changes), default=None)
    if last and effective_on < last:
        raise InputError(f"生效日期不能早于上一次状态变更（{last}）", field="effective_on")
    if to_status == "已申报" or (to_status in STATUSES[1:] and app_.declared_on is None):
        app_.declared_on = app_.declared_on or effective_on
    if to_status in ("已下达", "未通过"):
        app_.decided_on = effective_on
    if to_status == "谋划储备":
        app_.declared_on = None
        app_.decided_on = None
    app_.status = to_status
    change = FundStatusChange(application=app_, from_status=current, to_status=to_status,
                              effective_on=effective_on, note=(note or "").strip() or None,
                              actor_id=getattr(actor, "id", None))
    db.session.add(change)
    db.session.flush()
    return change


def add_review(app_: FundApplication, *, level: str, decision: str, decided_on: date,
               opinion: str | None = None) -> FundReview:
    """Record one review step (县/市/省/国家)."""
    if level not in REVIEW_LEVELS:
        raise InputError(f"审核层级“{level}”无效", field="level")
    if decision not in REVIEW_DECISIONS:
        raise InputError(f"审核结果“{decision}”无效", field="decision")
    if decided_on is None or decided_on > today():
        raise InputError("审核日期不能为空或晚于今天", field="decided_on")
    review = FundReview(application=app_, level=level, decision=decision, decided_on=decided_on, opinion=opinion)
    db.session.add(review)
    db.session.flush()
    return review


def ledger_sums(app_: FundApplication, as_of: date | None = None, *, exclude: FundLedgerEntry | None = None) -> dict:
    """Sums per ledger kind (approved/issued/disbursed/spent) up to ``as_of`` inclusive."""
    sums = {key: 0 for key in LEDGER_KINDS.values()}
    for entry in app_.ledger:
        if entry is exclude or (as_of is not None and entry.entry_on > as_of):
            continue
        sums[LEDGER_KINDS[entry.kind]] += entry.amount_yuan
    return sums


def add_ledger_entry(app_: FundApplication, *, kind: str, entry_on: date, amount_yuan: int,
                     is_adjustment: bool = False, reason: str | None = None, note: str | None = None) -> FundLedgerEntry:
    """Add a dated amount. Disbursed may not exceed approved, nor spent exceed disbursed,
    at that date or any later one, unless recorded as an adjustment with a reason."""
    if kind not in LEDGER_KINDS:
        raise InputError(f"台账类别“{kind}”无效（可选：下达、发行、拨付、支出）", field="kind")
    if entry_on is None or entry_on > today():
        raise InputError("日期不能为空或晚于今天", field="entry_on")
    if amount_yuan is None or amount_yuan == 0:
        raise InputError("金额不能为空或为0", field="amount_yuan")
    reason = (reason or "").strip() or None
    if is_adjustment and not reason:
        raise InputError("调整记录必须填写原因", field="reason")
    if amount_yuan < 0 and not is_adjustment:
        raise InputError("负数金额只能作为调整记录录入", field="amount_yuan")
    entry = FundLedgerEntry(application=app_, kind=kind, entry_on=entry_on, amount_yuan=amount_yuan,
                            is_adjustment=is_adjustment, reason=reason, note=note)
    db.session.add(entry)
    db.session.flush()
    if not is_adjustment:
        _check_ledger(app_)
    return entry


def _check_ledger(app_: FundApplication) -> None:
    dates = sorted({e.entry_on for e in app_.ledger})
    for day in dates:
        sums = ledger_sums(app_, day)
        if sums["disbursed"] > sums["approved"]:
            raise InputError(f"截至{day}拨付金额将超过下达金额，如确需登记请作为调整记录并填写原因",
                             field="amount_yuan")
        if sums["spent"] > sums["disbursed"]:
            raise InputError(f"截至{day}支出金额将超过拨付金额，如确需登记请作为调整记录并填写原因",
                             field="amount_yuan")
