"""资金申报台账: upsert applications by channel + year + title; amounts with dates become ledger entries."""

import re
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core.dates import today
from app.core.money import format_wan
from app.core.plausibility import expect_confirmation
from app.extensions import db
from app.funds.models import (
    STATUSES,
    FundApplication,
    FundLedgerEntry,
    FundStatusChange,
    fund_application_projects,
)
from app.funds.services import add_ledger_entry, change_status, create_application, update_application
from app.imports.mappers.base import (
    Lookups,
    RowPlan,
    RowReader,
    name_of,
    plan_each_row,
    register_headers,
    show,
    yuan_text,
)
from app.imports.reader import Table
from app.imports.spec import Field, variants
from app.people.models import Leader, Unit
from app.projects.models import Project

STATUS_CHOICES = variants(
    {
        "谋划储备": ["储备", "谋划", "谋划中", "未申报", "待申报"],
        "已申报": ["申报", "已报送", "报送", "已上报", "上报"],
        "审核中": ["审核", "审批中", "评审中", "在审", "审查中"],
        "已下达": ["下达", "已批复", "批复", "已获批", "获批"],
        "执行中": ["执行", "实施中", "拨付中"],
        "已完成": ["完成", "已结束", "支出完毕"],
        "未通过": ["未获批", "不通过", "落选", "未批复"],
        "已撤回": ["撤回", "撤销", "已撤销"],
    }
)
FIELDS = [
    Field(
        "title",
        "申报项目名称",
        ("项目名称", "申报项目", "项目"),
        required=True,
        max_length=200,
        help="必填。按“资金渠道+申报年度+申报项目名称”匹配更新",
    ),
    Field(
        "channel",
        "资金渠道",
        ("渠道", "资金类别", "资金类型", "申报渠道", "资金来源", "资金性质"),
        required=True,
        help="渠道名称或简称，如“专项债”“中央预算内”“两重”",
    ),
    Field("year", "申报年度", ("年度", "申报年份", "年份"), kind="year", help="四位年份；空白时取申报批次中的年份"),
    Field("batch", "申报批次", ("批次",), max_length=50, help="如“2025年第一批”"),
    Field(
        "projects",
        "关联项目",
        ("对应项目", "项目库项目", "关联项目名称"),
        help="项目库中的统一项目代码或项目名称，多个用顿号分隔",
    ),
    Field(
        "applicant_unit", "申报单位", ("责任单位", "项目单位", "申报主体", "实施单位"), help="系统中的单位名称或简称"
    ),
    Field(
        "leader",
        "包联领导",
        ("包联县领导", "县级包联领导", "联系领导", "分包领导"),
        help="县级领导姓名；系统中没有的可在导入时新建",
    ),
    Field(
        "requested",
        "申请金额（万元）",
        ("申请金额", "申报金额", "申请资金", "申报资金", "争取资金", "拟申请金额"),
        kind="money",
        help="默认万元",
    ),
    Field(
        "status",
        "当前状态",
        ("状态", "申报状态", "进展", "进展情况", "当前进展"),
        kind="choice",
        choices=STATUS_CHOICES,
        help="谋划储备、已申报、审核中、已下达、执行中、已完成、未通过、已撤回；空白时按已填内容推定",
    ),
    Field("declared_on", "申报日期", ("申报时间", "报送日期"), kind="date", help="状态为已申报及以后时必填"),
    Field("deadline_on", "申报截止日期", ("截止日期", "申报截止时间", "截止时间"), kind="date"),
    Field(
        "approved",
        "下达金额（万元）",
        ("下达金额", "下达资金", "批复金额", "已下达资金", "下达额度"),
        kind="money",
        help="累计下达金额；比系统已登记的多出的部分按下达日期记入资金台账",
    ),
    Field("approved_on", "下达日期", ("下达时间", "批复日期"), kind="date", help="状态为已下达及以后时必填"),
    Field(
        "disbursed",
        "拨付金额（万元）",
        ("拨付金额", "拨付资金", "已拨付资金", "已拨付", "累计拨付"),
        kind="money",
        help="累计拨付金额",
    ),
    Field("disbursed_on", "拨付日期", ("拨付时间",), kind="date"),
    Field(
        "spent",
        "支出金额（万元）",
        ("支出金额", "支出资金", "已支出", "实际支出", "已支出资金", "累计支出"),
        kind="money",
        help="累计支出金额",
    ),
    Field("spent_on", "支出日期", ("支出时间",), kind="date"),
    Field("notes", "备注", ("说明",)),
    Field(
        "issued",
        "发行金额（万元）",
        ("发行金额", "发行额度", "债券发行金额"),
        kind="money",
        in_template=False,
        help="仅债券类渠道",
    ),
    Field("issued_on", "发行日期", ("发行时间",), kind="date", in_template=False),
    Field(
        "decided_on",
        "结果日期",
        ("审核结果日期", "未通过日期", "撤回日期"),
        kind="date",
        in_template=False,
        help="状态为未通过或已撤回时必填",
    ),
]
KEY = "title"
TITLE = "争资争项申报台账"
register_headers(FIELDS)

LEDGER = [
    ("下达", "approved", "approved_on"),
    ("发行", "issued", "issued_on"),
    ("拨付", "disbursed", "disbursed_on"),
    ("支出", "spent", "spent_on"),
]
APPROVED = ("已下达", "执行中", "已完成")
SIDE = ("未通过", "已撤回")
SCALARS = {  # row key → (FundApplication attribute, label, display)
    "batch": ("batch", "申报批次", show),
    "applicant_unit": ("applicant_unit_id", "申报单位", lambda v: name_of(Unit, v)),
    "leader": ("leader_id", "包联领导", lambda v: name_of(Leader, v)),
    "requested": ("requested_yuan", "申请金额", yuan_text),
    "deadline_on": ("deadline_on", "申报截止日期", show),
    "notes": ("notes", "备注", show),
}
_SPLIT = re.compile(r"[、,，;；/\n]+")


def _idx(status: str | None) -> int:
    return STATUSES.index(status) if status in STATUSES else -1


class _AppRow:
    """A stored application as the planner reads it: its columns (a plain row), its status-history and
    ledger rows and its projects' (id, name) rows. No ORM objects: ``apply_row`` loads the application
    a row changes (``prefetch`` loads a chunk at once)."""

    __slots__ = ("_row", "status_changes", "ledger", "projects")

    def __init__(self, row):
        self._row, self.status_changes, self.ledger, self.projects = row, [], [], []

    def __getattr__(self, name):
        return getattr(self._row, name)


def _existing(projects) -> dict[tuple, _AppRow]:
    """(channel id, year, title) → every stored application, from plain rows."""
    apps = {row.id: _AppRow(row) for row in db.session.execute(sa.select(FundApplication.__table__))}
    changes = FundStatusChange.__table__
    for row in db.session.execute(sa.select(changes.c.id, changes.c.application_id, changes.c.effective_on)):
        apps[row.application_id].status_changes.append(row)
    entries = FundLedgerEntry.__table__
    for row in db.session.execute(
        sa.select(entries.c.id, entries.c.application_id, entries.c.kind, entries.c.entry_on, entries.c.amount_yuan)
    ):
        apps[row.application_id].ledger.append(row)
    project_by_id = {p.id: p for p in projects}
    for app_id, project_id in db.session.execute(
        sa.select(fund_application_projects.c.application_id, fund_application_projects.c.project_id)
    ):
        apps[app_id].projects.append(project_by_id[project_id])
    return {(a.channel_id, a.year, a.title): a for a in apps.values()}


def prefetch(rows: list[RowPlan]) -> list[FundApplication]:
    """The ORM applications a chunk of planned rows updates, with what the services read, in one load.
    The caller keeps the list while it applies the chunk (the session holds them only weakly)."""
    ids = [row.target.id for row in rows if row.target is not None]
    if not ids:
        return []
    return db.session.scalars(
        sa.select(FundApplication)
        .where(FundApplication.id.in_(ids))
        .options(
            selectinload(FundApplication.status_changes),
            selectinload(FundApplication.ledger),
            selectinload(FundApplication.projects),
        )
    ).all()


def plan_rows(table: Table, lookups: Lookups) -> list[RowPlan]:
    """Every data row's outcome without writing anything."""
    projects = db.session.execute(sa.select(Project.id, Project.name, Project.code)).all()
    existing = _existing(projects)
    by_code = {p.code: p.id for p in projects if p.code}
    by_name: dict[str, list[int]] = defaultdict(list)
    for p in projects:
        by_name[p.name].append(p.id)
    seen: dict[tuple, int] = {}
    return plan_each_row(table, lambda r, plan: _plan_row(r, plan, lookups, existing, (by_code, by_name), seen))


def _plan_row(r: RowReader, plan: RowPlan, lookups: Lookups, existing: dict, projects, seen: dict) -> None:
    title = r.require("title")
    plan.title = title or ""
    channel = lookups.channel(r, "channel") if r.get("channel") else r.require("channel")
    year = r.get("year")
    if year is None and r.get("batch"):
        match = re.search(r"(20\d{2})", r.get("batch"))
        if match:
            year = int(match.group(1))
            plan.notes.append(f"申报年度未填，按申报批次取{year}年")
    if year is None and not any(e[1] == r._header("year") for e in plan.errors):
        r.error("year", "必填，不能为空（或在申报批次中写明年份）")
    r.not_future("declared_on", "approved_on", "disbursed_on", "spent_on", "issued_on", "decided_on")
    values = {}
    if r.get("applicant_unit"):
        values["applicant_unit"] = lookups.unit(r, "applicant_unit")
    if r.get("leader"):
        values["leader"] = lookups.leader(r, "leader", plan)
    for key in ("batch", "requested", "deadline_on", "notes"):
        if r.get(key) is not None:
            values[key] = r.get(key)
    project_ids = _projects(r, *projects) if r.get("projects") else None
    if not title or channel is None or year is None:
        return
    key = (channel.id, year, title)
    if key in seen:
        r.error("title", f"与第{seen[key]}行是同一申报（渠道、年度、名称相同），请合并为一行")
        return
    seen[key] = r.number
    app_ = existing.get(key)
    status_plan = _status_plan(r, plan, app_)
    ledger = _ledger_plan(r, plan, app_, channel, status_plan.get("final"))
    confirmed = r.check_amount(
        "requested", "fund_applications.requested_yuan", stored=app_.requested_yuan if app_ is not None else None
    )
    if plan.errors:
        return
    plan.target = app_
    plan.data = {
        "values": values,
        "channel_id": channel.id,
        "year": year,
        "projects": project_ids,
        "ledger": ledger,
        "confirmed": [confirmed] if confirmed else [],
        **status_plan,
    }
    if app_ is None:
        plan.action = "create"
        plan.shown = _shown(channel, year, values, project_ids, status_plan, ledger)
        return
    for key_, value in values.items():
        attr, label, display = SCALARS[key_]
        if getattr(app_, attr) != value:
            plan.changes.append(f"{label}：{display(getattr(app_, attr))} → {display(value)}")
    if project_ids is not None and sorted(p.id for p in app_.projects) != sorted(project_ids):
        names = "、".join(name_of(Project, i) for i in project_ids)
        plan.changes.append(f"关联项目：{'、'.join(p.name for p in app_.projects) or '（空）'} → {names}")
    if status_plan["moves"]:
        plan.changes.append(
            f"状态：{app_.status} → {status_plan['final']}（"
            + "，".join(f"{s} {d}" for s, d in status_plan["moves"])
            + "）"
        )
    plan.changes.extend(f"{kind}：新增 {format_wan(amount)} 万元（{entry_on}）" for kind, entry_on, amount in ledger)
    plan.action = "update" if plan.changes else "unchanged"


def _shown(channel, year: int, values: dict, project_ids, status_plan: dict, ledger: list) -> list[tuple[str, str]]:
    """What a new row will store, parsed: amounts in 万元, dates ISO, matched names."""
    shown = [("资金渠道", channel.name), ("申报年度", f"{year}年")]
    for key, value in values.items():
        if key != "notes":
            _attr, label, display = SCALARS[key]
            shown.append((label, display(value)))
    if project_ids:
        shown.append(("关联项目", "、".join(name_of(Project, i) for i in project_ids)))
    unknown = status_plan.get("unknown", ())
    for status, effective_on in status_plan.get("moves", []):
        shown.append((status, "日期未填" if status in unknown else show(effective_on)))
    shown.extend((kind, f"{format_wan(amount)} 万元（{entry_on}）") for kind, entry_on, amount in ledger)
    return shown


def _projects(r: RowReader, by_code: dict, by_name: dict) -> list[int] | None:
    ids = []
    for part in _SPLIT.split(r.get("projects")):
        part = part.strip()
        if not part:
            continue
        if part in by_code:
            ids.append(by_code[part])
        elif len(by_name.get(part, [])) == 1:
            ids.append(by_name[part][0])
        else:
            r.error(
                "projects", f"项目库中{'有多个' if by_name.get(part) else '没有'}名为“{part}”的项目，请填写统一项目代码"
            )
            return None
    return sorted(set(ids))


def _status_plan(r: RowReader, plan: RowPlan, app_: FundApplication | None) -> dict:
    """Status moves (status, date) from the current status to the row's, each dated from the row."""
    cur = app_.status if app_ is not None else "谋划储备"
    declared = r.get("declared_on") or (app_.declared_on if app_ is not None else None)
    target = r.get("status")
    if target is None:
        amounts = any(r.get(k) for k in ("disbursed", "spent"))
        inferred = (
            "执行中"
            if amounts
            else "已下达"
            if r.get("approved") or r.get("approved_on")
            else "已申报"
            if r.get("declared_on")
            else "谋划储备"
        )
        target = cur if cur in SIDE or _idx(cur) >= _idx(inferred) else inferred
        if target != cur and r.has("status"):
            plan.notes.append(f"当前状态未填，按已填内容视为“{target}”")
    dates = {
        "已申报": declared,
        "审核中": declared,
        "已下达": r.get("approved_on"),
        "执行中": r.get("disbursed_on") or r.get("approved_on"),
        "已完成": r.get("spent_on") or r.get("disbursed_on") or r.get("approved_on"),
        "未通过": r.get("decided_on"),
        "已撤回": r.get("decided_on"),
    }
    columns = {
        "已申报": "declared_on",
        "审核中": "declared_on",
        "已下达": "approved_on",
        "执行中": "disbursed_on",
        "已完成": "spent_on",
        "未通过": "decided_on",
        "已撤回": "decided_on",
    }
    if target == cur:
        return {"moves": [], "final": cur, "start": None}
    if cur in SIDE:
        r.error("status", f"系统中该申报为“{cur}”，导入不能变更其状态（重新申报请在系统中操作）")
        return {}
    if cur == "已完成":
        r.error("status", "系统中该申报已完成，导入不能变更其状态")
        return {}
    if target in STATUSES and _idx(target) < _idx(cur):
        r.error("status", f"系统中该申报已是“{cur}”，导入不能退回到“{target}”")
        return {}
    steps = []
    if target in STATUSES:
        for status in STATUSES[_idx(cur) + 1 : _idx(target) + 1]:
            if status == target or status in ("已申报", "已下达"):
                steps.append(status)
    else:
        if target == "未通过" or declared:
            steps += ["已申报"] if _idx(cur) < 1 else []
        steps.append(target)
    moves = []
    unknown = []
    for status in steps:
        effective_on = dates[status]
        if effective_on is None and status in SIDE:  # fund ledgers list 未通过 rows with no result date
            effective_on = today()
            unknown.append(status)
            r.warn(
                "decided_on" if r.has("decided_on") else "status",
                f"结果日期未填：按导入日期 {effective_on} 记为“{status}”，并标记“日期未填”。申报数、申请金额不受影响；"
                f"截至 {effective_on} 之前的已决数和获批率不计入该申报的结果",
            )
        if effective_on is None:
            label = {
                "declared_on": "申报日期",
                "approved_on": "下达日期",
                "disbursed_on": "拨付日期",
                "spent_on": "支出日期",
                "decided_on": "结果日期",
            }[columns[status]]
            r.error(columns[status] if r.has(columns[status]) else "status", f"当前状态为“{target}”，请填写{label}")
            return {}
        moves.append((status, effective_on))
    last = max((c.effective_on for c in app_.status_changes), default=None) if app_ is not None else None
    for status, effective_on in moves:
        if last and effective_on < last:
            r.error(
                columns[status] if r.get(columns[status]) else "status",
                f"“{status}”的日期（{effective_on}）不能早于上一次状态变更（{last}）",
            )
            return {}
        last = effective_on
    start = moves[0][1] if app_ is None and moves else None
    note = None
    if target in SIDE and (r.get("notes") or "").strip():
        note = r.get("notes").strip()[:1000]
        r.warn("notes", f"“{target}”的原因取自{r._header('notes')}：{note}")
    return {"moves": moves, "final": target, "start": start, "unknown": unknown, "note": note}


def _ledger_plan(r: RowReader, plan: RowPlan, app_: FundApplication | None, channel, final: str | None) -> list:
    """New ledger entries (kind, date, amount): what the row's cumulative amounts add to the recorded ones."""
    existing = [(e.kind, e.entry_on, e.amount_yuan) for e in app_.ledger] if app_ is not None else []
    entries = []
    for kind, amount_key, date_key in LEDGER:
        amount, entry_on = r.get(amount_key), r.get(date_key)
        if amount is None:
            continue
        recorded = sum(a for k, _d, a in existing if k == kind)
        if amount == recorded:
            continue
        if kind == "发行" and not channel.is_bond:
            r.error(amount_key, f"“{channel.name}”不是债券类渠道，不能填写发行金额")
        elif final is not None and kind != "发行" and final not in APPROVED:
            r.error(amount_key, f"当前状态为“{final}”，不应填写{kind}金额（资金下达后才有{kind}）")
        elif entry_on is None:
            r.error(date_key if r.has(date_key) else amount_key, f"填写了{kind}金额，请填写{kind}日期")
        elif amount < recorded:
            r.error(
                amount_key,
                f"{kind}金额（{format_wan(amount)}万元）少于系统已登记的{format_wan(recorded)}万元："
                "减少金额请在系统中登记调整记录",
            )
        else:
            entries.append((kind, entry_on, amount - recorded))
    _check_ledger(r, existing, entries, is_bond=bool(channel.is_bond))
    return entries


# kind added → (the kind whose sum it may not exceed, column of the amount) — the funds service's rule.
_CEILINGS = {"拨付": ("下达", "disbursed"), "发行": ("下达", "issued"), "支出": ("拨付", "spent")}


def _check_ledger(r: RowReader, existing: list, entries: list, *, is_bond: bool = False) -> None:
    """Each new entry, added in order, may not lift its sum above its ceiling on its date or any later one
    (on a bond whose issuance is recorded, 拨付 not above 发行 either — the funds service's rule)."""
    ledger = list(existing)
    for kind, entry_on, amount in entries:
        ledger.append((kind, entry_on, amount))
        issues = [d for k, d, _a in ledger if k == "发行"]
        if is_bond and issues and kind in ("拨付", "发行"):
            for day in sorted({d for _k, d, _a in ledger if d >= max(min(issues), entry_on)}):
                issued = sum(a for k, d, a in ledger if k == "发行" and d <= day)
                disbursed = sum(a for k, d, a in ledger if k == "拨付" and d <= day)
                if disbursed > issued:
                    r.error(
                        "disbursed",
                        f"截至{day}拨付金额（{format_wan(disbursed)}万元）将超过发行金额（{format_wan(issued)}万元）",
                    )
                    return
        if kind not in _CEILINGS:
            continue
        ceiling, key = _CEILINGS[kind]
        for day in sorted({d for _k, d, _a in ledger if d >= entry_on}):
            total = sum(a for k, d, a in ledger if k == kind and d <= day)
            limit = sum(a for k, d, a in ledger if k == ceiling and d <= day)
            if total > limit:
                r.error(
                    key, f"截至{day}{kind}金额（{format_wan(total)}万元）将超过{ceiling}金额（{format_wan(limit)}万元）"
                )
                return


def apply_row(plan: RowPlan, lookups: Lookups, actor=None) -> FundApplication:
    """Write one planned row through the funds services."""
    data = plan.data
    values = dict(data["values"])
    if "leader" in values:
        values["leader"] = lookups.leader_id(values["leader"])
    attrs = {SCALARS[k][0]: v for k, v in values.items()}
    projects = None
    if data["projects"] is not None:
        projects = [db.session.get(Project, i) for i in data["projects"]]
    app_ = db.session.get(FundApplication, plan.target.id) if plan.target is not None else None
    if app_ is None:
        fields = {"title": plan.title, "channel_id": data["channel_id"], "year": data["year"], **attrs}
        if projects is not None:
            fields["projects"] = projects
        app_ = create_application(fields, actor=actor, effective_on=data["start"])
    else:
        changed = {k: v for k, v in attrs.items() if getattr(app_, k) != v}
        if projects is not None and sorted(p.id for p in app_.projects) != data["projects"]:
            changed["projects"] = projects
        if changed:
            update_application(app_, changed)
    for key, amount in data.get("confirmed", []):
        expect_confirmation(key, amount)
    for status, effective_on in data["moves"]:
        change = change_status(
            app_, status, effective_on=effective_on, actor=actor, note=data.get("note") if status in SIDE else None
        )
        if status in data.get("unknown", ()):
            change.date_unknown = True
            app_.decided_on = None  # shown as 日期未填; the history row carries the counting date
    for kind, entry_on, amount in data["ledger"]:
        add_ledger_entry(app_, kind=kind, entry_on=entry_on, amount_yuan=amount)
    return app_
