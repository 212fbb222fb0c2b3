"""Every figure of DOMAIN.md §4 for year Y as of date D, computed in one place.

The dashboard, the JSON API, ``flask metrics`` and the monthly report all call
``compute_metrics``; none computes a figure itself. The contract (key names) is
docs/metrics_contract.md. Amounts are integer yuan, rates floats in 0..1 or None,
dates ISO strings, so the dict is JSON-serialisable as is.
"""

from datetime import date

from app.core.cache import cached_figures
from app.dashboard.metrics.alerts import alert_counts, alert_groups, alerts
from app.dashboard.metrics.deals import (
    cohort_totals,
    funds_in_place_figures,
    funnel_figures,
    monthly_series,
    same_year_start_figures,
    signed_figures,
    unit_ranking,
)
from app.dashboard.metrics.funds import fund_figures, project_figures
from app.dashboard.metrics.lists import (
    leader_figures,
    leader_summary,
    overdue_problems,
    signed_not_started,
    unit_figures,
    unit_summary,
)
from app.dashboard.metrics.periods import read_thresholds, time_progress
from app.dashboard.metrics.yoy import yoy_figures

__all__ = [
    "alert_counts",
    "alert_groups",
    "alerts",
    "compute_metrics",
    "leader_figures",
    "leader_summary",
    "overdue_problems",
    "signed_not_started",
    "time_progress",
    "unit_figures",
    "unit_summary",
]


@cached_figures("compute_metrics")
def compute_metrics(year: int, as_of: date) -> dict:
    """All figures of year ``year`` as of ``as_of`` (a date in that year)."""
    if as_of.year != year:
        raise ValueError(f"as_of {as_of} is not in {year}")
    totals = cohort_totals(year, as_of)
    thresholds = read_thresholds()
    signed = signed_figures(year, as_of, totals, thresholds=thresholds)
    units, unassigned = unit_ranking(year, as_of, thresholds=thresholds)
    funds, funds_total = fund_figures(year, as_of)
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "signed": signed,
        "same_year_start": same_year_start_figures(year, totals),
        "funnel": funnel_figures(year, as_of, totals),
        "funds_in_place": funds_in_place_figures(year, as_of, totals),
        "funds": funds,
        "funds_total": funds_total,
        "projects": project_figures(year, as_of),
        "units": units,
        "units_unassigned": unassigned,
        "monthly": monthly_series(year, as_of, signed["target_yuan"]),
        "yoy": yoy_figures(year, as_of, totals=totals, funds_total=funds_total),
    }
