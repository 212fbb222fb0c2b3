"""Each dashboard chart draws what the metrics say: read the data attributes, compare with compute_metrics."""

import html as html_lib
import json
import re
from datetime import date

import pytest

from app.dashboard.metrics import compute_metrics
from app.extensions import db
from tests.dashboard.test_views import URL

JUNE_30 = date(2025, 6, 30)


@pytest.fixture
def page(client, login, make, county):
    login(make.user("taskforce"))
    db.session.commit()
    return client.get(URL).get_data(as_text=True)


def chart(html: str, name: str) -> dict:
    raw = re.search(rf'data-chart="{name}"[^>]*data-chart-data="([^"]*)"', html).group(1)
    return json.loads(html_lib.unescape(raw))


def test_ranking_bars_are_the_completion_rate_they_are_sorted_by(page):
    m = compute_metrics(2025, JUNE_30)
    data = chart(page, "ranking")
    expected = [None if u["completion_rate"] is None else round(u["completion_rate"] * 100, 1) for u in m["units"]]
    assert data["rates"] == expected[: len(data["rates"])]
    assert data["amounts"] == [u["signed_amount_yuan"] for u in m["units"]][: len(data["rates"])]
    # Sorted by what is drawn: the bars never grow again down the ranking (units without a target last).
    drawn = [r for r in data["rates"] if r is not None]
    assert drawn == sorted(drawn, reverse=True)
    if None in data["rates"]:
        assert data["rates"].index(None) == len(drawn)
    assert data["time_progress"] == round(m["signed"]["time_progress"] * 100, 1)


def test_bar_colours_follow_the_thresholds(page):
    data = chart(page, "ranking")
    for rate, level in zip(data["rates"], data["levels"], strict=True):
        if rate is None:
            assert level == "none"
        elif rate >= data["time_progress"]:
            assert level == "ahead"
        else:
            assert level in ("behind", "yellow", "red")
            gap = data["time_progress"] - rate
            assert level == ("red" if gap >= 30 else "yellow" if gap >= 10 else "behind"), (rate, level)


def test_funnel_and_caption_use_the_same_cohort_and_counts(page):
    m = compute_metrics(2025, JUNE_30)
    data = chart(page, "funnel")
    f = m["funnel"]
    assert [(s["name"], s["value"]) for s in data["stages"]] == [
        ("签约", f["signed_count"]),
        ("开工", f["started_count"]),
        ("投产", f["production_count"]),
    ]
    assert data["cohort"] == "2025年1月1日至6月30日签约的项目"
    caption = re.search(r'data-testid="funnel-caption">(.*?)</div>', page, re.S).group(1)
    assert f"开工 {f['started_count']}/签约 {f['signed_count']}" in caption
    assert f"投产 {f['production_count']}/开工 {f['started_count']}" in caption
    # Leads are another cohort: shown apart, never as a funnel stage.
    assert all("线索" not in s["name"] for s in data["stages"])
    leads = re.search(r'data-testid="lead-conversion">(.*?)</div>', page, re.S).group(1)
    assert f"新增线索 {f['leads_count']} 个，其中已签约 {f['leads_signed_count']} 个" in leads


def test_gap_text_is_green_only_when_ahead(page):
    m = compute_metrics(2025, JUNE_30)
    gap = re.search(r'data-testid="gap" data-level="([a-z]+)"', page).group(1)
    s = m["signed"]
    expected = s["gap_level"] if s["gap_level"] in ("yellow", "red") else ("ahead" if s["gap"] >= 0 else "behind")
    assert gap == expected
    span = re.search(r'<span class="fw-semibold ([^"]+)" data-testid="gap"', page).group(1)
    assert ("text-success" in span) == (expected == "ahead")


def test_behind_but_within_yellow_is_not_green(app):
    """落后序时 5.4 个百分点 must not be printed green."""
    with app.test_request_context():
        macros = app.jinja_env.get_template("dashboard/_macros.html").module
        behind = str(macros.gap_text(-0.054, "ok"))
        ahead = str(macros.gap_text(0.02, "ok"))
    assert "落后序时 5.4 个百分点" in behind and "text-success" not in behind
    assert "快于序时 2.0 个百分点" in ahead and "text-success" in ahead
