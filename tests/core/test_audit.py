import json

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry, audit_context, audited_models
from app.core.audit_display import timeline_for
from app.core.models import Audited
from app.extensions import db

NOT_AUDITED = {
    "audit_entries",
    "login_failures",
    "settings",
    "data_version",  # the cache key
    "form_submissions",
}  # one-time form tokens: plumbing, not business data


def entries(entity=None):
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    return db.session.scalars(stmt).all()


def test_every_business_model_is_audited():
    """New models must opt in to the audit log (or be listed here with a reason)."""
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table.name
        if table not in NOT_AUDITED and not table.startswith(("import_", "issued_")):
            assert issubclass(mapper.class_, Audited), f"{table} is not audited"


def test_create_update_delete_recorded_with_who_and_source(make):
    admin = make.user("admin")
    with audit_context(source="cli", user=admin):
        unit = make.unit("测试镇")
        db.session.commit()
        unit.short_name = "测试"
        db.session.commit()
        db.session.delete(unit)
        db.session.commit()
    rows = entries("units")
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert json.loads(rows[0].new_value)["name"] == "测试镇"
    assert (rows[1].field, rows[1].old_value, rows[1].new_value) == ("short_name", None, "测试")
    assert all(r.source == "cli" and r.username == admin.username for r in rows)


def test_passwords_are_masked(make):
    user = make.user("admin")
    db.session.commit()
    user.set_password("another1pass")
    db.session.commit()
    change = [r for r in entries("users") if r.field == "password_hash"][0]
    assert change.old_value == "******" and change.new_value == "******"
    assert "scrypt" not in (entries("users")[0].new_value or "")


def test_audit_is_append_only(make):
    make.unit()
    db.session.commit()
    row = entries()[0]
    row.new_value = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.delete(entries()[0])
        db.session.commit()
    db.session.rollback()


def test_rollback_leaves_no_audit_rows(make):
    make.unit("回滚镇")
    db.session.rollback()
    assert entries() == []


def test_timeline_reads_in_chinese(make):
    project = make.project("时间线项目", annual_plan_yuan=10_000_000)
    db.session.commit()
    project.annual_plan_yuan = 60_000_000
    db.session.commit()
    items = timeline_for(project)
    assert items[0].action == "修改"
    change = items[0].changes[0]
    assert change.label == "年度计划投资"
    assert change.old == "1,000 万元" and change.new == "6,000 万元"
    assert items[-1].action == "新建"


def test_collection_changes_recorded(make):
    deal = make.deal()
    extra = make.unit("协同镇")
    db.session.commit()
    deal.co_units.append(extra)
    db.session.commit()
    row = [r for r in entries("deals") if r.field == "co_units"][0]
    assert json.loads(row.new_value) == [extra.id]


def test_audited_models_registry():
    assert {"deals", "projects", "fund_applications", "problems", "units"} <= set(audited_models())


def test_a_request_does_not_leak_its_user_into_later_changes(client, login, make):
    """After a web request ends, changes made elsewhere (a CLI command, a job) are not credited to its user."""
    user = make.user("admin")
    db.session.commit()
    login(user)
    assert client.get("/").status_code == 200
    make.unit("请求之后镇")
    db.session.commit()
    row = entries("units")[-1]
    assert row.username is None and row.source == "system"
