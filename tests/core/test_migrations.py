"""Upgrading an empty database reaches head, the models match it, and downgrade works."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db


def _reset_to_empty():
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_from_empty_has_no_drift(app):
    _reset_to_empty()
    try:
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models differ from migrations: {diff}"
        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
    finally:
        _reset_to_empty()
        db.create_all()


def test_perf_migration_backfills_the_current_status(app):
    """perf_0001 fills current_status/current_status_on of existing applications from their history."""
    _reset_to_empty()
    try:
        upgrade(revision="da76a77a6a99")
        now = "2025-06-01 09:00:00"
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO fund_channels (id, name, is_bond, sort_order, is_active, created_at, "
                    "updated_at) VALUES (1, '专项债', true, 1, true, :now, :now)"
                ),
                {"now": now},
            )
            for app_id, title in ((1, "有历史"), (2, "无历史")):
                conn.execute(
                    sa.text(
                        "INSERT INTO fund_applications (id, channel_id, year, title, requested_yuan, "
                        "status, created_at, updated_at) VALUES (:id, 1, 2025, :title, 0, '已申报', "
                        ":now, :now)"
                    ),
                    {"id": app_id, "title": title, "now": now},
                )
            for change_id, to_status, on in (
                (1, "谋划储备", "2025-02-01"),
                (2, "已申报", "2025-03-10"),
                (3, "审核中", "2025-03-10"),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO fund_status_changes (id, application_id, to_status, effective_on, "
                        "recorded_at) VALUES (:id, 1, :to, :on, :now)"
                    ),
                    {"id": change_id, "to": to_status, "on": on, "now": now},
                )
        upgrade(revision="perf_0001")
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT id, current_status, current_status_on FROM fund_applications ORDER BY id")
            ).all()
        assert [(r[0], r[1], str(r[2]) if r[2] else None) for r in rows] == [
            (1, "审核中", "2025-03-10"),
            (2, None, None),
        ]  # latest by date, then by the order recorded
    finally:
        _reset_to_empty()
        db.create_all()
