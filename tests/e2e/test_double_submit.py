"""Browser: a double click on 保存 over a slow network stores one ledger entry."""

import time
from datetime import date

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.funds.models import FundLedgerEntry


def _entries() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(FundLedgerEntry))


def test_double_click_on_save_stores_one_ledger_entry(page, browser_login, make, seeded):
    user = make.user("finance", username="caizheng_twice")
    channel = make.channel("中央预算内投资", is_bond=False)
    app_ = make.fund_application(
        "城东污水管网",
        channel_obj=channel,
        requested=50_000_000,
        steps=[("已申报", date(2025, 3, 1)), ("已下达", date(2025, 4, 1))],
        ledger=[("下达", date(2025, 4, 1), 40_000_000)],
    )
    db.session.commit()
    browser_login(user)
    page.goto(f"/funds/{app_.id}/ledger/new")
    page.select_option("select[name=kind]", "拨付")
    page.fill("input[name=entry_on]", "2025-05-01")
    page.fill("input[name=amount_yuan]", "1000")

    posts: list[str] = []

    def slow(route):
        if route.request.method == "POST":
            posts.append(route.request.url)
            time.sleep(1.5)  # a slow county network: the second click comes while the first is under way
        route.continue_()

    sent = page.evaluate("Object.fromEntries(new FormData(document.querySelector('form[data-testid=sub-form]')))")
    page.route("**/ledger/new", slow)
    page.get_by_role("button", name="保存").dblclick()
    page.wait_for_url(f"**/funds/{app_.id}")
    expect(page.locator('[data-key="disbursed"]')).to_contain_text("1,000 万元")
    assert _entries() == 2  # the 下达 and one 拨付
    assert len(posts) == 1  # the second click was not sent: the button was disabled

    # Even a resend that gets past the browser (same form, same token) stores nothing.
    resent = page.request.post(f"/funds/{app_.id}/ledger/new", form=sent)
    assert resent.ok and "该表单已提交过" in resent.text()
    assert _entries() == 2
