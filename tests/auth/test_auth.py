import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from tests.factories import PASSWORD


def test_login_and_logout(client, make):
    user = make.user("taskforce")
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200 and "您好" in home.data.decode()
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_message_in_chinese(client, make):
    user = make.user()
    db.session.commit()
    page = client.post("/login", data={"username": user.username, "password": "wrong"}, follow_redirects=True)
    assert "用户名或密码错误" in page.data.decode()


def test_repeated_failures_lock_the_account(client, make, app):
    user = make.user()
    db.session.commit()
    for _ in range(app.config["LOGIN_LOCK_AFTER"]):
        client.post("/login", data={"username": user.username, "password": "wrong"})
    page = client.post("/login", data={"username": user.username, "password": PASSWORD}).data.decode()
    assert "临时锁定" in page
    assert client.get("/").status_code == 302  # still not logged in


def test_one_address_guessing_many_names_is_slowed_but_locks_nobody_else(client, make, app):
    from app.auth.services import login_state

    user = make.user()
    db.session.commit()
    for index in range(app.config["LOGIN_LOCK_AFTER"] * 4):
        client.post("/login", data={"username": f"guess{index}", "password": "x"})
    assert login_state(app.config, user.username, "127.0.0.1") == (False, True)  # slowed, not locked
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_inactive_user_is_answered_like_a_wrong_password(client, make):
    user = make.user()
    user.active = False
    db.session.commit()
    page = client.post("/login", data={"username": user.username, "password": PASSWORD}).data.decode()
    assert "用户名或密码错误" in page and "停用" not in page
    assert client.get("/").status_code == 302


def test_open_redirect_refused(client, make):
    user = make.user()
    db.session.commit()
    response = client.post("/login?next=//evil.example/x", data={"username": user.username, "password": PASSWORD})
    assert response.location == "/"


def test_security_headers_and_cookie_flags(client, make):
    user = make.user()
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"


def test_csrf_required_when_enabled(app, make):
    user = make.user()
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = app.test_client().post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 400
        assert "令牌" in response.data.decode()
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_admin_creates_user_and_resets_password(client, login, make, seeded):
    admin = make.user("admin")
    db.session.commit()
    login(admin)
    unit_id = db.session.scalar(sa.text("select id from units where name='巴公镇'"))
    response = client.post(
        "/admin/users/new",
        data={
            "username": "bg",
            "role": "unit",
            "unit_id": unit_id,
            "leader_id": 0,
            "password": "Bagong-Orchard-42",
            "active": "y",
        },
    )
    assert response.status_code == 302
    created = db.session.scalar(sa.select(User).where(User.username == "bg"))
    assert created.unit.name == "巴公镇"
    page = client.post(
        "/admin/users/new",
        data={"username": "bad", "role": "unit", "unit_id": 0, "leader_id": 0, "password": "Bagong-Orchard-42"},
    ).data.decode()
    assert "必须指定所属单位" in page
    weak = client.post(
        "/admin/users/new",
        data={"username": "weak", "role": "admin", "unit_id": 0, "leader_id": 0, "password": "short"},
    ).data.decode()
    assert "至少需要12位" in weak
    client.post(f"/admin/users/{created.id}/password", data={"reset-password": "Slate-Meadow-2026"})
    db.session.expire_all()
    assert db.session.get(User, created.id).check_password("Slate-Meadow-2026")


def test_cli_user_create_and_list(runner, seeded):
    result = runner.invoke(
        args=["user", "create", "bg", "--role", "unit", "--unit", "巴公"],
        input="Bagong-Orchard-42\nBagong-Orchard-42\n",
    )
    assert result.exit_code == 0, result.output
    assert "Bagong-Orchard-42" not in result.output  # typed at a hidden prompt, never echoed
    result = runner.invoke(args=["user", "list"])
    assert "bg" in result.output and "巴公镇" in result.output
    bad = runner.invoke(
        args=["user", "create", "x", "--role", "unit", "--unit", "不存在镇", "--password-stdin"],
        input="Bagong-Orchard-42\n",
    )
    assert bad.exit_code != 0 and "不存在" in bad.output
    bad_role = runner.invoke(
        args=["user", "create", "y", "--role", "boss", "--password-stdin"], input="Bagong-Orchard-42\n"
    )
    assert bad_role.exit_code != 0 and "角色" in bad_role.output
    weak = runner.invoke(args=["user", "create", "z", "--role", "admin", "--password-stdin"], input="zezhou2025\n")
    assert weak.exit_code != 0 and "至少需要12位" in weak.output
    on_the_command_line = runner.invoke(args=["user", "create", "w", "--role", "admin", "--password", "x"])
    assert on_the_command_line.exit_code != 0
