"""Browser: upload a deals ledger with one bad row, read the error in the preview, fix the file, upload again, commit."""

import sqlalchemy as sa

from app.deals.models import Deal
from app.extensions import db
from tests.e2e.conftest import screenshot
from tests.imports.ledgers import ledger

HEADERS = ["序号", "项目名称", "投资方", "签约额(亿元)", "当前阶段", "签约日期", "开工日期", "所在乡镇", "责任单位"]


def rows(amount_of_second):
    return [
        [1, "算力中心项目", "北辰数据科技有限公司", 1.2, "已签约", "2025年3月1日", None, "巴公", "投促中心"],
        [2, "综合物流园项目", "汇通物流有限公司", amount_of_second, "开工", "2025/2/1", 45748, "金村", "投促中心"],
    ]


def test_upload_fix_and_commit_a_ledger(page, browser_login, make, seeded, tmp_path):
    user = make.user("investment", username="touzu")
    db.session.commit()
    bad = tmp_path / "招商台账.xlsx"
    bad.write_bytes(
        ledger(HEADERS, rows("两亿"), titles=("泽州县招商引资项目台账", "（2025年）"), total={"项目名称": "合计"})
    )
    browser_login(user)
    page.goto("/imports/")
    page.select_option("select[name=kind]", "deals")
    assert page.locator(".js-file-name").inner_text() == "未选择文件"
    page.set_input_files("input[name=file]", str(bad))
    assert page.locator(".js-file-name").inner_text() == bad.name  # the Chinese picker shows the file chosen
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_url("**/imports/preview/**")
    assert "错误 1" in page.locator("[data-testid=preview-counts]").inner_text()
    error_row = page.locator("tr[data-row='5']")
    assert "错误" in error_row.inner_text()
    detail = error_row.locator("td").nth(3).inner_text()
    assert "D列" in detail and "签约额(亿元)" in detail and "签约金额“两亿”不是数字" in detail
    assert page.get_by_role("button", name="有错误，不能导入").is_disabled()
    screenshot(page, "imports-preview-error")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 0

    fixed = tmp_path / "招商台账-修改后.xlsx"
    fixed.write_bytes(
        ledger(HEADERS, rows("2亿"), titles=("泽州县招商引资项目台账", "（2025年）"), total={"项目名称": "合计"})
    )
    page.get_by_role("link", name="重新上传").click()
    page.wait_for_url("**/imports/")
    page.select_option("select[name=kind]", "deals")
    page.set_input_files("input[name=file]", str(fixed))
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_url("**/imports/preview/**")
    counts = page.locator("[data-testid=preview-counts]").inner_text()
    assert "新建 2" in counts and "错误 0" in counts
    assert "新建" in page.locator("tr[data-row='5']").inner_text()
    screenshot(page, "imports-preview-ok")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=commit-button]")
    page.wait_for_url("**/imports/batches/**")
    assert "导入完成：新建2条" in page.locator(".alert-success").inner_text()
    assert page.locator("[data-testid=batch-status]").inner_text().startswith("已导入")
    screenshot(page, "imports-batch")

    db.session.expire_all()
    deals = {d.name: d for d in db.session.scalars(sa.select(Deal))}
    assert deals["综合物流园项目"].contract_amount_yuan == 200_000_000
    assert deals["综合物流园项目"].stage == "已开工" and deals["算力中心项目"].stage == "已签约"
