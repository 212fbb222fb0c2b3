"""The monthly report as an Excel workbook: one sheet per section, values not formulas.

Built with app.core.excel.write_workbook (merged title row, units in the headers, frozen
header row, autofilter, number formats: 万元 with two places, rates in %, dates).
"""

from datetime import date

from app.core.excel import Column, Sheet, write_workbook
from app.reports import fmt
from app.reports.figures import Edition, chinese_date
from app.reports.sections import REPORT_TITLE, fund_rows, funnel_rows, signed_rows, split_units, yoy_rows


def _day(value):
    return date.fromisoformat(value) if value else None


def _yoy_number(row: dict, which: str):
    """A 同比 value as a number in the row's unit (万元, 个, %), "—" when there is none."""
    value = row.get(which)
    if value is None:
        return fmt.DASH
    if row["unit"] == "万元":
        return float(value) / 10_000
    if row["unit"] == "%":
        return round(float(value) * 100, 1)
    return int(value)


def _ranking_columns() -> list[Column]:
    return [
        Column("名次", "group_rank", "int", 6),
        Column("单位", "unit", "text", 22),
        Column("类别", "kind", "text", 10),
        Column("签约项目（个）", "signed_count", "int", 10),
        Column("签约额（万元）", "signed_amount_yuan", "wan", 14),
        Column("目标（万元）", "target_yuan", "wan", 14),
        Column("目标完成率", "completion_rate", "rate", 11),
        Column("已开工（个）", "started_count", "int", 10),
        Column("当年开工率", "start_rate", "rate", 11),
    ]


def _ranked(units: list[dict]) -> list[dict]:
    return [{**unit, "group_rank": rank} for rank, unit in enumerate(units, start=1)]


def _numbered(rows: list[dict]) -> list[dict]:
    return [{**row, "no": index} for index, row in enumerate(rows, start=1)]


def build_sheets(figures: dict, edition: Edition) -> list[Sheet]:
    """The workbook's sheets, in the PDF's section order."""
    m = figures["metrics"]
    month = f"{int(figures['month'][:4])}年{int(figures['month'][5:])}月"
    as_of = chinese_date(figures["as_of"])

    def title(section: str) -> str:
        return f"{month}{section}（数据截至{as_of}）"

    funds_total = {"资金渠道": "合计"}
    townships, others = split_units(m.get("units") or [])
    cover_rows = [
        ("报告名称", REPORT_TITLE),
        ("报告月份", month),
        ("数据截至", as_of),
        ("版本", f"第{edition.version}版" if edition.is_issued else "实时数据（未发布）"),
        tuple(edition.label.split("：", 1)),
    ]
    if edition.note:
        cover_rows.append((edition.note_label, edition.note))
    cover_rows += [
        ("金额单位", "万元（表头注明），比率以百分数显示"),
        (
            "统计口径",
            "仅统计计入考核的招商项目；签约、开工等以生效日期统计；已签约后终止的项目仍计入签约额和开工率分母。",
        ),
        ("编制单位", "泽州县项目建设攻坚专班办公室"),
    ]
    fund_data = fund_rows(figures)
    if fund_data:
        fund_data, total = fund_data[:-1], fund_data[-1]
        funds_total = {
            "资金渠道": "合计",
            "申报（个）": total.get("count"),
            "申请金额（万元）": total.get("requested_yuan"),
            "储备（个）": total.get("reserve_count"),
            "储备金额（万元）": total.get("reserve_yuan"),
            "已决（个）": total.get("decided_count"),
            "获批（个）": total.get("approved_count"),
            "通过率": total.get("approval_rate"),
            "下达金额（万元）": total.get("approved_yuan"),
            "发行金额（万元）": total.get("issued_yuan"),
            "拨付金额（万元）": total.get("disbursed_yuan"),
            "支出金额（万元）": total.get("spent_yuan"),
            "支出进度": total.get("spend_progress"),
        }
    start = m["same_year_start"]
    in_place = m.get("funds_in_place") or {}
    return [
        Sheet(
            "封面",
            f"{REPORT_TITLE}（{month}）",
            [Column("项目", 0, "text", 14), Column("内容", 1, "text", 80)],
            cover_rows,
        ),
        Sheet(
            "签约情况",
            title("招商引资签约情况"),
            [
                Column("口径", "label", "text", 14),
                Column("签约项目（个）", "count", "int", 12),
                Column("签约额（万元）", "amount_yuan", "wan", 16),
                Column("年度目标（万元）", "target_yuan", "wan", 16),
                Column("目标完成率", "progress", "rate", 11),
                Column("序时进度", "time_progress", "rate", 11),
                Column("进度差（百分点）", "gap", "rate", 14),
            ],
            signed_rows(figures),
        ),
        Sheet(
            "同比",
            title(f"同比（去年同期截至{chinese_date(m['yoy']['as_of'])}）" if m.get("yoy") else "同比"),
            [
                Column("指标", "label", "text", 20),
                Column("单位", "unit", "text", 8),
                Column("本年", lambda r: _yoy_number(r, "current"), "text", 14),
                Column("去年同期", lambda r: _yoy_number(r, "previous"), "text", 14),
                Column("同比", fmt.yoy_change, "text", 16),
            ],
            yoy_rows(figures),
        ),
        Sheet(
            "月度累计",
            title("累计签约额与序时目标"),
            [
                Column("月份", "month", "int", 8),
                Column("当月签约额（万元）", "signed_amount_yuan", "wan", 18),
                Column("累计签约额（万元）", "cumulative_yuan", "wan", 18),
                Column("序时目标（万元）", "target_cumulative_yuan", "wan", 18),
            ],
            m.get("monthly") or [],
        ),
        Sheet(
            "当年开工率",
            title("签约项目当年开工率"),
            [
                Column("签约项目（个）", "signed_count", "int", 12),
                Column("已开工（个）", "started_count", "int", 12),
                Column("当年开工率", "rate", "rate", 12),
                Column("目标开工率", "target_rate", "rate", 12),
                Column("签约额（万元）", "signed_amount_yuan", "wan", 16),
                Column("已开工项目签约额（万元）", "started_amount_yuan", "wan", 20),
                Column("按金额开工率", "amount_rate", "rate", 12),
            ],
            [start],
        ),
        Sheet(
            "转化漏斗",
            title("转化漏斗"),
            [
                Column("指标", "label", "text", 14),
                Column("分子口径", "numerator_label", "text", 16),
                Column("分子（个）", "numerator", "int", 10),
                Column("分母口径", "denominator_label", "text", 16),
                Column("分母（个）", "denominator", "int", 10),
                Column("比率", "rate", "rate", 10),
            ],
            funnel_rows(figures),
        ),
        Sheet(
            "资金到位",
            title("资金到位率"),
            [
                Column("签约额（万元）", "contract_amount_yuan", "wan", 16),
                Column("到位资金（万元）", "in_place_yuan", "wan", 16),
                Column("资金到位率", "rate", "rate", 12),
            ],
            [in_place],
        ),
        Sheet(
            "争资争项",
            title("争取上级资金（分渠道）"),
            [
                Column("资金渠道", "channel", "text", 24),
                Column("债券类", lambda r: "是" if r.get("is_bond") else "否", "text", 7),
                Column("申报（个）", "count", "int", 9),
                Column("申请金额（万元）", "requested_yuan", "wan", 14),
                Column("储备（个）", "reserve_count", "int", 9),
                Column("储备金额（万元）", "reserve_yuan", "wan", 14),
                Column("已决（个）", "decided_count", "int", 9),
                Column("获批（个）", "approved_count", "int", 9),
                Column("通过率", "approval_rate", "rate", 9),
                Column("下达金额（万元）", "approved_yuan", "wan", 14),
                Column("发行金额（万元）", "issued_yuan", "wan", 14),
                Column("拨付金额（万元）", "disbursed_yuan", "wan", 14),
                Column("支出金额（万元）", "spent_yuan", "wan", 14),
                Column("支出进度", "spend_progress", "rate", 9),
            ],
            fund_data,
            totals=funds_total,
        ),
        Sheet("乡镇赛马", title("赛马排名·乡镇"), _ranking_columns(), _ranked(townships)),
        Sheet("部门赛马", title("赛马排名·县直部门及其他单位"), _ranking_columns(), _ranked(others)),
        Sheet(
            "已签约未开工",
            title("已签约未开工项目"),
            [
                Column("序号", "no", "int", 6),
                Column("项目名称", "name", "text", 36),
                Column("投资方", "investor", "text", 24),
                Column("责任单位", "unit", "text", 16),
                Column("所在乡镇", "township", "text", 12),
                Column("包联领导", "leader", "text", 10),
                Column("签约额（万元）", "amount_yuan", "wan", 14),
                Column("签约日期", lambda r: _day(r.get("signed_on")), "date", 12),
                Column("等待天数", "days_waiting", "int", 10),
            ],
            _numbered(figures.get("signed_not_started") or []),
        ),
        Sheet(
            "逾期问题",
            title("逾期未办结问题"),
            [
                Column("序号", "no", "int", 6),
                Column("问题描述", "description", "text", 40),
                Column("关联项目", "project", "text", 24),
                Column("责任单位", "unit", "text", 16),
                Column("包联领导", "leader", "text", 10),
                Column("办结时限", lambda r: _day(r.get("deadline_on")), "date", 12),
                Column("逾期天数", "days_overdue", "int", 10),
                Column("督办层级", "escalation_level", "int", 10),
                Column("升级原因", "level_reason", "text", 30),
                Column("状态", "status", "text", 10),
            ],
            _numbered(figures.get("overdue_problems") or []),
        ),
        Sheet(
            "包联领导",
            title("县级领导包联情况"),
            [
                Column("领导", "leader", "text", 10),
                Column("职务", "title", "text", 20),
                Column("包联项目（个）", "project_count", "int", 12),
                Column("签约项目（个）", "signed_count", "int", 12),
                Column("签约额（万元）", "signed_amount_yuan", "wan", 14),
                Column("已开工（个）", "started_count", "int", 12),
                Column("下达资金（万元）", "approved_yuan", "wan", 14),
                Column("拨付资金（万元）", "disbursed_yuan", "wan", 14),
                Column("未办结问题（个）", "open_problems", "int", 14),
                Column("逾期问题（个）", "overdue_problems", "int", 14),
            ],
            figures.get("leader_summary") or [],
        ),
    ]


def _tolerant(sheets: list[Sheet]) -> list[Sheet]:
    """Read dict rows with .get so a key the metrics leave out gives an empty cell, not a KeyError."""
    for sheet in sheets:
        for column in sheet.columns:
            if isinstance(column.value, str):
                column.value = lambda row, key=column.value: row.get(key)
    return sheets


def build_xlsx(figures: dict, edition: Edition) -> bytes:
    """The report for ``figures`` as .xlsx bytes."""
    return write_workbook(_tolerant(build_sheets(figures, edition)))


def xlsx_filename(month_key: str, edition: Edition | None = None) -> str:
    suffix = f"_第{edition.version}版" if edition and edition.is_issued else ""
    return f"{REPORT_TITLE}_{month_key}{suffix}.xlsx"
