"""Browser: a county ledger with the 终止 reason only in 备注, no 终止日期, and a 10 万亿 slip:
the preview shows the warnings apart, the parsed values, and asks for 我已核对金额 before committing."""

import sqlalchemy as sa

from app.deals.models import Deal
from app.extensions import db
from tests.e2e.conftest import screenshot
from tests.imports.ledgers import ledger

HEADERS = ["项目名称", "投资方", "签约金额（万元）", "当前阶段", "签约日期", "所在乡镇", "备注"]
ROWS = [
    ["算力中心项目", "北辰数据科技有限公司", "2.5亿", "已签约", "2025年3月1日", "巴公", None],
    ["储能电池PACK项目", "晋润储能有限公司", 8000, "终止", "2025/4/15", "南村", "企业资金链断裂，项目终止"],
    ["综合物流园项目", "汇通物流有限公司", 999999999, "已签约", "2025-05-20", "金村", None],
]


def test_preview_warnings_values_and_amount_tick(page, browser_login, make, seeded, tmp_path):
    user = make.user("investment", username="touzu_warn")
    db.session.commit()
    path = tmp_path / "县招商台账.xlsx"
    path.write_bytes(ledger(HEADERS, ROWS))
    browser_login(user)
    page.goto("/imports/")
    page.select_option("select[name=kind]", "deals")
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_url("**/imports/preview/**")
    counts = page.locator("[data-testid=preview-counts]").inner_text()
    assert "错误 0" in counts and "提示 1" in counts and "待核对金额 1" in counts
    terminated = page.locator("tr[data-row='4']").inner_text()
    assert "取自备注：企业资金链断裂，项目终止" in terminated and "日期未填" in terminated
    first = page.locator("tr[data-row='3'] [data-testid=row-values]").inner_text()
    assert "25,000 万元" in first and "2025-03-01" in first and "巴公镇" in first
    screenshot(page, "imports-preview-warnings")

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=commit-button]")  # not ticked: back to the preview, nothing written
    page.wait_for_url("**outcome=confirm**")
    assert "请逐行核对后勾选" in page.locator(".alert-danger").inner_text()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 0
    page.check("input[name=confirm_rows][value='5']")
    page.click("[data-testid=commit-button]")
    page.wait_for_url("**/imports/batches/**")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 3
