"""项目库台账: upsert projects by 统一项目代码, else exact name."""

from collections import defaultdict

import sqlalchemy as sa

from app.core.dates import today
from app.core.money import normalize_text
from app.core.plausibility import expect_confirmation
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
from app.projects.models import KEY_PROJECT_THRESHOLD_YUAN, NATURES, RESERVE_STATUSES, Project
from app.projects.services import create_project, update_project

FIELDS = [
    Field(
        "name",
        "项目名称",
        ("项目", "项目名"),
        required=True,
        max_length=200,
        help="必填。更新时先按统一项目代码匹配，未填代码时按项目名称完全一致匹配",
    ),
    Field("code", "统一项目代码", ("项目代码", "项目编码", "统一代码", "赋码", "项目统一代码"), max_length=50),
    Field(
        "nature",
        "建设性质",
        ("性质", "项目性质", "新建/续建", "新建续建"),
        kind="choice",
        choices=variants({"新建": ["新开工", "新建项目", "新开"], "续建": ["续建项目", "续建工程"]}),
        help="或".join(NATURES),
    ),
    Field("industry", "产业类别", ("产业", "行业", "所属产业", "产业分类", "行业类别"), help="系统中的产业类别名称"),
    Field("township", "所在乡镇", ("乡镇", "建设地点", "所属乡镇"), help="乡镇名称或简称，如“巴公”"),
    Field("lead_unit", "责任单位", ("牵头单位", "责任主体", "项目单位", "主管单位"), help="系统中的单位名称或简称"),
    Field(
        "leader",
        "包联领导",
        ("包联县领导", "县级包联领导", "联系领导", "分包领导"),
        help="县级领导姓名；系统中没有的可在导入时新建",
    ),
    Field(
        "total_investment",
        "总投资（万元）",
        ("总投资", "计划总投资", "项目总投资", "总投资额", "投资额"),
        kind="money",
        help="默认万元；表头写“（亿元）”时按亿元",
    ),
    Field(
        "annual_plan",
        "年度计划投资（万元）",
        ("年度计划投资", "年度投资计划", "本年计划投资", "计划投资", "年度计划", "年计划投资"),
        kind="money",
        help="默认万元；≥5000万元为重点项目",
    ),
    Field("planned_start_on", "计划开工日期", ("计划开工时间", "计划开工"), kind="date"),
    Field("actual_start_on", "实际开工日期", ("实际开工时间", "开工日期", "开工时间"), kind="date"),
    Field("planned_completion_on", "计划竣工日期", ("计划完工日期", "计划竣工时间", "计划竣工"), kind="date"),
    Field("stats_registered_on", "入库纳统日期", ("纳统日期", "入库日期", "入库纳统时间"), kind="date"),
    Field(
        "reserve_status",
        "储备状态",
        ("项目状态", "状态", "推进状态", "项目阶段"),
        kind="choice",
        choices=variants(
            {
                "储备": ["谋划", "储备中", "谋划储备"],
                "前期": ["前期工作", "前期阶段", "前期手续"],
                "实施": ["在建", "实施中", "建设中", "开工"],
                "完成": ["已完成", "竣工", "已竣工", "建成"],
            }
        ),
        help="、".join(RESERVE_STATUSES),
    ),
    Field(
        "is_key",
        "是否重点项目",
        ("重点项目", "是否重点"),
        kind="bool",
        help="是/否；空白时按年度计划投资≥5000万元自动认定",
    ),
    Field("plan_year", "计划年度", ("项目年度", "年度"), kind="year", in_template=False, help="新项目空白时取当年"),
    Field("actual_completion_on", "实际竣工日期", ("实际完工日期",), kind="date", in_template=False),
    Field("notes", "备注", ("说明",), in_template=False),
]
KEY = "name"
TITLE = "项目库台账"
register_headers(FIELDS)

SCALARS = {  # row key → (Project attribute, label, display)
    "name": ("name", "项目名称", show),
    "code": ("code", "统一项目代码", show),
    "nature": ("nature", "建设性质", show),
    "industry": ("industry_id", "产业类别", lambda v: name_of(Industry, v)),
    "township": ("township_id", "所在乡镇", lambda v: name_of(Unit, v)),
    "lead_unit": ("lead_unit_id", "责任单位", lambda v: name_of(Unit, v)),
    "leader": ("leader_id", "包联领导", lambda v: name_of(Leader, v)),
    "total_investment": ("total_investment_yuan", "总投资", yuan_text),
    "annual_plan": ("annual_plan_yuan", "年度计划投资", yuan_text),
    "planned_start_on": ("planned_start_on", "计划开工日期", show),
    "actual_start_on": ("actual_start_on", "实际开工日期", show),
    "planned_completion_on": ("planned_completion_on", "计划竣工日期", show),
    "actual_completion_on": ("actual_completion_on", "实际竣工日期", show),
    "stats_registered_on": ("stats_registered_on", "入库纳统日期", show),
    "reserve_status": ("reserve_status", "储备状态", show),
    "key_override": ("key_override", "重点项目（人工认定）", lambda v: "自动" if v is None else show(v)),
    "plan_year": ("plan_year", "计划年度", show),
    "notes": ("notes", "备注", show),
}


def plan_rows(table: Table, lookups: Lookups) -> list[RowPlan]:
    """Every data row's outcome without writing anything."""
    projects = db.session.execute(sa.select(Project.__table__)).all()  # plain rows, no ORM object per project
    by_code = {p.code: p for p in projects if p.code}
    by_name: dict[str, list] = defaultdict(list)
    for project in projects:
        by_name[project.name].append(project)
    seen: dict[object, int] = {}
    return plan_each_row(table, lambda r, plan: _plan_row(r, plan, lookups, by_code, by_name, seen))


def _plan_row(r: RowReader, plan: RowPlan, lookups: Lookups, by_code: dict, by_name: dict, seen: dict) -> None:
    name = r.require("name")
    plan.title = name or ""
    code = normalize_text(r.get("code") or "") or None
    r.not_future("actual_start_on", "actual_completion_on", "stats_registered_on")
    values = {}
    for key, resolve in (("industry", lookups.industry), ("lead_unit", lookups.unit), ("township", lookups.township)):
        if r.get(key):
            values[key] = resolve(r, key)
    if r.get("leader"):
        values["leader"] = lookups.leader(r, "leader", plan)
    for key in (
        "nature",
        "total_investment",
        "annual_plan",
        "planned_start_on",
        "actual_start_on",
        "planned_completion_on",
        "actual_completion_on",
        "stats_registered_on",
        "reserve_status",
        "plan_year",
        "notes",
    ):
        if r.get(key) is not None:
            values[key] = r.get(key)
    if code:
        values["code"] = code
    if not name:
        return
    project = by_code.get(code) if code else None
    if project is None:
        candidates = [p for p in by_name.get(name, []) if not (code and p.code)]
        if len(candidates) > 1:
            r.error("name", f"系统中有{len(candidates)}个名为“{name}”的项目，无法确定更新哪一个：请填写统一项目代码")
            return
        project = candidates[0] if candidates else None
    for marker in (("code", code) if code else ("name", name), ("id", project.id) if project else None):
        if marker is not None and marker in seen:
            r.error("code" if marker[0] == "code" else "name", f"与第{seen[marker]}行是同一项目，请合并为一行")
            return
        if marker is not None:
            seen[marker] = r.number

    if project is not None and project.name != name:
        values["name"] = name  # found by its code: the ledger renames it

    def current(attr, default=None):
        if attr in values_attr:
            return values_attr[attr]
        return getattr(project, attr) if project is not None else default

    values_attr = {SCALARS[k][0]: v for k, v in values.items()}
    for start, end, label in (
        ("planned_start_on", "planned_completion_on", "计划竣工日期不能早于计划开工日期"),
        ("actual_start_on", "actual_completion_on", "实际竣工日期不能早于实际开工日期"),
    ):
        if current(start) and current(end) and current(end) < current(start):
            r.error(end if r.get(end) else start, label)
    if current("total_investment_yuan") and (current("annual_plan_yuan") or 0) > current("total_investment_yuan"):
        r.error("annual_plan" if r.get("annual_plan") is not None else "total_investment", "年度计划投资不能大于总投资")
    if r.get("is_key") is not None:
        automatic = (current("annual_plan_yuan", 0) or 0) >= KEY_PROJECT_THRESHOLD_YUAN
        values["key_override"] = None if r.get("is_key") == automatic else r.get("is_key")
        if values["key_override"] is not None:
            plan.notes.append(
                f"年度计划投资{'未达' if automatic is False else '已达'}5000万元，按台账人工认定为"
                f"{'重点' if values['key_override'] else '非重点'}项目"
            )
    confirmed = [
        r.check_amount(key, f"projects.{attr}", stored=getattr(project, attr) if project else None)
        for key, attr in (("total_investment", "total_investment_yuan"), ("annual_plan", "annual_plan_yuan"))
    ]
    if plan.errors:
        return
    plan.target = project
    plan.data = {"values": values, "confirmed": [c for c in confirmed if c]}
    if project is None:
        if "plan_year" not in values:
            values["plan_year"] = (values.get("planned_start_on") or today()).year
            plan.notes.append(f"计划年度未填，按{values['plan_year']}年记")
        values.setdefault("nature", "新建")
        values.setdefault("reserve_status", "储备")
        plan.action = "create"
        plan.shown = [
            (SCALARS[key][1], SCALARS[key][2](value))
            for key, value in values.items()
            if key in SCALARS and key not in ("notes",)
        ]
        return
    for key, value in values.items():
        attr, label, display = SCALARS[key]
        if getattr(project, attr) != value:
            plan.changes.append(f"{label}：{display(getattr(project, attr))} → {display(value)}")
    plan.action = "update" if plan.changes else "unchanged"


def apply_row(plan: RowPlan, lookups: Lookups, actor=None) -> Project:
    """Write one planned row through the projects services."""
    values = dict(plan.data["values"])
    if "leader" in values:
        values["leader"] = lookups.leader_id(values["leader"])
    for key, amount in plan.data.get("confirmed", []):
        expect_confirmation(key, amount)
    attrs = {SCALARS[k][0]: v for k, v in values.items()}
    if plan.target is None:
        return create_project({**attrs, "name": plan.title})
    project = db.session.get(Project, plan.target.id)  # loaded by ``prefetch`` with its chunk
    changed = {k: v for k, v in attrs.items() if getattr(project, k) != v}
    return update_project(project, changed)


def prefetch(rows: list[RowPlan]) -> list[Project]:
    """The ORM projects a chunk of planned rows updates, in one load (the caller keeps the list)."""
    ids = [row.target.id for row in rows if row.target is not None]
    return db.session.scalars(sa.select(Project).where(Project.id.in_(ids))).all() if ids else []
