"""Base mixins and the settings table shared by every feature."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from app.core.dates import utcnow
from app.extensions import db


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"audit": False})
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, info={"audit": False})


class Versioned:
    """Optimistic locking: every UPDATE says ``WHERE version = <the version read>`` and bumps it.

    Edit forms carry the version they were opened at (app/core/versioning.py): a stale form is
    answered 409 with the other person's change, and nothing is overwritten.
    """

    version: Mapped[int] = mapped_column(default=1, server_default="1", info={"audit": False, "label": "版本"})

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


class Audited:
    """Marker: every create/update/delete of this model is written to the audit log.

    Column ``info`` keys used by audit and display: ``label`` (Chinese field name),
    ``money`` (integer yuan shown in 万元), ``audit`` (False to skip), ``mask`` (hide values).
    """

    __audit_label__ = "记录"

    def audit_title(self) -> str:
        """Short Chinese text identifying the record in timelines."""
        return getattr(self, "name", None) or getattr(self, "title", None) or f"#{self.id}"


class Setting(db.Model):
    """Key/value settings editable by admins (alert thresholds, flags)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(500))


def get_setting(key: str, default: str | None = None) -> str | None:
    """Read one setting."""
    row = db.session.get(Setting, key)
    return row.value if row else default


def set_setting(key: str, value: str) -> None:
    """Write one setting (flushes, does not commit)."""
    from app.core.audit import record_event

    row = db.session.get(Setting, key)
    old = row.value if row is not None else None
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    if old != value:  # settings have a string key, not an audited row: logged explicitly
        record_event("update", entity="settings", field=key, old=old, new=value)
    db.session.flush()
