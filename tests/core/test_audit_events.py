"""Audit rows for what no record change shows: thresholds and settings, logins, exports; no-store headers."""

import json

import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.models import set_setting
from app.dashboard.metrics.periods import THRESHOLDS
from app.dashboard.services import save_alert_thresholds
from app.extensions import db
from tests.factories import PASSWORD


def _entries(**where):
    db.session.expire_all()
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, key) == value)
    return db.session.scalars(stmt).all()


def test_changing_a_threshold_through_the_page_is_audited_with_old_and_new(client, login, make, seeded):
    admin = make.user("admin")
    db.session.commit()
    login(admin)
    values = {key: str(default) for key, (_label, default, *_rest) in THRESHOLDS.items()}
    save_alert_thresholds(values)
    db.session.commit()
    before = len(_entries(entity="settings"))
    from app.dashboard.forms import field_name

    form = {field_name(key): value for key, value in values.items()}
    form[field_name("alert.progress_red_points")] = str(int(values["alert.progress_red_points"]) + 5)
    assert client.post("/dashboard/alert-settings", data=form).status_code == 302
    rows = _entries(entity="settings")[before:]
    assert [(r.field, r.old_value, r.new_value, r.username, r.source) for r in rows] == [
        (
            "alert.progress_red_points",
            values["alert.progress_red_points"],
            form[field_name("alert.progress_red_points")],
            admin.username,
            "web",
        )
    ]
    page = client.get("/admin/audit").data.decode()
    assert "alert.progress_red_points" in page


def test_an_unchanged_setting_writes_no_row(seeded):
    set_setting("demo_flag", "1")
    db.session.commit()
    count = len(_entries(entity="settings"))
    set_setting("demo_flag", "1")
    db.session.commit()
    assert len(_entries(entity="settings")) == count


def test_logins_failed_logins_and_logouts_are_audited(client, make):
    user = make.user("taskforce")
    db.session.commit()
    client.post("/login", data={"username": user.username, "password": "wrong"})
    client.post("/login", data={"username": "no-such-user", "password": "wrong"})
    client.post("/login", data={"username": user.username, "password": PASSWORD})
    client.post("/logout")
    rows = [
        (r.action, r.username, r.record_id, json.loads(r.new_value)["address"])
        for r in _entries(entity="users")
        if r.action in ("login", "login_failed", "logout")
    ]
    assert rows == [
        ("login_failed", user.username, 0, "127.0.0.1"),
        ("login_failed", "no-such-user", 0, "127.0.0.1"),
        ("login", user.username, user.id, "127.0.0.1"),
        ("logout", user.username, user.id, "127.0.0.1"),
    ]


def test_exports_are_audited_with_their_filter_and_pages_are_not_stored(client, login, make, seeded):
    user = make.user("investment")
    db.session.commit()
    login(user)
    response = client.get("/deals/export.xlsx?stage=已签约&q=光伏")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    (row,) = _entries(entity="exports")
    detail = json.loads(row.new_value)
    assert row.username == user.username and row.action == "export"
    assert (
        detail["path"] == "/deals/export.xlsx" and "stage=已签约" in detail["filter"] and "q=光伏" in detail["filter"]
    )
    assert detail["filename"].endswith(".xlsx")
    assert client.get("/deals/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/js/app.js").headers.get("Cache-Control", "")


def test_the_audit_log_page_filters_settings_and_exports(client, login, make, seeded):
    admin = make.user("admin")
    db.session.commit()
    login(admin)
    set_setting("alert.test_key", "7")
    db.session.commit()
    client.get("/deals/export.xlsx")
    page = client.get("/admin/audit?entity=exports").data.decode()
    assert "/deals/export.xlsx" in page and "alert.test_key" not in page
    page = client.get("/admin/audit?entity=settings").data.decode()
    assert "alert.test_key" in page and "/deals/export.xlsx" not in page
