"""The monthly conversion-rate report as PDF (ReportLab platypus).

The CJK font is embedded (WenQuanYi Micro Hei, a TrueType collection; subset on write) so
the file reads on any viewer; A4 portrait; every page after the cover carries a running
header and ``第 N 页 共 M 页``; tables repeat their header row and wrap long names.
Works from a figures dict only (see app.reports.figures), never from the database.
"""

import io
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.reports import charts, fmt
from app.reports.figures import Edition, chinese_date
from app.reports.pdf_kit import (  # noqa: F401 - FontMissing and register_font are part of this module's API
    CONTENT_W,
    DARK,
    HEADER_BG,
    MARGIN,
    Flowables,
    FontMissing,
    Rich,
    make_canvas_class,
    register_font,
)
from app.reports.sections import (
    REPORT_TITLE,
    fund_rows,
    funnel_rows,
    month_number,
    signed_rows,
    split_units,
    yoy_rows,
)

GAP_COLOURS = {"yellow": "#b58100", "red": "#c0392b"}

# Rows of each appendix list in the PDF (signed-not-started, overdue problems); the Excel has them all.
APPENDIX_LIMIT = 50


class _Builder(Flowables):
    """Turns the figures into platypus flowables, section by section."""

    def __init__(self, figures: dict, edition: Edition, font: str):
        super().__init__(font)
        self.f = figures
        self.m = figures["metrics"]
        self.edition = edition
        self.month_label = _month_label(figures["month"])
        self.as_of_label = chinese_date(figures["as_of"])

    # -- helpers ---------------------------------------------------------------------------
    def gap_text(self, signed: dict) -> str:
        text = escape(fmt.points(signed.get("gap")))
        colour = GAP_COLOURS.get(signed.get("gap_level"))
        return f'<font color="{colour}">{text}</font>' if colour else text

    # -- sections --------------------------------------------------------------------------
    def cover(self) -> list:
        signed, start = self.m["signed"], self.m["same_year_start"]
        totals = self.m.get("funds_total") or {}
        story = [
            Spacer(1, 45 * mm),
            self.p(REPORT_TITLE, "title"),
            Spacer(1, 6 * mm),
            self.p(self.month_label, "subtitle"),
            Spacer(1, 14 * mm),
            self.p("泽州县项目建设攻坚专班办公室", "cover"),
            self.p(f"数据截至：{self.as_of_label}", "cover"),
            self.p(escape(self.edition.label), "cover"),
        ]
        if self.edition.note:
            story.append(self.p(f"{self.edition.note_label}：{escape(self.edition.note)}", "cover"))
        story.append(Spacer(1, 16 * mm))
        month_no = month_number(self.f)
        kpis = [
            ("本年累计签约额", f"{fmt.yi(signed['amount_yuan'])} 亿元（{fmt.count(signed['count'])} 个项目）"),
            ("年度目标 / 完成进度", f"{fmt.yi(signed.get('target_yuan'))} 亿元 / {fmt.rate(signed.get('progress'))}"),
            ("序时进度 / 进度差", f"{fmt.rate(signed.get('time_progress'))} / {self.gap_text(signed)}"),
            (
                f"{month_no}月当月签约额",
                f"{fmt.yi(signed.get('month_amount_yuan'))} 亿元（{fmt.count(signed.get('month_count'))} 个项目）",
            ),
            (
                "签约项目当年开工率",
                f"{fmt.rate(start.get('rate'))}（{start.get('started_count')}/{start.get('signed_count')}），"
                f"目标 {fmt.rate(start.get('target_rate'))}",
            ),
            (
                "争取上级资金（下达 / 拨付）",
                f"{fmt.yi(totals.get('approved_yuan'))} 亿元 / {fmt.yi(totals.get('disbursed_yuan'))} 亿元",
            ),
            (
                f"同比（去年同期截至{chinese_date(self.m['yoy']['as_of'])}）" if self.m.get("yoy") else "同比",
                "；".join(f"{r['label']} {fmt.yoy_change(r)}" for r in yoy_rows(self.f)[:3]),
            ),
        ]
        rows = [[self.p(label, "kpi"), self.p(value, "kpi")] for label, value in kpis]
        box = Table(rows, colWidths=[62 * mm, 95 * mm], hAlign="CENTER")
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.8, DARK),
                    ("LINEBELOW", (0, 0), (-1, -2), 0.3, colors.HexColor("#c8d3de")),
                    ("BACKGROUND", (0, 0), (0, -1), HEADER_BG),
                    ("TOPPADDING", (0, 0), (-1, -1), 5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ]
            )
        )
        story += [
            box,
            Spacer(1, 20 * mm),
            self.p(
                "金额单位：表格为万元，标题与要点为亿元。签约、开工等均以生效日期（签约日期、开工日期）统计，"
                "仅统计计入考核的招商项目；已签约后终止的项目仍计入签约额和开工率分母。",
                "note",
            ),
            PageBreak(),
        ]
        return story

    def signed(self) -> list:
        signed = self.m["signed"]
        month_no = month_number(self.f)
        lead = (
            f"截至{self.as_of_label}，本年累计签约项目 {fmt.count(signed['count'])} 个，签约额 "
            f"<b>{fmt.yi(signed['amount_yuan'])} 亿元</b>，完成年度目标 {fmt.yi(signed.get('target_yuan'))} 亿元的 "
            f"{fmt.rate(signed.get('progress'))}，序时进度 {fmt.rate(signed.get('time_progress'))}，"
            f"进度差 {self.gap_text(signed)}。其中{month_no}月签约项目 {fmt.count(signed.get('month_count'))} 个，"
            f"签约额 {fmt.yi(signed.get('month_amount_yuan'))} 亿元。"
        )
        rows = [
            [
                r["label"],
                fmt.count(r["count"]),
                fmt.wan(r["amount_yuan"]),
                fmt.wan(r["target_yuan"]),
                fmt.rate(r["progress"]),
                fmt.rate(r["time_progress"]),
                Rich(self.gap_text(signed)) if r["gap"] is not None else fmt.DASH,
            ]
            for r in signed_rows(self.f)
        ]
        monthly = self.m.get("monthly") or []
        monthly_rows = [
            [
                f"{row['month']}月",
                fmt.wan(row["signed_amount_yuan"]),
                fmt.wan(row["cumulative_yuan"]),
                fmt.wan(row.get("target_cumulative_yuan")),
            ]
            for row in monthly
        ]
        return [
            self.p("一、招商引资签约情况", "h1"),
            self.p(lead, "lead"),
            self.table(
                ["口径", "签约项目（个）", "签约额（万元）", "年度目标（万元）", "目标完成率", "序时进度", "进度差"],
                rows,
                [14, 10, 14, 14, 10, 10, 14],
                numeric={1, 2, 3, 4, 5, 6},
            ),
            Spacer(1, 3 * mm),
            self.p("同比（与去年同期比较）", "h2"),
            self.table(
                ["指标", "本年", "去年同期", "同比"],
                [
                    [
                        f"{r['label']}（{r['unit']}）",
                        fmt.yoy_value(r, "current"),
                        fmt.yoy_value(r, "previous"),
                        fmt.yoy_change(r),
                    ]
                    for r in yoy_rows(self.f)
                ],
                [22, 16, 16, 16],
                numeric={1, 2, 3},
            ),
            self.p(
                "去年同期为上一年的同一天（2月29日按2月28日）；上一年没有数据时显示“—”。"
                "比率的同比为增减的百分点，金额与个数为增减的百分比。",
                "note",
            ),
            Spacer(1, 4 * mm),
            KeepTogether(
                [
                    self.p("累计签约额与序时目标（亿元）", "h2"),
                    charts.cumulative_chart(monthly, self.font, width=CONTENT_W),
                ]
            ),
            Spacer(1, 2 * mm),
            self.table(
                ["月份", "当月签约额（万元）", "累计签约额（万元）", "序时目标（万元）"],
                monthly_rows,
                [10, 20, 20, 20],
                numeric={1, 2, 3},
            ),
        ]

    def start_rate(self) -> list:
        start = self.m["same_year_start"]
        rate, target = start.get("rate"), start.get("target_rate")
        gap = "" if rate is None or target is None else f"，与目标相差 {fmt.points(rate - target)}"
        lead = (
            f"本年签约项目 {fmt.count(start['signed_count'])} 个，截至{self.as_of_label}已开工 "
            f"{fmt.count(start['started_count'])} 个，签约项目当年开工率 <b>{fmt.rate(rate)}</b>，"
            f"目标 {fmt.rate(target)}{escape(gap)}。按签约金额计，开工率 {fmt.rate(start.get('amount_rate'))}。"
        )
        rows = [
            [
                "按项目个数（考核口径）",
                f"已开工 {fmt.count(start['started_count'])} 个",
                f"签约 {fmt.count(start['signed_count'])} 个",
                fmt.rate(rate),
                fmt.rate(target),
            ],
            [
                "按签约金额（参考）",
                f"{fmt.wan(start.get('started_amount_yuan'))} 万元",
                f"{fmt.wan(start.get('signed_amount_yuan'))} 万元",
                fmt.rate(start.get("amount_rate")),
                fmt.DASH,
            ],
        ]
        return [
            self.p("二、签约项目当年开工率", "h1"),
            self.p(lead, "lead"),
            self.table(["口径", "分子", "分母", "开工率", "目标"], rows, [22, 18, 18, 10, 10], numeric={1, 2, 3, 4}),
        ]

    def funnel(self) -> list:
        funnel = self.m["funnel"]
        rows = [
            [
                r["label"],
                f"{r['numerator_label']} {fmt.count(r['numerator'])} 个",
                f"{r['denominator_label']} {fmt.count(r['denominator'])} 个",
                fmt.rate(r["rate"]),
            ]
            for r in funnel_rows(self.f)
        ]
        in_place = self.m.get("funds_in_place") or {}
        rows.append(
            [
                "资金到位率",
                f"到位资金 {fmt.wan(in_place.get('in_place_yuan'))} 万元",
                f"签约额 {fmt.wan(in_place.get('contract_amount_yuan'))} 万元",
                fmt.rate(in_place.get("rate")),
            ]
        )
        return [
            CondPageBreak(70 * mm),
            self.p("三、转化漏斗", "h1"),
            self.p(
                f"{self.f['month'][:4]}年签约项目的转化：签约开工率 {fmt.rate(funnel.get('sign_to_start_rate'))}，"
                f"开工投产率 {fmt.rate(funnel.get('start_to_production_rate'))}；年内新增线索转化率 "
                f"{fmt.rate(funnel.get('lead_conversion_rate'))}。",
                "lead",
            ),
            charts.funnel_chart(funnel, self.font, width=CONTENT_W),
            Spacer(1, 3 * mm),
            self.table(["指标", "分子", "分母", "比率"], rows, [18, 24, 24, 10], numeric={1, 2, 3}),
        ]

    def funds(self) -> list:
        funds = self.m.get("funds") or {}
        totals = self.m.get("funds_total") or {}
        rows = [self._fund_row(row) for row in fund_rows(self.f)]
        lead = (
            f"{self.f['month'][:4]}年度申报上级资金项目 {fmt.count(totals.get('count'))} 个，申请金额 "
            f"{fmt.yi(totals.get('requested_yuan'))} 亿元；已下达 <b>{fmt.yi(totals.get('approved_yuan'))} 亿元</b>，"
            f"拨付 {fmt.yi(totals.get('disbursed_yuan'))} 亿元，支出 {fmt.yi(totals.get('spent_yuan'))} 亿元。"
            f"另有谋划储备项目 {fmt.count(totals.get('reserve_count'))} 个、"
            f"{fmt.yi(totals.get('reserve_yuan'))} 亿元。"
        )
        return [
            CondPageBreak(60 * mm),
            self.p("四、争取上级资金（分渠道）", "h1"),
            self.p(lead, "lead"),
            self.table(
                [
                    "资金渠道",
                    "申报（个）",
                    "申请金额（万元）",
                    "通过率（获批/已决）",
                    "下达金额（万元）",
                    "发行金额（万元）",
                    "拨付金额（万元）",
                    "支出金额（万元）",
                    "支出进度",
                    "储备（个/万元）",
                ],
                rows,
                [17, 7, 11, 15, 11, 11, 11, 11, 9, 13],
                numeric=set(range(1, 10)),
                total_row=True,
            ),
            Spacer(1, 3 * mm),
            KeepTogether(
                [
                    self.p("分渠道申请、下达、拨付金额（万元）", "h2"),
                    charts.funds_chart(funds, self.font, width=CONTENT_W),
                ]
            ),
        ]

    @staticmethod
    def _fund_row(v: dict) -> list:
        approval = fmt.rate(v.get("approval_rate"))
        if v.get("decided_count"):
            approval += f"（{v.get('approved_count')}/{v.get('decided_count')}）"
        return [
            v["channel"],
            fmt.count(v.get("count")),
            fmt.wan(v.get("requested_yuan")),
            approval,
            fmt.wan(v.get("approved_yuan")),
            fmt.wan(v.get("issued_yuan")),
            fmt.wan(v.get("disbursed_yuan")),
            fmt.wan(v.get("spent_yuan")),
            fmt.rate(v.get("spend_progress")),
            f"{fmt.count(v.get('reserve_count'))} / {fmt.wan(v.get('reserve_yuan'))}",
        ]

    def ranking(self) -> list:
        townships, others = split_units(self.m.get("units") or [])
        story = [
            CondPageBreak(50 * mm),
            self.p("五、赛马排名", "h1"),
            self.p("按目标完成率排序（未设目标的单位列后），完成率相同按签约额排序。", "note"),
        ]
        for title, units in (("（一）乡镇", townships), ("（二）县直部门及其他单位", others)):
            rows = [
                [
                    rank,
                    u["unit"],
                    fmt.count(u["signed_count"]),
                    fmt.wan(u["signed_amount_yuan"]),
                    fmt.wan(u.get("target_yuan")),
                    fmt.rate(u.get("completion_rate")),
                    fmt.count(u.get("started_count")),
                    fmt.rate(u.get("start_rate")),
                ]
                for rank, u in enumerate(units, start=1)
            ]
            story += [
                self.p(title, "h2"),
                self.table(
                    [
                        "名次",
                        "单位",
                        "签约项目（个）",
                        "签约额（万元）",
                        "目标（万元）",
                        "目标完成率",
                        "已开工（个）",
                        "当年开工率",
                    ],
                    rows,
                    [6, 20, 12, 14, 14, 11, 11, 11],
                    numeric={0, 2, 3, 4, 5, 6, 7},
                ),
            ]
        unassigned = self.m.get("units_unassigned") or {}
        if unassigned.get("signed_count"):
            story.append(
                self.p(
                    f"另有未明确招商责任单位的签约项目 {fmt.count(unassigned['signed_count'])} 个、签约额 "
                    f"{fmt.wan(unassigned.get('signed_amount_yuan'))} 万元，不参与排名。",
                    "note",
                )
            )
        return story

    def capped_note(self, shown: int, total: int) -> list:
        """Under a capped appendix list: how many there are and where the full list is."""
        if total <= shown:
            return []
        return [self.p(f"以上列出 {shown} 项，共 {total} 项，完整清单见 Excel。", "note")]

    def waiting(self) -> list:
        waiting = self.f.get("signed_not_started") or []
        title = "六、已签约未开工项目（按等待天数排序）"
        if len(waiting) > APPENDIX_LIMIT:  # the largest by amount, longest waiting first among equals
            waiting = sorted(waiting, key=lambda d: (-(d.get("amount_yuan") or 0), -(d.get("days_waiting") or 0)))
            waiting = waiting[:APPENDIX_LIMIT]
            title = f"六、已签约未开工项目（签约额最大的 {APPENDIX_LIMIT} 项）"
        rows = [
            [
                i,
                d["name"],
                d.get("investor") or "",
                d.get("unit") or "",
                d.get("township") or "",
                d.get("leader") or "",
                fmt.wan(d.get("amount_yuan")),
                d.get("signed_on") or "",
                fmt.count(d.get("days_waiting")),
            ]
            for i, d in enumerate(waiting, start=1)
        ]
        return [
            CondPageBreak(40 * mm),
            self.p(title, "h1"),
            self.table(
                [
                    "序号",
                    "项目名称",
                    "投资方",
                    "责任单位",
                    "所在乡镇",
                    "包联领导",
                    "签约额（万元）",
                    "签约日期",
                    "等待天数",
                ],
                rows,
                [5, 21, 17, 11, 9, 12, 11, 10, 7],
                numeric={0, 6, 8},
                empty="本年签约项目均已开工。",
            ),
            *self.capped_note(len(rows), len(self.f.get("signed_not_started") or [])),
        ]

    def problems(self) -> list:
        overdue = self.f.get("overdue_problems") or []  # most overdue first
        title = "七、逾期未办结问题" + (f"（逾期最久的 {APPENDIX_LIMIT} 项）" if len(overdue) > APPENDIX_LIMIT else "")
        rows = [
            [
                i,
                p["description"],
                p.get("project") or "",
                p.get("unit") or "",
                p.get("leader") or "",
                p.get("deadline_on") or "",
                fmt.count(p.get("days_overdue")),
                f"{p.get('escalation_level')}级" + ("（超期自动升级）" if p.get("level_reason") else ""),
                p.get("status") or "",
            ]
            for i, p in enumerate(overdue[:APPENDIX_LIMIT], start=1)
        ]
        return [
            CondPageBreak(40 * mm),
            self.p(title, "h1"),
            self.p("超过办结时限的问题按“督办中”管理，并按超期天数自动提升督办层级。", "note"),
            self.table(
                ["序号", "问题描述", "关联项目", "责任单位", "包联领导", "办结时限", "逾期天数", "督办层级", "状态"],
                rows,
                [5, 26, 16, 11, 12, 10, 7, 7, 7],
                numeric={0, 6},
                empty="无逾期问题。",
            ),
            *self.capped_note(len(rows), len(overdue)),
        ]

    def leaders(self) -> list:
        rows = [
            [
                r["leader"],
                r.get("title") or "",
                fmt.count(r.get("project_count")),
                fmt.count(r.get("signed_count")),
                fmt.wan(r.get("signed_amount_yuan")),
                fmt.count(r.get("started_count")),
                fmt.wan(r.get("approved_yuan")),
                fmt.wan(r.get("disbursed_yuan")),
                fmt.count(r.get("open_problems")),
                fmt.count(r.get("overdue_problems")),
            ]
            for r in self.f.get("leader_summary") or []
        ]
        return [
            CondPageBreak(40 * mm),
            self.p("八、县级领导包联情况", "h1"),
            self.table(
                [
                    "领导",
                    "职务",
                    "包联项目（个）",
                    "签约（个）",
                    "签约额（万元）",
                    "已开工（个）",
                    "下达资金（万元）",
                    "拨付资金（万元）",
                    "未办结问题",
                    "其中逾期",
                ],
                rows,
                [13, 14, 8, 7, 13, 7, 13, 13, 8, 7],
                numeric=set(range(2, 10)),
                empty="暂无县级领导包联数据。",
            ),
        ]

    def story(self) -> list:
        return (
            self.cover()
            + self.signed()
            + self.start_rate()
            + self.funnel()
            + self.funds()
            + self.ranking()
            + self.waiting()
            + self.problems()
            + self.leaders()
        )


def _month_label(key: str) -> str:
    return f"{int(key[:4])}年{int(key[5:])}月"


def build_pdf(figures: dict, edition: Edition, *, font_path: Path | str | None = None) -> bytes:
    """The report for ``figures`` as PDF bytes (deterministic for the same figures and edition)."""
    font = register_font(font_path)
    builder = _Builder(figures, edition, font)
    buffer = io.BytesIO()
    running = f"{REPORT_TITLE} · {builder.month_label}"
    if edition.is_issued:
        running += f" · 第{edition.version}版"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=f"{REPORT_TITLE}（{builder.month_label}）",
        author="泽州县项目建设攻坚专班办公室",
        subject="招商引资与争资争项月度转化率报告",
        creator="泽州招商争资 CRM",
        invariant=1,
    )
    doc.build(builder.story(), canvasmaker=make_canvas_class(font, running, edition.on))
    return buffer.getvalue()


def pdf_filename(month_key: str, edition: Edition | None = None) -> str:
    suffix = f"_第{edition.version}版" if edition and edition.is_issued else ""
    return f"{REPORT_TITLE}_{month_key}{suffix}.pdf"
