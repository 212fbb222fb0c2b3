"""Phones (390 px wide): lists become cards, record pages stack, the navigation collapses, nothing scrolls sideways."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.core.dates import today
from app.deals.services import add_negotiation, create_deal, move_deal_to_stage
from app.extensions import db
from app.people.models import Unit
from tests.e2e.conftest import screenshot

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS = "document.scrollingElement.scrollWidth"


@pytest.fixture
def phone_deal(make, seeded):
    user = make.user("investment", username="phone_e2e")
    township = db.session.scalar(sa.select(Unit).where(Unit.name == "巴公镇"))
    deals = []
    for number in range(6):
        deal = create_deal(
            {
                "name": f"晋城高端装备制造产业园第{number + 1}期智能化改造提升项目",
                "contract_amount_yuan": 123_450_000 * (number + 1),
                "township_id": township.id,
                "lead_unit_id": township.id,
            },
            actor=user,
            effective_on=today() - timedelta(days=60),
        )
        move_deal_to_stage(deal, "已签约", effective_on=today() - timedelta(days=30))
        add_negotiation(
            deal,
            {
                "held_on": today() - timedelta(days=20),
                "kind": "来访",
                "content": "洽谈厂房选址、分期投资和用地指标等事项，对方希望尽快落地",
                "next_follow_up_on": today(),
            },
            actor=user,
        )
        deals.append(deal)
    db.session.commit()
    return user, deals[0]


def _phone(page, browser_login, user):
    page.set_viewport_size(PHONE)
    browser_login(user)


def test_deal_list_is_cards_without_sideways_scroll(page, browser_login, phone_deal):
    user, _deal = phone_deal
    _phone(page, browser_login, user)
    page.goto("/deals/")
    cards = page.locator("[data-testid=deal-card]")
    expect(cards.first).to_be_visible()
    first = cards.first.inner_text()
    assert "晋城高端装备制造产业园" in first and "已签约" in first and "巴公镇" in first and "万元" in first
    assert page.evaluate(NO_SIDEWAYS) <= 390
    assert page.evaluate("document.scrollingElement.scrollHeight") < 4000
    expect(page.locator(".navbar-toggler")).to_be_visible()
    expect(page.locator("#mainNav")).to_be_hidden()
    screenshot(page, "phone-deal-list")
    # The filters fold away; one tap opens them, and a set filter keeps them open.
    filters = page.locator("[data-testid=deal-filters]")
    expect(filters).to_be_hidden()
    page.locator("[data-testid=filter-toggle]").click()
    expect(filters).to_be_visible()
    page.locator("#f-owner").check()
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_url("**owner=*")
    expect(page.locator("[data-testid=deal-filters]")).to_be_visible()
    assert page.locator("[data-testid=deal-card]").count() == 6


def test_deal_page_stacks(page, browser_login, phone_deal):
    user, deal = phone_deal
    _phone(page, browser_login, user)
    page.goto(f"/deals/{deal.id}")
    expect(page.locator("[data-testid=deal-timeline]")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS) <= 390
    screenshot(page, "phone-deal-page")


def test_dashboard_stacks(page, browser_login, phone_deal):
    user, _deal = phone_deal
    _phone(page, browser_login, user)
    for url in ("/", "/dashboard"):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate(NO_SIDEWAYS) <= 390, url
    screenshot(page, "phone-dashboard")


def test_log_a_negotiation_on_a_phone(page, browser_login, phone_deal):
    user, deal = phone_deal
    _phone(page, browser_login, user)
    page.goto(f"/deals/{deal.id}/negotiations/new")
    assert page.evaluate(NO_SIDEWAYS) <= 390
    page.select_option("select[name=kind]", "电话视频")
    page.fill("textarea[name=content]", "电话确认签约仪式时间")
    page.click("[data-testid=negotiation-form] button[type=submit]")
    page.wait_for_url(f"**/deals/{deal.id}*")
    expect(page.locator("[data-testid=negotiation]").first).to_contain_text("电话确认签约仪式时间")
    assert page.evaluate(NO_SIDEWAYS) <= 390


def test_fund_and_problem_lists_are_cards(page, browser_login, make, phone_deal):
    _user, deal = phone_deal
    admin = make.user("admin", username="phone_admin")
    make.fund_application("泽州县城区污水管网改造及雨污分流工程（二期）", requested=86_000_000)
    make.problem(deal=deal, description="项目用地指标尚未落实，需自然资源部门协调解决", unit_id=deal.township_id)
    db.session.commit()
    _phone(page, browser_login, admin)
    page.goto("/funds/")
    expect(page.locator("[data-testid=fund-card]").first).to_contain_text("污水管网改造")
    assert page.evaluate(NO_SIDEWAYS) <= 390
    page.goto("/problems/")
    expect(page.locator("[data-testid=problem-card]").first).to_contain_text("用地指标")
    assert page.evaluate(NO_SIDEWAYS) <= 390
    screenshot(page, "phone-problem-list")


def test_record_pages_and_board_fit_a_phone(page, browser_login, make, phone_deal):
    _user, deal = phone_deal
    admin = make.user("admin", username="phone_admin2")
    application = make.fund_application("泽州县城区污水管网改造及雨污分流工程（三期）", requested=86_000_000)
    problem = make.problem(
        deal=deal, description="项目用地指标尚未落实，需自然资源部门协调解决", unit_id=deal.township_id
    )
    db.session.commit()
    _phone(page, browser_login, admin)
    for url in (
        f"/funds/{application.id}",
        f"/problems/{problem.id}",
        "/deals/board",
        f"/deals/{deal.id}/stage",
        "/portfolios/leaders",
    ):
        page.goto(url)
        assert page.evaluate(NO_SIDEWAYS) <= 390, url
