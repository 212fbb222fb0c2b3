"""Deal figures (签约额, 当年开工率, funnel, 资金到位率, 赛马, monthly series), aggregated in SQL.

Only deals with the counted flag (计入考核) enter. "Signed in Y up to D" means
the 签约 effective date lies in [Y-01-01, D]; a deal terminated after signing keeps
counting (its dates stay), so it stays in every denominator.
"""

from datetime import date

import sqlalchemy as sa

from app.dashboard.metrics.periods import gap_level, read_thresholds, time_progress, year_start
from app.deals.models import Deal, FundsInPlace
from app.extensions import db
from app.people.models import Target, Unit
from app.people.queries import target_value


def as_int(value) -> int:
    """SQL sums come back as int, Decimal (PostgreSQL bigint sums) or None."""
    return int(value or 0)


def ratio(numerator, denominator) -> float | None:
    """numerator ÷ denominator as a float, None when the denominator is 0 or unknown."""
    if not denominator:
        return None
    return numerator / denominator


def signed_clause(year: int, as_of: date, *, since: date | None = None):
    """Counted deals whose 签约 date lies in [since or Y-01-01, as_of]."""
    return sa.and_(Deal.is_counted.is_(True), Deal.signed_on >= (since or year_start(year)), Deal.signed_on <= as_of)


def started_by(as_of: date):
    return sa.and_(Deal.started_on.is_not(None), Deal.started_on <= as_of)


def produced_by(as_of: date):
    return sa.and_(Deal.production_on.is_not(None), Deal.production_on <= as_of)


def _count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _amount_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, Deal.contract_amount_yuan), else_=0)), 0)


def cohort_totals(year: int, as_of: date) -> dict:
    """One aggregate row over the cohort signed in Y up to D."""
    month_start = as_of.replace(day=1)
    row = db.session.execute(
        sa.select(
            sa.func.count(Deal.id),
            sa.func.coalesce(sa.func.sum(Deal.contract_amount_yuan), 0),
            _count_if(started_by(as_of)),
            _amount_if(started_by(as_of)),
            _count_if(produced_by(as_of)),
            _count_if(Deal.signed_on >= month_start),
            _amount_if(Deal.signed_on >= month_start),
        ).where(signed_clause(year, as_of))
    ).one()
    keys = ("count", "amount", "started_count", "started_amount", "production_count", "month_count", "month_amount")
    return {key: as_int(value) for key, value in zip(keys, row, strict=True)}


def signed_figures(year: int, as_of: date, totals: dict, *, thresholds: dict | None = None) -> dict:
    """签约额 and count against the county target, with 序时进度 and the gap (``thresholds``: see gap_level)."""
    target = target_value(year, "signed_amount")
    progress = ratio(totals["amount"], target)
    elapsed = time_progress(as_of)
    gap = None if progress is None else progress - elapsed
    return {
        "count": totals["count"],
        "amount_yuan": totals["amount"],
        "target_yuan": target,
        "target_count": target_value(year, "signed_count"),
        "progress": progress,
        "time_progress": elapsed,
        "gap": gap,
        "gap_level": gap_level(gap, thresholds),
        "month_count": totals["month_count"],
        "month_amount_yuan": totals["month_amount"],
    }


def same_year_start_figures(year: int, totals: dict) -> dict:
    """签约项目当年开工率 by count (official) and by amount, with the target rate."""
    target_bp = target_value(year, "same_year_start_rate")
    return {
        "signed_count": totals["count"],
        "started_count": totals["started_count"],
        "rate": ratio(totals["started_count"], totals["count"]),
        "signed_amount_yuan": totals["amount"],
        "started_amount_yuan": totals["started_amount"],
        "amount_rate": ratio(totals["started_amount"], totals["amount"]),
        "target_rate": None if target_bp is None else target_bp / 10_000,
    }


def funnel_figures(year: int, as_of: date, totals: dict) -> dict:
    """Conversion funnel of the cohort signed in Y, plus lead conversion of leads created in Y."""
    leads = db.session.execute(
        sa.select(
            sa.func.count(Deal.id), _count_if(sa.and_(Deal.signed_on.is_not(None), Deal.signed_on <= as_of))
        ).where(Deal.is_counted.is_(True), Deal.lead_on >= year_start(year), Deal.lead_on <= as_of)
    ).one()
    leads_count, leads_signed = as_int(leads[0]), as_int(leads[1])
    return {
        "signed_count": totals["count"],
        "started_count": totals["started_count"],
        "production_count": totals["production_count"],
        "sign_to_start_rate": ratio(totals["started_count"], totals["count"]),
        "start_to_production_rate": ratio(totals["production_count"], totals["started_count"]),
        "leads_count": leads_count,
        "leads_signed_count": leads_signed,
        "lead_conversion_rate": ratio(leads_signed, leads_count),
    }


def funds_in_place_figures(year: int, as_of: date, totals: dict) -> dict:
    """资金到位率: funds in place up to D ÷ contract amount, cohort signed in Y."""
    in_place = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(FundsInPlace.amount_yuan), 0))
        .join(Deal, FundsInPlace.deal_id == Deal.id)
        .where(signed_clause(year, as_of), FundsInPlace.received_on <= as_of)
    )
    in_place = as_int(in_place)
    return {
        "contract_amount_yuan": totals["amount"],
        "in_place_yuan": in_place,
        "rate": ratio(in_place, totals["amount"]),
    }


def unit_ranking(year: int, as_of: date, *, thresholds: dict | None = None) -> tuple[list[dict], dict]:
    """赛马: per responsible unit (Deal.lead_unit_id), with unit targets; and the deals without a unit.

    The progress thresholds are read once for all units (or taken from ``thresholds``).
    """
    rows = db.session.execute(
        sa.select(
            Deal.lead_unit_id,
            sa.func.count(Deal.id),
            sa.func.coalesce(sa.func.sum(Deal.contract_amount_yuan), 0),
            _count_if(started_by(as_of)),
        )
        .where(signed_clause(year, as_of))
        .group_by(Deal.lead_unit_id)
    ).all()
    figures = {unit_id: (as_int(n), as_int(amount), as_int(started)) for unit_id, n, amount, started in rows}
    targets = dict(
        db.session.execute(
            sa.select(Target.unit_id, Target.value).where(
                Target.year == year, Target.metric == "signed_amount", Target.unit_id.is_not(None)
            )
        ).all()
    )
    unassigned = figures.pop(None, (0, 0, 0))
    unit_ids = set(figures) | set(targets)
    units = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    elapsed = time_progress(as_of)
    thresholds = read_thresholds() if thresholds is None else thresholds
    ranking = []
    for unit_id in unit_ids:
        count, amount, started = figures.get(unit_id, (0, 0, 0))
        unit = units[unit_id]
        target = targets.get(unit_id)
        completion = ratio(amount, target)
        gap = None if completion is None else completion - elapsed
        ranking.append(
            {
                "unit_id": unit_id,
                "unit": unit.name,
                "short_name": unit.short_name or unit.name,
                "kind": unit.kind,
                "signed_count": count,
                "signed_amount_yuan": amount,
                "target_yuan": target,
                "completion_rate": completion,
                "gap": gap,
                "gap_level": gap_level(gap, thresholds),
                "started_count": started,
                "start_rate": ratio(started, count),
            }
        )
    ranking.sort(
        key=lambda r: (r["completion_rate"] is None, -(r["completion_rate"] or 0), -r["signed_amount_yuan"], r["unit"])
    )
    for position, row in enumerate(ranking, start=1):
        row["rank"] = position
    count, amount, started = unassigned
    return ranking, {
        "signed_count": count,
        "signed_amount_yuan": amount,
        "started_count": started,
        "start_rate": ratio(started, count),
    }


def monthly_series(year: int, as_of: date, target: int | None) -> list[dict]:
    """Signed amount per month of Y up to D, cumulative, and the target line (target × m/12)."""
    month = sa.extract("month", Deal.signed_on)
    rows = db.session.execute(
        sa.select(month, sa.func.coalesce(sa.func.sum(Deal.contract_amount_yuan), 0), sa.func.count(Deal.id))
        .where(signed_clause(year, as_of))
        .group_by(month)
    ).all()
    by_month = {int(m): (as_int(amount), as_int(n)) for m, amount, n in rows}
    series, cumulative = [], 0
    for m in range(1, as_of.month + 1):
        amount, count = by_month.get(m, (0, 0))
        cumulative += amount
        series.append(
            {
                "month": m,
                "signed_amount_yuan": amount,
                "signed_count": count,
                "cumulative_yuan": cumulative,
                # Half-up integer division keeps the target line in whole yuan.
                "target_cumulative_yuan": None if target is None else (target * m * 2 + 12) // 24,
            }
        )
    return series
