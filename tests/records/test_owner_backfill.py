"""The migration gives existing deals and applications their creator (from the audit log) as owner."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db


def _reset_to_empty():
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_backfill_owner_from_the_creating_user(app):
    _reset_to_empty()
    try:
        upgrade(revision="da76a77a6a99")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (id, username, password_hash, role, is_active, created_at, updated_at) "
                    "VALUES (7, 'touzu', 'x', 'investment', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            for deal_id in (1, 2):
                conn.execute(
                    sa.text(
                        "INSERT INTO deals (id, name, contract_amount_yuan, is_counted, stage, created_at, updated_at) "
                        f"VALUES ({deal_id}, '项目{deal_id}', 0, true, '线索', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    )
                )
            conn.execute(
                sa.text(
                    "INSERT INTO audit_entries (created_at, user_id, username, source, entity, record_id, action) "
                    "VALUES (CURRENT_TIMESTAMP, 7, 'touzu', 'web', 'deals', 1, 'create')"
                )
            )
            # Deal 2 was imported by an account deleted since: it stays without owner.
            conn.execute(
                sa.text(
                    "INSERT INTO audit_entries (created_at, user_id, username, source, entity, record_id, action) "
                    "VALUES (CURRENT_TIMESTAMP, 99, 'gone', 'import', 'deals', 2, 'create')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            owners = dict(conn.execute(sa.text("SELECT id, owner_id FROM deals ORDER BY id")).all())
        assert owners == {1: 7, 2: None}
        downgrade(revision="da76a77a6a99")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("deals")}
        assert "owner_id" not in columns
    finally:
        _reset_to_empty()
        db.create_all()
