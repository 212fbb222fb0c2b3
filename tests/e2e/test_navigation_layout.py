"""Browser: on common office screens (1200–1440px) the menu stays on one line, labels unbroken."""

import pytest

from app.extensions import db
from tests.e2e.conftest import screenshot


@pytest.mark.parametrize("width", [1200, 1280, 1366, 1440])
def test_menu_fits_one_line_for_the_longest_menu(page, browser_login, make, width):
    admin = make.user("admin", username="admin_nav")
    admin.display_name = "系统管理员"
    db.session.commit()
    browser_login(admin)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/deals/")
    link_heights = page.eval_on_selector_all(
        "nav.app-navbar .navbar-nav > .nav-item > .nav-link", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert len(link_heights) >= 10 and max(link_heights) < 50, link_heights  # one text line each
    assert page.eval_on_selector("nav.app-navbar", "e => e.offsetHeight") < 70
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    screenshot(page, f"navigation-{width}")
