"""批示: leaders and editors write them on deals, applications and problems; the owner sees them unread."""

import sqlalchemy as sa

from app.extensions import db
from app.records.models import Comment


def test_leader_writes_a_comment_and_the_owner_sees_it_unread_once(client, login, make):
    boss = make.leader("王县长")
    owner = make.user("investment")
    deal = make.deal(leader_id=boss.id, owner_id=owner.id)
    leader_user = make.user("leader", leader=boss)
    db.session.commit()
    login(leader_user)
    response = client.post(f"/records/deals/{deal.id}/comments", data={"body": "抓紧推进开工手续"})
    assert response.status_code == 302
    comment = db.session.scalar(sa.select(Comment))
    assert comment.author_id == leader_user.id and comment.read_at is None
    assert "抓紧推进开工手续" in client.get(f"/portfolios/leaders/{boss.id}").get_data(as_text=True)
    client.post("/logout")
    login(owner)
    home = client.get("/").get_data(as_text=True)
    assert "新批示" in home and "抓紧推进开工手续" in home
    first = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'data-testid="unread"' in first
    db.session.refresh(comment)
    assert comment.read_at is not None
    second = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert 'data-testid="unread"' not in second
    assert "新批示" not in client.get("/").get_data(as_text=True)


def test_leader_cannot_comment_outside_his_portfolio(client, login, make):
    deal = make.deal(leader_id=make.leader().id)
    mine = make.leader()
    db.session.commit()
    login(make.user("leader", leader=mine))
    assert client.post(f"/records/deals/{deal.id}/comments", data={"body": "x"}).status_code == 404


def test_finance_reader_cannot_comment_on_a_deal(client, login, make):
    deal = make.deal()
    db.session.commit()
    login(make.user("finance"))
    assert client.post(f"/records/deals/{deal.id}/comments", data={"body": "x"}).status_code == 403


def test_comment_on_a_problem_is_unread_for_its_unit(client, login, make):
    unit = make.unit("巴公镇")
    problem = make.problem(unit_id=unit.id)
    db.session.commit()
    login(make.user("taskforce"))
    client.post(f"/records/problems/{problem.id}/comments", data={"body": "本周内销号"})
    client.post("/logout")
    login(make.user("unit", unit=unit))
    assert "本周内销号" in client.get("/").get_data(as_text=True)


def test_control_characters_never_reach_the_database(client, login, make):
    login(make.user("taskforce"))
    deal = make.deal()
    db.session.commit()
    response = client.post(f"/records/deals/{deal.id}/comments", data={"body": "请\x00尽快\x07处理\n第二行"})
    assert response.status_code == 400 and "控制字符" in response.get_data(as_text=True)  # the input gate
    assert db.session.scalar(sa.select(Comment.body)) is None
    response = client.post(f"/records/deals/{deal.id}/comments", data={"body": "请尽快处理\r\n第二行"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Comment.body)) in ("请尽快处理\n第二行", "请尽快处理\r\n第二行")
