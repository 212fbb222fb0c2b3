"""The investment-promotion workflow in a real browser: investor → deal → negotiation → signing → board, timeline, 我的跟进."""

from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from app.core.dates import today
from app.deals.models import Deal
from app.extensions import db
from tests.e2e.conftest import screenshot

INVESTOR = "太原晋润新材料科技有限公司"
DEAL = "晋润碳纤维复合材料项目"


def test_investor_deal_negotiation_signing(page, browser_login, make, seeded):
    user = make.user("investment", username="touzu_e2e")
    db.session.commit()
    now = today()
    lead_on, held_on, signed_on = now - timedelta(days=40), now - timedelta(days=20), now - timedelta(days=5)
    browser_login(user)

    # 1. An investor: a mistyped credit code is refused, the corrected one saved.
    page.goto("/deals/investors/new")
    page.fill("input[name=name]", INVESTOR)
    page.fill("input[name=credit_code]", "91350100M000100Y44")
    page.select_option("select[name=origin]", "市外")
    page.fill("input[name=contact_name]", "王经理")
    page.click("[data-testid=investor-form] button[type=submit]")
    assert "校验位不正确" in page.locator("[data-testid=investor-form]").inner_text()
    page.fill("input[name=credit_code]", "91350100M000100Y43")
    page.click("[data-testid=investor-form] button[type=submit]")
    page.wait_for_url("**/deals/investors/*")
    assert page.locator("h1").inner_text() == INVESTOR
    assert "王经理" in page.content()

    # 2. A deal for that investor, placed in 巴公镇 through the searchable select.
    page.click("[data-testid=new-deal-for-investor]")
    page.wait_for_url("**/deals/new?investor=*")
    assert page.locator("select[name=investor_id] option:checked").inner_text() == INVESTOR
    page.fill("input[name=name]", DEAL)
    page.fill("input[name=contract_amount_yuan]", "1.2亿")
    page.locator("#township_id").locator("xpath=following-sibling::div[contains(@class,'ts-wrapper')]").click()
    page.keyboard.type("巴公")
    page.locator(".ts-dropdown .option", has_text="巴公镇").first.click()
    page.fill("input[name=lead_on]", lead_on.isoformat())
    page.click("[data-testid=deal-form] button[type=submit]")
    page.wait_for_url("**/deals/*")
    deal = db.session.scalar(sa.select(Deal).where(Deal.name == DEAL))
    assert deal is not None and deal.contract_amount_yuan == 120_000_000 and deal.township.name == "巴公镇"
    assert page.locator("[data-testid=deal-stage]").inner_text().strip() == "线索"

    # 3. A negotiation with a follow-up due today, logged from the deal page.
    page.get_by_role("link", name="记录洽谈").first.click()
    page.fill("input[name=held_on]", held_on.isoformat())
    page.select_option("select[name=kind]", "外出拜访")
    page.fill("input[name=our_participants]", "投促中心、巴公镇")
    page.fill("textarea[name=content]", "赴太原拜访企业总部，商谈厂房选址和分期投资")
    page.fill("input[name=next_step]", "发送园区用地方案")
    page.fill("input[name=next_follow_up_on]", now.isoformat())
    page.click("[data-testid=negotiation-form] button[type=submit]")
    page.wait_for_url(f"**/deals/{deal.id}#negotiations")
    assert "赴太原拜访企业总部" in page.locator("[data-testid=negotiations]").inner_text()

    # 4. Signed with a past date: the date field is named after the stage, a future date is refused.
    page.get_by_role("link", name="变更阶段").click()
    page.select_option("select[name=to_stage]", "已签约")
    expect(page.locator("label[for=effective_on]")).to_have_text("签约日期")  # relabelled by deals.js
    page.fill("input[name=effective_on]", (now + timedelta(days=1)).isoformat())
    page.click("[data-testid=stage-form] button[type=submit]")
    assert "不能晚于今天" in page.locator("[data-testid=stage-form]").inner_text()
    page.fill("input[name=effective_on]", signed_on.isoformat())
    page.fill("textarea[name=note]", "签约仪式，合同编号 ZZ-2025-018")
    page.click("[data-testid=stage-form] button[type=submit]")
    page.wait_for_url(f"**/deals/{deal.id}")
    assert page.locator("[data-testid=deal-stage]").inner_text().strip() == "已签约"
    timeline = page.locator("[data-testid=deal-timeline]").inner_text()
    assert "在谈 → 已签约" in timeline and f"签约日期：{signed_on.isoformat()}" in timeline
    assert "洽谈（外出拜访）" in timeline and "登记为“线索”" in timeline
    assert timeline.index("在谈 → 已签约") < timeline.index("洽谈（外出拜访）")  # newest business date first
    screenshot(page, "deal-detail")
    db.session.refresh(deal)
    assert deal.signed_on == signed_on and deal.negotiating_on == signed_on  # the skipped stage is dated too

    # 5. The board shows it in the 已签约 column with its amount.
    page.goto("/deals/board")
    column = page.locator("[data-testid=kanban-col][data-stage=已签约]")
    assert column.get_by_text(DEAL).is_visible()
    assert column.locator("[data-testid=col-count]").inner_text() == "1"
    assert column.locator("[data-testid=col-amount]").inner_text() == "1.20 亿元"
    assert page.locator("[data-testid=kanban-col][data-stage=线索]").get_by_text(DEAL).count() == 0
    screenshot(page, "deal-board")

    # 6. 我的跟进 on the home page lists the follow-up due today.
    page.goto("/")
    panel = page.locator("[data-testid=my-follow-ups]")
    assert panel.locator("[data-testid=follow-up-today]").is_visible()
    assert panel.locator("ul[data-group=today]").get_by_text(DEAL).is_visible()
    assert "发送园区用地方案" in panel.inner_text()
    screenshot(page, "home-follow-ups")
    panel.get_by_role("button", name="已跟进").click()
    page.wait_for_url("**/")
    assert "本周没有待跟进的洽谈" in page.locator("[data-testid=my-follow-ups]").inner_text()
