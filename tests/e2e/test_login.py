"""Log in through the browser and see the Chinese home page, all assets served locally."""

from app.extensions import db
from tests.e2e.conftest import screenshot


def test_login_shows_chinese_home(page, browser_login, make, seeded):
    user = make.user("taskforce", username="zhuanban")
    db.session.commit()
    page.goto("/")
    assert "/login" in page.url
    assert page.locator("h1").inner_text() == "泽州招商争资 CRM"
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".alert-danger").inner_text().strip().startswith("用户名或密码错误")
    browser_login(user)
    assert "您好" in page.locator("h1").inner_text()
    assert page.locator("nav").get_by_text("首页").is_visible()
    # Bootstrap's stylesheet and the icon font really loaded from the app.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    assert page.evaluate("document.fonts.check('16px bootstrap-icons')")
    screenshot(page, "home")
    assert page.requests_outside == []


def test_logout(page, browser_login, make):
    user = make.user("admin")
    db.session.commit()
    browser_login(user)
    page.click("[data-testid=user-menu]")
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/login")
    assert "已退出" in page.content()
