"""Alerts (预警) of DOMAIN.md §5."""

from datetime import date


def alerts(year: int, as_of: date, *, user=None) -> list[dict]:
    """Every alert for year Y as of D; keys kind, level, title, detail, url."""
    return []
