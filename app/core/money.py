"""Exact money parsing and formatting. Money is stored as integer yuan, never float."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.core.errors import InputError

YUAN_PER_UNIT = {"元": 1, "万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000}
_SUFFIX = re.compile(r"(亿元|万元|亿|万|元)$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# The hard ceiling of any single amount: 10万亿元 (the county's yearly target is 180亿). Below it
# a SUM over a million rows still fits a 64-bit integer (SQLite raised "integer overflow").
MAX_YUAN = 10**13


def normalize_text(value: str) -> str:
    """Full-width digits, commas and points to ASCII; drop spaces."""
    text = unicodedata.normalize("NFKC", value)
    text = text.replace("，", ",").replace("。", ".").replace("．", ".")
    return re.sub(r"\s+", "", text)


def to_decimal(value, *, what: str = "金额") -> Decimal:
    """A plain number (no unit) as Decimal; float input goes through its shortest repr."""
    if isinstance(value, bool):
        raise InputError(f"{what}不是数字")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InputError(f"{what}不是有效数字")
        return Decimal(repr(value))
    text = normalize_text(str(value)).replace(",", "")
    if not _NUMBER.match(text):
        raise InputError(f"{what}“{value}”不是数字")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - regex already filters
        raise InputError(f"{what}“{value}”不是数字") from exc


def parse_money(value, *, unit: str = "万元", allow_negative: bool = False, what: str = "金额") -> int | None:
    """Parse what officials type or Excel holds into integer yuan.

    ``unit`` is the unit of the column (万元 by default); a unit written in the
    cell itself (``1.5亿``, ``5000万元``) wins. Blank gives None. Amounts are
    rounded half-up to whole yuan.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = normalize_text(value)
        if text == "":
            return None
        match = _SUFFIX.search(text)
        if match:
            unit = match.group(1)
            text = text[: match.start()]
        if text == "":
            raise InputError(f"{what}“{value}”缺少数字")
        if "," in text and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
            raise InputError(f"{what}“{value}”的千分位逗号位置不对")
        try:
            number = to_decimal(text.replace(",", ""), what=what)
        except InputError as exc:  # name the cell as typed ("两亿"), not what is left without its unit
            raise InputError(f"{what}“{value}”不是数字", field=exc.field) from exc
    else:
        number = to_decimal(value, what=what)
    if unit not in YUAN_PER_UNIT:
        raise InputError(f"{what}的单位“{unit}”无法识别（可用：元、万元、亿元）")
    if number < 0 and not allow_negative:
        raise InputError(f"{what}不能为负数：{value}")
    if abs(number) * YUAN_PER_UNIT[unit] >= MAX_YUAN:  # before quantize, which fails past 28 digits
        raise InputError(f"{what}过大：{value}（单笔金额须小于10万亿元）")
    yuan = (number * YUAN_PER_UNIT[unit]).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(yuan)


def yuan_to_wan(yuan: int | None) -> Decimal | None:
    """Integer yuan as exact Decimal 万元."""
    if yuan is None:
        return None
    return Decimal(yuan) / Decimal(10_000)


def yuan_to_yi(yuan: int | None) -> Decimal | None:
    """Integer yuan as exact Decimal 亿元."""
    if yuan is None:
        return None
    return Decimal(yuan) / Decimal(100_000_000)


def _format_amount(value: Decimal, places: int) -> str:
    """Thousands separators; ``places`` decimals unless the rounded value is whole (``5,000`` not ``5,000.00``)."""
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.{places}f}"


def format_wan(yuan: int | None, places: int = 2) -> str:
    """``12345678`` → ``1,234.57``, ``50000000`` → ``5,000`` (万元), blank for None."""
    if yuan is None:
        return ""
    return _format_amount(yuan_to_wan(yuan), places)


def format_yi(yuan: int | None, places: int = 2) -> str:
    """``1850000000`` → ``18.50``, ``1800000000`` → ``18`` (亿元), blank for None."""
    if yuan is None:
        return ""
    return _format_amount(yuan_to_yi(yuan), places)


def wan_input_value(yuan: int | None) -> str:
    """Integer yuan as the plain 万元 text a form field shows (no thousands separator)."""
    if yuan is None:
        return ""
    return format(yuan_to_wan(yuan).normalize(), "f")
