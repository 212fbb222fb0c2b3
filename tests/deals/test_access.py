"""Scoping and permissions on the deals pages: unit users stay in their unit, leaders and finance only read."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.deals.models import Deal, DealStageChange, FundsInPlace, Negotiation
from app.deals.services import add_funds_in_place, add_negotiation, create_investor
from app.extensions import db

D = date


@pytest.fixture
def world(make):
    mine, other = make.unit("甲镇"), make.unit("乙镇")
    boss, other_boss = make.leader("甲领导"), make.leader("乙领导")
    own = make.deal("甲镇项目", stage="已签约", township=mine, lead_unit=mine, leader=boss, amount=100_000_000)
    co = make.deal("协同项目", stage="在谈", township=other, lead_unit=other, leader=other_boss, amount=20_000_000)
    co.co_units.append(mine)
    theirs = make.deal(
        "乙镇项目", stage="已签约", township=other, lead_unit=other, leader=other_boss, amount=70_000_000
    )
    negotiation = add_negotiation(
        theirs, {"held_on": D(2025, 3, 5), "kind": "来访", "content": "考察", "next_follow_up_on": D(2025, 3, 20)}
    )
    funds = add_funds_in_place(theirs, received_on=D(2025, 4, 1), amount_yuan=5_000_000)
    users = {
        "unit": make.user("unit", unit=mine),
        "leader": make.user("leader", leader=boss),
        "finance": make.user("finance"),
        "investment": make.user("investment"),
    }
    db.session.commit()
    return {
        "mine": mine,
        "other": other,
        "own": own,
        "co": co,
        "theirs": theirs,
        "negotiation": negotiation,
        "funds": funds,
        "boss": boss,
        **users,
    }


def change_requests(w):
    """Every POST that changes a deal, aimed at the other unit's deal."""
    deal = w["theirs"]
    signed_row = next(c for c in deal.stage_changes if c.to_stage == "已签约")
    return [
        (f"/deals/{deal.id}/edit", {"name": "改名", "is_counted": "y"}),
        (f"/deals/{deal.id}/stage", {"to_stage": "已开工", "effective_on": "2025-05-01"}),
        (f"/deals/{deal.id}/stage-changes/{signed_row.id}/correct", {"effective_on": "2025-03-02", "note": "x"}),
        (f"/deals/{deal.id}/negotiations/new", {"held_on": "2025-04-01", "kind": "来访", "content": "x"}),
        (f"/deals/{deal.id}/funds/new", {"received_on": "2025-04-02", "amount_yuan": "10", "kind": "固定资产"}),
        (f"/deals/funds/{w['funds'].id}/delete", {}),
        (f"/deals/negotiations/{w['negotiation'].id}/done", {}),
        (f"/deals/{deal.id}/project", {"project_id": "0"}),
        (f"/deals/{deal.id}/project/new", {"name": "x", "plan_year": "2025"}),
    ]


def snapshot():
    return (
        db.session.execute(sa.select(Deal.id, Deal.name, Deal.stage, Deal.project_id).order_by(Deal.id)).all(),
        db.session.execute(
            sa.select(DealStageChange.id, DealStageChange.effective_on).order_by(DealStageChange.id)
        ).all(),
        db.session.execute(sa.select(Negotiation.id, Negotiation.follow_up_done)).all(),
        db.session.execute(sa.select(FundsInPlace.id)).all(),
    )


def test_unit_user_lists_only_their_unit(client, login, world):
    login(world["unit"])
    body = client.get("/deals/").get_data(as_text=True)
    assert "甲镇项目" in body and "协同项目" in body and "乙镇项目" not in body
    board = client.get("/deals/board").get_data(as_text=True)
    assert "乙镇项目" not in board and "甲镇项目" in board
    export = client.get("/deals/export.xlsx")
    import io

    import openpyxl

    names = [
        row[0] for row in openpyxl.load_workbook(io.BytesIO(export.data)).active.iter_rows(min_row=3, values_only=True)
    ]
    assert names == ["协同项目", "甲镇项目", "合计"] or sorted(names[:-1]) == ["协同项目", "甲镇项目"]


def test_unit_user_cannot_read_another_units_deal_by_url(client, login, world):
    login(world["unit"])
    theirs = world["theirs"]
    assert client.get(f"/deals/{world['own'].id}").status_code == 200
    assert client.get(f"/deals/{world['co'].id}").status_code == 200
    for url in (
        f"/deals/{theirs.id}",
        f"/deals/{theirs.id}/edit",
        f"/deals/{theirs.id}/stage",
        f"/deals/{theirs.id}/negotiations/new",
        f"/deals/{theirs.id}/funds/new",
    ):
        assert client.get(url).status_code == 404, url


def test_unit_user_cannot_change_another_units_deal(client, login, world):
    login(world["unit"])
    before = snapshot()
    for url, data in change_requests(world):
        assert client.post(url, data=data).status_code in (403, 404), url
    assert snapshot() == before


def test_unit_user_must_keep_their_unit_on_a_deal(client, login, world):
    login(world["unit"])
    data = {
        "name": "外单位项目",
        "investor_id": "0",
        "industry_id": "0",
        "lead_unit_id": str(world["other"].id),
        "township_id": str(world["other"].id),
        "leader_id": "0",
        "is_counted": "y",
        "lead_on": "2025-03-01",
    }
    response = client.post("/deals/new", data=data)
    assert (
        response.status_code == 200
        and "本单位（甲镇）须为招商责任单位、所在乡镇或协同单位之一" in response.get_data(as_text=True)
    )
    assert db.session.scalar(sa.select(Deal).where(Deal.name == "外单位项目")) is None
    response = client.post("/deals/new", data={**data, "co_unit_ids": [str(world["mine"].id)]})
    assert response.status_code == 302
    page = client.get("/deals/new").get_data(as_text=True)
    assert f'<option selected value="{world["mine"].id}">甲镇</option>' in page  # defaults to the own unit


def test_leader_sees_own_deals_read_only(client, login, world):
    login(world["leader"])
    body = client.get("/deals/").get_data(as_text=True)
    assert "甲镇项目" in body and "乙镇项目" not in body and "协同项目" not in body
    page = client.get(f"/deals/{world['own'].id}")
    assert page.status_code == 200
    assert "变更阶段" not in page.get_data(as_text=True) and "登记招商项目" not in body
    assert client.get(f"/deals/{world['theirs'].id}").status_code == 404


def test_leader_cannot_post_any_change(client, login, world):
    login(world["leader"])
    before = snapshot()
    own = world["own"]
    own_requests = [
        (url.replace(f"/deals/{world['theirs'].id}/", f"/deals/{own.id}/"), data)
        for url, data in change_requests(world)
    ]
    for url, data in (
        change_requests(world) + own_requests + [("/deals/new", {"name": "x"}), ("/deals/investors/new", {"name": "x"})]
    ):
        assert client.post(url, data=data).status_code == 403, url
    assert client.get("/deals/new").status_code == 403
    assert snapshot() == before


def test_finance_reads_but_cannot_edit(client, login, world):
    login(world["finance"])
    assert client.get(f"/deals/{world['theirs'].id}").status_code == 200
    assert "乙镇项目" in client.get("/deals/").get_data(as_text=True)
    assert client.get("/deals/export.xlsx").status_code == 200
    before = snapshot()
    for url, data in change_requests(world):
        assert client.post(url, data=data).status_code == 403, url
    assert client.get("/deals/new").status_code == 403
    assert client.get(f"/deals/{world['own'].id}/stage").status_code == 403
    assert snapshot() == before
    page = client.get(f"/deals/{world['own'].id}").get_data(as_text=True)
    assert "记录洽谈" not in page and "更正日期" not in page


def test_investment_center_edits_any_deal(client, login, world):
    login(world["investment"])
    for url, data in change_requests(world)[:2]:
        assert client.post(url, data=data).status_code == 302, url


def test_unit_user_and_shared_investors(client, login, world):
    """Investors are shared: a unit user sees them all, but edits only those whose deals are all in scope."""
    shared = create_investor({"name": "多地投资集团"})
    world["theirs"].investor = shared
    own_only = create_investor({"name": "本镇企业"})
    world["own"].investor = own_only
    db.session.commit()
    login(world["unit"])
    assert "多地投资集团" in client.get("/deals/investors/").get_data(as_text=True)
    page = client.get(f"/deals/investors/{shared.id}").get_data(as_text=True)
    assert "乙镇项目" not in page and "另有 1 个其他单位的项目" in page
    assert client.get(f"/deals/investors/{shared.id}/edit").status_code == 403
    assert client.post(f"/deals/investors/{shared.id}/contacts", data={"contact-name": "x"}).status_code == 403
    assert client.get(f"/deals/investors/{own_only.id}/edit").status_code == 200
