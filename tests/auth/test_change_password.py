"""Changing one's own password asks for the new one twice, so a typo cannot lock the user out."""

from app.auth.models import User
from app.extensions import db
from tests.factories import PASSWORD


def test_new_password_must_be_typed_twice_alike(client, login, make):
    user = make.user("taskforce")
    db.session.commit()
    login(user)
    page = client.post(
        "/account/password", data={"current": PASSWORD, "password": "Copper-Fjord-88", "confirm": "Abcdefg124"}
    )
    assert page.status_code == 200 and "两次输入的新密码不一致" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)  # unchanged

    page = client.post("/account/password", data={"current": PASSWORD, "password": "Copper-Fjord-88"})
    assert "请再次输入新密码" in page.get_data(as_text=True)

    done = client.post(
        "/account/password", data={"current": PASSWORD, "password": "Copper-Fjord-88", "confirm": "Copper-Fjord-88"}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("Copper-Fjord-88")


def test_reset_password_hint_is_readable_not_cut_off_in_the_box(client, login, make):
    """The rule used to sit in a narrow box's placeholder and showed as 新密码（至少8位，含字母和数字 …"""
    admin, clerk = make.user("admin"), make.user("investment")
    db.session.commit()
    login(admin)
    page = client.get(f"/admin/users/{clerk.id}").get_data(as_text=True)
    assert (
        '<div class="form-text">至少12位；不能是常见密码，不能包含用户名或县名（泽州）。建议用几个词加数字或符号组成的短语</div>'
        in page
    )
    assert 'placeholder="新密码（' not in page
