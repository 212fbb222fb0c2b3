"""A county leader opens his 包联 page and sees his projects, deals, applications and an overdue problem."""

from datetime import date, timedelta

from app.core.dates import today
from app.extensions import db
from app.funds.services import add_ledger_entry, change_status
from app.problems.services import create_problem, move_problem
from tests.e2e.conftest import screenshot

WAN = 10_000


def test_leader_page_shows_portfolio(page, browser_login, make, seeded):
    town = make.unit("巴公镇")
    me, other = make.leader("程县长", title="副县长"), make.leader("邵县长")
    project = make.project(
        "巴公镇精密铸造产业园",
        township=town,
        lead_unit=town,
        leader=me,
        annual_plan_yuan=8000 * WAN,
        total_investment_yuan=30000 * WAN,
        actual_start_on=date(2025, 4, 1),
        reserve_status="实施",
    )
    make.project("邵县长的项目", township=town, lead_unit=town, leader=other)
    make.deal("巴公镇特种合金项目", stage="已开工", amount=50000 * WAN, township=town, leader=me, project=project)
    make.deal("别人的招商项目", stage="已签约", township=town, leader=other)
    application = make.application(
        "巴公镇铸造产业园专项债", channel_obj=make.channel(), applicant_unit=town, leader=me, requested=6000 * WAN
    )
    change_status(application, "已申报", effective_on=date(2025, 2, 10))
    change_status(application, "已下达", effective_on=date(2025, 4, 10))
    add_ledger_entry(application, kind="下达", entry_on=date(2025, 4, 10), amount_yuan=5000 * WAN)
    problem = create_problem(
        {
            "project": project,
            "description": "巴公镇产业园施工用电线路迁改未完成",
            "found_on": today() - timedelta(days=40),
            "deadline_on": today() - timedelta(days=12),
        }
    )
    move_problem(problem, "已交办", effective_on=today() - timedelta(days=39))
    user = make.user("leader", leader=me, username="chengxianzhang")
    db.session.commit()

    browser_login(user)
    page.locator("nav").get_by_role("link", name="包联").click()
    page.get_by_role("link", name="程县长").click()
    page.wait_for_url(f"**/portfolios/leaders/{me.id}?*")
    assert page.get_by_test_id("owner-name").inner_text() == "程县长"
    # The year's counted figures by default; the records of every year under 全部年度.
    page.get_by_test_id("portfolio-period").locator("select").select_option("all")
    page.wait_for_url(f"**/portfolios/leaders/{me.id}?year=all")
    assert page.get_by_test_id("all-years-note").is_visible()

    projects = page.get_by_test_id("owner-projects")
    assert projects.get_by_role("link", name="巴公镇精密铸造产业园").is_visible()
    assert "邵县长的项目" not in page.content()
    deals = page.get_by_test_id("deals-panel")
    assert deals.get_by_text("巴公镇特种合金项目").is_visible()
    assert "别人的招商项目" not in page.content()
    assert page.get_by_text("巴公镇铸造产业园专项债").first.is_visible()

    problems = page.get_by_test_id("owner-problems")
    row = problems.locator("tr", has_text="巴公镇产业园施工用电线路迁改未完成")
    assert row.get_by_text("督办中").is_visible()
    assert row.get_by_test_id("overdue-badge").inner_text() == "超期12天"
    figures = page.get_by_test_id("key-figures").inner_text()
    assert "超期 1 个" in figures and "签约额 5 亿元" in figures and "已下达 5,000 万元" in figures
    screenshot(page, "leader-page")

    # The problem link leads to its page with the flow history.
    row.get_by_role("link").first.click()
    assert "按督办中管理" in page.get_by_test_id("problem-status").inner_text()
    # Another leader's page is hidden from him.
    assert page.goto(f"/portfolios/leaders/{other.id}").status == 404
    assert page.requests_outside == []
