"""Writes for attachments and 批示. Services flush; the caller commits."""

import os
import unicodedata

from flask import current_app

from app.core.dates import utcnow
from app.core.errors import InputError
from app.core.text import clean_text
from app.extensions import db
from app.records import filetypes
from app.records.models import Attachment, Comment
from app.records.storage import digest_of, store
from app.records.targets import COMMENTABLE, record_type_of, targets

COMMENT_MAX = 2000


def _clean_filename(name: str | None) -> str:
    """The name as uploaded, without folders or control characters, at most 255 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext[:20])] + ext[:20]
    return name or "附件"


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def read_upload(upload) -> tuple[str, bytes]:
    """Name and bytes of an uploaded file (a werkzeug FileStorage), refusing one over the size limit."""
    limit = max_bytes()
    data = upload.stream.read(limit + 1)
    name = _clean_filename(upload.filename)
    if len(data) > limit:
        raise InputError(f"附件“{name}”超过大小上限 {_size_text(limit)}", field="files")
    return name, data


def attach(record, filename: str, data: bytes, *, actor=None) -> Attachment:
    """Store ``data`` under its hash and attach it to ``record`` (type checked by content)."""
    record_type = record_type_of(record)
    if record_type not in targets():
        raise InputError("该记录不能添加附件")
    if record.id is None:  # a step created in the same request (services flush only when they need an id)
        db.session.flush()
    filename = _clean_filename(filename)
    if not data:
        raise InputError(f"附件“{filename}”是空文件", field="files")
    if len(data) > max_bytes():
        raise InputError(f"附件“{filename}”超过大小上限 {_size_text(max_bytes())}", field="files")
    kind = filetypes.detect(data)
    if kind is None:
        raise InputError(f"附件“{filename}”的内容不是允许的类型（只接受{filetypes.ALLOWED_TEXT}）", field="files")
    digest = digest_of(data)
    store().put(digest, data)
    attachment = Attachment(
        record_type=record_type,
        record_id=record.id,
        filename=filename,
        content_type=kind.content_type,
        size_bytes=len(data),
        sha256=digest,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def attach_uploads(record, uploads, *, actor=None) -> list[Attachment]:
    """Attach every non-empty file of a multiple file field; all or none."""
    saved = []
    for upload in uploads or []:
        if upload is None or not getattr(upload, "filename", None):
            continue
        name, data = read_upload(upload)
        saved.append(attach(record, name, data, actor=actor))
    return saved


def delete_attachment(attachment: Attachment, *, reason: str | None, actor=None) -> None:
    """Hide an attachment (the file and its row stay; the deletion is audited with its reason)."""
    reason = clean_text(reason)
    if not reason:
        raise InputError("删除附件必须填写原因", field="reason")
    if attachment.deleted_at is not None:
        raise InputError("该附件已删除")
    attachment.deleted_at = utcnow()
    attachment.deleted_by_id = getattr(actor, "id", None)
    attachment.delete_reason = reason[:500]
    db.session.flush()


def add_comment(record, body: str | None, *, actor=None) -> Comment:
    """Write a 批示 on a deal, fund application or problem."""
    record_type = record_type_of(record)
    if record_type not in COMMENTABLE:
        raise InputError("该记录不能批示")
    body = clean_text(body)
    if not body:
        raise InputError("请填写批示内容", field="body")
    if len(body) > COMMENT_MAX:
        raise InputError(f"批示内容不能超过{COMMENT_MAX}字", field="body")
    comment = Comment(record_type=record_type, record_id=record.id, body=body, author_id=getattr(actor, "id", None))
    db.session.add(comment)
    db.session.flush()
    return comment


def mark_comments_read(comments, *, reader) -> int:
    """Clear the unread mark of comments the owner has now seen (others' comments only)."""
    count = 0
    for comment in comments:
        if comment.read_at is None and comment.author_id != getattr(reader, "id", None):
            comment.read_at = utcnow()
            count += 1
    if count:
        db.session.flush()
    return count
