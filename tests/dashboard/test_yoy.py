"""同比 on a hand-computed two-year county, including 29 February, in compute_metrics, the API, the dashboard
and the report."""

from datetime import date

import pytest

from app.dashboard.metrics import compute_metrics
from app.dashboard.metrics.yoy import same_day_last_year
from app.extensions import db

YI = 100_000_000
WAN = 10_000


def signed(make, name, amount, lead_on, signed_on, started_on=None):
    dates = {"在谈": lead_on, "已签约": signed_on}
    if started_on:
        dates.update({"已注册": signed_on, "已开工": started_on})
    return make.deal(name, stage="已开工" if started_on else "已签约", amount=amount, lead_on=lead_on, dates=dates)


@pytest.fixture
def two_years(make):
    """2023: A 1亿 signed 02-28 and started 02-28; B 2亿 signed 03-01.
    2024 (leap): C 0.5亿 signed 02-10, started 02-20; D 3亿 signed on 29 Feb.
    2025: E 4亿 signed 01-15.  Funds: 2023 batch 下达 500万 (02-20); 2024 batch 下达 1000万 (02-15), 拨付 400万 (02-29).
    """
    signed(make, "A", 1 * YI, date(2023, 1, 5), date(2023, 2, 28), date(2023, 2, 28))
    signed(make, "B", 2 * YI, date(2023, 1, 5), date(2023, 3, 1))
    signed(make, "C", YI // 2, date(2024, 1, 5), date(2024, 2, 10), date(2024, 2, 20))
    signed(make, "D", 3 * YI, date(2024, 1, 5), date(2024, 2, 29))
    signed(make, "E", 4 * YI, date(2025, 1, 2), date(2025, 1, 15))
    channel = make.channel()
    make.fund_application(
        "2023年管网",
        channel_obj=channel,
        year=2023,
        start_on=date(2023, 1, 5),
        steps=[("已申报", date(2023, 1, 10)), ("已下达", date(2023, 2, 20))],
        ledger=[("下达", date(2023, 2, 20), 500 * WAN)],
    )
    make.fund_application(
        "2024年管网",
        channel_obj=channel,
        year=2024,
        start_on=date(2024, 1, 5),
        steps=[("已申报", date(2024, 1, 10)), ("已下达", date(2024, 2, 15))],
        ledger=[("下达", date(2024, 2, 15), 1000 * WAN), ("拨付", date(2024, 2, 29), 400 * WAN)],
    )
    db.session.commit()


def test_same_day_last_year():
    assert same_day_last_year(date(2025, 6, 30)) == date(2024, 6, 30)
    assert same_day_last_year(date(2024, 2, 29)) == date(2023, 2, 28)
    assert same_day_last_year(date(2025, 2, 28)) == date(2024, 2, 28)  # 29 Feb 2024 is after it


def test_on_29_february(two_years):
    yoy = compute_metrics(2024, date(2024, 2, 29))["yoy"]
    assert yoy["as_of"] == "2023-02-28"
    # This year: C and D (3.5亿, 2 deals, 1 started); last year as of 28 Feb: A only (1亿, started).
    assert yoy["signed_amount_yuan"] == {"current": 350_000_000, "previous": 100_000_000, "change": 2.5}
    assert yoy["signed_count"] == {"current": 2, "previous": 1, "change": 1.0}
    assert yoy["same_year_start_rate"] == {"current": 0.5, "previous": 1.0, "change_points": -0.5}
    assert yoy["funds_approved_yuan"] == {"current": 1000 * WAN, "previous": 500 * WAN, "change": 1.0}
    assert yoy["funds_disbursed_yuan"] == {"current": 400 * WAN, "previous": 0, "change": None}


def test_day_after_a_leap_day_is_not_counted_a_year_later(two_years):
    yoy = compute_metrics(2025, date(2025, 2, 28))["yoy"]
    assert yoy["as_of"] == "2024-02-28"
    # D, signed on 29 Feb 2024, is after 28 Feb 2024: only C counts last year.
    assert yoy["signed_amount_yuan"] == {"current": 400_000_000, "previous": 50_000_000, "change": 7.0}
    assert yoy["same_year_start_rate"]["previous"] == 1.0
    # The 2024 batch had 下达 1000万 by 28 Feb 2024; there is no 2025 batch: 0 this year, -100%.
    assert yoy["funds_approved_yuan"] == {"current": 0, "previous": 1000 * WAN, "change": -1.0}


def test_a_year_without_data_is_a_dash_not_zero(two_years, client, login, make, app, monkeypatch):
    yoy = compute_metrics(2023, date(2023, 6, 30))["yoy"]
    for key in ("signed_amount_yuan", "signed_count", "funds_approved_yuan", "funds_disbursed_yuan"):
        assert yoy[key]["previous"] is None and yoy[key]["change"] is None, key
    assert yoy["same_year_start_rate"]["previous"] is None and yoy["same_year_start_rate"]["change_points"] is None

    login(make.user("taskforce"))
    db.session.commit()
    html = client.get("/dashboard?year=2023&as_of=2023-06-30").get_data(as_text=True)
    assert html.count("去年同期无数据") >= 5
    api = client.get("/api/metrics?year=2024&as_of=2024-02-29").get_json()
    assert api["yoy"]["signed_amount_yuan"]["change"] == 2.5
    page = client.get("/dashboard?year=2024&as_of=2024-02-29").get_data(as_text=True)
    assert "+250.0%" in page and "-50.0 个百分点" in page and "+100.0%" in page


def test_report_carries_the_yoy(two_years, app, monkeypatch):
    from app.reports.excel import build_xlsx
    from app.reports.figures import Edition, ReportMonth, collect_figures
    from app.reports.pdf import build_pdf
    from tests.reports.conftest import pdf_text, rows, squeeze, workbook

    monkeypatch.setitem(app.config, "CRM_TODAY", "2024-03-10")
    figures = collect_figures(ReportMonth(2024, 2))
    text = squeeze(pdf_text(build_pdf(figures, Edition(date(2024, 3, 10)))))
    assert "去年同期截至2023年2月28" in text  # (the cover label wraps before 日)
    assert "签约额（万元）35,00010,000+250.0%" in text
    assert "签约项目当年开工率（%）50.0%100.0%-50.0个百分点" in text
    sheet = rows(workbook(build_xlsx(figures, Edition(date(2024, 3, 10))))["同比"])
    by_label = {r[0]: r for r in sheet if r}
    assert list(by_label["签约额"][1:]) == ["万元", 35000, 10000, "+250.0%"]
    assert list(by_label["签约项目当年开工率"][1:]) == ["%", 50, 100, "-50.0个百分点"]
