"""Every leader's and unit's page shows the figures of the monthly report's sections 八 and 五, exactly."""

import re
from datetime import date

import pytest

from app.extensions import db
from app.people.models import Leader, Unit
from app.reports import fmt
from app.reports.figures import ReportMonth, collect_figures

LEADER_KEYS = (
    "project_count",
    "signed_count",
    "signed_amount_yuan",
    "started_count",
    "approved_yuan",
    "disbursed_yuan",
    "open_problems",
    "overdue_problems",
)
UNIT_KEYS = (
    "rank",
    "signed_count",
    "signed_amount_yuan",
    "target_yuan",
    "completion_rate",
    "started_count",
    "start_rate",
)


def page_figures(html: str) -> dict:
    """The data-figure / data-value pairs of a 包联 page, as numbers (None for an empty value)."""
    figures = {}
    for key, raw in re.findall(r'data-figure="([a-z_]+)" data-value="([^"]*)"', html):
        figures[key] = None if raw == "" else (int(raw) if re.fullmatch(r"-?\d+", raw) else float(raw))
    return figures


def list_row(html: str, attribute: str, record_id: int) -> str:
    start = html.index(f'{attribute}="{record_id}"')
    return html[start : html.index("</tr>", start)]


def assert_pages_match_report(client, month: ReportMonth) -> int:
    """Compare every leader's and every unit's page with the report of ``month``; returns the pages compared."""
    figures = collect_figures(month)
    query = f"year={month.year}&as_of={figures['as_of']}"
    compared = 0
    for row in figures["leader_summary"]:
        html = client.get(f"/portfolios/leaders/{row['leader_id']}?{query}").get_data(as_text=True)
        shown = page_figures(html)
        assert {k: shown.get(k) for k in LEADER_KEYS} == {k: row[k] for k in LEADER_KEYS}, row["leader"]
        compared += 1
    listing = client.get(f"/portfolios/leaders?{query}").get_data(as_text=True)
    for row in figures["leader_summary"]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", list_row(listing, "data-leader-id", row["leader_id"]), re.S)
        shown = [re.sub(r"<[^>]+>", "", cell).strip() for cell in cells[2:]]
        assert shown == [
            fmt.count(row["project_count"]),
            fmt.count(row["signed_count"]),
            fmt.wan(row["signed_amount_yuan"]),
            fmt.count(row["started_count"]),
            fmt.wan(row["approved_yuan"]),
            fmt.wan(row["disbursed_yuan"]),
            fmt.count(row["open_problems"]),
            fmt.count(row["overdue_problems"]),
        ], row["leader"]
    ranking = {row["unit_id"]: row for row in figures["metrics"]["units"]}
    for unit_id in db.session.scalars(db.select(Unit.id)).all():
        html = client.get(f"/portfolios/units/{unit_id}?{query}").get_data(as_text=True)
        shown = page_figures(html)
        expected = ranking.get(unit_id) or {
            "rank": None,
            "signed_count": 0,
            "signed_amount_yuan": 0,
            "target_yuan": None,
            "completion_rate": None,
            "started_count": 0,
            "start_rate": None,
        }
        assert {k: shown.get(k) for k in UNIT_KEYS} == {k: expected[k] for k in UNIT_KEYS}, unit_id
        compared += 1
    return compared


def test_hand_built_county(client, login, make, county):
    """The county of the report tests plus a 2024 deal and a terminated one for the same leader."""
    chief, bagong = county["leader"], county["bagong"]
    make.deal(
        "去年签约项目",
        stage="已签约",
        amount=9 * 100_000_000,
        leader_id=chief.id,
        lead_unit_id=bagong.id,
        lead_on=date(2024, 1, 5),
        dates={"在谈": date(2024, 2, 1), "已签约": date(2024, 3, 1)},
    )
    make.leader("无项目领导")
    db.session.commit()
    login(make.user("taskforce"))
    month = ReportMonth(2025, 6)
    figures = collect_figures(month)
    row = next(r for r in figures["leader_summary"] if r["leader_id"] == chief.id)
    # By hand: 甲 (1亿, started) is the leader's only counted deal signed in 2025; the 2024 deal stays out.
    assert (row["signed_count"], row["signed_amount_yuan"], row["started_count"]) == (1, 100_000_000, 1)
    assert (row["open_problems"], row["overdue_problems"]) == (1, 1)
    assert assert_pages_match_report(client, month) > 3
    # The 全部年度 view is labelled and counts every year.
    html = client.get(f"/portfolios/leaders/{chief.id}?year=all").get_data(as_text=True)
    assert "全部年度" in html and "签约额 10 亿元" in html


@pytest.fixture
def demo(runner, app, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_TODAY", "2025-09-15")
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def test_demo_data(client, login, make, demo):
    login(make.user("taskforce"))
    assert db.session.scalar(db.select(db.func.count(Leader.id))) > 0
    assert assert_pages_match_report(client, ReportMonth(2025, 8)) > 10
