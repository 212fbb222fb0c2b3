"""Browser: register a 专项债 application for a project, record a review, an approval and a
disbursement, and watch the channel summary (and the project page) change."""

from datetime import timedelta

from playwright.sync_api import expect

from app.core.dates import today
from app.extensions import db
from tests.e2e.conftest import screenshot

BOND = "地方政府专项债券"


def _summary_row(page) -> dict:
    row = page.locator(f'tr[data-channel="{BOND}"]')
    return {
        key: row.locator(f'[data-key="{key}"]').inner_text().strip()
        for key in ("count", "requested", "decided", "approved-count", "approval-rate", "approved", "disbursed")
    }


def _pick(page, field: str, text: str) -> None:
    """Choose an option in a Tom Select box the way a user does: open, type, Enter."""
    # A box left open by the previous pick can reopen on focus changes and cover this one.
    page.evaluate(
        "document.querySelectorAll('select').forEach(s => s.tomselect && (s.tomselect.close(), s.tomselect.blur()))"
    )
    control = page.locator(f"select[name={field}] + .ts-wrapper .ts-control")
    control.click()
    control.locator("input").fill(text)
    page.locator(f"select[name={field}] + .ts-wrapper .ts-dropdown .option", has_text=text).first.click()
    page.keyboard.press("Escape")
    page.locator("h1").click()  # leave the box, as a user moving on to the next field does
    page.locator(f"select[name={field}] + .ts-wrapper .ts-dropdown").wait_for(state="hidden")


def test_register_bond_application_and_see_summary_change(page, browser_login, make, seeded):
    user = make.user("finance", username="caizheng_e2e")
    project = make.project("城东集中供热管网工程")
    db.session.commit()
    now = today()
    year = now.year
    day = lambda n: (now - timedelta(days=n)).isoformat()  # noqa: E731
    browser_login(user)

    page.goto(f"/funds/summary?year={year}")
    assert _summary_row(page)["count"] == "0" and _summary_row(page)["approved"] == "0"

    # Register the application, linked to the project, declared 20 days ago.
    page.goto("/funds/")
    page.get_by_role("link", name="登记申报").click()
    page.fill("input[name=title]", "城东集中供热管网专项债")
    page.select_option("select[name=channel_id]", label=BOND)
    page.fill("input[name=batch]", f"{year}年第三批")
    page.fill("input[name=requested_yuan]", "5000")
    page.fill("input[name=deadline_on]", day(15))
    page.select_option("select[name=status]", "已申报")
    page.fill("input[name=effective_on]", day(20))
    _pick(page, "applicant_unit_id", "县住房和城乡建设管理局")
    _pick(page, "project_ids", "城东集中供热管网工程")
    expect(page.locator("input[name=requested_yuan]")).to_have_value("5000")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/funds/*")
    assert "已登记" in page.locator(".alert-success").inner_text()
    assert page.locator("[data-testid=linked-projects]").inner_text().strip() == "城东集中供热管网工程"
    assert page.locator("[data-key=requested]").inner_text().startswith("5,000")
    facts = page.locator("[data-testid=facts]").inner_text()
    assert "县住房和城乡建设管理局" in facts and day(15) in facts and day(20) in facts  # 申报截止, 申报日期

    # A provincial review step.
    page.get_by_role("link", name="登记审核").click()
    page.select_option("select[name=level]", "省")
    page.select_option("select[name=decision]", "通过")
    page.fill("input[name=decided_on]", day(10))
    page.fill("textarea[name=opinion]", "符合专项债券支持方向")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/funds/*")
    assert "符合专项债券支持方向" in page.locator("[data-testid=reviews]").inner_text()

    # The approval (下达 4000万元) moves the status to 已下达.
    page.get_by_role("link", name="登记资金").click()
    page.select_option("select[name=kind]", "下达")
    page.fill("input[name=entry_on]", day(5))
    page.fill("input[name=amount_yuan]", "4000")
    page.fill("input[name=note]", "晋财建〔2025〕88号")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/funds/*")
    assert page.locator("[data-testid=status]").first.inner_text() == "已下达"
    assert page.locator("[data-key=approved]").inner_text().startswith("4,000")

    # Disbursing more than approved is refused on the form, nothing saved …
    page.get_by_role("link", name="登记资金").click()
    page.select_option("select[name=kind]", "拨付")
    page.fill("input[name=entry_on]", day(2))
    page.fill("input[name=amount_yuan]", "4500")
    page.get_by_role("button", name="保存").click()
    assert "拨付金额将超过下达金额" in page.locator(".invalid-feedback").first.inner_text()
    # … 3000万元 is accepted and moves the application to 执行中.
    page.fill("input[name=amount_yuan]", "3000")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/funds/*")
    assert page.locator("[data-testid=status]").first.inner_text() == "执行中"
    assert page.locator("[data-key=remaining]").inner_text().startswith("1,000")
    screenshot(page, "funds-detail")

    # The channel summary now counts it.
    page.goto("/funds/")
    page.get_by_role("link", name="分渠道汇总").click()
    page.select_option("select[name=year]", str(year))
    page.get_by_role("button", name="统计").click()
    assert _summary_row(page) == {
        "count": "1",
        "requested": "5,000",
        "decided": "1",
        "approved-count": "1",
        "approval-rate": "100.0%",
        "approved": "4,000",
        "disbursed": "3,000",
    }
    screenshot(page, "funds-summary")
    # As of a date before the approval it was declared but not yet decided.
    page.fill("input[name=as_of]", day(7))
    page.get_by_role("button", name="统计").click()
    before = _summary_row(page)
    assert (before["count"], before["decided"], before["approved"], before["disbursed"]) == ("1", "0", "0", "0")

    # The project page lists the application with its amounts.
    page.goto(f"/projects/{project.id}")
    panel = page.locator("[data-testid=fund-panel]")
    assert "城东集中供热管网专项债" in panel.inner_text()
    assert "4,000" in panel.inner_text() and "3,000" in panel.inner_text()
