"""Shape the metrics dict into what each ECharts chart on the dashboard draws (amounts stay integer yuan)."""

import sqlalchemy as sa

from app.extensions import db
from app.people.models import FundChannel

RANKING_BARS = 15


def cumulative_chart(figures: dict) -> dict:
    """Monthly signed amount, its running total and the target line (target × m/12)."""
    monthly = figures["monthly"]
    return {
        "months": [f"{row['month']}月" for row in monthly],
        "monthly": [row["signed_amount_yuan"] for row in monthly],
        "cumulative": [row["cumulative_yuan"] for row in monthly],
        "target": [row["target_cumulative_yuan"] for row in monthly] if figures["signed"]["target_yuan"] else [],
    }


def funnel_chart(figures: dict) -> dict:
    """One cohort only: the deals signed in Y up to D, and how many of them started and produce.

    Leads are another cohort (created in Y, signed whenever): their conversion is shown beside
    the chart as a ratio, never as a funnel stage above the signed deals.
    """
    funnel = figures["funnel"]
    return {
        "cohort": f"{figures['year']}年1月1日至{_day(figures['as_of'])}签约的项目",
        "stages": [
            {"name": "签约", "value": funnel["signed_count"]},
            {"name": "开工", "value": funnel["started_count"]},
            {"name": "投产", "value": funnel["production_count"]},
        ],
    }


def _day(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{month}月{day}日"


def channel_short_names() -> dict[str, str]:
    """Channel name → its short name (专项债 …), for labels where the full name does not fit."""
    rows = db.session.execute(sa.select(FundChannel.name, FundChannel.short_name)).all()
    return {name: short or name for name, short in rows}


def funds_chart(figures: dict) -> dict:
    """Requested, approved, disbursed and spent per channel, labelled with the channels' short names."""
    short = channel_short_names()
    names = list(figures["funds"])
    rows = [figures["funds"][name] for name in names]
    return {
        "channels": [short.get(name) or name for name in names],
        "requested": [row["requested_yuan"] for row in rows],
        "approved": [row["approved_yuan"] for row in rows],
        "disbursed": [row["disbursed_yuan"] for row in rows],
        "spent": [row["spent_yuan"] for row in rows],
    }


def ranking_chart(figures: dict) -> dict:
    """The first units of the 赛马 ranking: each bar is the completion rate the ranking is sorted by (in %);
    the signed amount goes to the tooltip; ``levels`` colour a bar by the gap to 序时进度."""
    units = figures["units"][:RANKING_BARS]
    return {
        "units": [row["short_name"] for row in units],
        "rates": [None if row["completion_rate"] is None else round(row["completion_rate"] * 100, 1) for row in units],
        "amounts": [row["signed_amount_yuan"] for row in units],
        "levels": [gap_class(row.get("gap"), row.get("gap_level")) for row in units],
        "time_progress": round(figures["signed"]["time_progress"] * 100, 1),
    }


def gap_class(gap: float | None, level: str | None) -> str:
    """How a gap to 序时进度 is coloured: "ahead" (green, only when on or ahead of time), "behind"
    (neutral, behind but within the yellow threshold), "yellow", "red", or "none" (no target)."""
    if gap is None:
        return "none"
    if level in ("yellow", "red"):
        return level
    return "ahead" if gap >= 0 else "behind"


def chart_data(figures: dict) -> dict:
    return {
        "cumulative": cumulative_chart(figures),
        "funnel": funnel_chart(figures),
        "funds": funds_chart(figures),
        "ranking": ranking_chart(figures),
    }
