"""同比: each headline figure beside the same figure as of the same day of the previous year.

The same day of last year is ``as_of`` with the year minus one; 29 February falls back to
28 February. A previous year without any data gives ``previous`` None ("—"), never 0.
"""

from datetime import date

import sqlalchemy as sa

from app.dashboard.metrics.deals import cohort_totals, ratio
from app.dashboard.metrics.periods import year_start
from app.deals.models import Deal
from app.extensions import db
from app.funds.models import FundApplication


def same_day_last_year(as_of: date) -> date:
    """``as_of`` one year earlier; 29 February → 28 February."""
    try:
        return as_of.replace(year=as_of.year - 1)
    except ValueError:
        return date(as_of.year - 1, 2, 28)


def _has_deals(year: int) -> bool:
    """Any counted deal registered or signed in ``year`` (a year the CRM holds data for)."""
    end = date(year, 12, 31)
    return (
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    Deal.is_counted.is_(True),
                    sa.or_(
                        sa.and_(Deal.lead_on >= year_start(year), Deal.lead_on <= end),
                        sa.and_(Deal.signed_on >= year_start(year), Deal.signed_on <= end),
                    ),
                )
            )
        )
        or False
    )


def _has_funds(year: int) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(FundApplication.year == year))) or False


def _amount(current: int, previous: int | None) -> dict:
    """An amount or count with its previous value and the relative change (0.123 = +12.3%)."""
    change = None if previous is None else ratio(current - previous, previous)
    return {"current": current, "previous": previous, "change": change}


def _rate(current: float | None, previous: float | None) -> dict:
    """A rate with its previous value and the change in percentage points (as a fraction: 0.05 = 5 个百分点)."""
    change = None if current is None or previous is None else current - previous
    return {"current": current, "previous": previous, "change_points": change}


def yoy_figures(year: int, as_of: date, *, totals: dict, funds_total: dict) -> dict:
    """同比 of 签约额, 签约个数, 当年开工率 and funds 下达 / 拨付 (``totals``/``funds_total``: this year's)."""
    from app.dashboard.metrics.funds import fund_figures

    previous_day = same_day_last_year(as_of)
    previous_year = year - 1
    deals = cohort_totals(previous_year, previous_day) if _has_deals(previous_year) else None
    funds = fund_figures(previous_year, previous_day)[1] if _has_funds(previous_year) else None

    def before(source: dict | None, key: str):
        return None if source is None else int(source.get(key) or 0)

    previous_rate = None if deals is None else ratio(deals["started_count"], deals["count"])
    return {
        "as_of": previous_day.isoformat(),
        "signed_amount_yuan": _amount(totals["amount"], before(deals, "amount")),
        "signed_count": _amount(totals["count"], before(deals, "count")),
        "same_year_start_rate": _rate(ratio(totals["started_count"], totals["count"]), previous_rate),
        "funds_approved_yuan": _amount(int(funds_total.get("approved_yuan") or 0), before(funds, "approved_yuan")),
        "funds_disbursed_yuan": _amount(int(funds_total.get("disbursed_yuan") or 0), before(funds, "disbursed_yuan")),
    }
