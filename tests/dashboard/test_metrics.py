"""compute_metrics on the hand-computed county of conftest.py: every deal figure, checked by hand."""

from datetime import date

import pytest

from app.dashboard.metrics import compute_metrics, time_progress
from app.dashboard.metrics.periods import gap_level
from app.extensions import db
from tests.dashboard.conftest import MILLION, set_target

JUNE_30 = date(2025, 6, 30)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2025, 6, 30), 6 / 12),  # month end: M/12
        (date(2025, 2, 28), 2 / 12),  # February's last day in a common year
        (date(2024, 2, 29), 2 / 12),  # … and in a leap year
        (date(2024, 2, 28), 59 / 366),  # not a month end in a leap year: day-of-year ÷ 366
        (date(2025, 7, 20), 201 / 365),  # 31+28+31+30+31+30+20 = 201
        (date(2025, 1, 1), 1 / 365),
        (date(2025, 12, 31), 1.0),
    ],
)
def test_time_progress(as_of, expected):
    assert time_progress(as_of) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("gap", "level"),
    [
        (None, "ok"),
        (0.05, "ok"),
        (-0.0999, "ok"),
        (-0.10, "yellow"),
        (-0.2999, "yellow"),
        (-0.30, "red"),
        (-0.9, "red"),
    ],
)
def test_gap_levels_follow_default_thresholds(gap, level):
    assert gap_level(gap) == level


def test_signed_figures_at_month_end(county):
    m = compute_metrics(2025, JUNE_30)
    assert (m["year"], m["as_of"]) == (2025, "2025-06-30")
    s = m["signed"]
    # A 200M, B 100M, C 150M (terminated, still signed), F 50M.
    # Not D (signed 2024), not H (signed 2025-07-05), not E (not counted).
    assert s["count"] == 4
    assert s["amount_yuan"] == 500 * MILLION
    assert s["target_yuan"] == 1_000 * MILLION
    assert s["progress"] == pytest.approx(0.5)
    assert s["time_progress"] == pytest.approx(0.5)  # 30 June is a month end: 6/12
    assert s["gap"] == pytest.approx(0.0)
    assert s["gap_level"] == "ok"
    assert (s["month_count"], s["month_amount_yuan"]) == (1, 50 * MILLION)  # June: F only
    assert isinstance(s["amount_yuan"], int)


def test_same_year_start_rate(county):
    st = compute_metrics(2025, JUNE_30)["same_year_start"]
    # Cohort A, B, C, F; started by 30 June: A only (B starts 15 July, after the as-of date).
    # C was terminated and stays in the denominator; D started in 2025 but was signed in 2024.
    assert (st["signed_count"], st["started_count"]) == (4, 1)
    assert st["rate"] == pytest.approx(0.25)
    assert (st["signed_amount_yuan"], st["started_amount_yuan"]) == (500 * MILLION, 200 * MILLION)
    assert st["amount_rate"] == pytest.approx(0.4)
    assert st["target_rate"] == pytest.approx(0.4)


def test_as_of_before_a_start_date_then_after(county):
    before = compute_metrics(2025, date(2025, 7, 14))["same_year_start"]
    after = compute_metrics(2025, date(2025, 7, 15))["same_year_start"]
    # H (signed 5 July) joins the cohort in July: A, B, C, F, H.
    assert (before["signed_count"], before["started_count"]) == (5, 1)
    assert (after["signed_count"], after["started_count"]) == (5, 2)  # B starts on 15 July
    assert after["rate"] == pytest.approx(0.4)
    assert after["amount_rate"] == pytest.approx(300 / 600)


def test_signed_figures_mid_month(county):
    s = compute_metrics(2025, date(2025, 7, 20))["signed"]
    assert (s["count"], s["amount_yuan"]) == (5, 600 * MILLION)
    assert s["time_progress"] == pytest.approx(201 / 365)
    assert s["gap"] == pytest.approx(0.6 - 201 / 365)
    assert s["gap_level"] == "ok"
    assert (s["month_count"], s["month_amount_yuan"]) == (1, 100 * MILLION)  # H on 5 July


def test_gap_levels_yellow_and_red(county):
    september = compute_metrics(2025, date(2025, 9, 30))["signed"]
    assert september["time_progress"] == pytest.approx(0.75)
    assert september["gap"] == pytest.approx(0.6 - 0.75)
    assert september["gap_level"] == "yellow"
    december = compute_metrics(2025, date(2025, 12, 31))["signed"]
    assert december["gap"] == pytest.approx(0.6 - 1.0)
    assert december["gap_level"] == "red"


def test_gap_thresholds_come_from_settings(county):
    from app.core.models import set_setting

    set_setting("alert.progress_yellow_points", "20")
    db.session.commit()
    assert compute_metrics(2025, date(2025, 9, 30))["signed"]["gap_level"] == "ok"  # −15 points


def test_funnel(county):
    f = compute_metrics(2025, JUNE_30)["funnel"]
    assert (f["signed_count"], f["started_count"], f["production_count"]) == (4, 1, 1)
    assert f["sign_to_start_rate"] == pytest.approx(0.25)
    assert f["start_to_production_rate"] == pytest.approx(1.0)
    # Leads created in 2025 up to 30 June, counted: A, B, F, G, H (C and D are 2024 leads, E not counted).
    # Of these, signed by 30 June: A, B, F.
    assert (f["leads_count"], f["leads_signed_count"]) == (5, 3)
    assert f["lead_conversion_rate"] == pytest.approx(0.6)


def test_funds_in_place(county):
    june = compute_metrics(2025, JUNE_30)["funds_in_place"]
    # A's 50M of 1 May; its 30M of 10 July is after the as-of date; E's 100M is not counted.
    assert june == {"contract_amount_yuan": 500 * MILLION, "in_place_yuan": 50 * MILLION, "rate": pytest.approx(0.1)}
    july = compute_metrics(2025, date(2025, 7, 31))["funds_in_place"]
    assert (july["contract_amount_yuan"], july["in_place_yuan"]) == (600 * MILLION, 80 * MILLION)


def test_unit_ranking(county):
    m = compute_metrics(2025, JUNE_30)
    units = m["units"]
    assert [u["unit"] for u in units] == ["甲镇", "乙局", "丙镇"]
    u1, u2, u3 = units
    # 甲镇: A + B = 300M of 400M = 75%; 乙局: C = 150M of 200M = 75% — the tie goes to the larger amount.
    assert (u1["signed_count"], u1["signed_amount_yuan"], u1["target_yuan"]) == (2, 300 * MILLION, 400 * MILLION)
    assert u1["completion_rate"] == pytest.approx(0.75)
    assert (u1["started_count"], u1["start_rate"]) == (1, pytest.approx(0.5))
    assert (u2["signed_count"], u2["signed_amount_yuan"], u2["started_count"]) == (1, 150 * MILLION, 0)
    assert u2["completion_rate"] == pytest.approx(0.75)
    assert u2["start_rate"] == pytest.approx(0.0)  # D started in 2025 but was signed in 2024
    assert (u3["signed_count"], u3["signed_amount_yuan"], u3["completion_rate"], u3["start_rate"]) == (0, 0, 0.0, None)
    assert u1["kind"] == "乡镇" and u2["kind"] == "县直部门"
    assert [u["rank"] for u in units] == [1, 2, 3]
    assert m["units_unassigned"]["signed_count"] == 1
    assert m["units_unassigned"]["signed_amount_yuan"] == 50 * MILLION


def test_unit_without_target_ranks_last(county, make):
    from tests.dashboard.conftest import walk

    other = make.unit("丁局", kind="县直部门")
    walk("丁-大项目", amount=900 * MILLION, lead_on=date(2025, 1, 2), unit=other, steps=[("已签约", date(2025, 1, 3))])
    db.session.commit()
    units = compute_metrics(2025, JUNE_30)["units"]
    assert units[-1]["unit"] == "丁局"
    assert units[-1]["completion_rate"] is None and units[-1]["target_yuan"] is None


def test_monthly_series(county):
    monthly = compute_metrics(2025, JUNE_30)["monthly"]
    assert [row["month"] for row in monthly] == [1, 2, 3, 4, 5, 6]
    assert [row["signed_amount_yuan"] for row in monthly] == [
        0,
        200 * MILLION,
        100 * MILLION,
        0,
        150 * MILLION,
        50 * MILLION,
    ]
    assert [row["cumulative_yuan"] for row in monthly] == [
        0,
        200 * MILLION,
        300 * MILLION,
        300 * MILLION,
        450 * MILLION,
        500 * MILLION,
    ]
    # 1e9 × m / 12, rounded half up to whole yuan.
    assert [row["target_cumulative_yuan"] for row in monthly] == [
        83_333_333,
        166_666_667,
        250_000_000,
        333_333_333,
        416_666_667,
        500_000_000,
    ]


def test_uncounted_deal_is_excluded_everywhere(county):
    """E (500M, U1, signed 1 February, funds in place 100M) appears in no figure at all."""
    m = compute_metrics(2025, JUNE_30)
    county.e.is_counted = True
    db.session.commit()
    counted = compute_metrics(2025, JUNE_30)
    assert counted["signed"]["amount_yuan"] - m["signed"]["amount_yuan"] == 500 * MILLION
    assert counted["same_year_start"]["signed_count"] - m["same_year_start"]["signed_count"] == 1
    assert counted["funnel"]["leads_count"] - m["funnel"]["leads_count"] == 1
    assert counted["funds_in_place"]["in_place_yuan"] - m["funds_in_place"]["in_place_yuan"] == 100 * MILLION
    assert counted["units"][0]["signed_amount_yuan"] - m["units"][0]["signed_amount_yuan"] == 500 * MILLION
    assert counted["monthly"][1]["signed_amount_yuan"] - m["monthly"][1]["signed_amount_yuan"] == 500 * MILLION


def test_no_target_gives_none_not_an_error(make):
    m = compute_metrics(2025, JUNE_30)
    assert m["signed"]["target_yuan"] is None and m["signed"]["progress"] is None
    assert m["signed"]["gap"] is None and m["signed"]["gap_level"] == "ok"
    assert m["same_year_start"]["rate"] is None and m["same_year_start"]["target_rate"] is None
    assert [row["target_cumulative_yuan"] for row in m["monthly"]] == [None] * 6
    assert m["units"] == []


def test_unit_target_of_another_year_is_ignored(county):
    set_target(2024, "signed_amount", 1 * MILLION, county.u1)
    db.session.commit()
    assert compute_metrics(2025, JUNE_30)["units"][0]["target_yuan"] == 400 * MILLION


def test_as_of_must_lie_in_the_year(county):
    with pytest.raises(ValueError):
        compute_metrics(2025, date(2024, 12, 31))


def test_result_is_json_serialisable(county):
    import json

    m = compute_metrics(2025, JUNE_30)
    assert json.loads(json.dumps(m, ensure_ascii=False)) == m
