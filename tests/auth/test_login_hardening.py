"""Login under attack: a burst counted exactly, addresses through trusted proxies, no account enumeration."""

import threading
from urllib.parse import unquote

import pytest
from flask import g

from app import create_app
from app.auth import services
from app.auth.passwords import check_password_rule
from app.core.errors import InputError
from app.extensions import db
from tests.factories import PASSWORD


def _burst(app, data_list, headers=None):
    """POST /login for every data dict at once, each from a fresh client; returns the flashed messages."""
    barrier = threading.Barrier(len(data_list))
    results = [None] * len(data_list)

    def run(index):
        client = app.test_client()
        barrier.wait()
        response = client.post("/login", data=data_list[index], headers=headers or {})
        results[index] = response.data.decode() if response.status_code == 200 else "→ signed in"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(data_list))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_burst_of_61_parallel_guesses_gets_no_more_than_the_limit_evaluated(app, make):
    user = make.user("admin")
    db.session.commit()
    results = _burst(app, [{"username": user.username, "password": f"guess-{i}"} for i in range(61)])
    evaluated = sum("用户名或密码错误" in page for page in results)
    locked = sum("临时锁定" in page for page in results)
    assert evaluated == app.config["LOGIN_LOCK_AFTER"] and evaluated + locked == 61
    # The right password from the same address is now refused too (the lock holds) …
    g.pop("_login_user", None)
    page = app.test_client().post("/login", data={"username": user.username, "password": PASSWORD}).data.decode()
    assert "临时锁定" in page


@pytest.fixture
def proxied_app(app):
    """The same database, served behind one trusted reverse proxy (TRUSTED_PROXIES=1)."""
    config = type("BehindProxy", (), {k: v for k, v in app.config.items() if k.isupper()})
    config.TRUSTED_PROXIES = 1
    return create_app(config)


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(app, proxied_app, make):
    user = make.user("admin")
    db.session.commit()
    with proxied_app.app_context():
        attacker = {"X-Forwarded-For": "203.0.113.9"}
        for _ in range(app.config["LOGIN_LOCK_AFTER"]):
            proxied_app.test_client().post(
                "/login", data={"username": user.username, "password": "wrong"}, headers=attacker
            )
        addresses = {row.address for row in db.session.scalars(db.select(services.LoginFailure))}
        assert addresses == {"203.0.113.9"}
        locked_out = proxied_app.test_client().post(
            "/login", data={"username": user.username, "password": PASSWORD}, headers=attacker
        )
        assert "临时锁定" in locked_out.data.decode()
        colleague = proxied_app.test_client().post(
            "/login",
            data={"username": user.username, "password": PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.20"},
        )
        assert colleague.status_code == 302  # the attacker's failures lock only the attacker's address


def test_without_trusted_proxies_a_forged_forwarded_header_is_ignored(app, client, make):
    user = make.user("admin")
    db.session.commit()
    client.post(
        "/login", data={"username": user.username, "password": "wrong"}, headers={"X-Forwarded-For": "203.0.113.9"}
    )
    assert {row.address for row in db.session.scalars(db.select(services.LoginFailure))} == {"127.0.0.1"}


def test_unknown_users_cost_a_password_hash_like_known_ones(app, make, monkeypatch):
    make.user("admin", username="known")
    db.session.commit()
    hashed = []
    original = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: hashed.append(h) or original(h, p))
    with pytest.raises(InputError, match="用户名或密码错误"):
        services.authenticate(app.config, "nobody-here", "whatever", "10.0.0.1")
    assert len(hashed) == 1


@pytest.mark.parametrize(
    "password",
    [
        "password1",
        "zezhou2025",
        "Zezhou-Harbor-2025",
        "Password2025!",
        "1qaz2wsx3edc",
        "aaaaaaaaaaaaaa",
        "123456789012",
        "short-7",
        "admin-Kiwi-Harbor",
    ],
)
def test_the_password_rule_refuses_weak_ones(password):
    with pytest.raises(InputError):
        check_password_rule(password, username="admin")


@pytest.mark.parametrize("password", ["Kiwi-Harbor-Lamp7", "绿水青山就是金山银山2025", "correct horse battery"])
def test_the_password_rule_accepts_long_uncommon_ones(password):
    check_password_rule(password, username="admin")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/%09/evil.example",
        "/%0a/x",
        "/%5Cevil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "///evil.example",
        "%2F%2Fevil.example",
        "/\\evil.example",
        "http:/evil.example",
    ],
)
def test_open_redirect_payloads_are_refused(app, make, target):
    user = make.user("admin")
    db.session.commit()
    g.pop("_login_user", None)
    response = app.test_client().post(f"/login?next={target}", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400 or response.location == "/", response.location


def test_a_same_site_next_path_is_followed(app, make):
    user = make.user("admin")
    db.session.commit()
    g.pop("_login_user", None)
    response = app.test_client().post(
        "/login?next=/deals/%3Fstage%3D已签约", data={"username": user.username, "password": PASSWORD}
    )
    assert unquote(response.location) == "/deals/?stage=已签约"
