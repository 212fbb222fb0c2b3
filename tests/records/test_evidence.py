"""Stage changes, 销号 and ledger entries accept files as evidence; 变更阶段 preselects the next stage."""

import io
from datetime import date

import sqlalchemy as sa

from app.core.dates import today
from app.extensions import db
from app.records.models import Attachment

PDF = b"%PDF-1.4\n%%EOF\n"


def test_stage_form_preselects_the_next_stage(client, login, make):
    login(make.user("admin"))
    deal = make.deal(stage="已签约")
    held = make.deal(stage="在谈")
    db.session.commit()
    page = client.get(f"/deals/{deal.id}/stage").get_data(as_text=True)
    assert '<option selected value="已注册">' in page or 'value="已注册" selected' in page
    from app.deals.services import move_deal_to_stage

    move_deal_to_stage(held, "暂缓", effective_on=date(2025, 4, 1))
    db.session.commit()
    page = client.get(f"/deals/{held.id}/stage").get_data(as_text=True)
    assert '<option selected value="在谈">' in page or 'value="在谈" selected' in page


def test_stage_move_with_evidence_file(client, login, make):
    login(make.user("admin"))
    deal = make.deal(stage="已签约")
    db.session.commit()
    response = client.post(
        f"/deals/{deal.id}/stage",
        content_type="multipart/form-data",
        data={"to_stage": "已注册", "effective_on": "2025-04-01", "files": (io.BytesIO(PDF), "营业执照.pdf")},
    )
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment.record_type == "deal_stage_changes" and attachment.filename == "营业执照.pdf"
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "营业执照.pdf" in page and "阶段变更 已签约 → 已注册" in page


def test_stage_move_with_a_refused_file_moves_nothing(client, login, make):
    login(make.user("admin"))
    deal = make.deal(stage="已签约")
    db.session.commit()
    page = client.post(
        f"/deals/{deal.id}/stage",
        content_type="multipart/form-data",
        data={"to_stage": "已注册", "effective_on": "2025-04-01", "files": (io.BytesIO(b"MZ\x90\x00"), "开工令.pdf")},
    )
    assert page.status_code == 200 and "不是允许的类型" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(deal), deal.id).stage == "已签约"


def test_problem_closed_with_evidence(client, login, make):
    login(make.user("admin"))
    problem = make.problem(unit_id=make.unit("巴公镇").id, deadline_on=date(2025, 6, 30))
    db.session.commit()
    first = client.post(
        f"/problems/{problem.id}/move", data={"move-to_status": "已交办", "move-effective_on": today().isoformat()}
    )
    assert first.status_code == 302
    response = client.post(
        f"/problems/{problem.id}/move",
        content_type="multipart/form-data",
        data={
            "move-to_status": "已销号",
            "move-effective_on": today().isoformat(),
            "move-resolution": "已协调解决",
            "move-files": (io.BytesIO(PDF), "销号佐证.pdf"),
        },
    )
    assert response.status_code == 302
    attachment = db.session.scalar(sa.select(Attachment))
    assert attachment is not None and attachment.record_type == "problem_status_changes"
    assert "销号佐证.pdf" in client.get(f"/problems/{problem.id}").get_data(as_text=True)


def test_comment_shows_in_the_deal_timeline(client, login, make):
    login(make.user("taskforce"))
    deal = make.deal()
    db.session.commit()
    client.post(f"/records/deals/{deal.id}/comments", data={"body": "请本月内完成签约"})
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'data-kind="comment"' in page and "请本月内完成签约" in page
