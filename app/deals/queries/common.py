"""Small helpers shared by the deals queries."""


def as_int(value) -> int:
    """SQL sums come back as int, Decimal (PostgreSQL bigint sums) or None."""
    return int(value or 0)


def like_pattern(text: str) -> str:
    """``%text%`` for ILIKE with the wildcards in ``text`` escaped (escape character: backslash)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
