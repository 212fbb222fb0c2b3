"""flask backup → flask restore into an empty database gives the same rows and the same figures."""

import json
import subprocess
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db


def _rows() -> dict[str, list[tuple]]:
    snapshot = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            snapshot[table.name] = [tuple(row) for row in conn.execute(sa.select(table).order_by(*order))]
    return snapshot


def _metrics(runner) -> dict:
    result = runner.invoke(args=["metrics", "--year", "2025", "--as-of", "2025-06-30"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def scratch_url(app, database_url, tmp_path):
    """An empty database of the same kind as the test database, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"test_secure_restore_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_backup_then_restore_gives_the_same_rows_and_metrics(app, runner, tmp_path, scratch_url):
    assert runner.invoke(args=["demo"]).exit_code == 0
    rows, metrics = _rows(), _metrics(runner)
    assert sum(len(r) for r in rows.values()) > 100
    out = tmp_path / "crm.backup"
    result = runner.invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["backup", "--out", str(out)]).exit_code != 0  # never overwrites

    config = type("RestoredConfig", (), {k: v for k, v in app.config.items() if k.isupper()})
    config.SQLALCHEMY_DATABASE_URI = scratch_url
    restored = create_app(config)
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(out)])
        assert result.exit_code == 0, result.output
        assert _rows() == rows
        assert _metrics(restored.test_cli_runner()) == metrics
        again = restored.test_cli_runner().invoke(args=["restore", str(out)])
        assert again.exit_code != 0 and "不是空的" in again.output  # never over existing data
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, tmp_path, scratch_url):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup at all")
    config = type("RestoredConfig", (), {k: v for k, v in app.config.items() if k.isupper()})
    config.SQLALCHEMY_DATABASE_URI = scratch_url
    restored = create_app(config)
    with restored.app_context():
        result = restored.test_cli_runner().invoke(args=["restore", str(junk)])
        assert result.exit_code != 0 and "备份文件" in result.output
        db.engine.dispose()


def test_pg_dump_is_installed_for_postgresql_backups():
    assert subprocess.run(["pg_dump", "--version"], capture_output=True).returncode == 0
