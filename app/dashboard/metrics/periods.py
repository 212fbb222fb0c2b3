"""The reporting period (year Y, as-of date D), 序时进度 and the alert thresholds."""

import calendar
from datetime import date

import sqlalchemy as sa

from app.core.dates import parse_date, today
from app.core.errors import InputError
from app.core.models import Setting, get_setting
from app.extensions import db
from app.problems.queries import ESCALATION_THRESHOLDS

MIN_YEAR, MAX_YEAR = 2000, 2100

# Alert thresholds (DOMAIN.md §5): setting key -> (Chinese label, default, minimum, maximum, help).
THRESHOLDS = {
    "alert.signed_not_started_days": ("签约未开工预警天数", 90, 1, 730, "签约后超过该天数仍未开工的项目列入预警"),
    "alert.year_end_risk_month": ("年末开工率风险提示起始月份", 10, 1, 12, "自该月起，当年开工率低于目标时提示年末风险"),
    "alert.stale_days": ("线索/在谈久未更新天数", 30, 1, 365, "线索或在谈项目超过该天数无任何更新即预警"),
    "alert.fund_deadline_days": ("申报截止提前提醒天数", 7, 0, 90, "申报截止日期在该天数以内的谋划储备项目提醒申报"),
    "alert.problem_deadline_days": ("问题办结临期提醒天数", 3, 0, 60, "办结时限在该天数以内的问题提醒，逾期的建议督办"),
    "alert.progress_yellow_points": ("进度落后黄色预警（百分点）", 10, 1, 100, "签约进度落后序时进度达到该百分点显示黄色"),
    "alert.progress_red_points": ("进度落后红色预警（百分点）", 30, 1, 100, "签约进度落后序时进度达到该百分点显示红色"),
    **ESCALATION_THRESHOLDS,
}


def threshold(key: str) -> int:
    """An alert threshold from the settings table, falling back to its default when unset or unreadable."""
    return _threshold_value(key, get_setting(key))


def read_thresholds() -> dict[str, int]:
    """Every alert threshold (as ``threshold`` gives it) in one query.

    Read once per computation and pass the dict along; it is never kept across requests, so an
    admin's edit of the thresholds applies to the next page at once.
    """
    stored = dict(db.session.execute(sa.select(Setting.key, Setting.value).where(Setting.key.in_(THRESHOLDS))).all())
    return {key: _threshold_value(key, stored.get(key)) for key in THRESHOLDS}


def _threshold_value(key: str, raw) -> int:
    _label, default, low, high, _help = THRESHOLDS[key]
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


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
    """"red" / "yellow" / "ok" for a gap (progress − time progress, as a fraction).

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
