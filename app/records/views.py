"""Upload, download, preview and delete attachments; write 批示. Every route goes through the record's scoping."""

from urllib.parse import quote

from flask import Response, abort, flash, redirect, request
from flask_login import current_user, login_required

from app.core.errors import InputError
from app.extensions import db
from app.records import bp, filetypes, ownership, queries, services, targets
from app.records.forms import CommentForm, DeleteAttachmentForm, UploadForm
from app.records.models import Attachment
from app.records.storage import store


def record_area(view):
    """Login required; the area (deals, funds, problems) is the record's own, checked by ``targets``."""
    wrapped = login_required(view)
    wrapped.required_area = ("record", "read")
    return wrapped


# Chromium's PDF viewer refuses to run in a sandboxed document; images get the sandbox too.
_INLINE_CSP = {
    True: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'none'",
    False: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox",
}


def _record_or_404(record_type: str, record_id: int):
    record = targets.load(record_type, record_id)
    if record is None or not targets.may_read(current_user, record_type, record):
        abort(404)
    return record


@bp.route("/<record_type>/<int:record_id>/attachments", methods=["POST"])
@record_area
def upload(record_type: str, record_id: int):
    record = _record_or_404(record_type, record_id)
    if not targets.may_edit(current_user, record_type, record):
        abort(403)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            saved = services.attach_uploads(record, request.files.getlist("files"), actor=current_user)
        except InputError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            if saved:
                db.session.commit()
                flash(f"已上传 {len(saved)} 个附件：{'、'.join(a.filename for a in saved)}。", "success")
            else:
                flash("请选择要上传的文件。", "warning")
    return redirect(targets.page_url(record_type, record) + "#attachments")


def back_to(attachment):
    """Back to the page showing the attachment's record, at its file list."""
    record = targets.load(attachment.record_type, attachment.record_id)
    return redirect(targets.page_url(attachment.record_type, record) + "#attachments")


def _attachment_or_404(attachment_id: int) -> tuple[Attachment, object]:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.deleted_at is not None:
        abort(404)
    record = _record_or_404(attachment.record_type, attachment.record_id)
    return attachment, record


@bp.route("/attachments/<int:attachment_id>")
@record_area
def download(attachment_id: int):
    attachment, _record = _attachment_or_404(attachment_id)
    data = store().get(attachment.sha256)
    if data is None:
        flash(f"附件“{attachment.filename}”的文件在存储中找不到，请联系管理员。", "danger")
        return back_to(attachment)
    kind = filetypes.detect(data)
    inline = request.args.get("inline") == "1" and kind is not None and kind.inline
    # The type comes from the stored bytes, never from the upload; unknown → a plain download.
    content_type = kind.content_type if kind is not None else "application/octet-stream"
    disposition = "inline" if inline else "attachment"
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(attachment.filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if inline:
        # A PDF or image shown in the browser runs nothing of ours.
        response.headers["Content-Security-Policy"] = _INLINE_CSP[kind.content_type == "application/pdf"]
    return response


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@record_area
def delete(attachment_id: int):
    attachment, record = _attachment_or_404(attachment_id)
    if not targets.may_edit(current_user, attachment.record_type, record):
        abort(403)
    form = DeleteAttachmentForm()
    if form.validate_on_submit():
        try:
            services.delete_attachment(attachment, reason=form.reason.data, actor=current_user)
        except InputError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(
                f"附件“{attachment.filename}”已删除（原因：{attachment.delete_reason}），操作日志中保留记录。",
                "success",
            )
    else:
        flash("删除附件必须填写原因。", "danger")
    return back_to(attachment)


@bp.route("/<record_type>/<int:record_id>/comments", methods=["POST"])
@record_area
def add_comment(record_type: str, record_id: int):
    record = _record_or_404(record_type, record_id)
    if not targets.may_comment(current_user, record_type, record):
        abort(403)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(record, form.body.data, actor=current_user)
        except InputError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash("批示已保存。", "success")
    else:
        flash("请填写批示内容（不超过2000字）。", "danger")
    return redirect(targets.page_url(record_type, record) + "#comments")


@bp.route("/<record_type>/<int:record_id>/owner", methods=["POST"])
@record_area
def change_owner(record_type: str, record_id: int):
    from app.auth.models import User

    record = _record_or_404(record_type, record_id)
    if record_type not in ownership.OWNED or not targets.may_edit(current_user, record_type, record):
        abort(403)
    owner = db.session.get(User, request.form.get("owner_id", type=int) or 0)
    try:
        ownership.set_owner(record, owner, actor=current_user)
    except InputError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(f"承办人已改为“{owner}”。", "success")
    return redirect(targets.page_url(record_type, record))


def record_extras(record) -> dict:
    """What a record page shows of files and 批示; clears the unread mark when the owner reads them.

    Called by the record's page view, which is a read: the only write is the read mark, committed here.
    """
    record_type = targets.record_type_of(record)
    comments = queries.comments_for(record) if record_type in targets.COMMENTABLE else []
    unread = {c.id for c in comments if c.read_at is None}
    owner = queries.is_owner(current_user, record)
    if owner and unread and services.mark_comments_read(comments, reader=current_user):
        db.session.commit()
    attachments = queries.attachments_for(record)
    child_labels = _child_labels(record)
    return {
        "record_type": record_type,
        "record": record,
        "attachments": attachments,
        "child_labels": child_labels,
        "deleted_count": queries.deleted_count(record),
        "can_attach": targets.may_edit(current_user, record_type, record),
        "comments": comments,
        "unread": unread,
        "is_owner": owner,
        "can_comment": targets.may_comment(current_user, record_type, record),
        "upload_form": UploadForm(),
        "comment_form": CommentForm(),
        "delete_form": DeleteAttachmentForm(),
        "max_mb": services.max_bytes() // (1024 * 1024),
        "owner_choices": (
            ownership.owner_candidates(record)
            if record_type in ownership.OWNED and targets.may_edit(current_user, record_type, record)
            else None
        ),
    }


def _child_labels(record) -> dict:
    """(record_type, id) → label of a step a file belongs to (阶段变更 已签约 → 已开工)."""
    labels = {}
    for kind, ids in queries.children_of(record):
        target = targets.targets()[kind]
        for row_id in ids:
            row = db.session.get(target.model, row_id)
            if row is not None:
                labels[(kind, row_id)] = f"{target.label} {row.audit_title()}"
    return labels
