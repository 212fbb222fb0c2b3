"""The message after a move reads as a sentence: 问题已销号。 (not 问题已“已销号”。)."""

from datetime import date

from app.extensions import db


def test_move_messages(client, login, make, seeded):
    login(make.user("taskforce"))
    problem = make.problem(found_on=date(2025, 3, 1), unit_id=make.unit("巴公镇").id, deadline_on=date(2025, 4, 1))
    db.session.commit()
    base = f"/problems/{problem.id}"
    page = client.post(
        base + "/move", data={"move-to_status": "已交办", "move-effective_on": "2025-03-02"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "问题已流转至“已交办”。" in page
    page = client.post(
        base + "/move",
        data={"move-to_status": "已销号", "move-effective_on": "2025-03-10", "move-resolution": "已办结"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "问题已销号。" in page and "问题已“已销号”" not in page
