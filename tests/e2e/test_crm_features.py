"""Daily CRM work in a real browser: drag a card on the kanban, attach and open a PDF, a leader's 批示 reaching the owner."""

from datetime import timedelta

from playwright.sync_api import expect

from app.core.dates import today
from app.deals.services import create_deal, move_deal_to_stage
from app.extensions import db
from tests.e2e.conftest import screenshot


def _drag(page, source, target):
    """Drag with the mouse in small steps (SortableJS runs in fallback mode, driven by mouse events)."""
    box, goal = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    x, y = goal["x"] + goal["width"] / 2, goal["y"] + 40
    page.mouse.move(box["x"] + box["width"] / 2 + 10, box["y"] + box["height"] / 2 + 10, steps=5)
    page.mouse.move(x, y, steps=20)
    page.mouse.up()


def test_drag_signed_card_to_started(page, browser_login, make, seeded):
    user = make.user("investment", username="drag_e2e")
    signed_on = today() - timedelta(days=30)
    deal = create_deal(
        {"name": "拖拽测试光伏项目", "contract_amount_yuan": 50_000_000},
        actor=user,
        effective_on=signed_on - timedelta(days=30),
    )
    move_deal_to_stage(deal, "已签约", effective_on=signed_on)
    other = create_deal({"name": "取消拖拽的项目"}, actor=user, effective_on=signed_on)
    move_deal_to_stage(other, "已签约", effective_on=signed_on)
    db.session.commit()
    browser_login(user)
    page.goto("/deals/board")
    signed = page.locator("[data-testid=kanban-col][data-stage='已签约']")
    started = page.locator("[data-testid=kanban-col][data-stage='已开工']")

    # Cancelling the dialog puts the card back.
    _drag(
        page, signed.locator("[data-testid=kanban-card]", has_text="取消拖拽的项目"), started.locator(".kanban-cards")
    )
    dialog = page.locator("[data-testid=stage-dialog]")
    expect(dialog.locator("input[name=effective_on]")).to_be_visible()
    dialog.get_by_role("button", name="取消").last.click()
    expect(dialog).to_be_hidden()
    expect(signed.locator("[data-testid=kanban-card]", has_text="取消拖拽的项目")).to_have_count(1)
    expect(started.locator("[data-testid=kanban-card]")).to_have_count(0)

    # Dropping opens the stage dialog with the target preselected; the date goes in and the card moves.
    _drag(
        page, signed.locator("[data-testid=kanban-card]", has_text="拖拽测试光伏项目"), started.locator(".kanban-cards")
    )
    expect(dialog.locator("select[name=to_stage]")).to_have_value("已开工")
    started_on = today() - timedelta(days=3)
    dialog.locator("input[name=effective_on]").fill(started_on.isoformat())
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(started.locator("[data-testid=kanban-card]", has_text="拖拽测试光伏项目")).to_have_count(1)
    expect(started.locator("[data-testid=col-count]")).to_have_text("1")
    screenshot(page, "kanban-after-drag")

    db.session.expire_all()
    moved = db.session.get(type(deal), deal.id)
    assert moved.stage == "已开工" and moved.started_on == started_on
    page.goto(f"/deals/{deal.id}")
    timeline = page.locator("[data-testid=deal-timeline]")
    expect(timeline.locator("[data-kind=stage]", has_text="已注册 → 已开工")).to_have_count(1)
    assert "开工日期：" + started_on.isoformat() in timeline.inner_text()


def test_drop_with_a_bad_date_shows_the_rule_in_the_dialog(page, browser_login, make, seeded):
    user = make.user("investment", username="drag_bad_e2e")
    signed_on = today() - timedelta(days=10)
    deal = create_deal({"name": "日期校验项目"}, actor=user, effective_on=signed_on - timedelta(days=10))
    move_deal_to_stage(deal, "已签约", effective_on=signed_on)
    db.session.commit()
    browser_login(user)
    page.goto("/deals/board")
    _drag(
        page,
        page.locator("[data-testid=kanban-card]", has_text="日期校验项目"),
        page.locator("[data-testid=kanban-col][data-stage='已开工'] .kanban-cards"),
    )
    dialog = page.locator("[data-testid=stage-dialog]")
    dialog.locator("input[name=effective_on]").fill((signed_on - timedelta(days=5)).isoformat())
    dialog.locator("button[type=submit]").click()
    expect(dialog.locator(".invalid-feedback")).to_contain_text("不能早于")
    db.session.expire_all()
    assert db.session.get(type(deal), deal.id).stage == "已签约"


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def test_attach_a_pdf_to_a_deal_and_open_it(page, browser_login, make, seeded, tmp_path):
    user = make.user("investment", username="attach_e2e")
    deal = create_deal({"name": "附件测试项目"}, actor=user, effective_on=today() - timedelta(days=3))
    db.session.commit()
    pdf = tmp_path / "投资协议.pdf"
    pdf.write_bytes(PDF)
    browser_login(user)
    page.goto(f"/deals/{deal.id}")
    panel = page.locator("[data-testid=attachments]")
    panel.locator("input[type=file]").set_input_files(str(pdf))
    expect(panel.locator(".js-file-name")).to_have_text("投资协议.pdf")
    panel.get_by_role("button", name="上传").click()
    page.wait_for_load_state("load")
    link = page.locator("[data-testid=attachment-link]", has_text="投资协议.pdf")
    expect(link).to_have_count(1)
    expect(page.locator("[data-testid=attachment]")).to_contain_text("attach_e2e")
    screenshot(page, "deal-attachments")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.body() == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    with page.context.expect_page() as opened:
        link.click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert "/records/attachments/" in viewer.url
    viewer.close()


def test_leader_comment_reaches_the_owner(page, browser_login, make, seeded):
    boss = make.leader("赵副县长")
    owner = make.user("investment", username="owner_e2e")
    leader_user = make.user("leader", username="leader_e2e", leader=boss)
    deal = create_deal(
        {"name": "批示测试项目", "leader_id": boss.id}, actor=owner, effective_on=today() - timedelta(days=3)
    )
    db.session.commit()
    browser_login(leader_user)
    page.goto(f"/deals/{deal.id}")
    page.locator("[data-testid=comment-form] textarea").fill("请抓紧落实用地，月底前报进展")
    page.locator("[data-testid=comment-form] button[type=submit]").click()
    expect(page.locator("[data-testid=comment]")).to_contain_text("请抓紧落实用地")
    page.goto(f"/portfolios/leaders/{boss.id}")
    expect(page.locator("[data-testid=leader-comments]")).to_contain_text("请抓紧落实用地")
    page.context.clear_cookies()

    browser_login(owner)
    panel = page.locator("[data-testid=unread-comments]")
    expect(panel).to_contain_text("请抓紧落实用地")
    panel.get_by_role("link", name="批示测试项目").click()
    expect(page.locator("[data-testid=comment] [data-testid=unread]")).to_have_count(1)
    expect(page.locator("[data-testid=deal-timeline] [data-kind=comment]")).to_contain_text("领导批示")
    page.goto("/")
    expect(page.locator("[data-testid=unread-comments]")).to_have_count(0)
