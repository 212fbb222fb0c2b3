"""Which figures of an issued report differ from a fresh computation (issued → now).

The figures dict is flattened to labelled leaves (``招商签约 · 签约额``, ``赛马排名 · 巴公镇 ·
目标完成率``); list items are matched by their id (deal, problem, unit, leader, month), so a
deal that joined or left a list shows as one line instead of a cascade of shifted rows.
"""

from dataclasses import dataclass

from app.reports import fmt

SECTIONS = {
    "signed": "招商签约",
    "same_year_start": "当年开工率",
    "funnel": "转化漏斗",
    "funds_in_place": "资金到位",
    "funds": "争资争项",
    "funds_total": "争资争项合计",
    "projects": "项目建设",
    "units": "赛马排名",
    "monthly": "月度累计签约",
    "milestones": "开工节点",
    "signed_not_started": "已签约未开工",
    "overdue_problems": "逾期问题",
    "leader_summary": "领导包联",
    "units_unassigned": "未明确责任单位的签约项目",
}
KEYS = {
    "count": "项目数",
    "amount_yuan": "签约额",
    "target_yuan": "目标",
    "progress": "目标完成率",
    "time_progress": "序时进度",
    "gap": "进度差",
    "gap_level": "预警等级",
    "month_count": "当月签约项目数",
    "month_amount_yuan": "当月签约额",
    "signed_count": "签约项目数",
    "started_count": "已开工项目数",
    "rate": "比率",
    "signed_amount_yuan": "签约额",
    "started_amount_yuan": "已开工项目签约额",
    "amount_rate": "按金额开工率",
    "target_rate": "目标开工率",
    "production_count": "已投产项目数",
    "sign_to_start_rate": "签约开工率",
    "start_to_production_rate": "开工投产率",
    "leads_count": "年内新增线索",
    "leads_signed_count": "线索已签约",
    "lead_conversion_rate": "线索转化率",
    "contract_amount_yuan": "签约额",
    "in_place_yuan": "到位资金",
    "is_bond": "债券类",
    "requested_yuan": "申请金额",
    "reserve_count": "储备项目数",
    "reserve_yuan": "储备金额",
    "decided_count": "已决项目数",
    "approved_count": "获批项目数",
    "approval_rate": "通过率",
    "approved_yuan": "下达金额",
    "issued_yuan": "发行金额",
    "disbursed_yuan": "拨付金额",
    "spent_yuan": "支出金额",
    "spend_progress": "支出进度",
    "target_count": "目标项目数",
    "annual_plan_yuan": "年度计划投资",
    "target_annual_plan_yuan": "目标年度计划投资",
    "completed_yuan": "完成投资",
    "key_count": "重点项目数",
    "key_target_count": "重点项目目标数",
    "key_annual_plan_yuan": "重点项目年度计划投资",
    "key_target_plan_yuan": "重点项目计划投资目标",
    "key_completed_yuan": "重点项目完成投资",
    "start_rate": "开工率",
    "new_count": "新建项目数",
    "new_started_count": "新建项目已开工",
    "new_start_rate": "新建项目开工率",
    "reserve_total_yuan": "储备库总投资",
    "reserve_target_yuan": "储备库目标",
    "fixed_asset_target_yuan": "固定资产投资目标",
    "required_rate": "要求开工率",
    "actual_rate": "实际开工率",
    "met": "是否达标",
    "due": "节点日期",
    "unit": "单位",
    "kind": "类别",
    "completion_rate": "目标完成率",
    "cumulative_yuan": "累计签约额",
    "target_cumulative_yuan": "序时目标",
    "name": "项目名称",
    "investor": "投资方",
    "township": "所在乡镇",
    "leader": "包联领导",
    "signed_on": "签约日期",
    "days_waiting": "等待天数",
    "description": "问题描述",
    "project": "关联项目",
    "deadline_on": "办结时限",
    "days_overdue": "逾期天数",
    "escalation_level": "督办层级",
    "status": "状态",
    "title": "职务",
    "project_count": "包联项目数",
    "open_problems": "未办结问题",
    "overdue_problems": "逾期问题",
    "short_name": "简称",
    "rank": "名次",
    "stage": "阶段",
    "level_reason": "升级原因",
}
# Coded values shown in words.
VALUES = {"gap_level": {"ok": "正常", "yellow": "黄色预警", "red": "红色预警"}}
# Labels that depend on the section (section, key).
SECTION_KEYS = {
    ("funds", "count"): "申报项目数",
    ("funds_total", "count"): "申报项目数",
    ("units", "started_count"): "已开工",
    ("same_year_start", "rate"): "当年开工率",
    ("funds_in_place", "rate"): "资金到位率",
    ("monthly", "signed_amount_yuan"): "当月签约额",
    ("signed_not_started", "unit"): "责任单位",
    ("overdue_problems", "unit"): "责任单位",
    ("leader_summary", "leader"): "领导",
    ("units", "start_rate"): "当年开工率",
    ("projects", "start_rate"): "开复工率",
    ("leader_summary", "approved_yuan"): "下达资金",
    ("leader_summary", "disbursed_yuan"): "拨付资金",
    ("signed", "target_count"): "目标签约项目数",
}
# List sections: the key identifying an item, and how to name it.
LIST_IDS = {
    "units": ("unit_id", lambda item: item.get("unit") or f"#{item.get('unit_id')}"),
    "monthly": ("month", lambda item: f"{item.get('month')}月"),
    "milestones": ("label", lambda item: str(item.get("label"))),
    "signed_not_started": ("deal_id", lambda item: item.get("name") or f"#{item.get('deal_id')}"),
    "overdue_problems": ("problem_id", lambda item: _short(item.get("description")) or f"#{item.get('problem_id')}"),
    "leader_summary": ("leader_id", lambda item: item.get("leader") or f"#{item.get('leader_id')}"),
}
# 同比 (yoy) is left out: it repeats this year's figures beside last year's, whose own changes
# belong to last year's reports.
SKIP = {"year", "as_of", "month", "yoy"}
RATE_KEYS = {"rate", "progress", "time_progress", "spend_progress"}
PRESENT = "#present"


def _short(text: str | None, size: int = 24) -> str:
    text = text or ""
    return text if len(text) <= size else text[:size] + "…"


@dataclass(frozen=True)
class Leaf:
    path: tuple
    label: str
    kind: str  # money, rate, points, count, flag, text, presence
    value: object
    item: tuple | None  # path of the list item this leaf belongs to


@dataclass(frozen=True)
class Difference:
    label: str
    issued: str
    now: str
    change: str


def _kind(key: str, value) -> str:
    if key == PRESENT:
        return "presence"
    if key.endswith("_yuan"):
        return "money"
    if key == "gap":
        return "points"
    if key in RATE_KEYS or key.endswith("_rate"):
        return "rate"
    if isinstance(value, bool):
        return "flag"
    if isinstance(value, int | float):
        return "count"
    return "text"


def _walk(node, path: tuple, labels: tuple, section: str, item: tuple | None, out: list[Leaf]) -> None:
    if isinstance(node, list):
        id_key, namer = LIST_IDS.get(section, (None, None))
        for index, element in enumerate(node):
            if isinstance(element, dict) and id_key is not None:
                ident, name = (section, element.get(id_key)), namer(element)
            else:
                ident, name = (section, index), str(index + 1)
            item_path = path + (ident,)
            out.append(Leaf(item_path + (PRESENT,), " · ".join(labels + (name,)), "presence", True, item_path))
            _walk(element, item_path, labels + (name,), section, item_path, out)
        return
    for key, value in node.items():
        if not section and key in SKIP:
            continue
        if isinstance(value, dict | list):
            if key == "metrics":
                _walk(value, path + (key,), labels, section, item, out)
            elif key in SECTIONS:
                _walk(value, path + (key,), labels + (SECTIONS[key],), key, item, out)
            else:  # a fund channel, named by itself
                _walk(value, path + (key,), labels + (KEYS.get(key, key),), section, item, out)
        elif not (section in LIST_IDS and key == LIST_IDS[section][0]):
            label = SECTION_KEYS.get((section, key)) or KEYS.get(key, key)
            out.append(Leaf(path + (key,), " · ".join(labels + (label,)), _kind(key, value), value, item))


def flatten(figures: dict) -> list[Leaf]:
    """Every figure as a labelled leaf, in report order."""
    out: list[Leaf] = []
    _walk(figures, (), (), "", None, out)
    return out


def show(leaf: Leaf | None) -> str:
    """A leaf's value as the report prints it."""
    if leaf is None or leaf.value is None:
        return fmt.DASH if leaf is not None else "（无）"
    value = leaf.value
    if leaf.kind == "presence":
        return "列入"
    if leaf.path[-1] in VALUES:
        return VALUES[leaf.path[-1]].get(value, str(value))
    if leaf.kind == "money":
        return f"{fmt.wan(value)} 万元"
    if leaf.kind == "rate":
        return fmt.rate(value)
    if leaf.kind == "points":
        return fmt.points(value)
    if leaf.kind == "flag" or isinstance(value, bool):
        return "是" if value else "否"
    if leaf.kind == "count" and isinstance(value, int):
        return fmt.count(value)
    return str(value)


def _change(old: Leaf | None, new: Leaf | None) -> str:
    if old is None or new is None or old.value is None or new.value is None:
        return ""
    if isinstance(old.value, bool) or not isinstance(old.value, int | float) or not isinstance(new.value, int | float):
        return ""
    delta = new.value - old.value
    if new.kind == "money":
        return f"{'+' if delta > 0 else '−' if delta < 0 else ''}{fmt.wan(abs(int(delta)))} 万元"
    if new.kind in ("rate", "points"):
        points = delta * 100
        return f"{points:+.{1 if abs(points) >= 0.05 else 2}f}个百分点"
    if isinstance(delta, int):
        return f"{delta:+d}"
    return ""


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or isinstance(a, bool) or isinstance(b, bool):
            return a == b
        return abs(float(a) - float(b)) < 1e-9
    return a == b


def differences(issued: dict, now: dict) -> list[Difference]:
    """Figures whose value differs between the issued report and now, in report order."""
    old = {leaf.path: leaf for leaf in flatten(issued)}
    new_leaves = flatten(now)
    new = {leaf.path: leaf for leaf in new_leaves}
    old_items = {leaf.item for leaf in old.values() if leaf.kind == "presence"}
    new_items = {leaf.item for leaf in new.values() if leaf.kind == "presence"}
    ordered = [leaf.path for leaf in new_leaves] + [path for path in old if path not in new]
    result = []
    for path in ordered:
        a, b = old.get(path), new.get(path)
        leaf = b or a
        if (
            leaf.kind != "presence"
            and leaf.item is not None
            and (leaf.item not in old_items or leaf.item not in new_items)
        ):
            continue  # the whole item came or went: its presence line says so
        if a is not None and b is not None and _same(a.value, b.value):
            continue
        if leaf.kind == "presence":
            result.append(
                Difference(leaf.label, "列入" if a else "未列入", "列入" if b else "未列入", "新增" if b else "移出")
            )
        else:
            result.append(Difference(leaf.label, show(a), show(b), _change(a, b)))
    return result
