"""What a committed import changed, captured from the ORM flushes, and how to take it back exactly.

While ``recording()`` is active, every flush notes the audited rows it creates and, before
the first change to an existing row, that row's full prior values read from the database
(including columns the audit log skips, such as ``updated_at``) and the ids of its
many-to-many links. A created row is credited to the ledger row that added it to the session
(several rows may share one flush, see batching.py); a changed one to the current row. Undo
restores those rows and deletes the created ones, through the ORM so the audit log records
the undo too.
"""

import contextvars
import json
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified

from app.core.audit import AuditEntry, audited_models
from app.core.audit_display import actor_name
from app.core.errors import InputError
from app.core.models import Audited
from app.extensions import db

CHUNK = 500


class Recorder:
    """Items in the order they happened: (action, table, record id, prior values or None, ledger row)."""

    def __init__(self):
        self.items: list[list] = []
        self._index: dict[tuple[str, int], list] = {}
        self.row_number: int | None = None
        self.added_by: dict = {}  # InstanceState of an object not flushed yet → the ledger row that added it

    def note(self, action: str, key: tuple[str, int], before: dict | None, row_number: int | None = None) -> None:
        item = [action, key[0], key[1], before, self.row_number if row_number is None else row_number]
        self.items.append(item)
        self._index[key] = item

    def seen(self, key) -> list | None:
        return self._index.get(key)


_current: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar("import_recorder", default=None)


@contextmanager
def recording():
    """Record every audited change flushed inside the block."""
    recorder = Recorder()
    token = _current.set(recorder)
    try:
        yield recorder
    finally:
        _current.reset(token)


def _dump(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _load(column, value):
    if value is None:
        return None
    try:
        python_type = column.type.python_type
    except NotImplementedError:  # pragma: no cover - no such column in business tables
        return value
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    return value


def _links(rel):
    """(parent column, link column), (target column, link column) of a many-to-many relationship."""
    return rel.synchronize_pairs[0], rel.secondary_synchronize_pairs[0]


def snapshot(connection, obj) -> dict:
    """The row of ``obj`` as stored now (before this flush), plus the ids of its many-to-many links."""
    mapper = inspect(obj).mapper
    table = mapper.local_table
    row = connection.execute(sa.select(table).where(table.c.id == obj.id)).mappings().one()
    data = {name: _dump(value) for name, value in row.items()}
    for rel in mapper.relationships:
        if rel.secondary is not None and not rel.viewonly:
            (parent_col, link_col), (_target_col, target_link) = _links(rel)
            ids = connection.execute(sa.select(target_link).where(link_col == row[parent_col.name])).scalars()
            data["@" + rel.key] = sorted(ids)
    return data


def changed(obj) -> bool:
    """Has a stored object unflushed changes to its columns or many-to-many links?"""
    state = inspect(obj)
    for prop in state.mapper.column_attrs:
        if state.attrs[prop.key].history.has_changes():
            return True
    return any(
        state.attrs[rel.key].history.has_changes()
        for rel in state.mapper.relationships
        if rel.secondary is not None and not rel.viewonly
    )


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances) -> None:
    recorder = _current.get()
    if recorder is None:
        return
    connection = session.connection()
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, Audited) or obj.id is None:
            continue
        key = (inspect(obj).mapper.local_table.name, obj.id)
        item = recorder.seen(key)
        if obj in session.deleted:
            if item is None:
                recorder.note("delete", key, snapshot(connection, obj))
            elif item[0] == "update":
                item[0] = "delete"
        elif item is None and changed(obj):
            recorder.note("update", key, snapshot(connection, obj))


@event.listens_for(Session, "transient_to_pending")
def _added(session, obj) -> None:
    recorder = _current.get()
    if recorder is not None:
        recorder.added_by[inspect(obj)] = recorder.row_number


@event.listens_for(Session, "after_flush")
def _after_flush(session, flush_context) -> None:
    recorder = _current.get()
    if recorder is None:
        return
    for obj in session.new:
        state = inspect(obj)
        row_number = recorder.added_by.pop(state, None)
        if isinstance(obj, Audited):
            recorder.note("create", (state.mapper.local_table.name, obj.id), None, row_number)


# --- undo -----------------------------------------------------------------------------------------


def _chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _label(entity: str, record_id: int) -> str:
    model = audited_models().get(entity)
    obj = db.session.get(model, record_id) if model else None
    title = obj.audit_title() if obj is not None else f"#{record_id}"
    return f"{getattr(model, '__audit_label__', entity)}“{title}”"


def conflicts(batch_id: int, items) -> list[str]:
    """Why undoing would lose or break later work: records changed after the import, or created ones now referenced."""
    problems: list[str] = []
    last = db.session.scalar(sa.select(sa.func.max(AuditEntry.id)).where(AuditEntry.batch_id == batch_id)) or 0
    by_entity: dict[str, set[int]] = defaultdict(set)
    created: dict[str, set[int]] = defaultdict(set)
    for item in items:
        by_entity[item.entity].add(item.record_id)
        if item.action == "create":
            created[item.entity].add(item.record_id)
    for entity, ids in by_entity.items():
        for chunk in _chunks(ids):
            entries = db.session.scalars(
                sa.select(AuditEntry)
                .where(
                    AuditEntry.entity == entity,
                    AuditEntry.record_id.in_(chunk),
                    AuditEntry.id > last,
                    sa.or_(AuditEntry.batch_id.is_(None), AuditEntry.batch_id != batch_id),
                )
                .limit(5)
            ).all()
            problems += [f"{_label(entity, e.record_id)}在导入后被{actor_name(e)}修改过" for e in entries]
    # Rows the undo restores or deletes itself cannot block it; anything else pointing at a created row does.
    for table in db.metadata.sorted_tables:
        if table.name.startswith("import_"):
            continue
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if target not in created:
                continue
            if "id" in table.c:
                own = by_entity.get(table.name, set())
                columns = [table.c.id]
            else:  # a link table: fine when its other end is restored or deleted too
                others = [f for f in table.foreign_keys if f is not fk]
                own = None
                columns = [f.parent for f in others]
            for chunk in _chunks(created[target]):
                for row in db.session.execute(sa.select(fk.parent, *columns).where(fk.parent.in_(chunk))):
                    if own is not None:
                        blocking = row[1] not in own
                    else:
                        blocking = any(
                            value not in by_entity.get(f.column.table.name, set())
                            for value, f in zip(row[1:], others, strict=True)
                        )
                    if blocking:
                        problems.append(f"{_label(target, row[0])}已被其他记录引用（{table.name}）")
                        if len(problems) > 20:
                            return problems
    return problems


def _delete_options(model):
    return [
        selectinload(getattr(model, rel.key))
        for rel in inspect(model).relationships
        if rel.uselist and not rel.viewonly
    ]


def undo(items) -> None:
    """Restore updated rows to their prior values, re-create deleted ones, delete created ones (latest first).

    Memory stays one chunk deep: updates are flushed every ``CHUNK`` records, and created records
    are deleted table by table, children before parents (so no flush nulls or cascades into a row
    a later chunk loads), one chunk of ids per load, delete and flush.
    """
    models = audited_models()
    ordered = sorted(items, key=lambda item: item.seq, reverse=True)
    for item in ordered:
        if item.action == "delete":
            model = models[item.entity]
            obj = model(id=item.record_id)
            db.session.add(obj)
            _restore(obj, json.loads(item.before))
    db.session.flush()
    pending = 0
    for item in ordered:
        if item.action == "update":
            obj = db.session.get(models[item.entity], item.record_id)
            if obj is None:
                raise InputError(f"{_label(item.entity, item.record_id)}已不存在，无法撤销")
            _restore(obj, json.loads(item.before))
            pending += 1
            if pending >= CHUNK:
                db.session.flush()
                pending = 0
    db.session.flush()
    created: dict[str, list[int]] = defaultdict(list)
    for item in ordered:
        if item.action == "create":
            created[item.entity].append(item.record_id)
    db.session.expire_all()  # reload below with fresh collections (no stale children of earlier loads)
    rank = {table.name: index for index, table in enumerate(db.metadata.sorted_tables)}
    for entity in sorted(created, key=lambda name: rank.get(name, -1), reverse=True):  # children first
        model = models[entity]
        for chunk in _chunks(sorted(created[entity], reverse=True)):  # newest first: a row may point at an older one
            with db.session.no_autoflush:  # one flush per chunk, so cascades and explicit deletes meet once
                stmt = sa.select(model).where(model.id.in_(chunk)).options(*_delete_options(model))
                for obj in db.session.scalars(stmt).all():
                    db.session.delete(obj)
            db.session.flush()


def _restore(obj, before: dict) -> None:
    mapper = inspect(obj).mapper
    for column in mapper.local_table.columns:
        if column.primary_key or column.name not in before:
            continue
        key = mapper.get_property_by_column(column).key
        setattr(obj, key, _load(column, before[column.name]))
        if column.onupdate is not None:
            flag_modified(obj, key)  # keep the prior timestamp instead of "now"
    for rel in mapper.relationships:
        if rel.secondary is not None and not rel.viewonly and "@" + rel.key in before:
            target = rel.mapper.class_
            setattr(obj, rel.key, [db.session.get(target, i) for i in before["@" + rel.key]])
