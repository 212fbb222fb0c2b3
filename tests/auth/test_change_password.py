"""Changing one's own password asks for the new one twice, so a typo cannot lock the user out."""

from app.auth.models import User
from app.extensions import db
from tests.factories import PASSWORD


def test_new_password_must_be_typed_twice_alike(client, login, make):
    user = make.user("taskforce")
    db.session.commit()
    login(user)
    page = client.post("/account/password", data={"current": PASSWORD, "password": "Abcdefg123",
                                                  "confirm": "Abcdefg124"})
    assert page.status_code == 200 and "两次输入的新密码不一致" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)  # unchanged

    page = client.post("/account/password", data={"current": PASSWORD, "password": "Abcdefg123"})
    assert "请再次输入新密码" in page.get_data(as_text=True)

    done = client.post("/account/password", data={"current": PASSWORD, "password": "Abcdefg123",
                                                  "confirm": "Abcdefg123"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("Abcdefg123")
