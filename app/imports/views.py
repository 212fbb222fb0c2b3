"""台账导入 pages: upload, preview, commit, failed rows, templates, batch history and undo."""

from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from app.core.audit import audited_models
from app.core.errors import InputError
from app.core.excel import xlsx_response
from app.core.pagination import paginate
from app.core.permissions import can, ensure_can_edit, is_admin, require
from app.extensions import db
from app.imports import bp, queries, services, workbooks
from app.imports.confirmations import confirmed_rows
from app.imports.forms import UploadForm
from app.imports.mappers import AREAS, MAPPERS
from app.imports.models import KINDS, ImportBatch

PREVIEW_PAGE_SIZE = 200
OUTCOMES = {"create": "新建", "update": "更新", "unchanged": "未变", "error": "错误"}
ROW_FILTERS = {"warning": ("有提示", "w"), "confirm": ("待核对金额", "k")}  # tab → (label, stored row key)
# table → (endpoint of the record's page, its id argument)
RECORD_PAGES = {
    "deals": ("deals.deal_detail", "deal_id"),
    "projects": ("projects.project_detail", "project_id"),
    "fund_applications": ("funds.application_detail", "app_id"),
}


def _upload_form() -> UploadForm:
    form = UploadForm()
    form.limit_kinds(current_user)
    return form


def _render_index(form: UploadForm, status: int = 200):
    page = paginate(queries.history(), per_page=20)
    return render_template(
        "imports/index.html", form=form, page=page, kinds=KINDS, may_edit=can(current_user, "imports", "edit")
    ), status


@bp.route("/")
@require("imports")
def index():
    return _render_index(_upload_form())


@bp.route("/preview", methods=["POST"])
@require("imports", "edit")
def upload():
    form = _upload_form()
    if form.validate_on_submit():
        ensure_can_edit(AREAS[form.kind.data])
        upload_file = form.file.data
        try:
            batch = services.start_preview(form.kind.data, upload_file.filename, upload_file.read(), user=current_user)
        except InputError as exc:
            db.session.rollback()
            form.file.errors.append(exc.message)
        else:
            db.session.commit()
            return redirect(url_for("imports.preview", token=batch.token))
    return _render_index(form)


def _pending(token: str) -> ImportBatch:
    batch = db.session.scalar(db.select(ImportBatch).where(ImportBatch.token == token))
    if batch is None or batch.status != "preview" or (batch.user_id != current_user.id and not is_admin()):
        abort(404)
    return batch


@bp.route("/preview/<token>")
@require("imports", "edit")
def preview(token: str):
    batch = _pending(token)
    stored = services.stored_preview(batch)
    outcome = request.args.get("outcome", "")
    rows = stored.get("rows", [])
    if outcome in OUTCOMES:
        shown = [row for row in rows if row["a"] == outcome]
    elif outcome in ROW_FILTERS:  # rows with warnings / with amounts to confirm
        shown = [row for row in rows if row.get(ROW_FILTERS[outcome][1])]
    else:
        shown = rows
    pages = max(1, -(-len(shown) // PREVIEW_PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template(
        "imports/preview.html",
        batch=batch,
        stored=stored,
        outcome=outcome,
        rows=shown[(page - 1) * PREVIEW_PAGE_SIZE : page * PREVIEW_PAGE_SIZE],
        page=page,
        pages=pages,
        outcomes=OUTCOMES,
        row_filters=ROW_FILTERS,
    )


@bp.route("/preview/<token>/commit", methods=["POST"])
@require("imports", "edit")
def commit(token: str):
    batch = _pending(token)
    ensure_can_edit(AREAS[batch.kind])
    leaders = set(request.form.getlist("leaders"))
    ticked = {int(n) for n in request.form.getlist("confirm_rows") if n.isdigit()}
    unticked = [
        row["n"] for row in services.stored_preview(batch).get("rows", []) if row.get("k") and row["n"] not in ticked
    ]
    if unticked:
        flash(
            f"第{'、'.join(map(str, unticked))}行的金额超过合理上限：请逐行核对后勾选“我已核对金额”，再确认导入。",
            "danger",
        )
        return redirect(url_for("imports.preview", token=token, outcome="confirm"))
    try:
        with confirmed_rows(ticked):
            services.commit_batch(batch, user=current_user, create_leaders=leaders)
    except services.AlreadyCommitted as exc:
        db.session.rollback()
        flash(exc.message, "info")
        return redirect(url_for("imports.index"))
    except OperationalError:  # SQLite: another import held the write lock past the busy timeout
        db.session.rollback()
        flash("另一个导入正在进行，请稍后再点击“确认导入”。", "warning")
        return redirect(url_for("imports.preview", token=token))
    except services.ImportFailed as exc:
        db.session.rollback()
        batch = _pending(token)
        services.store_plan(batch, exc.plan)
        db.session.commit()
        flash(exc.message, "danger")
        return redirect(url_for("imports.preview", token=token, outcome="error"))
    except InputError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("imports.preview", token=token))
    db.session.commit()
    flash(
        f"导入完成：新建{batch.created_count}条，更新{batch.updated_count}条，未变{batch.unchanged_count}条。",
        "success",
    )
    return redirect(url_for("imports.batch_detail", batch_id=batch.id))


@bp.route("/preview/<token>/errors.xlsx")
@require("imports", "edit")
def failed_rows(token: str):
    batch = _pending(token)
    try:
        content, _count = workbooks.failed_rows_workbook(batch)
    except InputError:
        abort(404)
    stem = batch.filename.rsplit(".", 1)[0]
    return xlsx_response(content, f"{stem}-错误行.xlsx")


@bp.route("/template/<kind>.xlsx")
@require("imports")
def template(kind: str):
    if kind not in MAPPERS:
        abort(404)
    return xlsx_response(workbooks.template_workbook(kind), f"{MAPPERS[kind].TITLE}导入模板.xlsx")


def _batch(batch_id: int) -> ImportBatch:
    batch = db.get_or_404(ImportBatch, batch_id)
    if batch.status == "preview":
        abort(404)
    return batch


@bp.route("/batches/<int:batch_id>")
@require("imports")
def batch_detail(batch_id: int):
    batch = _batch(batch_id)
    page = paginate(queries.batch_items(batch.id), per_page=50)
    models = audited_models()
    labels = {name: getattr(model, "__audit_label__", name) for name, model in models.items()}
    records = {}
    for item in page.items:
        obj = db.session.get(models[item.entity], item.record_id) if item.entity in models else None
        endpoint = RECORD_PAGES.get(item.entity)
        url = url_for(endpoint[0], **{endpoint[1]: obj.id}) if obj is not None and endpoint else None
        records[item.id] = (obj.audit_title() if obj is not None else None, url)
    counts = queries.item_counts(batch.id)
    stored = services.stored_preview(batch)
    may_undo = (
        batch.status == "committed"
        and can(current_user, "imports", "edit")
        and can(current_user, AREAS[batch.kind], "edit")
    )
    return render_template(
        "imports/batch.html",
        batch=batch,
        page=page,
        labels=labels,
        counts=counts,
        stored=stored,
        may_undo=may_undo,
        records=records,
    )


@bp.route("/batches/<int:batch_id>/undo", methods=["POST"])
@require("imports", "edit")
def undo(batch_id: int):
    batch = _batch(batch_id)
    ensure_can_edit(AREAS[batch.kind])
    try:
        services.undo_batch(batch, user=current_user)
    except InputError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        flash(f"已撤销导入批次 #{batch.id}（{batch.filename}）：新建的记录已删除，修改的记录已恢复。", "success")
    return redirect(url_for("imports.batch_detail", batch_id=batch_id))


@bp.route("/batches/<int:batch_id>/file")
@require("imports")
def download_file(batch_id: int):
    batch = _batch(batch_id)
    if not batch.file_data:
        abort(404)
    response = Response(batch.file_data, mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(batch.filename)}"
    return response
