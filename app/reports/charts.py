"""Charts of the PDF report drawn with reportlab.graphics (vector, same CJK font as the text).

Chart coordinates are floats; money never is: values are scaled from integer yuan only
to place bars and points, and every figure printed comes from app.reports.fmt.
"""

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from app.reports import fmt

BLUE = colors.HexColor("#1f4e79")
LIGHT_BLUE = colors.HexColor("#5b9bd5")
ORANGE = colors.HexColor("#ed7d31")
GREEN = colors.HexColor("#70ad47")
GREY = colors.HexColor("#7f7f7f")
YI = 100_000_000
WAN = 10_000


def _axis_max(values: list[float]) -> float:
    """A round upper bound a little above the largest value (at least 1)."""
    top = max([v for v in values if v is not None] + [0.0])
    if top <= 0:
        return 1.0
    top *= 1.1
    magnitude = 10 ** (len(str(int(top))) - 1)
    return float((int(top / magnitude) + 1) * magnitude)


def _legend(font: str, x: float, y: float, items: list[tuple]) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 90
    legend.dx = legend.dy = 8
    legend.colorNamePairs = items
    return legend


def cumulative_chart(monthly: list[dict], font: str, width: float = 500, height: float = 210) -> Drawing:
    """Cumulative signed amount by month (亿元) against the time-progress target line."""
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 45, 40
    chart.width, chart.height = width - 65, height - 75
    actual = [row["cumulative_yuan"] / YI for row in monthly]
    target = [
        row["target_cumulative_yuan"] / YI if row.get("target_cumulative_yuan") is not None else None for row in monthly
    ]
    has_target = any(v is not None for v in target)
    chart.data = [actual] + ([target] if has_target else [])
    chart.categoryAxis.categoryNames = [f"{row['month']}月" for row in monthly]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _axis_max(actual + target)
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = "%.0f"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.joinedLines = True
    chart.lines[0].strokeColor = BLUE
    chart.lines[0].strokeWidth = 2
    chart.lines[0].symbol = makeMarker("FilledCircle", size=4, fillColor=BLUE, strokeColor=BLUE)
    if has_target:
        chart.lines[1].strokeColor = ORANGE
        chart.lines[1].strokeWidth = 1.5
        chart.lines[1].strokeDashArray = [4, 3]
    chart.lineLabelFormat = None
    drawing.add(chart)
    drawing.add(String(8, height - 18, "亿元", fontName=font, fontSize=8, fillColor=GREY))
    items = [(BLUE, "累计签约额")] + ([(ORANGE, "序时目标")] if has_target else [])
    drawing.add(_legend(font, width - 10 - 90 * len(items), height - 12, items))
    # The latest cumulative value, written beside its point.
    if monthly:
        last = monthly[-1]
        x = chart.x + chart.width * (len(monthly) - 0.5) / len(monthly)
        y = chart.y + chart.height * (last["cumulative_yuan"] / YI) / chart.valueAxis.valueMax
        drawing.add(
            String(
                x,
                min(y + 7, chart.y + chart.height - 2),
                fmt.yi(last["cumulative_yuan"]),
                fontName=font,
                fontSize=8,
                fillColor=BLUE,
                textAnchor="middle",
            )
        )
    return drawing


def funnel_chart(funnel: dict, font: str, width: float = 500, height: float = 150) -> Drawing:
    """The signed → started → in production funnel as centred bars, each with its step rate."""
    drawing = Drawing(width, height)
    steps = [
        ("签约", funnel.get("signed_count") or 0, None, BLUE),
        ("开工", funnel.get("started_count") or 0, funnel.get("sign_to_start_rate"), LIGHT_BLUE),
        ("投产", funnel.get("production_count") or 0, funnel.get("start_to_production_rate"), GREEN),
    ]
    top = max(step[1] for step in steps) or 1
    bar_h, gap = 32, 12
    max_w, centre = width * 0.55, width * 0.45
    y = height - bar_h - 6
    for label, value, step_rate, colour in steps:
        bar_w = max(max_w * value / top, 4)
        drawing.add(Rect(centre - bar_w / 2, y, bar_w, bar_h, fillColor=colour, strokeColor=None))
        drawing.add(
            String(centre - max_w / 2 - 12, y + bar_h / 2 - 4, label, fontName=font, fontSize=10, textAnchor="end")
        )
        text = f"{value} 个"
        drawing.add(
            String(
                centre,
                y + bar_h / 2 - 4,
                text,
                fontName=font,
                fontSize=10,
                fillColor=colors.white if bar_w > 50 else colors.black,
                textAnchor="middle",
            )
        )
        if step_rate is not None or label != "签约":
            drawing.add(
                String(
                    centre + max_w / 2 + 14,
                    y + bar_h / 2 - 4,
                    f"转化率 {fmt.rate(step_rate)}",
                    fontName=font,
                    fontSize=9,
                    fillColor=GREY,
                )
            )
            arrow_x = centre + max_w / 2 + 6
            drawing.add(Line(arrow_x, y + bar_h + gap - 2, arrow_x, y + bar_h / 2 + 2, strokeColor=GREY))
            drawing.add(
                Polygon(
                    [arrow_x - 3, y + bar_h / 2 + 5, arrow_x + 3, y + bar_h / 2 + 5, arrow_x, y + bar_h / 2],
                    fillColor=GREY,
                    strokeColor=None,
                )
            )
        y -= bar_h + gap
    return drawing


def funds_chart(funds: dict, font: str, width: float = 500, height: float | None = None) -> Drawing:
    """Requested, approved and disbursed amounts (万元) per fund channel as grouped horizontal bars."""
    names = list(funds)
    height = height or max(120, 40 * len(names) + 50)
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 130, 30
    chart.width, chart.height = width - 150, height - 60
    series = [
        ("requested_yuan", "申报金额", LIGHT_BLUE),
        ("approved_yuan", "下达金额", BLUE),
        ("disbursed_yuan", "拨付金额", GREEN),
    ]
    # Bars run top to bottom in channel order.
    ordered = list(reversed(names))
    chart.data = [[(funds[name].get(key) or 0) / WAN for name in ordered] for key, _label, _c in series]
    chart.categoryAxis.categoryNames = [_wrap(name, 10) for name in ordered]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = _axis_max([v for row in chart.data for v in row])
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.barSpacing = 1
    chart.groupSpacing = 8
    for index, (_key, _label, colour) in enumerate(series):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    drawing.add(String(width - 10, 8, "万元", fontName=font, fontSize=8, fillColor=GREY, textAnchor="end"))
    # Legend lists the series top to bottom as the bars within a group are drawn bottom to top.
    drawing.add(
        _legend(font, width - 10 - 90 * len(series), height - 10, [(colour, label) for _k, label, colour in series])
    )
    return drawing


def _wrap(text: str, size: int) -> str:
    """Break a long channel name for an axis label: before its bracket, else every ``size`` characters."""
    if len(text) <= size:
        return text
    if "（" in text[1:]:
        head, _sep, tail = text.partition("（")
        return _wrap(head, size) + "\n（" + tail
    return "\n".join(text[i : i + size] for i in range(0, len(text), size))
