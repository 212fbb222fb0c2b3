"""The dashboard in a real browser: charts drawn by the vendored ECharts, alerts listed, period pickers."""

from datetime import date

from app.deals.services import add_negotiation
from app.extensions import db
from tests.dashboard.conftest import MILLION, set_target, walk
from tests.e2e.conftest import screenshot


def build_county(make):
    town = make.unit("甲镇", kind="乡镇", short_name="甲")
    dept = make.unit("乙局", kind="县直部门", short_name="乙")
    set_target(2025, "signed_amount", 400 * MILLION, town)
    set_target(2025, "signed_amount", 300 * MILLION, dept)
    walk(
        "新材料产业园",
        amount=2_000 * MILLION,
        lead_on=date(2025, 1, 5),
        unit=town,
        steps=[("已签约", date(2025, 2, 10)), ("已开工", date(2025, 4, 1))],
    )
    walk(
        "高端装备项目",
        amount=1_000 * MILLION,
        lead_on=date(2025, 1, 20),
        unit=dept,
        steps=[("已签约", date(2025, 3, 1))],
    )
    talks = walk(
        "数字经济项目", amount=500 * MILLION, lead_on=date(2025, 3, 1), unit=dept, steps=[("在谈", date(2025, 4, 1))]
    )
    add_negotiation(
        talks,
        {"held_on": date(2025, 6, 1), "kind": "来访", "content": "商谈选址", "next_follow_up_on": date(2025, 6, 20)},
    )
    talks.last_activity_on = date(2025, 5, 1)


def test_dashboard_draws_charts_and_lists_alerts(page, browser_login, make, seeded):
    build_county(make)
    user = make.user("taskforce", username="zhuanban")
    db.session.commit()
    browser_login(user)
    page.goto("/dashboard?year=2025&as_of=2025-06-30")
    assert "项目攻坚驾驶舱" in page.locator("h1").inner_text()
    # Each chart container holds a canvas ECharts has drawn on (non-zero size).
    for name in ("cumulative", "funnel", "funds", "ranking"):
        canvas = page.locator(f"[data-chart={name}] canvas")
        canvas.first.wait_for(state="visible")
        size = canvas.first.evaluate("c => [c.width, c.height]")
        assert size[0] > 100 and size[1] > 100, (name, size)
    # Headline: 30亿 of the seeded 180亿 target; 1 of 2 signed deals started.
    assert "30" in page.get_by_test_id("card-signed").inner_text()
    assert "50.0%" in page.get_by_test_id("card-start-rate").inner_text()
    ranking = page.get_by_test_id("ranking-table").locator("tbody tr")
    assert ranking.nth(0).inner_text().split("\t")[1] == "甲镇"  # 2000M of 400M target ranks first
    # Alerts: grouped, the first group open, each alert a link or a title.
    alerts = page.get_by_test_id("alert")
    assert alerts.count() >= 3
    groups = page.locator("[data-alert-kind]")
    kinds = [groups.nth(i).get_attribute("data-alert-kind") for i in range(groups.count())]
    assert "signed_not_started" in kinds and "follow_up" in kinds and "stale" in kinds
    page.locator("[data-alert-kind=follow_up] .accordion-button").click()
    follow = page.locator("[data-alert-kind=follow_up] [data-testid=alert]").first
    follow.wait_for(state="visible")
    assert "数字经济项目跟进已逾期 10 天" in follow.inner_text()
    screenshot(page, "dashboard")
    # Choosing another year shows it at its default date (31 December of a past year).
    page.select_option("[data-period-year]", "2024")
    page.wait_for_url("**/dashboard?year=2024")
    assert "截至 2024-12-31" in page.locator("h1").inner_text()
    page.locator("[data-chart=cumulative] canvas").first.wait_for(state="visible")


def test_chart_tooltips_escape_names_typed_into_reference_data(page, browser_login, make, seeded):
    """A unit's 简称 holding HTML is shown as text in the 赛马 and funnel tooltips, never parsed as markup."""
    build_county(make)
    hostile = '<img src=x data-x="1">甲'
    from app.people.models import Unit

    db.session.scalar(db.select(Unit).where(Unit.name == "甲镇")).short_name = hostile
    user = make.user("taskforce", username="zhuanban")
    db.session.commit()
    browser_login(user)
    page.goto("/dashboard?year=2025&as_of=2025-06-30")
    page.locator("[data-chart=ranking] canvas").first.wait_for(state="visible")
    texts = page.evaluate("""() => {
        const option = name => echarts.getInstanceByDom(document.querySelector(`[data-chart=${name}]`)).getOption();
        const ranking = option("ranking");
        const units = ranking.yAxis[0].data;
        const i = units.findIndex(u => String(u).includes("<img"));
        const funnel = option("funnel");
        return [ranking.tooltip[0].formatter([{dataIndex: i}]),
                funnel.tooltip[0].formatter({name: "<b>x</b>", value: 1})];
    }""")
    assert "&lt;img src=x" in texts[0] and "<img" not in texts[0]
    assert texts[1] == "&lt;b&gt;x&lt;/b&gt;：1 个"
