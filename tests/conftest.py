"""Shared fixtures: app (one schema per session), clean tables per test, client, runner, login."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests import factories

PASSWORD = factories.PASSWORD


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if os.environ.get("TEST_DATABASE_URL"):
        yield os.environ["TEST_DATABASE_URL"]
        return
    # An on-disk file (browser tests share it across threads), on tmpfs when the machine has one.
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="crm-test-", dir=shm))
    else:
        folder = tmp_path_factory.mktemp("db")
    yield f"sqlite:///{folder / 'test.sqlite3'}"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        ATTACHMENTS_DIR = str(tmp_path_factory.mktemp("attachments"))

    application = create_app(Config)
    with application.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def clear_tables() -> None:
    """Empty every table (fast, keeps the schema)."""
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(sa.text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def ctx(app):
    """Each test runs inside an app context on empty tables."""
    from app.core.cache import cache

    with app.app_context():
        yield
        clear_tables()
        cache.clear()  # the data version restarts with the emptied tables


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def seeded():
    """Reference data loaded (units, channels, industries, 2025 targets)."""
    from app.people.seeds import seed_reference_data

    seed_reference_data()
    db.session.commit()


@pytest.fixture
def login(client):
    """login(user) signs the test client in as ``user``."""

    def do_login(user, password: str = PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, response.data.decode()[:500]
        return user

    return do_login


@pytest.fixture
def make():
    """The factories module, for brevity in tests."""
    return factories
