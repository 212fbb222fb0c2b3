def test_404_page_in_chinese(client, login, make):
    from app.extensions import db

    user = make.user()
    db.session.commit()
    login(user)
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "页面不存在" in page.data.decode()


def test_production_refuses_without_secrets(monkeypatch):
    import pytest

    from app import create_app
    from config import ProductionConfig

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_weak_secret_keys_refused_outside_testing():
    import secrets

    import pytest

    from app import create_app
    from config import DevelopmentConfig

    for weak in (None, "", "dev-only-not-secret", "x", "a" * 64, "short-but-random-9f3a"):

        class Weak(DevelopmentConfig):
            SECRET_KEY = weak
            SQLALCHEMY_DATABASE_URI = "sqlite://"

        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app(Weak)

    class Strong(DevelopmentConfig):
        SECRET_KEY = secrets.token_hex(32)
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    assert create_app(Strong).config["SECRET_KEY"] == Strong.SECRET_KEY


def test_forged_dev_cookie_refused(app, client, make):
    """A session cookie signed with the old public development key opens nothing."""
    from flask import g
    from flask.sessions import SecureCookieSessionInterface

    from app.extensions import db

    admin = make.user("admin")
    db.session.commit()
    claims = {
        "_user_id": str(admin.id),
        "_fresh": True,
        "_sv": admin.session_version,
        "_seen": int(__import__("time").time()),
    }

    class DevKeyApp:
        secret_key = "dev-only-not-secret"
        config = app.config

    serializer = SecureCookieSessionInterface().get_signing_serializer(DevKeyApp)
    forged = serializer.dumps(claims)
    client.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), forged)
    response = client.get("/admin/users")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # The control: the same cookie signed with the app's own key is accepted, so the key is what refuses it.
    genuine = SecureCookieSessionInterface().get_signing_serializer(app)
    g.pop("_login_user", None)  # the test's app context (and its g) outlives each request
    control = app.test_client()
    control.set_cookie(app.config.get("SESSION_COOKIE_NAME", "session"), genuine.dumps(claims))
    assert control.get("/admin/users").status_code == 200
