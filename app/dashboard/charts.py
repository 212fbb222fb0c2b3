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
    funnel = figures["funnel"]
    return {"stages": [
        {"name": "当年新增线索", "value": funnel["leads_count"]},
        {"name": "签约", "value": funnel["signed_count"]},
        {"name": "开工", "value": funnel["started_count"]},
        {"name": "投产", "value": funnel["production_count"]},
    ]}


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
    """The first units of the 赛马 ranking: signed amount and completion rate."""
    units = figures["units"][:RANKING_BARS]
    return {
        "units": [row["short_name"] for row in units],
        "amounts": [row["signed_amount_yuan"] for row in units],
        "rates": [None if row["completion_rate"] is None else round(row["completion_rate"] * 100, 1) for row in units],
    }


def chart_data(figures: dict) -> dict:
    return {"cumulative": cumulative_chart(figures), "funnel": funnel_chart(figures),
            "funds": funds_chart(figures), "ranking": ranking_chart(figures)}
