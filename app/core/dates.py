"""Date parsing for forms and Excel ledgers, and the application's notion of today."""

import calendar
import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

from app.core.errors import InputError
from app.core.money import normalize_text

_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's 1900 system, past its 1900-02-29 bug
_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MIN_SERIAL, _MAX_SERIAL = 1, 2_958_465  # 1900-01-01 .. 9999-12-31
# Every date this county records (signings, deadlines, ledger entries) falls in this century;
# 0001-01-01 or 9999-12-31 is a typo, and far dates broke date arithmetic and PostgreSQL queries.
MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2100, 12, 31)


def check_date_range(value: date, *, what: str = "日期", typed=None) -> date:
    """Refuse dates outside 2000–2100 with a message naming the field."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise InputError(
            f"{what}“{typed if typed is not None else value.isoformat()}”超出范围，"
            f"须在{MIN_DATE.year}年至{MAX_DATE.year}年之间"
        )
    return value


DEFAULT_TIME_ZONE = "Asia/Shanghai"


def _clock() -> datetime:
    """The machine's clock as an aware UTC datetime (the one place tests replace)."""
    return datetime.now(UTC)


def time_zone() -> tzinfo:
    """The configured TIME_ZONE (Asia/Shanghai by default): it defines "today" and shown times."""
    name = (current_app.config.get("TIME_ZONE") if has_app_context() else None) or DEFAULT_TIME_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name == DEFAULT_TIME_ZONE:  # no tz database on the machine: China keeps UTC+8 all year
            return timezone(timedelta(hours=8), DEFAULT_TIME_ZONE)
        raise RuntimeError(f"未知的时区 TIME_ZONE={name!r}（如 Asia/Shanghai）") from None


def local_now() -> datetime:
    """Now in the configured time zone (aware)."""
    return _clock().astimezone(time_zone())


def today() -> date:
    """The local day in the configured time zone, or the date pinned by CRM_TODAY (demos, tests).

    Never the server's own date: a server on UTC would otherwise reject a 签约日期 of today
    between 00:00 and 08:00 Beijing time.
    """
    if has_app_context():
        pinned = current_app.config.get("CRM_TODAY")
        if pinned:
            return date.fromisoformat(pinned)
    return local_now().date()


def to_local(moment: datetime) -> datetime:
    """A stored naive-UTC ``*_at`` value as a naive local time for display."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(time_zone()).replace(tzinfo=None)


def from_excel_serial(serial, *, what: str = "日期") -> date:
    """Excel serial day number (1900 date system) to a date."""
    number = float(serial)
    if number != int(number):
        number = int(number)  # a datetime serial: keep the day
    number = int(number)
    if not _MIN_SERIAL <= number <= _MAX_SERIAL:
        raise InputError(f"{what}“{serial}”不是有效的 Excel 日期序号")
    if number < 61:  # 1900-01-01..1900-02-28 sit one day off because of Excel's leap bug
        number += 1
    return _EXCEL_EPOCH + timedelta(days=number)


def parse_date(value, *, what: str = "日期") -> date | None:
    """Accept date objects, ISO/slash/dot/Chinese forms and Excel serials; blank gives None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return check_date_range(value.date(), what=what)
    if isinstance(value, date):
        return check_date_range(value, what=what)
    if isinstance(value, bool):
        raise InputError(f"{what}“{value}”不是日期")
    if isinstance(value, (int, float)):
        return check_date_range(from_excel_serial(value, what=what), what=what, typed=value)
    text = normalize_text(str(value))
    if text == "":
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T|\d).*", text) and len(text) > 10:
        text = text[:10]  # "2025-03-15 00:00:00" from a stringified datetime
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                parsed = date(year, month, day)
            except ValueError as exc:
                raise InputError(f"{what}“{value}”不存在（{year}年{month}月{day}日）") from exc
            return check_date_range(parsed, what=what, typed=value)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return check_date_range(from_excel_serial(text, what=what), what=what, typed=value)
    raise InputError(f"{what}“{value}”无法识别，请写成 2025-03-15、2025/3/15、2025.3.15 或 2025年3月15日")


def month_end(year: int, month: int) -> date:
    """Last day of the month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_month(value: str, *, what: str = "月份") -> tuple[int, int]:
    """``2025-06`` (or 2025年6月, 2025/6) to (year, month)."""
    text = normalize_text(value or "")
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InputError(f"{what}“{value}”无法识别，请写成 2025-06")
    return int(match.group(1)), int(match.group(2))


def utcnow() -> datetime:
    """Naive UTC now, the storage convention for *_at columns."""
    return _clock().astimezone(UTC).replace(tzinfo=None)
