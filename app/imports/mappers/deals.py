"""招商项目台账: upsert deals by investor credit code + name (else exact name); stage dates become history rows."""

from collections import defaultdict
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core.dates import today
from app.core.errors import InputError
from app.core.plausibility import expect_confirmation
from app.deals.credit_code import validate_credit_code
from app.deals.models import AGREEMENT_TYPES, Deal, DealStageChange, Investor
from app.deals.services import (
    correct_stage_date,
    create_deal,
    create_investor,
    link_deal_to_project,
    move_deal_to_stage,
    update_deal,
    update_investor,
)
from app.deals.stages import (
    DATE_COLUMNS,
    DATE_LABELS,
    MAIN_DATE_COLUMNS,
    PAUSED_OR_ENDED,
    STAGE_DATE_FIELDS,
    STAGE_OF_COLUMN,
    STAGES,
    Move,
    Stage,
    StageState,
    apply_move,
    date_order_problem,
    latest_change,
    main_stage,
    neighbour_problem,
    previous_move_problem,
    recording_order,
    stage_index,
)
from app.extensions import db
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
from app.people.models import Industry, Leader, Unit
from app.projects.models import Project

STAGE_CHOICES = variants(
    {
        Stage.LEAD: ["线索阶段", "信息", "储备"],
        Stage.NEGOTIATING: ["洽谈", "洽谈中", "在洽谈", "跟进", "对接", "在谈阶段"],
        Stage.SIGNED: ["签约", "签订", "已签订", "签约阶段"],
        Stage.REGISTERED: ["注册", "注册落地"],
        Stage.STARTED: ["开工", "在建", "开工建设"],
        Stage.PRODUCTION: ["投产", "建成投产"],
        Stage.ON_HOLD: ["暂停", "搁置"],
        Stage.TERMINATED: ["已终止", "放弃", "中止"],
    }
)
FIELDS = [
    Field(
        "name",
        "项目名称",
        ("招商项目名称", "项目", "项目名"),
        required=True,
        max_length=200,
        help="必填。更新时按“统一社会信用代码+项目名称”匹配，未填代码时按项目名称完全一致匹配",
    ),
    Field(
        "investor",
        "投资方",
        ("投资主体", "投资企业", "投资方名称", "签约企业", "企业名称", "投资商", "客商"),
        max_length=200,
        help="企业全称",
    ),
    Field("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一信用代码"), help="18位，校验位会核对"),
    Field(
        "origin",
        "投资方来源",
        ("来源", "客商来源", "投资来源", "来源地"),
        kind="choice",
        choices=variants({"省外": ["外省"], "市外": ["省内市外"], "县外": ["市内县外"], "本地": ["县内", "本县"]}),
        help="省外、市外、县外、本地",
    ),
    Field("industry", "产业类别", ("产业", "行业", "所属产业", "产业分类", "行业类别"), help="系统中的产业类别名称"),
    Field(
        "amount",
        "签约金额（万元）",
        ("签约金额", "签约额", "协议投资额", "投资额", "合同金额", "签约投资额", "协议金额", "总投资额", "合同投资额"),
        kind="money",
        help="默认万元；表头写“（亿元）”时按亿元；单元格可带单位，如“1.5亿”",
    ),
    Field(
        "agreement_type",
        "协议类型",
        ("签约类型", "协议性质", "合同类型"),
        kind="choice",
        choices=variants(
            {"意向协议": ["意向", "意向书"], "框架协议": ["框架"], "正式合同": ["正式", "合同", "正式协议", "投资合同"]}
        ),
        help="、".join(AGREEMENT_TYPES),
    ),
    Field(
        "is_counted",
        "是否计入考核",
        ("计入考核", "是否纳入考核", "纳入考核"),
        kind="bool",
        help="是/否，空白为“是”；填“否”时须填写“不计入原因”",
    ),
    Field(
        "stage",
        "当前阶段",
        ("阶段", "项目阶段", "推进阶段", "进展阶段", "项目进展", "目前阶段", "状态", "项目状态"),
        kind="choice",
        choices=STAGE_CHOICES,
        help="线索、在谈、已签约、已注册、已开工、已投产、暂缓、终止（可简写为签约、开工等）；空白时按已填日期推定",
    ),
    Field(
        "lead_on",
        "线索日期",
        ("线索登记日期", "登记日期", "对接日期", "获取线索日期"),
        kind="date",
        help="空白时取最早的阶段日期",
    ),
    Field("signed_on", "签约日期", ("签约时间",), kind="date", help="阶段为已签约及以后时必填"),
    Field("registered_on", "注册日期", ("注册时间",), kind="date"),
    Field("started_on", "开工日期", ("开工时间", "实际开工日期"), kind="date", help="阶段为已开工及以后时必填"),
    Field("production_on", "投产日期", ("投产时间",), kind="date", help="阶段为已投产时必填"),
    Field("lead_unit", "责任单位", ("招商责任单位", "牵头单位", "责任主体"), help="系统中的单位名称或简称"),
    Field("township", "所在乡镇", ("乡镇", "落地乡镇", "所属乡镇"), help="乡镇名称或简称，如“巴公”"),
    Field(
        "leader",
        "包联领导",
        ("包联县领导", "县级包联领导", "联系领导", "分包领导"),
        help="县级领导姓名；系统中没有的可在导入时新建",
    ),
    Field("project", "关联项目", ("对应项目", "项目库项目", "关联项目名称"), help="项目库中的统一项目代码或项目名称"),
    Field("notes", "备注", ("说明",)),
    Field("exclusion_reason", "不计入原因", ("不计入考核原因", "不计入理由"), max_length=500, in_template=False),
    Field("negotiating_on", "洽谈日期", ("在谈日期",), kind="date", in_template=False),
    Field("hold_on", "暂缓日期", (), kind="date", in_template=False, help="阶段为暂缓时必填"),
    Field("terminated_on", "终止日期", (), kind="date", in_template=False, help="阶段为终止时必填"),
    Field("termination_reason", "终止原因", (), max_length=500, in_template=False, help="阶段为终止时必填"),
    Field("contact_name", "对接人", ("企业联系人", "企业对接人"), max_length=50, in_template=False),
    Field("contact_phone", "对接电话", ("联系电话", "联系方式"), max_length=50, in_template=False),
]
KEY = "name"
TITLE = "招商引资项目台账"
register_headers(FIELDS)

DATE_KEYS = MAIN_DATE_COLUMNS  # lead_on … production_on
STAGE_OF = STAGE_OF_COLUMN
LABEL_OF = DATE_LABELS
SCALARS = {  # row key → (Deal attribute, label, display)
    "industry": ("industry_id", "产业类别", lambda v: name_of(Industry, v)),
    "amount": ("contract_amount_yuan", "签约金额", yuan_text),
    "agreement_type": ("agreement_type", "协议类型", show),
    "is_counted": ("is_counted", "计入考核", show),
    "exclusion_reason": ("exclusion_reason", "不计入原因", show),
    "lead_unit": ("lead_unit_id", "责任单位", lambda v: name_of(Unit, v)),
    "township": ("township_id", "所在乡镇", lambda v: name_of(Unit, v)),
    "leader": ("leader_id", "包联领导", lambda v: name_of(Leader, v)),
    "project": ("project_id", "关联项目", lambda v: name_of(Project, v)),
    "notes": ("notes", "备注", show),
    "contact_name": ("contact_name", "对接人", show),
    "contact_phone": ("contact_phone", "对接电话", show),
}


class _DealRow:
    """A stored deal as the planner reads it: its columns (a plain row), its investor's row and its
    stage-history rows. No ORM objects: planning 10,000 rows against a county's deals stays small;
    ``apply_row`` loads the ORM deal of a row that changes it (``prefetch`` loads a chunk at once)."""

    __slots__ = ("_row", "investor", "stage_changes")

    def __init__(self, row, investor, stage_changes: list):
        self._row, self.investor, self.stage_changes = row, investor, stage_changes

    def __getattr__(self, name):
        return getattr(self._row, name)


_CHANGE_COLUMNS = [c for c in DealStageChange.__table__.c if c.name != "note"]


class _Index:
    """Existing deals, investors and projects as plain rows, loaded once."""

    def __init__(self):
        investors = db.session.execute(sa.select(Investor.__table__)).all()
        investor_by_id = {i.id: i for i in investors}
        changes: dict[int, list] = defaultdict(list)
        for change in db.session.execute(sa.select(*_CHANGE_COLUMNS)):
            changes[change.deal_id].append(change)
        self.by_name: dict[str, list[_DealRow]] = defaultdict(list)
        self.by_code_name: dict[tuple[str, str], _DealRow] = {}
        for row in db.session.execute(sa.select(Deal.__table__)):
            deal = _DealRow(row, investor_by_id.get(row.investor_id), changes.pop(row.id, []))
            self.by_name[deal.name].append(deal)
            if deal.investor is not None and deal.investor.credit_code:
                self.by_code_name[(deal.investor.credit_code, deal.name)] = deal
        self.investor_by_code = {i.credit_code: i for i in investors if i.credit_code}
        self.investor_by_name: dict[str, list] = defaultdict(list)
        for investor in investors:
            self.investor_by_name[investor.name].append(investor)
        self.new_investors: dict[tuple, dict] = {}
        projects = db.session.execute(sa.select(Project.id, Project.name, Project.code)).all()
        self.project_by_code = {p.code: p.id for p in projects if p.code}
        self.project_by_name: dict[str, list[int]] = defaultdict(list)
        for p in projects:
            self.project_by_name[p.name].append(p.id)


def prefetch(rows: list[RowPlan]) -> list[Deal]:
    """The ORM deals a chunk of planned rows updates, with their investors and history, in one load.
    The caller keeps the list while it applies the chunk (the session holds them only weakly)."""
    ids = [row.target.id for row in rows if row.target is not None]
    if not ids:
        return []
    return db.session.scalars(
        sa.select(Deal).where(Deal.id.in_(ids)).options(selectinload(Deal.investor), selectinload(Deal.stage_changes))
    ).all()


def plan_rows(table: Table, lookups: Lookups) -> list[RowPlan]:
    """Every data row's outcome without writing anything."""
    index = _Index()
    seen: dict[object, int] = {}
    codes: dict[str, tuple[str, int]] = {}
    return plan_each_row(table, lambda reader, plan: _plan_row(reader, plan, index, lookups, seen, codes))


def _plan_row(r: RowReader, plan: RowPlan, index: _Index, lookups: Lookups, seen: dict, codes: dict) -> None:
    name = r.require("name")
    plan.title = name or ""
    code = None
    try:
        code = validate_credit_code(r.get("credit_code"))
    except InputError as exc:
        r.error("credit_code", exc.message)
    r.not_future(*DATE_KEYS, "hold_on", "terminated_on")
    values = {}
    for key, resolve in (("industry", lookups.industry), ("lead_unit", lookups.unit), ("township", lookups.township)):
        if r.get(key):
            values[key] = resolve(r, key)
    if r.get("leader"):
        values["leader"] = lookups.leader(r, "leader", plan)
    if r.get("project"):
        values["project"] = _project(r, index)
    for key in ("amount", "agreement_type", "is_counted", "exclusion_reason", "notes", "contact_name", "contact_phone"):
        if r.get(key) is not None:
            values[key] = r.get(key)
    if not name:
        return
    deal = _find_deal(r, index, name, code)
    key = (code, name) if code else name
    for marker in (key, ("deal", deal.id) if deal else None):
        if marker is not None and marker in seen:
            r.error("name", f"与第{seen[marker]}行是同一招商项目，请合并为一行")
            return
        if marker is not None:
            seen[marker] = r.number
    investor = _investor(r, plan, index, code, codes)
    if (
        deal is not None
        and investor is not None
        and (investor.get("obj") is None or deal.investor_id != investor["obj"].id)
    ):
        new_name = investor["obj"].name if investor.get("obj") is not None else investor["new"]["name"]
        plan.changes.append(f"投资方：{show(deal.investor.name if deal.investor else None)} → {new_name}")
    counted = values.get("is_counted", deal.is_counted if deal else True)
    reason = values.get("exclusion_reason", deal.exclusion_reason if deal else None)
    if counted is False and not (reason or "").strip():
        if (r.get("notes") or "").strip():  # county ledgers keep the reason in 备注
            values["exclusion_reason"] = r.get("notes").strip()[:500]
            r.warn(
                "notes",
                f"“不计入原因”{'列未填' if r.has('exclusion_reason') else '无此列'}，取自{r._header('notes')}："
                f"{values['exclusion_reason']}",
            )
        else:
            r.error("is_counted", "不计入考核时须在“不计入原因”列（或备注）填写原因")
    confirmed = r.check_amount(
        "amount", "deals.contract_amount_yuan", stored=deal.contract_amount_yuan if deal is not None else None
    )
    stages = _stage_plan(r, plan, deal)
    if plan.errors:
        return
    plan.target = deal
    plan.data = {"values": values, "investor": investor, "confirmed": [confirmed] if confirmed else [], **stages}
    if deal is None:
        plan.action = "create"
        plan.shown = _shown(values, stages, investor)
        return
    for key, value in values.items():
        attr, label, display = SCALARS[key]
        if getattr(deal, attr) != value:
            plan.changes.append(f"{label}：{display(getattr(deal, attr))} → {display(value)}")
    plan.action = "update" if plan.changes else "unchanged"


_UNKNOWN_DATE = (
    "{stage}日期未填：按导入日期 {day} 记为“{stage}”，并标记“日期未填”。签约、开工等考核数不受影响"
    "（已签约项目仍计入签约年度），只有截至 {day} 及以后的在推项目、签约未开工名单将其视为{stage}"
)


def _shown(values: dict, stages: dict, investor) -> list[tuple[str, str]]:
    """What a new row will store, parsed: amounts in 万元, dates ISO, matched names."""
    shown = []
    if investor is not None:
        obj = investor.get("obj")
        shown.append(("投资方", obj.name if obj is not None else f"{investor['new']['name']}（新建）"))
    for key, value in values.items():
        if key in ("notes", "contact_name", "contact_phone"):
            continue
        _attr, label, display = SCALARS[key]
        shown.append((label, display(value)))
    shown.append(("线索日期", show(stages.get("lead_on"))))
    unknown = stages.get("unknown", ())
    for stage, effective_on, _reason in stages.get("moves", []):
        shown.append((STAGE_DATE_FIELDS[stage][1], "日期未填" if stage in unknown else show(effective_on)))
    return shown


def _project(r: RowReader, index: _Index) -> int | None:
    text = r.get("project")
    if text in index.project_by_code:
        return index.project_by_code[text]
    ids = index.project_by_name.get(text, [])
    if len(ids) == 1:
        return ids[0]
    r.error("project", f"项目库中{'有多个' if ids else '没有'}名为“{text}”的项目，请填写统一项目代码")
    return None


def _find_deal(r: RowReader, index: _Index, name: str, code: str | None) -> _DealRow | None:
    if code and (code, name) in index.by_code_name:
        return index.by_code_name[(code, name)]
    candidates = index.by_name.get(name, [])
    if code:  # fall back to a same-name deal only when it has no credit code yet
        candidates = [d for d in candidates if not (d.investor and d.investor.credit_code)]
    if len(candidates) > 1:
        r.error(
            "name",
            f"系统中有{len(candidates)}个名为“{name}”的招商项目，无法确定更新哪一个：请填写统一社会信用代码或在系统中区分名称",
        )
        return None
    return candidates[0] if candidates else None


def _investor(r: RowReader, plan: RowPlan, index: _Index, code: str | None, codes: dict):
    """The investor the row points to: an existing Investor (with changes) or a dict describing a new one."""
    name, origin = r.get("investor"), r.get("origin")
    if code:
        if code in codes and name and codes[code][0] and codes[code][0] != name:
            r.error("investor", f"统一社会信用代码相同的第{codes[code][1]}行投资方为“{codes[code][0]}”，与本行不一致")
        codes.setdefault(code, (name, r.number))
    if not code and not name:
        if origin:
            r.error("investor", "填写了投资方来源，但未填写投资方")
        return None
    found = index.investor_by_code.get(code) if code else None
    if found is None and name:
        same_name = index.investor_by_name.get(name, [])
        if code:
            same_name = [i for i in same_name if not i.credit_code]
        found = same_name[0] if same_name else None
    if found is not None:
        changes = {
            k: v
            for k, v in (("name", name), ("credit_code", code), ("origin", origin))
            if v is not None and getattr(found, k) != v
        }
        labels = {"name": "投资方", "credit_code": "统一社会信用代码", "origin": "投资方来源"}
        plan.changes.extend(f"{labels[k]}：{show(getattr(found, k))} → {v}" for k, v in changes.items())
        return {"obj": found, "changes": changes}
    if not name:
        r.error("investor", "填写了统一社会信用代码，但未填写投资方名称")
        return None
    key = ("code", code) if code else ("name", name)
    spec = index.new_investors.setdefault(key, {"new": {"name": name, "credit_code": code, "origin": origin}})
    plan.notes.append(f"将新建投资方“{name}”")
    return spec


def _stage_plan(r: RowReader, plan: RowPlan, deal: _DealRow | None) -> dict:
    """Moves (stage, date, reason) and date corrections that bring the deal to the row's stage and dates."""
    given = {f: r.get(f) for f in DATE_KEYS if r.get(f)}
    if (
        r.get("stage") == Stage.NEGOTIATING
        and "negotiating_on" not in given
        and "lead_on" in given
        and (deal is None or deal.negotiating_on is None)
    ):
        given["negotiating_on"] = given["lead_on"]  # ledgers rarely keep a 洽谈日期
        plan.notes.append(f"洽谈日期未填，按线索日期 {given['lead_on']} 记")
    hold_on, term_on, term_reason = r.get("hold_on"), r.get("terminated_on"), r.get("termination_reason")
    highest = max((STAGE_OF[f] for f in given), key=stage_index, default=None)
    if deal is None:
        cur, cur_main = None, Stage.LEAD
        fields = dict.fromkeys(DATE_KEYS)
    else:
        cur = deal.stage
        fields = {f: getattr(deal, f) for f in DATE_KEYS}
        cur_main = main_stage(cur, deal.stage_before_hold)
        if cur_main not in STAGES:
            cur_main = max((STAGE_OF[f] for f, v in fields.items() if v), key=stage_index, default=Stage.LEAD)
    target = r.get("stage")
    if target is None:
        if cur in PAUSED_OR_ENDED:
            target = cur
        elif term_on:
            target = Stage.TERMINATED
        else:
            target = max([highest or Stage.LEAD, cur_main], key=stage_index)
        if target != cur and r.has("stage"):
            plan.notes.append(f"当前阶段未填，按已填日期视为“{target}”")
    reach = target if target in STAGES else max([highest or Stage.LEAD, cur_main], key=stage_index)
    for f in given:
        if stage_index(STAGE_OF[f]) > stage_index(reach):
            r.error(f, f"当前阶段为“{target}”，不应填写{LABEL_OF[f]}")
    if target in STAGES and target != Stage.LEAD:
        f = STAGE_DATE_FIELDS[target][0]
        if (
            f not in given
            and not (fields.get(f) and stage_index(cur_main) >= stage_index(target))
            and not r.has_error(f)
        ):
            r.error(f if r.has(f) else "stage", f"当前阶段为“{target}”，请填写{LABEL_OF[f]}")
    if cur == Stage.TERMINATED and target != Stage.TERMINATED:
        r.error("stage", "系统中该项目已终止，导入不能变更其阶段")
    if cur == Stage.ON_HOLD and target in STAGES and stage_index(target) <= stage_index(cur_main):
        r.error("stage", "系统中该项目为暂缓状态，恢复推进请在系统中操作")
    if (
        cur not in PAUSED_OR_ENDED
        and deal is not None
        and target in STAGES
        and stage_index(target) < stage_index(cur_main)
    ):
        r.error("stage", f"系统中该项目已处于“{cur_main}”阶段，导入不能回退到“{target}”（请在系统中操作并填写原因）")
    unknown = []  # terminal states whose date the ledger never held (日期未填)
    if target == Stage.ON_HOLD and cur != Stage.ON_HOLD and hold_on is None:
        hold_on = today()
        unknown.append(Stage.ON_HOLD)
        r.warn("hold_on" if r.has("hold_on") else "stage", _UNKNOWN_DATE.format(stage=Stage.ON_HOLD, day=hold_on))
    if target == Stage.TERMINATED and cur != Stage.TERMINATED:
        if not term_reason and (r.get("notes") or "").strip():
            term_reason = r.get("notes").strip()[:500]
            r.warn(
                "notes",
                f"“终止原因”{'列未填' if r.has('termination_reason') else '无此列'}，"
                f"取自{r._header('notes')}：{term_reason}",
            )
        if not term_reason:
            r.error(
                "termination_reason" if r.has("termination_reason") else "stage",
                "当前阶段为“终止”，请填写终止原因（或在备注中写明）",
            )
        if term_on is None:
            term_on = today()
            unknown.append(Stage.TERMINATED)
            r.warn(
                "terminated_on" if r.has("terminated_on") else "stage",
                _UNKNOWN_DATE.format(stage=Stage.TERMINATED, day=term_on),
            )
    if plan.errors:
        return {}
    lead_on = fields["lead_on"]
    if deal is None:
        lead_on = given.get("lead_on") or min([*given.values(), *(d for d in (hold_on, term_on) if d)], default=None)
        if lead_on is None:
            lead_on = today()
        elif "lead_on" not in given:
            plan.notes.append(f"线索日期未填，按最早日期 {lead_on} 记")
        fields["lead_on"] = lead_on
    corrections = []
    for f, value in given.items():
        if deal is not None and stage_index(STAGE_OF[f]) <= stage_index(cur_main) and fields[f] != value:
            corrections.append((f, value))
            plan.changes.append(f"{LABEL_OF[f]}：{show(fields[f])} → {value}")
    moves = []
    for stage in STAGES[stage_index(cur_main) + 1 : stage_index(reach) + 1]:
        f = STAGE_DATE_FIELDS[stage][0]
        if f in given or stage == reach:
            moves.append((stage, given.get(f) or fields.get(f), None))
    if target == Stage.ON_HOLD and cur != Stage.ON_HOLD:
        moves.append((Stage.ON_HOLD, hold_on, None))
    if target == Stage.TERMINATED and cur != Stage.TERMINATED:
        moves.append((Stage.TERMINATED, term_on, term_reason))
    if cur in PAUSED_OR_ENDED and target == cur and moves:
        r.error("stage", f"系统中该项目为“{cur}”状态，不能再填写后续阶段的日期")
        return {}
    final = dict(fields)
    for f, value in corrections:
        final[f] = value
    final = _simulate(final, cur_main, moves, terminated_on=deal.terminated_on if deal else None)
    _check_order(r, final)
    ordered = _correction_order(r, deal, fields, corrections) if corrections else []
    _check_move_dates(r, deal, lead_on, moves)
    project = r.get("project") and not final.get("signed_on")
    if project:
        r.error("project", "项目签约后才能关联项目库项目（请填写签约日期）")
    if deal is not None and moves:
        plan.changes.append(f"阶段：{cur} → {target}（" + "，".join(f"{s} {d}" for s, d, _ in moves) + "）")
    return {"lead_on": lead_on, "corrections": ordered, "moves": moves, "unknown": unknown}


def _check_move_dates(r: RowReader, deal: _DealRow | None, lead_on: date, moves: list) -> None:
    """Each move may not precede the previous one (``stages.previous_move_problem``)."""
    previous = latest_change(deal.stage_changes) if deal is not None else None
    previous = previous or Move(None, Stage.LEAD, lead_on)
    keys = {Stage.ON_HOLD: "hold_on", Stage.TERMINATED: "terminated_on"}
    for stage, effective_on, _reason in moves:
        problem = previous_move_problem(previous, effective_on)
        if problem:
            key = keys.get(stage) or STAGE_DATE_FIELDS[stage][0]
            r.error(key if r.get(key) else "stage", f"“{stage}”的{problem}")
            return
        previous = Move(previous.to_stage, stage, effective_on)


def _simulate(fields: dict, current: str, moves: list, *, terminated_on: date | None) -> dict:
    """Stage dates after ``moves``, as move_deal_to_stage sets them (``stages.apply_move``)."""
    state = StageState(stage=current, dates={**dict.fromkeys(DATE_COLUMNS), **fields, "terminated_on": terminated_on})
    for stage, effective_on, _reason in moves:
        apply_move(state, stage, effective_on)
    return state.dates


def _check_order(r: RowReader, dates: dict) -> None:
    problem = date_order_problem(dates, first=tuple(f for f in DATE_KEYS if r.get(f)))
    if problem:
        key, message = problem
        r.error(key if r.has(key) and r.get(key) else "stage", message)


def _latest_row(deal: Deal, f: str):
    stage = STAGE_OF[f]
    rows = [c for c in recording_order(deal.stage_changes) if c.to_stage == stage]
    return rows[-1] if rows else None


def _correction_problem(deal: Deal, state: dict, row_dates: dict, f: str, value: date) -> str | None:
    """Why correcting ``f`` to ``value`` now would be refused (order of dates, neighbouring history rows)."""
    problem = date_order_problem({**state, f: value})
    if problem:
        return problem[1]
    change = _latest_row(deal, f)
    if change is None or state[f] != change.effective_on:
        return None  # set directly: no history row of its own
    problem = neighbour_problem(recording_order(deal.stage_changes), change, value, row_dates)
    return f"{LABEL_OF[f]}：{problem}" if problem else None


def _correction_order(r: RowReader, deal: Deal, fields: dict, corrections: list) -> list:
    """Date corrections in an order where every step is accepted by correct_stage_date."""
    pending, ordered, state = list(corrections), [], dict(fields)
    row_dates = {c.id: c.effective_on for c in deal.stage_changes}
    while pending:
        for f, value in pending:
            if _correction_problem(deal, state, row_dates, f, value) is None:
                change = _latest_row(deal, f)
                if change is not None and state[f] == change.effective_on:
                    row_dates[change.id] = value
                state[f] = value
                ordered.append((f, value))
                pending.remove((f, value))
                break
        else:
            f, value = pending[0]
            r.error(f, _correction_problem(deal, state, row_dates, f, value))
            return []
    return ordered


def _materialize_investor(spec) -> Investor | None:
    if spec is None:
        return None
    if "obj" in spec:
        if not isinstance(spec["obj"], Investor):  # the planner's plain row: the ORM object to write
            spec["obj"] = db.session.get(Investor, spec["obj"].id)
        if spec.get("changes"):
            update_investor(spec["obj"], spec["changes"])
            spec["changes"] = {}
        return spec["obj"]
    spec["obj"] = create_investor({k: v for k, v in spec["new"].items() if v is not None})
    spec["changes"] = {}
    return spec["obj"]


def apply_row(plan: RowPlan, lookups: Lookups, actor=None) -> Deal:
    """Write one planned row through the deals services."""
    data = plan.data
    values = dict(data["values"])
    if "leader" in values:
        values["leader"] = lookups.leader_id(values["leader"])
    for key, amount in data.get("confirmed", []):
        expect_confirmation(key, amount)
    project_id = values.pop("project", None)
    attrs = {SCALARS[k][0]: v for k, v in values.items()}
    investor = _materialize_investor(data["investor"])
    deal = db.session.get(Deal, plan.target.id) if plan.target is not None else None
    if deal is None:
        deal = create_deal(
            {"name": plan.title, "investor": investor, **attrs}, actor=actor, effective_on=data["lead_on"]
        )
    else:
        changed = {k: v for k, v in attrs.items() if getattr(deal, k) != v}
        if investor is not None and deal.investor is not investor:
            changed["investor"] = investor
        if changed:
            update_deal(deal, changed)
    for f, value in data["corrections"]:
        change = _latest_row(deal, f)
        if change is not None and getattr(deal, f) == change.effective_on:
            correct_stage_date(change, value, note="台账导入")
        else:  # an old record whose date has no history row of its own
            setattr(deal, f, value)
    for stage, effective_on, reason in data["moves"]:
        change = move_deal_to_stage(deal, stage, effective_on=effective_on, actor=actor, reason=reason)
        if stage in data.get("unknown", ()):
            change.date_unknown = True
    if project_id is not None and deal.project_id != project_id:
        link_deal_to_project(deal, db.session.get(Project, project_id))
    return deal
