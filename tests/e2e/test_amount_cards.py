"""Browser: the amount cards of a fund application hold 10亿-scale amounts without clipping them."""

from datetime import date

from app.extensions import db
from tests.e2e.conftest import screenshot

YI = 100_000_000


def test_large_amounts_fit_their_cards(page, browser_login, make, seeded):
    user = make.user("finance", username="caizheng_cards")
    make.fund_application(
        "城区集中供热专项债",
        requested=12 * YI + 50_000_000,
        start_on=date(2025, 2, 1),
        steps=[("已申报", date(2025, 2, 10))],
        ledger=[
            ("下达", date(2025, 3, 1), 12 * YI + 20_000_000),
            ("发行", date(2025, 3, 2), 12 * YI + 20_000_000),
            ("拨付", date(2025, 3, 5), 11 * YI + 30_000_000),
            ("支出", date(2025, 3, 9), 3 * YI),
        ],
    )
    db.session.commit()
    browser_login(user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/funds/")
    page.get_by_role("link", name="城区集中供热专项债").click()
    cards = page.locator("[data-testid=amounts] .amount-card")
    cards.first.wait_for()  # count() does not wait for the navigation the click started
    assert cards.count() == 6
    assert page.locator('[data-key="requested"]').inner_text().startswith("125,000")
    clipped = page.eval_on_selector_all(
        "[data-testid=amounts] .amount-card .card-body > div",
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)",
    )
    screenshot(page, "funds-amount-cards")
    assert clipped == []
