from datetime import date, datetime

import pytest

from app.core.dates import from_excel_serial, month_end, parse_date, parse_month
from app.core.errors import InputError


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-15",
        "2025/3/15",
        "2025.3.15",
        "2025年3月15日",
        "2025年03月15日",
        "２０２５-０３-１５",
        "20250315",
        45731,
        45731.0,
        "45731",
        datetime(2025, 3, 15, 10, 30),
        date(2025, 3, 15),
        "2025-03-15 00:00:00",
    ],
)
def test_parse_date_forms(value):
    assert parse_date(value) == date(2025, 3, 15)


def test_excel_serial_edges():
    assert from_excel_serial(1) == date(1900, 1, 1)
    assert from_excel_serial(61) == date(1900, 3, 1)
    assert from_excel_serial(45658) == date(2025, 1, 1)


@pytest.mark.parametrize("value", ["2025-02-30", "2025/13/1", "15/3/2025", "三月", "2025-3", "tomorrow", -5, True])
def test_parse_date_refuses(value):
    with pytest.raises(InputError) as info:
        parse_date(value, what="签约日期")
    assert "签约日期" in info.value.message


def test_blank_date():
    assert parse_date("") is None
    assert parse_date(None) is None


def test_months():
    assert parse_month("2025-06") == (2025, 6)
    assert parse_month("2025年6月") == (2025, 6)
    assert month_end(2024, 2) == date(2024, 2, 29)
    with pytest.raises(InputError):
        parse_month("2025-13")


@pytest.mark.parametrize(
    "value", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31", date(1, 1, 1), 1, 2_958_465, "99999"]
)
def test_dates_outside_2000_to_2100_are_refused(value):
    with pytest.raises(InputError, match="超出范围"):
        parse_date(value, what="签约日期")
    assert parse_date("2000-01-01") == date(2000, 1, 1) and parse_date("2100-12-31") == date(2100, 12, 31)
