"""Owner (承办人): default the creator, changeable by editors (audited), 我的跟进 and 我负责的 are the owner's own."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.dates import today
from app.deals import queries
from app.deals.services import add_negotiation, create_deal
from app.extensions import db


def _follow_up(deal, due):
    add_negotiation(
        deal, {"held_on": today() - timedelta(days=5), "kind": "来访", "content": "初次接洽", "next_follow_up_on": due}
    )


def test_creator_becomes_owner_through_the_form(client, login, make, seeded):
    user = login(make.user("investment"))
    db.session.commit()
    client.post(
        "/deals/new",
        data={
            "name": "光伏组件项目",
            "lead_on": "2025-03-01",
            "is_counted": "y",
            "investor_id": 0,
            "industry_id": 0,
            "lead_unit_id": 0,
            "township_id": 0,
            "leader_id": 0,
            "confirm_duplicate": "y",
        },
    )
    deal = db.session.scalar(sa.select(queries.Deal).where(queries.Deal.name == "光伏组件项目"))
    assert deal is not None and deal.owner_id == user.id


def test_follow_ups_are_the_owners_own_and_the_unit_account_sees_its_units(make):
    unit = make.unit("巴公镇")
    alice, bob = make.user("investment"), make.user("investment")
    township = make.user("unit", unit=unit)
    boss = make.user("taskforce")
    mine = create_deal({"name": "甲项目", "lead_unit_id": unit.id}, actor=alice)
    theirs = create_deal({"name": "乙项目", "lead_unit_id": unit.id}, actor=bob)
    unowned = create_deal({"name": "丙项目", "lead_unit_id": unit.id})
    for deal in (mine, theirs, unowned):
        _follow_up(deal, today())
    db.session.commit()

    def names(user):
        return sorted(n.deal.name for n in queries.follow_ups(user, today()).today)

    assert names(alice) == ["丙项目", "甲项目"]
    assert names(bob) == ["丙项目", "乙项目"]
    assert names(township) == ["丙项目", "乙项目", "甲项目"]
    assert names(boss) == ["丙项目", "乙项目", "甲项目"]


def test_owner_change_by_unit_editor_is_audited_and_limited_to_the_unit(client, login, make):
    unit, other = make.unit("巴公镇"), make.unit("大阳镇")
    first, second = make.user("unit", unit=unit), make.user("unit", unit=unit)
    outsider = make.user("unit", unit=other)
    deal = create_deal({"name": "丁项目", "lead_unit_id": unit.id}, actor=first)
    db.session.commit()
    login(first)
    client.post(f"/records/deals/{deal.id}/owner", data={"owner_id": outsider.id})
    db.session.refresh(deal)
    assert deal.owner_id == first.id
    client.post(f"/records/deals/{deal.id}/owner", data={"owner_id": second.id})
    db.session.refresh(deal)
    assert deal.owner_id == second.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.entity == "deals", AuditEntry.field == "owner_id"))
    assert (entry.old_value, entry.new_value, entry.user_id) == (str(first.id), str(second.id), first.id)
    assert "承办人" in client.get(f"/deals/{deal.id}").get_data(as_text=True)


def test_mine_filter_in_the_deal_list(client, login, make):
    alice, bob = make.user("investment"), make.user("investment")
    create_deal({"name": "我的项目"}, actor=alice, effective_on=date(2025, 1, 5))
    create_deal({"name": "别人的项目"}, actor=bob, effective_on=date(2025, 1, 5))
    db.session.commit()
    login(alice)
    page = client.get(f"/deals/?owner={alice.id}").get_data(as_text=True)
    assert "我的项目" in page and "别人的项目" not in page
    assert "我负责的" in page


def test_application_owner_defaults_to_creator(make):
    from app.funds.services import create_application

    user = make.user("finance")
    app_ = create_application({"title": "污水管网改造", "channel": make.channel(), "year": 2025}, actor=user)
    assert app_.owner_id == user.id


def test_follow_up_counts_link_to_the_same_rows(client, login, make):
    alice, bob = make.user("investment"), make.user("investment")
    for name, actor in (("甲项目", alice), ("乙项目", bob), ("丙项目", None)):
        deal = create_deal({"name": name}, actor=actor, effective_on=today() - timedelta(days=9))
        _follow_up(deal, today())
    db.session.commit()
    login(alice)
    home = client.get("/").get_data(as_text=True)
    assert f"owner={alice.id}&amp;unowned=1" in home
    page = client.get(f"/deals/?follow=today&owner={alice.id}&unowned=1").get_data(as_text=True)
    assert "甲项目" in page and "丙项目" in page and "乙项目" not in page


def test_mine_filter_in_the_fund_list(client, login, make):
    from app.funds.services import create_application

    alice, bob = make.user("finance"), make.user("finance")
    create_application({"title": "我的申报", "channel": make.channel(), "year": 2025}, actor=alice)
    create_application({"title": "别人的申报", "channel": make.channel(), "year": 2025}, actor=bob)
    db.session.commit()
    login(alice)
    page = client.get(f"/funds/?owner={alice.id}").get_data(as_text=True)
    assert "我的申报" in page and "别人的申报" not in page
