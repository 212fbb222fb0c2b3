"""A session ends everywhere on logout, password change, admin reset and deactivation, and when idle."""

import time

import pytest
from flask import g

from app.extensions import db
from tests.concurrent import signed_in_client
from tests.factories import PASSWORD

NEW_PASSWORD = "Qx7-Lantern-Harbor"


@pytest.fixture
def officer(make, seeded):
    user = make.user("investment")
    db.session.commit()
    return user


def _opens(client) -> bool:
    g.pop("_login_user", None)  # the test's app context (and its g) outlives each request
    return client.get("/deals/").status_code == 200


def _copy(app, client):
    """A second browser holding a saved copy of this session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def test_logout_ends_saved_copies_of_the_cookie(app, officer):
    browser = signed_in_client(app, officer.username)
    saved = _copy(app, browser)
    other_device = signed_in_client(app, officer.username)
    assert _opens(saved) and _opens(other_device)
    g.pop("_login_user", None)
    browser.post("/logout")
    assert not _opens(saved)
    assert not _opens(other_device)
    assert not _opens(browser)


def test_password_change_ends_other_sessions_but_keeps_this_one(app, officer):
    browser = signed_in_client(app, officer.username)
    other = signed_in_client(app, officer.username)
    g.pop("_login_user", None)
    response = browser.post(
        "/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.data.decode()[:500]
    assert _opens(browser)
    assert not _opens(other)


def test_admin_reset_and_deactivation_end_the_users_sessions(app, make, officer):
    admin = make.user("admin")
    db.session.commit()
    victim = signed_in_client(app, officer.username)
    console = signed_in_client(app, admin.username)
    g.pop("_login_user", None)
    assert console.post(f"/admin/users/{officer.id}/password", data={"reset-password": NEW_PASSWORD}).status_code == 302
    assert not _opens(victim)

    victim = signed_in_client(app, officer.username, password=NEW_PASSWORD)
    assert _opens(victim)
    from app.auth.services import update_user

    update_user(officer, role=officer.role, unit=None, leader=None, display_name=None, active=False)
    db.session.commit()
    assert not _opens(victim)


def test_idle_sessions_end_after_the_configured_minutes(app, officer, monkeypatch):
    browser = signed_in_client(app, officer.username)
    assert _opens(browser)
    later = time.time() + app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    monkeypatch.setattr("app.auth.sessions.time.time", lambda: later)
    assert not _opens(browser)
