"""The report's sections as rows of raw figures, shared by the PDF and the Excel builders.

Only picking and arranging: every number is taken from the figures dict as the metrics
module computed it.
"""

REPORT_TITLE = "泽州县招商引资月度转化率报告"


def month_number(figures: dict) -> int:
    return int(figures["month"][5:])


def signed_rows(figures: dict) -> list[dict]:
    """The month's and the year-to-date signed figures (target and progress only for the year)."""
    signed = figures["metrics"]["signed"]
    month = month_number(figures)
    return [
        {
            "label": f"{month}月当月",
            "count": signed.get("month_count"),
            "amount_yuan": signed.get("month_amount_yuan"),
            "target_yuan": None,
            "progress": None,
            "time_progress": None,
            "gap": None,
        },
        {
            "label": f"1—{month}月累计" if month > 1 else "1月累计",
            "count": signed.get("count"),
            "amount_yuan": signed.get("amount_yuan"),
            "target_yuan": signed.get("target_yuan"),
            "progress": signed.get("progress"),
            "time_progress": signed.get("time_progress"),
            "gap": signed.get("gap"),
        },
    ]


def funnel_rows(figures: dict) -> list[dict]:
    """签约开工率, 开工投产率 and lead conversion with numerator and denominator (counts)."""
    funnel = figures["metrics"]["funnel"]
    return [
        {
            "label": "签约开工率",
            "numerator_label": "已开工",
            "numerator": funnel.get("started_count"),
            "denominator_label": "本年签约",
            "denominator": funnel.get("signed_count"),
            "rate": funnel.get("sign_to_start_rate"),
        },
        {
            "label": "开工投产率",
            "numerator_label": "已投产",
            "numerator": funnel.get("production_count"),
            "denominator_label": "已开工",
            "denominator": funnel.get("started_count"),
            "rate": funnel.get("start_to_production_rate"),
        },
        {
            "label": "线索转化率",
            "numerator_label": "年内线索已签约",
            "numerator": funnel.get("leads_signed_count"),
            "denominator_label": "年内新增线索",
            "denominator": funnel.get("leads_count"),
            "rate": funnel.get("lead_conversion_rate"),
        },
    ]


def fund_rows(figures: dict) -> list[dict]:
    """One row per channel in channel order, then the 合计 row."""
    funds = figures["metrics"].get("funds") or {}
    # 发行 applies to bond channels only: "—" elsewhere, never 0.
    rows = [
        {"channel": name, **values, **({} if values.get("is_bond") else {"issued_yuan": None})}
        for name, values in funds.items()
    ]
    if rows:
        rows.append({"channel": "合计", **(figures["metrics"].get("funds_total") or {})})
    return rows


def split_units(units: list[dict]) -> tuple[list[dict], list[dict]]:
    """赛马 ranking split into townships and departments/other units, keeping the metrics order."""
    townships = [u for u in units if u.get("kind") == "乡镇"]
    others = [u for u in units if u.get("kind") != "乡镇"]
    return townships, others


YOY_ROWS = (  # (key in metrics["yoy"], label, unit)
    ("signed_amount_yuan", "签约额", "万元"),
    ("signed_count", "签约项目", "个"),
    ("same_year_start_rate", "签约项目当年开工率", "%"),
    ("funds_approved_yuan", "争取上级资金下达", "万元"),
    ("funds_disbursed_yuan", "争取上级资金拨付", "万元"),
)


def yoy_rows(figures: dict) -> list[dict]:
    """同比 rows: label, unit, this year's and last year's value as of the same day, and the change."""
    yoy = figures["metrics"].get("yoy") or {}
    rows = []
    for key, label, unit in YOY_ROWS:
        entry = yoy.get(key) or {}
        rows.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "current": entry.get("current"),
                "previous": entry.get("previous"),
                "change": entry.get("change"),
                "change_points": entry.get("change_points"),
            }
        )
    return rows
