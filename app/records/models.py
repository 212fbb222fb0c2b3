"""Files attached to records and 批示 written on them; both point at a record by table name and id."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dates import utcnow
from app.core.models import Audited
from app.extensions import db


def _record_label(record_type: str) -> str:
    """招商项目 for ``deals`` … in timelines."""
    from app.records.targets import targets

    target = targets().get(record_type)
    return target.label if target is not None else record_type


class Attachment(Audited, db.Model):
    """One uploaded file; the bytes live in the attachment store under their SHA-256."""

    __tablename__ = "attachments"
    __audit_label__ = "附件"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(32), info={"label": "所属记录"})
    record_id: Mapped[int] = mapped_column(info={"label": "所属记录编号"})
    filename: Mapped[str] = mapped_column(sa.String(255), info={"label": "文件名"})
    content_type: Mapped[str] = mapped_column(sa.String(100), info={"label": "文件类型"})
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, info={"label": "大小（字节）"})
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True, info={"label": "内容摘要"})
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), info={"label": "上传人"})
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "上传时间", "audit": False})
    deleted_at: Mapped[datetime | None] = mapped_column(info={"label": "删除时间"})
    deleted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), info={"label": "删除人"})
    delete_reason: Mapped[str | None] = mapped_column(sa.String(500), info={"label": "删除原因"})

    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    deleted_by = relationship("User", foreign_keys=[deleted_by_id])

    __table_args__ = (sa.Index("ix_attachments_record", "record_type", "record_id"),)

    def audit_title(self) -> str:
        return self.filename

    def audit_value(self, field: str, raw: str) -> str | None:
        return _record_label(raw) if field == "record_type" else None


class Comment(Audited, db.Model):
    """A 批示 (from a leader) or 意见 (from an editor) on a deal, fund application or problem."""

    __tablename__ = "comments"
    __audit_label__ = "批示"
    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(32), info={"label": "所属记录"})
    record_id: Mapped[int] = mapped_column(info={"label": "所属记录编号"})
    body: Mapped[str] = mapped_column(sa.Text, info={"label": "内容"})
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True, info={"label": "批示人"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "时间", "audit": False})
    # When the record's owner first saw it (the unread mark); not a business change, so not audited.
    read_at: Mapped[datetime | None] = mapped_column(info={"label": "已读时间", "audit": False})

    author = relationship("User", foreign_keys=[author_id])

    __table_args__ = (sa.Index("ix_comments_record", "record_type", "record_id"),)

    def audit_title(self) -> str:
        return (self.body or "")[:30]

    def audit_value(self, field: str, raw: str) -> str | None:
        return _record_label(raw) if field == "record_type" else None
