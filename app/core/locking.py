"""Row locks for rules that read before they write (拨付 ≤ 下达, one history row per stage move).

Two requests that both read "下达 100万, 拨付 0" would each add 拨付 60万. Services that check a
rule against a parent row's current state call ``lock_row(parent)`` first: the second request
waits until the first commits, then re-reads the parent and its children and checks again.

PostgreSQL: ``SELECT … FOR UPDATE``. SQLite has one write lock for the whole database: a
no-op UPDATE takes it (the transaction then holds it until commit), and the row is re-read.
"""

import zlib

import sqlalchemy as sa

from app.extensions import db


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def lock_row(obj) -> None:
    """Hold ``obj``'s row for the rest of the transaction and reload it (and its collections) fresh."""
    if obj is None or obj not in db.session or obj.id is None:
        return
    table = obj.__table__
    with db.session.no_autoflush:  # the caller validates its pending changes before they are written
        if _is_postgresql():
            db.session.execute(sa.select(table.c.id).where(table.c.id == obj.id).with_for_update())
        else:
            db.session.execute(sa.update(table).where(table.c.id == obj.id).values(_unchanged(table)))
    if not db.session.is_modified(obj):  # changed earlier in this transaction (an import row): keep the changes
        db.session.refresh(obj)


def lock_key(model, key: str) -> None:
    """Serialise writers of ``model`` that share ``key`` (e.g. a unique code) until this transaction ends."""
    with db.session.no_autoflush:  # the caller validates its pending changes before they are written
        if _is_postgresql():
            name = f"{model.__tablename__}:{key}".encode()
            db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(name)})
        else:
            table = model.__table__
            db.session.execute(sa.update(table).where(sa.false()).values(_unchanged(table)))


def _unchanged(table) -> dict:
    """SET every column that has an ``onupdate`` (updated_at) to itself, so the no-op UPDATE changes nothing."""
    return {column.name: column for column in table.columns if column.onupdate is not None or column.primary_key}
