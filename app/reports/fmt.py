"""How report figures read: 万元 in tables, 亿元 in headlines, rates in %, a dash for no value."""

from app.core.filters import format_rate
from app.core.money import format_wan, format_yi

DASH = "—"


def wan(yuan: int | None) -> str:
    """Integer yuan as 万元 with two places, ``—`` when unknown."""
    return DASH if yuan is None else format_wan(int(yuan))


def yi(yuan: int | None) -> str:
    """Integer yuan as 亿元 with two places, ``—`` when unknown."""
    return DASH if yuan is None else format_yi(int(yuan))


def rate(value: float | None) -> str:
    """0.304 → ``30.4%``; None (no denominator) → ``—``."""
    return DASH if value is None else format_rate(value)


def points(gap: float | None) -> str:
    """A difference of two rates in percentage points: ``-20.9个百分点``."""
    return DASH if gap is None else f"{gap * 100:+.1f}个百分点"


def count(value: int | None) -> str:
    return DASH if value is None else f"{int(value):,}"


def change(value: float | None) -> str:
    """A relative change: 0.123 → ``+12.3%``; None (no previous figure) → ``—``."""
    return DASH if value is None else f"{value * 100:+.1f}%"


def yoy_value(row: dict, which: str) -> str:
    """A 同比 row's current or previous value as the report prints it (万元, 个 or %)."""
    value = row.get(which)
    if row["unit"] == "万元":
        return wan(value)
    if row["unit"] == "%":
        return rate(value)
    return count(value)


def yoy_change(row: dict) -> str:
    """A 同比 row's change: % for amounts and counts, 个百分点 for rates."""
    return points(row.get("change_points")) if row["unit"] == "%" else change(row.get("change"))
