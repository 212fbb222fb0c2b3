"""Append-only audit log written from ORM flush events, whatever the path.

Every flush of an ``Audited`` model adds rows to ``audit_entries`` on the same
connection and transaction, so an audit row exists exactly when its change does.
Who and from where comes from ``audit_context``: the web layer sets source
``web`` and the logged-in user, CLI commands ``cli``, imports ``import``.
"""

import contextvars
import json
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.dates import utcnow
from app.core.models import Audited
from app.extensions import db

SOURCES = {"web": "网页", "cli": "命令行", "import": "导入", "api": "接口", "system": "系统"}
ACTIONS = {
    "create": "新建",
    "update": "修改",
    "delete": "删除",
    "confirm": "核对金额",
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "export": "导出",
}


class AuditEntry(db.Model):
    """One audited change. Never updated or deleted."""

    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.Integer)
    username: Mapped[str | None] = mapped_column(sa.String(64))
    source: Mapped[str] = mapped_column(sa.String(16))
    batch_id: Mapped[int | None] = mapped_column(sa.Integer, index=True)
    entity: Mapped[str] = mapped_column(sa.String(64))
    record_id: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[str] = mapped_column(sa.String(16))
    field: Mapped[str | None] = mapped_column(sa.String(64))
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (sa.Index("ix_audit_entries_entity_record", "entity", "record_id"),)


_context: contextvars.ContextVar[dict | None] = contextvars.ContextVar("audit_context", default=None)


@contextmanager
def audit_context(*, source: str, user=None, batch_id: int | None = None):
    """Attribute every change made inside the block to ``user`` from ``source``."""
    token = _context.set(
        {
            "source": source,
            "user_id": getattr(user, "id", None),
            "username": getattr(user, "username", None),
            "batch_id": batch_id,
        }
    )
    try:
        yield
    finally:
        _context.reset(token)


def set_audit_context(*, source: str, user=None, batch_id: int | None = None) -> None:
    """Set the context for the rest of this request or command (no block)."""
    _context.set(
        {
            "source": source,
            "user_id": getattr(user, "id", None),
            "username": getattr(user, "username", None),
            "batch_id": batch_id,
        }
    )


def clear_audit_context() -> None:
    """Forget the request's user and source (called when a request ends)."""
    _context.set(None)


def current_audit_context() -> dict:
    return _context.get() or {}


def record_event(
    action: str,
    *,
    entity: str,
    record_id: int | None = None,
    field: str | None = None,
    old=None,
    new=None,
    username: str | None = None,
) -> None:
    """Log what no ORM flush shows: a setting changed, a login (or failed one), an export.

    Written on the caller's transaction (the caller commits). ``new``/``old`` may be dicts
    (stored as JSON). ``username`` names the account tried when nobody is logged in.
    """
    ctx = current_audit_context()

    def as_text(value):
        return json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, dict) else serialize(value)

    db.session.execute(
        sa.insert(AuditEntry.__table__),
        [
            {
                "created_at": utcnow(),
                "user_id": ctx.get("user_id"),
                "username": ctx.get("username") or username,
                "source": ctx.get("source", "system"),
                "batch_id": ctx.get("batch_id"),
                "entity": entity,
                "record_id": record_id or 0,
                "action": action,
                "field": field,
                "old_value": as_text(old),
                "new_value": as_text(new),
            }
        ],
    )


def serialize(value) -> str | None:
    """Stable text for a stored value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


_COLUMNS: dict = {}  # mapper → its audited (key, column) pairs, worked out once
_COLLECTIONS: dict = {}  # mapper → its audited many-to-many relationships


def _audited_columns(mapper) -> tuple:
    columns = _COLUMNS.get(mapper)
    if columns is None:
        columns = _COLUMNS[mapper] = tuple(
            (prop.key, prop.columns[0])
            for prop in mapper.column_attrs
            if not prop.columns[0].primary_key and prop.columns[0].info.get("audit") is not False
        )
    return columns


def _collections(mapper) -> tuple:
    rels = _COLLECTIONS.get(mapper)
    if rels is None:
        rels = _COLLECTIONS[mapper] = tuple(
            rel
            for rel in mapper.relationships
            if rel.secondary is not None and rel.info.get("audit", True) and not rel.viewonly
        )
    return rels


def _value(column, value):
    if column.info.get("mask") and value is not None:
        return "******"
    return serialize(value)


def _ids(objs) -> str:
    return json.dumps(sorted(o.id for o in objs if o is not None and o.id is not None))


def _rows_for(session: Session) -> list[dict]:
    rows: list[dict] = []
    added, removed = session.new, session.deleted  # each property builds a set: once, not per object
    for obj in list(added) + list(session.dirty) + list(removed):
        if not isinstance(obj, Audited):
            continue
        state = inspect(obj)
        mapper = state.mapper
        entity = mapper.local_table.name
        if obj in added:
            values = {}
            for key, column in _audited_columns(mapper):
                value = getattr(obj, key)
                if value is not None:
                    values[key] = _value(column, value)
            for rel in _collections(mapper):
                related = getattr(obj, rel.key)
                if related:
                    values[rel.key] = _ids(related)
            rows.append(
                {
                    "entity": entity,
                    "record_id": obj.id,
                    "action": "create",
                    "field": None,
                    "old_value": None,
                    "new_value": json.dumps(values, ensure_ascii=False),
                }
            )
        elif obj in removed:
            values = {}
            for key, column in _audited_columns(mapper):
                value = _value(column, state.committed_state.get(key, getattr(obj, key, None)))
                if value is not None:
                    values[key] = value
            rows.append(
                {
                    "entity": entity,
                    "record_id": obj.id,
                    "action": "delete",
                    "field": None,
                    "old_value": json.dumps(values, ensure_ascii=False),
                    "new_value": None,
                }
            )
        else:
            for key, column in _audited_columns(mapper):
                history = state.attrs[key].history
                if not history.has_changes():
                    continue
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if serialize(old) == serialize(new):
                    continue
                rows.append(
                    {
                        "entity": entity,
                        "record_id": obj.id,
                        "action": "update",
                        "field": key,
                        "old_value": _value(column, old),
                        "new_value": _value(column, new),
                    }
                )
            for rel in _collections(mapper):
                history = state.attrs[rel.key].history
                if not (history.added or history.deleted):
                    continue
                after = list(history.unchanged) + list(history.added)
                before = list(history.unchanged) + list(history.deleted)
                if _ids(before) != _ids(after):
                    rows.append(
                        {
                            "entity": entity,
                            "record_id": obj.id,
                            "action": "update",
                            "field": rel.key,
                            "old_value": _ids(before),
                            "new_value": _ids(after),
                        }
                    )
    return rows


@event.listens_for(Session, "after_flush")
def _write_audit_rows(session: Session, flush_context) -> None:
    rows = _rows_for(session)
    if not rows:
        return
    ctx = current_audit_context()
    now = utcnow()
    for row in rows:
        row.update(
            created_at=now,
            user_id=ctx.get("user_id"),
            username=ctx.get("username"),
            source=ctx.get("source", "system"),
            batch_id=ctx.get("batch_id"),
        )
    session.connection().execute(sa.insert(AuditEntry.__table__), rows)


@event.listens_for(sa.orm.Mapper, "mapper_configured")
def _load_old_values(mapper, class_) -> None:
    """Audited columns keep their old value even when expired (e.g. after a commit)."""
    if issubclass(class_, Audited):
        for prop in mapper.column_attrs:
            mapper.class_manager[prop.key].impl.active_history = True


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(mapper, connection, target) -> None:
    raise RuntimeError("audit entries are append-only")


def audited_models() -> dict[str, type]:
    """Table name → model class of every audited model."""
    return {
        mapper.local_table.name: mapper.class_
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, Audited)
    }


def history_for(obj) -> list[AuditEntry]:
    """The audit entries of one record, newest first."""
    entity = inspect(obj).mapper.local_table.name
    stmt = (
        sa.select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.record_id == obj.id)
        .order_by(AuditEntry.id.desc())
    )
    return list(db.session.scalars(stmt))
