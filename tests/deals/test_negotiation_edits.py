"""Negotiations: edited by the deal's editors (old text kept), deleted with a reason, follow-ups closed with a note and undone."""

from datetime import timedelta

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.dates import today
from app.deals import queries
from app.deals.services import add_negotiation
from app.extensions import db


def _setup(make, role="investment"):
    user = make.user(role)
    deal = make.deal()
    negotiation = add_negotiation(
        deal,
        {
            "held_on": today() - timedelta(days=3),
            "kind": "来访",
            "content": "初次接洽，介绍园区政策",
            "next_follow_up_on": today(),
        },
        actor=user,
    )
    db.session.commit()
    return user, deal, negotiation


def _form(**overrides):
    data = {
        "held_on": (today() - timedelta(days=3)).isoformat(),
        "kind": "来访",
        "content": "初次接洽，介绍园区政策",
        "next_follow_up_on": today().isoformat(),
    }
    data.update(overrides)
    return data


def test_edit_keeps_the_old_text_in_the_timeline(client, login, make):
    user, deal, negotiation = _setup(make)
    login(user)
    response = client.post(
        f"/deals/negotiations/{negotiation.id}/edit", data=_form(content="初次接洽，对方关注用地指标")
    )
    assert response.status_code == 302
    db.session.refresh(negotiation)
    assert negotiation.content == "初次接洽，对方关注用地指标"
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.entity == "negotiations", AuditEntry.field == "content")
    )
    assert entry.old_value == "初次接洽，介绍园区政策" and entry.user_id == user.id
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "初次接洽，介绍园区政策 → 初次接洽，对方关注用地指标" in page


def test_edit_refuses_bad_input_with_a_message(client, login, make):
    user, _deal, negotiation = _setup(make)
    login(user)
    page = client.post(
        f"/deals/negotiations/{negotiation.id}/edit",
        data=_form(next_follow_up_on=(today() - timedelta(days=10)).isoformat()),
    ).get_data(as_text=True)
    assert "下次跟进日期不能早于洽谈日期" in page


def test_delete_needs_a_reason_and_drops_the_follow_up(client, login, make):
    user, deal, negotiation = _setup(make)
    login(user)
    client.post(f"/deals/negotiations/{negotiation.id}/delete", data={"reason": ""})
    db.session.refresh(negotiation)
    assert negotiation.deleted_at is None
    client.post(f"/deals/negotiations/{negotiation.id}/delete", data={"reason": "记错项目"})
    db.session.refresh(negotiation)
    assert negotiation.deleted_at is not None and negotiation.delete_reason == "记错项目"
    assert queries.follow_ups(user, today()).counts["today"] == 0
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "（已删除）" in page and "删除原因：记错项目" in page
    assert 'data-testid="negotiation"' not in page


def test_close_with_note_then_undo(client, login, make):
    user, deal, negotiation = _setup(make)
    login(user)
    client.post(f"/deals/negotiations/{negotiation.id}/done", data={"note": "电话确认下周来访"})
    db.session.refresh(negotiation)
    assert negotiation.follow_up_done and negotiation.follow_up_note == "电话确认下周来访"
    assert queries.follow_ups(user, today()).counts["today"] == 0
    client.post(f"/deals/negotiations/{negotiation.id}/undo")
    db.session.refresh(negotiation)
    assert not negotiation.follow_up_done and negotiation.follow_up_note is None
    assert queries.follow_ups(user, today()).counts["today"] == 1
    notes = db.session.scalars(
        sa.select(AuditEntry.old_value).where(AuditEntry.entity == "negotiations", AuditEntry.field == "follow_up_note")
    ).all()
    assert "电话确认下周来访" in notes


def test_other_unit_cannot_edit(client, login, make):
    _user, _deal, negotiation = _setup(make)
    login(make.user("unit", unit=make.unit("大阳镇")))
    db.session.commit()
    assert client.post(f"/deals/negotiations/{negotiation.id}/edit", data=_form(content="x")).status_code == 404
    assert client.post(f"/deals/negotiations/{negotiation.id}/delete", data={"reason": "x"}).status_code == 404
