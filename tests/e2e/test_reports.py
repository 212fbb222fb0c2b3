"""Browser: the task force picks a month, downloads the report, issues it and sees later changes."""

from datetime import date
from pathlib import Path

from app.extensions import db
from tests.e2e.conftest import screenshot
from tests.reports.conftest import county, pdf_text, pinned_today, squeeze  # noqa: F401 - fixtures


def test_pick_download_issue_and_compare(page, browser_login, make, county):  # noqa: F811
    user = make.user("taskforce", username="zhuanban_report")
    db.session.commit()
    browser_login(user)
    page.goto("/reports/")
    page.fill("input[name=month]", "2025-06")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**/reports/?month=2025-06")
    assert "3.50" in page.locator("[data-testid=signed-amount]").inner_text()

    with page.expect_download() as download_info:
        page.click("[data-testid=live-pdf]")
    download = download_info.value
    assert download.suggested_filename == "泽州县招商引资月度转化率报告_2025-06.pdf"
    assert "3.50亿元（3个项目）" in squeeze(pdf_text(Path(download.path()).read_bytes()))

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=issue-button]")
    page.wait_for_selector("text=第1版已发布")
    assert page.locator("[data-testid=versions]").get_by_text("现行").is_visible()
    with page.expect_download() as download_info:
        page.click("[data-testid=issued-xlsx-1]")
    assert download_info.value.suggested_filename == "泽州县招商引资月度转化率报告_2025-06_第1版.xlsx"

    from app.deals.services import correct_stage_date

    signing = next(c for c in county["deals"]["乙"].stage_changes if c.to_stage == "已签约")
    correct_stage_date(signing, date(2025, 7, 2), note="合同实际签订日期为7月2日")
    db.session.commit()

    page.reload()
    differences = page.locator("[data-testid=differences]")
    assert "发布后数据有变动" in differences.inner_text()
    assert differences.get_by_text("招商签约 · 签约额", exact=True).is_visible()
    assert "乙·储能电池项目" in page.locator("[data-testid=changes-since]").inner_text()
    page.fill("textarea[name=note]", "乙项目签约日期更正为7月2日")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=issue-button]")
    page.wait_for_selector("text=第2版已发布")
    assert page.locator("[data-testid=versions]").get_by_text("已被更正").is_visible()
    assert "当前数据与已发布的第2版一致" in page.locator("[data-testid=differences]").inner_text()
    screenshot(page, "reports-issued")
