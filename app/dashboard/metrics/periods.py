"""The reporting period (year Y, as-of date D) and 序时进度; the alert thresholds live in core.settings."""

import calendar
from datetime import date

from app.core.dates import parse_date, today
from app.core.errors import InputError
from app.core.settings import THRESHOLDS, read_thresholds, threshold  # noqa: F401 - re-exported for the metrics

MIN_YEAR, MAX_YEAR = 2000, 2100


def year_start(year: int) -> date:
    return date(year, 1, 1)


def is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def time_progress(as_of: date) -> float:
    """序时进度: M/12 when ``as_of`` is the last day of month M, else day-of-year ÷ days in the year."""
    if is_month_end(as_of):
        return as_of.month / 12
    days_in_year = 366 if calendar.isleap(as_of.year) else 365
    return as_of.timetuple().tm_yday / days_in_year


def gap_level(gap: float | None, thresholds: dict[str, int] | None = None) -> str:
    """ "red" / "yellow" / "ok" for a gap (progress − time progress, as a fraction).

    ``thresholds`` is ``read_thresholds()`` when the caller grades many gaps; without it the two
    settings are read here.
    """
    if gap is None:
        return "ok"

    def points_of(key):
        return thresholds[key] if thresholds is not None else threshold(key)

    points = gap * 100
    # A tiny epsilon so that exactly −10.0 points (computed in floating point) counts as −10.
    if points <= -points_of("alert.progress_red_points") + 1e-9:
        return "red"
    if points <= -points_of("alert.progress_yellow_points") + 1e-9:
        return "yellow"
    return "ok"


def default_as_of(year: int) -> date:
    """Today for the current year, 31 December for a past year."""
    now = today()
    return now if year >= now.year else date(year, 12, 31)


def parse_period(year_text, as_of_text) -> tuple[int, date]:
    """Year and as-of date from request/CLI text; blank means the default. Raises InputError in Chinese."""
    year_text = "" if year_text is None else str(year_text).strip()
    as_of_text = "" if as_of_text is None else str(as_of_text).strip()
    as_of = parse_date(as_of_text, what="截至日期") if as_of_text else None
    if year_text:
        if not year_text.isdigit() or not MIN_YEAR <= int(year_text) <= MAX_YEAR:
            raise InputError(f"年度“{year_text}”无效，请填写 {MIN_YEAR}—{MAX_YEAR} 之间的四位年份", field="year")
        year = int(year_text)
    else:
        year = (as_of or today()).year
    if year > today().year:
        raise InputError(f"{year}年尚未开始，无法统计", field="year")
    if as_of is None:
        as_of = default_as_of(year)
    if as_of.year != year:
        raise InputError(f"截至日期（{as_of.isoformat()}）不在{year}年内", field="as_of")
    if as_of > today():
        raise InputError(f"截至日期（{as_of.isoformat()}）不能晚于今天（{today().isoformat()}）", field="as_of")
    return year, as_of
