from decimal import Decimal

import pytest

from app.core.errors import InputError
from app.core.money import format_wan, format_yi, parse_money


@pytest.mark.parametrize(
    ("text", "unit", "yuan"),
    [
        ("1.5亿", "万元", 150_000_000),
        ("1.5亿元", "万元", 150_000_000),
        ("5000万", "万元", 50_000_000),
        ("5000万元", "亿元", 50_000_000),
        ("5,000", "万元", 50_000_000),
        ("5000.00", "万元", 50_000_000),
        ("１２３４.５", "万元", 12_345_000),  # full-width digits
        ("１，２３４", "万元", 12_340_000),  # full-width comma
        ("2.35", "亿元", 235_000_000),
        ("800元", "万元", 800),
        (" 12 ", "万元", 120_000),
        (1234, "万元", 12_340_000),
        (0.1, "亿元", 10_000_000),  # Excel float goes through its repr: no binary noise
        (Decimal("0.0001"), "万元", 1),
        ("1234.56789", "万元", 12_345_679),  # rounded half-up to whole yuan
    ],
)
def test_parse_money_accepts_what_officials_type(text, unit, yuan):
    assert parse_money(text, unit=unit) == yuan


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_is_none(blank):
    assert parse_money(blank) is None


@pytest.mark.parametrize("text", ["abc", "12a", "1.2.3", "亿", "5,00", "--5", "一千万", "1e5", True])
def test_parse_money_refuses_garbage(text):
    with pytest.raises(InputError) as info:
        parse_money(text, what="签约金额")
    assert "签约金额" in info.value.message


def test_negative_refused_unless_allowed():
    with pytest.raises(InputError, match="负数"):
        parse_money("-5")
    assert parse_money("-5", allow_negative=True) == -50_000


def test_unknown_column_unit():
    with pytest.raises(InputError, match="单位"):
        parse_money("5", unit="千元")


def test_formatting():
    assert format_wan(123_456_789) == "12,345.68"
    assert format_yi(18_000_000_000) == "180"
    assert format_yi(350_000_000) == "3.50"
    # Whole 万元 without trailing .00; two places kept when the value has them.
    assert format_wan(50_000_000) == "5,000"
    assert format_wan(50_005_000) == "5,000.50"
    assert format_wan(50_000_001) == "5,000"  # rounds to a whole 万元 at two places
    assert format_wan(0) == "0" and format_wan(-5_000_000) == "-500"
    assert format_wan(None) == ""


@pytest.mark.parametrize("value", ["9" * 25, "1" + "0" * 5000, 1e30, float("1e300"), "99999999亿", "1000000000万"])
def test_huge_amounts_are_refused_not_crashed(value):
    with pytest.raises(InputError, match="过大"):
        parse_money(value, what="签约金额")


def test_the_largest_amount_allowed_is_just_under_ten_trillion_yuan():
    assert parse_money("99999.99亿") == 9_999_999_000_000
