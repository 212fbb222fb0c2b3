"""Writes for fund applications: status workflow, review steps, the amount ledger. Flush only."""

from datetime import date

import sqlalchemy as sa

from app.core.dates import today
from app.core.errors import InputError
from app.core.locking import lock_key, lock_row
from app.core.money import format_wan
from app.extensions import db
from app.funds.models import (
    ALL_STATUSES,
    LEDGER_KINDS,
    REVIEW_DECISIONS,
    REVIEW_LEVELS,
    SIDE_STATUSES,
    STATUSES,
    FundApplication,
    FundLedgerEntry,
    FundReview,
    FundStatusChange,
)
from app.people.models import FundChannel

# Allowed moves: forward along STATUSES one or more steps, or to a side status;
# 未通过/已撤回 may be reopened to 谋划储备 (a new round).
_SIDE_FROM = {"未通过": {"谋划储备"}, "已撤回": {"谋划储备"}}
# Statuses meaning a positive decision (资金已下达) was taken.
APPROVED_STATUSES = ("已下达", "执行中", "已完成")
DECIDED_STATUSES = (*APPROVED_STATUSES, "未通过")
# Fields of FundApplication a form may set directly (status goes through change_status).
EDITABLE_FIELDS = (
    "channel_id",
    "year",
    "batch",
    "title",
    "applicant_unit_id",
    "leader_id",
    "requested_yuan",
    "deadline_on",
    "notes",
)


def _validate(app_: FundApplication) -> None:
    """Field rules shared by create and update."""
    app_.title = (app_.title or "").strip()
    if not app_.title:
        raise InputError("申报项目名称不能为空", field="title")
    if len(app_.title) > 200:
        raise InputError("申报项目名称不能超过200字", field="title")
    if not app_.channel_id and app_.channel is None:
        raise InputError("请选择资金渠道", field="channel_id")
    if not app_.year or not 2000 <= app_.year <= 2100:
        raise InputError("申报年度须在2000至2100之间", field="year")
    if app_.requested_yuan is None or app_.requested_yuan < 0:
        raise InputError("申请金额不能为空或为负数", field="requested_yuan")
    app_.batch = (app_.batch or "").strip() or None
    channel_id = app_.channel_id or app_.channel.id
    # The unique (channel, year, title) check and the write must not interleave with a twin request.
    lock_key(FundApplication, f"{channel_id}:{app_.year}:{app_.title}")
    with db.session.no_autoflush:  # the pending change would hit the unique constraint first
        clash = db.session.scalar(
            sa.select(FundApplication.id).where(
                FundApplication.channel_id == channel_id,
                FundApplication.year == app_.year,
                FundApplication.title == app_.title,
                FundApplication.id != (app_.id or -1),
            )
        )
    if clash:
        raise InputError(f"同一渠道、年度已有名为“{app_.title}”的申报", field="title")


def create_application(data: dict, *, actor=None, effective_on: date | None = None) -> FundApplication:
    """Register an application (status 谋划储备 unless given) with its first history row.

    ``data`` holds model fields (``projects`` a list of Project); ``effective_on`` dates
    the first status row (登记日期, default today) and the move to a given status.
    """
    data = dict(data)
    status = data.pop("status", None) or "谋划储备"
    if status not in ALL_STATUSES:
        raise InputError(f"状态“{status}”不存在", field="status")
    if not (data.get("title") or "").strip():
        raise InputError("申报项目名称不能为空", field="title")
    if not data.get("channel_id") and not data.get("channel"):
        raise InputError("请选择资金渠道", field="channel_id")
    if not data.get("year"):
        raise InputError("请填写申报年度", field="year")
    data.setdefault("requested_yuan", 0)
    start = effective_on or today()
    if start > today():
        raise InputError(f"登记日期（{start}）不能晚于今天", field="effective_on")
    if data.get("channel") is None:  # the relationship, for the rules that read the channel before a flush
        data["channel"] = db.session.get(FundChannel, data["channel_id"])
    app_ = FundApplication(**{"owner_id": getattr(actor, "id", None), **data, "status": "谋划储备"})
    _validate(app_)
    db.session.add(app_)
    db.session.add(
        FundStatusChange(
            application=app_,
            from_status=None,
            to_status="谋划储备",
            effective_on=start,
            actor_id=getattr(actor, "id", None),
        )
    )
    if status != "谋划储备":
        change_status(app_, status, effective_on=start, actor=actor)
    return app_


def update_application(app_: FundApplication, data: dict) -> FundApplication:
    """Change the descriptive fields of an application (not its status) after validation."""
    unknown = set(data) - set(EDITABLE_FIELDS) - {"projects"}
    if unknown:
        raise InputError(f"不能直接修改：{'、'.join(sorted(unknown))}")
    for key, value in data.items():
        setattr(app_, key, value)
    if "channel_id" in data:
        channel = db.session.get(FundChannel, data["channel_id"]) if data["channel_id"] else None
        if channel is None:
            raise InputError("请选择资金渠道", field="channel_id")
        app_.channel = channel
    _validate(app_)
    if not app_.channel.is_bond and any(e.kind == "发行" for e in app_.ledger):
        raise InputError("该申报已有“发行”记录，只能选择债券类资金渠道", field="channel_id")
    return app_


def change_status(
    app_: FundApplication, to_status: str, *, effective_on: date, actor=None, note: str | None = None
) -> FundStatusChange:
    """Move an application along its workflow with an effective date.

    Forward moves may skip steps; 未通过/已撤回 end a round and may only be reopened to
    谋划储备 (which clears 申报日期 and 结果日期 for the new round); 已完成 is final.
    Effective dates never go back before the previous change, nor past today.
    """
    if to_status not in ALL_STATUSES:
        raise InputError(f"状态“{to_status}”不存在", field="to_status")
    lock_row(app_)  # a concurrent move waits, then sees this one's status and history
    if effective_on is None or effective_on > today():
        raise InputError("生效日期不能为空或晚于今天", field="effective_on")
    current = app_.status
    if to_status == current:
        raise InputError(f"申报已处于“{to_status}”状态", field="to_status")
    if current in _SIDE_FROM:
        if to_status not in _SIDE_FROM[current]:
            raise InputError(f"“{current}”的申报只能重新进入“谋划储备”", field="to_status")
    elif current == "已完成":
        raise InputError("已完成的申报不能再变更状态", field="to_status")
    elif to_status in STATUSES and STATUSES.index(to_status) < STATUSES.index(current):
        raise InputError(f"不能从“{current}”退回“{to_status}”", field="to_status")
    elif to_status == "未通过" and current == "谋划储备":
        raise InputError("尚未申报的项目不能标记为“未通过”，请先改为“已申报”", field="to_status")
    last = max((c.effective_on for c in app_.status_changes), default=None)
    if last and effective_on < last:
        raise InputError(f"生效日期不能早于上一次状态变更（{last}）", field="effective_on")
    if to_status == "谋划储备":
        app_.declared_on = None
        app_.decided_on = None
    elif to_status in STATUSES[1:] or to_status == "未通过":
        app_.declared_on = app_.declared_on or effective_on
    if to_status == "未通过" or (to_status in APPROVED_STATUSES and current not in APPROVED_STATUSES):
        app_.decided_on = effective_on
    app_.status = to_status
    change = FundStatusChange(
        application=app_,
        from_status=current,
        to_status=to_status,
        effective_on=effective_on,
        note=(note or "").strip() or None,
        actor_id=getattr(actor, "id", None),
    )
    db.session.add(change)
    return change


def add_review(
    app_: FundApplication, *, level: str, decision: str, decided_on: date, opinion: str | None = None
) -> FundReview:
    """Record one review step (县/市/省/国家)."""
    if level not in REVIEW_LEVELS:
        raise InputError(f"审核层级“{level}”无效", field="level")
    if decision not in REVIEW_DECISIONS:
        raise InputError(f"审核结果“{decision}”无效", field="decision")
    if decided_on is None or decided_on > today():
        raise InputError("审核日期不能为空或晚于今天", field="decided_on")
    review = FundReview(
        application=app_, level=level, decision=decision, decided_on=decided_on, opinion=(opinion or "").strip() or None
    )
    db.session.add(review)
    return review


def ledger_sums(app_: FundApplication, as_of: date | None = None, *, exclude: FundLedgerEntry | None = None) -> dict:
    """Sums per ledger kind (approved/issued/disbursed/spent) up to ``as_of`` inclusive."""
    sums = {key: 0 for key in LEDGER_KINDS.values()}
    for entry in app_.ledger:
        if entry is exclude or (as_of is not None and entry.entry_on > as_of):
            continue
        sums[LEDGER_KINDS[entry.kind]] += entry.amount_yuan
    return sums


def add_ledger_entry(
    app_: FundApplication,
    *,
    kind: str,
    entry_on: date,
    amount_yuan: int,
    is_adjustment: bool = False,
    reason: str | None = None,
    note: str | None = None,
) -> FundLedgerEntry:
    """Add a dated amount. Disbursed may not exceed approved, nor spent exceed disbursed, nor
    issued exceed approved, at that date or any later one, unless recorded as an adjustment
    with a reason. Nothing is added when refused."""
    if kind not in LEDGER_KINDS:
        raise InputError(f"台账类别“{kind}”无效（可选：下达、发行、拨付、支出）", field="kind")
    lock_row(app_)  # a concurrent entry waits, then its ceiling check sees this one
    if kind == "发行" and not app_.channel.is_bond:
        raise InputError(f"“发行”只适用于债券类资金渠道，“{app_.channel.name}”不是债券类", field="kind")
    if entry_on is None or entry_on > today():
        raise InputError("日期不能为空或晚于今天", field="entry_on")
    if amount_yuan is None or amount_yuan == 0:
        raise InputError("金额不能为空或为0", field="amount_yuan")
    reason = (reason or "").strip() or None
    if is_adjustment and not reason:
        raise InputError("调整记录必须填写调整原因", field="reason")
    if amount_yuan < 0 and not is_adjustment:
        raise InputError("负数金额（冲减）只能作为调整记录录入，并填写原因", field="amount_yuan")
    if app_.status in SIDE_STATUSES and not is_adjustment:
        raise InputError(
            f"申报已“{app_.status}”，不能再登记{kind}金额；如确需冲减或更正，请作为调整记录并填写原因", field="kind"
        )
    if not is_adjustment:
        _check_ledger(app_, kind, entry_on, amount_yuan)
    entry = FundLedgerEntry(
        application=app_,
        kind=kind,
        entry_on=entry_on,
        amount_yuan=amount_yuan,
        is_adjustment=is_adjustment,
        reason=reason,
        note=(note or "").strip() or None,
    )
    db.session.add(entry)
    return entry


# kind added -> (its sum, the sum it may not exceed, Chinese names) for the rule it could break.
_CEILINGS = {
    "拨付": ("disbursed", "approved", "拨付", "下达"),
    "发行": ("issued", "approved", "发行", "下达"),
    "支出": ("spent", "disbursed", "支出", "拨付"),
}


def _is_bond(app_: FundApplication) -> bool:
    channel = app_.channel or db.session.get(FundChannel, app_.channel_id)
    return bool(channel and channel.is_bond)


def _bond_overrun(app_: FundApplication, kind: str, entry_on: date, amount_yuan: int) -> tuple | None:
    """On a bond channel whose issuance is recorded, money is disbursed out of what was issued:
    from the first 发行 on, cumulative 拨付 ≤ cumulative 发行 at every date. Returns the first
    (date, issued, disbursed) the new entry would break, or None. Ledgers that never track 发行
    are not held to it (their 支出进度 has no denominator)."""
    if kind not in ("拨付", "发行") or not _is_bond(app_):
        return None
    entries = [(e.entry_on, e.kind, e.amount_yuan) for e in app_.ledger] + [(entry_on, kind, amount_yuan)]
    issues = [on for on, k, _ in entries if k == "发行"]
    if not issues:
        return None

    def sums(day):
        issued = sum(a for on, k, a in entries if k == "发行" and on <= day)
        disbursed = sum(a for on, k, a in entries if k == "拨付" and on <= day)
        return issued, disbursed

    for day in sorted({on for on, _, _ in entries if on >= max(min(issues), entry_on)}):
        issued, disbursed = sums(day)
        if disbursed > issued:
            return day, issued, disbursed
    return None


def _check_ledger(app_: FundApplication, kind: str, entry_on: date, amount_yuan: int) -> None:
    """Refuse an entry that would make its sum exceed its ceiling (拨付 ≤ 下达, 发行 ≤ 下达, 支出 ≤ 拨付,
    on bonds also 拨付 ≤ 发行) on its date or any later entry date. Only the rules the new entry
    touches are checked, so an earlier adjustment that broke another rule does not block
    unrelated entries."""
    dates = sorted({e.entry_on for e in app_.ledger if e.entry_on >= entry_on} | {entry_on})
    for field, ceiling, name, ceiling_name in [_CEILINGS[kind]] if kind in _CEILINGS else []:
        for day in dates:
            sums = ledger_sums(app_, day)
            if sums[field] + amount_yuan <= sums[ceiling]:
                continue
            raise InputError(
                f"截至{day}{name}金额将超过{ceiling_name}金额（{ceiling_name}累计 {format_wan(sums[ceiling])} 万元，"
                f"{name}累计将达 {format_wan(sums[field] + amount_yuan)} 万元）；"
                "如确需登记请勾选“调整记录”并填写原因",
                field="amount_yuan",
            )
    overrun = _bond_overrun(app_, kind, entry_on, amount_yuan)
    if overrun:
        day, issued, disbursed = overrun
        raise InputError(
            f"截至{day}债券拨付金额将超过发行金额（发行累计 {format_wan(issued)} 万元，"
            f"拨付累计将达 {format_wan(disbursed)} 万元）；如确需登记请勾选“调整记录”并填写原因",
            field="amount_yuan",
        )


# Ledger kinds that move the status along when recorded (下达 → 已下达, 拨付 → 执行中).
_STATUS_AFTER = {"下达": "已下达", "拨付": "执行中"}


def record_ledger_entry(app_: FundApplication, data: dict, *, actor=None, sync_status: bool = False) -> FundLedgerEntry:
    """Add a ledger entry from the form; with ``sync_status`` a 下达 moves the application to
    已下达 and a 拨付 to 执行中 (when that is a forward move) effective on the entry's date."""
    entry = add_ledger_entry(app_, **data)
    target = _STATUS_AFTER.get(entry.kind)
    if sync_status and target and app_.status in STATUSES and STATUSES.index(app_.status) < STATUSES.index(target):
        change_status(app_, target, effective_on=entry.entry_on, actor=actor, note=f"登记{entry.kind}金额时同步更新")
    return entry
