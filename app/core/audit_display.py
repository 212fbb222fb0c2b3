"""Turn audit entries into readable Chinese timeline rows."""

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import inspect

from app.core.audit import ACTIONS, SOURCES, AuditEntry, audited_models
from app.core.filters import format_date
from app.core.money import format_wan
from app.extensions import db


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class TimelineItem:
    at: datetime
    who: str
    source: str
    action: str
    entity_label: str
    changes: list[Change]
    entry_ids: list[int]


EVENT_LABELS = {"address": "地址", "username": "账号", "path": "导出地址", "filter": "筛选条件", "filename": "文件名"}


def _column(model, field):
    mapper = inspect(model)
    if field in mapper.columns:
        return mapper.columns[field]
    return None


def field_label(model, field: str) -> str:
    column = _column(model, field)
    if column is not None:
        return column.info.get("label", field)
    rel = inspect(model).relationships.get(field)
    if rel is not None:
        return rel.info.get("label", field)
    return field


def display_value(model, field: str, raw: str | None, record=None) -> str:
    """Raw stored text to what a user reads: 万元 for money, names for references, 是/否, Beijing times.

    A column may name its own reading with ``info={"display": callable(raw) -> str}`` (codes to labels);
    a model whose reading depends on the record defines ``audit_value(field, raw) -> str | None``.
    """
    if raw is None or raw == "":
        return "（空）"
    if record is not None:
        text = record.audit_value(field, raw)
        if text is not None:
            return text
    column = _column(model, field)
    if column is not None:
        if column.info.get("display"):
            return column.info["display"](raw)
        if isinstance(column.type, sa.DateTime):
            try:
                return format_date(datetime.fromisoformat(raw))
            except ValueError:
                return raw
        if column.info.get("money"):
            try:
                return f"{format_wan(int(raw))} 万元"
            except ValueError:
                return raw
        if raw in ("true", "false") and isinstance(column.type, sa.Boolean):
            return "是" if raw == "true" else "否"
        fks = list(column.foreign_keys)
        if fks:
            target = _model_for_table(fks[0].column.table.name)
            if target is not None and raw.isdigit():
                obj = db.session.get(target, int(raw))
                return str(obj) if obj is not None else f"#{raw}（已删除）"
    rel = inspect(model).relationships.get(field)
    if rel is not None:
        try:
            ids = json.loads(raw)
        except ValueError:
            return raw
        target = rel.mapper.class_
        names = [str(db.session.get(target, i) or f"#{i}") for i in ids]
        return "、".join(names) if names else "（空）"
    return raw


def _model_for_table(table: str):
    for mapper in db.Model.registry.mappers:
        if mapper.local_table.name == table:
            return mapper.class_
    return None


def actor_name(entry: AuditEntry) -> str:
    """Who made a change, as people read it: the user's name (田处长, 巴公镇), not the login; 系统 for none."""
    if entry.user_id is not None:
        users = _model_for_table("users")
        user = db.session.get(users, entry.user_id) if users is not None else None
        if user is not None:
            return str(user)
    return entry.username or "系统"


def describe(entry: AuditEntry) -> TimelineItem:
    """One audit entry as a timeline item."""
    model = audited_models().get(entry.entity)
    changes: list[Change] = []
    if model is None and entry.field:  # a setting: its key, old and new text
        changes.append(Change(entry.field, entry.old_value or "（空）", entry.new_value or "（空）"))
    elif model is None and entry.new_value:  # a login or export: what the event recorded
        try:
            payload = json.loads(entry.new_value)
        except ValueError:
            payload = {}
        for key, raw in payload.items() if isinstance(payload, dict) else ():
            changes.append(Change(EVENT_LABELS.get(key, key), "", str(raw)))
    if model is not None:
        record = db.session.get(model, entry.record_id) if hasattr(model, "audit_value") else None
        if entry.field:
            changes.append(
                Change(
                    field_label(model, entry.field),
                    display_value(model, entry.field, entry.old_value, record),
                    display_value(model, entry.field, entry.new_value, record),
                )
            )
        else:
            payload = json.loads(entry.new_value or entry.old_value or "{}")
            for key, raw in payload.items():
                text = display_value(model, key, raw, record)
                if entry.action == "create":
                    changes.append(Change(field_label(model, key), "", text))
                else:
                    changes.append(Change(field_label(model, key), text, ""))
    return TimelineItem(
        at=entry.created_at,
        who=actor_name(entry),
        source=SOURCES.get(entry.source, entry.source),
        action=ACTIONS.get(entry.action, entry.action),
        entity_label=getattr(model, "__audit_label__", entry.entity),
        changes=changes,
        entry_ids=[entry.id],
    )


def timeline_for(obj, *, related: list | None = None, limit: int = 200) -> list[TimelineItem]:
    """Audit history of a record (plus related child records), newest first, one item per change set."""
    targets = [(inspect(obj).mapper.local_table.name, [obj.id])]
    for table, ids in related or []:
        if ids:
            targets.append((table, list(ids)))
    conditions = [sa.and_(AuditEntry.entity == table, AuditEntry.record_id.in_(ids)) for table, ids in targets]
    stmt = sa.select(AuditEntry).where(sa.or_(*conditions)).order_by(AuditEntry.id.desc()).limit(limit)
    items: list[TimelineItem] = []
    for entry in db.session.scalars(stmt):
        item = describe(entry)
        last = items[-1] if items else None
        # Merge the field rows of one update (same flush: same time, who, record).
        if (
            last
            and entry.action == "update"
            and last.action == item.action
            and last.at == item.at
            and last.who == item.who
            and last.entity_label == item.entity_label
        ):
            last.changes.extend(item.changes)
            last.entry_ids.append(entry.id)
        else:
            items.append(item)
    return items
