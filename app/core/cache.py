"""Figures computed once per change: a cache keyed by a data version that every write bumps.

The version is one row of ``data_version``, raised in the same transaction as the change, just
before it commits, whenever the session wrote anything that can move a figure: ORM flushes of any
model (deals, ledger entries, targets, settings such as the alert thresholds, reference data,
imports and their undo, CLI commands) and core ``insert/update/delete`` statements run through the
session. No write path calls this module: it listens to the session's events, like the audit log.
A reader sees the new version exactly when it sees the committed data, and the version is read from
the database, so every worker and machine agrees on it; cached values live in Flask-Caching
(in-process ``SimpleCache`` by default, Redis when ``CACHE_URL`` is set).

Key: function, arguments, the user's scope (role, unit, leader), "today" and the version. While the
session holds uncommitted writes, figures are computed directly (they must show those writes and
must not be cached for others).
"""

import functools
import hashlib
import secrets
from datetime import date

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_caching import Cache
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db

cache = Cache()

# Tables whose writes never move a figure: login bookkeeping, import previews, the version itself.
IGNORED_TABLES = frozenset({"data_version", "login_failures", "import_batches", "import_items"})
_FLAG = "data_changed"


class DataVersion(db.Model):
    """One row (id 1): raised by every committed write that can change a figure."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


def init_cache(app) -> None:
    """Flask-Caching: Redis when CACHE_URL is set (several workers or machines), else in-process."""
    url = app.config.get("CACHE_URL")
    if url:
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", url)
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 600)  # a bound on staleness should a bump be lost
    app.config.setdefault("CACHE_KEY_PREFIX", "crm:")
    cache.init_app(app)


# --- the version ------------------------------------------------------------------------------------


def _table_of(obj) -> str | None:
    table = getattr(type(obj), "__table__", None)
    return getattr(table, "name", None)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, flush_context) -> None:
    if session.info.get(_FLAG):
        return
    for obj in (*session.new, *session.dirty, *session.deleted):
        if _table_of(obj) not in IGNORED_TABLES:
            session.info[_FLAG] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) not in IGNORED_TABLES:
        state.session.info[_FLAG] = True


@event.listens_for(Session, "before_commit")
def _bump_version(session: Session) -> None:
    session.flush()  # pending changes flush after this hook otherwise, unnoticed
    if not session.info.pop(_FLAG, False):
        return
    table = DataVersion.__table__
    connection = session.connection()
    bumped = connection.execute(sa.update(table).where(table.c.id == 1).values(value=table.c.value + 1)).rowcount
    if not bumped:  # the row is gone (tables emptied, a partial restore): never reuse an earlier number
        connection.execute(sa.insert(table).values(id=1, value=secrets.randbits(48) + 1))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_FLAG, None)


def data_version() -> int:
    """The committed data version (0 before the first write)."""
    return db.session.scalar(sa.select(DataVersion.value).where(DataVersion.id == 1)) or 0


def has_uncommitted_writes() -> bool:
    session = db.session
    return bool(session.info.get(_FLAG) or session.new or session.dirty or session.deleted)


# --- cached figures -------------------------------------------------------------------------------


def scope_key(user) -> str:
    """What limits a user's figures: nothing for county-wide roles, else role + unit + leader."""
    if user is None:
        return "all"
    role = getattr(user, "role", None)
    if role in ("unit", "leader"):
        return f"{role}:{getattr(user, 'unit_id', None)}:{getattr(user, 'leader_id', None)}"
    return "all"


def _key(name: str, args: tuple, kwargs: dict, version: int) -> str:
    from app.core.dates import today

    parts = [name, str(version), today().isoformat()]
    parts += [_part(a) for a in args]
    for key in sorted(kwargs):
        value = kwargs[key]
        parts.append(f"{key}={scope_key(value) if key == 'user' else _part(value)}")
    text = "|".join(parts)
    return "fig:" + hashlib.sha1(text.encode()).hexdigest()


def _part(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def cached_figures(name: str, *, ignore: tuple[str, ...] = ()):
    """Decorator: cache the function's result per (arguments, user scope, today, data version).

    ``ignore`` names keyword arguments that do not change the result (e.g. figures passed in to save
    work). Outside an app context, with uncommitted writes, or when the cache is off, it just computes.
    """

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if not has_app_context() or current_app.config.get("CACHE_TYPE") == "NullCache" or has_uncommitted_writes():
                return func(*args, **kwargs)
            keyed = {k: v for k, v in kwargs.items() if k not in ignore}
            key = _key(name, args, keyed, data_version())
            try:
                value = cache.get(key)
            except Exception:  # noqa: BLE001 - a cache outage must never break a page
                current_app.logger.warning("cache read failed", exc_info=True)
                return func(*args, **kwargs)
            if value is not None:
                return value
            value = func(*args, **kwargs)
            try:
                cache.set(key, value)
            except Exception:  # noqa: BLE001
                current_app.logger.warning("cache write failed", exc_info=True)
            return value

        wrapper.uncached = func
        return wrapper

    return decorator
