"""The reports page: pick a month, download the live PDF/Excel, issue it, compare issued with now."""

from urllib.parse import quote

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.core.audit import audited_models
from app.core.audit_display import describe
from app.core.dates import today
from app.core.errors import InputError
from app.core.permissions import is_scoped, require
from app.extensions import db
from app.reports import bp, queries, services
from app.reports.diff import differences
from app.reports.excel import build_xlsx, xlsx_filename
from app.reports.figures import Edition, ReportMonth, collect_figures
from app.reports.forms import IssueForm
from app.reports.models import IssuedReport
from app.reports.pdf import build_pdf, pdf_filename

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _month_or_404(month_key: str) -> ReportMonth:
    try:
        return ReportMonth.parse(month_key)
    except InputError:
        abort(404)


def _download(content: bytes, mimetype: str, filename: str, ascii_name: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _recent_months(count: int = 12) -> list[ReportMonth]:
    """The current month and the ones before it, newest first."""
    year, month = today().year, today().month
    months = []
    for _ in range(count):
        months.append(ReportMonth(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def _change_items(entries) -> list[dict]:
    """Audit entries as readable items with the record they touched, one item per change set."""
    models = audited_models()
    items: list[dict] = []
    for entry in entries:
        item = describe(entry)
        last = items[-1] if items else None
        if (
            last
            and entry.action == "update"
            and last["entry"].action == "update"
            and last["entry"].entity == entry.entity
            and last["entry"].record_id == entry.record_id
            and last["item"].at == item.at
        ):
            last["item"].changes.extend(item.changes)
            continue
        model = models.get(entry.entity)
        record = db.session.get(model, entry.record_id) if model is not None else None
        title = record.audit_title() if record is not None else f"#{entry.record_id}（已删除）"
        items.append({"entry": entry, "item": item, "title": title})
    return items


def _render_index(
    month: ReportMonth, form: IssueForm, *, month_error: str | None = None, issue_error: str | None = None
):
    figures = collect_figures(month)
    versions = queries.versions(month.key)
    current = next((report for report in versions if report.is_current), None)
    diffs = changes = None
    change_count = 0
    if current is not None:
        diffs = differences(current.figures, figures)
        if not is_scoped(current_user):
            change_count = queries.count_changes_since(current)
            changes = _change_items(queries.changes_since(current))
    form.note.label.text = "更正说明" if current is not None else "发布说明"
    issued = {report.month: report for report in queries.issued_months()}
    return render_template(
        "reports/index.html",
        month=month,
        figures=figures,
        m=figures["metrics"],
        versions=versions,
        current=current,
        diffs=diffs,
        changes=changes,
        change_count=change_count,
        form=form,
        issued=issued,
        recent=_recent_months(),
        month_error=month_error,
        issue_error=issue_error,
    )


@bp.route("/")
@require("reports")
def index():
    month_error = None
    text = request.args.get("month")
    try:
        month = ReportMonth.parse(text) if text else ReportMonth.latest_complete()
    except InputError as exc:
        month_error = f"{exc.message}；已显示{ReportMonth.latest_complete().label}。"
        month = ReportMonth.latest_complete()
    return _render_index(month, IssueForm(), month_error=month_error)


@bp.route("/<month_key>/report.pdf")
@require("reports")
def download_pdf(month_key: str):
    month = _month_or_404(month_key)
    content = build_pdf(collect_figures(month), Edition(today()))
    return _download(content, PDF, pdf_filename(month.key), f"monthly-report-{month.key}.pdf")


@bp.route("/<month_key>/report.xlsx")
@require("reports")
def download_xlsx(month_key: str):
    month = _month_or_404(month_key)
    content = build_xlsx(collect_figures(month), Edition(today()))
    return _download(content, XLSX, xlsx_filename(month.key), f"monthly-report-{month.key}.xlsx")


@bp.route("/<month_key>/issue", methods=["POST"])
@require("reports", "edit")
def issue(month_key: str):
    month = _month_or_404(month_key)
    form = IssueForm()
    if form.validate_on_submit():
        try:
            report = services.issue_report(month, actor=current_user, note=form.note.data)
        except InputError as exc:
            db.session.rollback()
            return _render_index(month, form, issue_error=exc.message)
        try:
            db.session.commit()
        except IntegrityError:  # someone issued the same version a moment earlier
            db.session.rollback()
            return _render_index(
                month, form, issue_error="刚刚已有人发布了该月报告，请查看最新版本后再决定是否发布更正版。"
            )
        flash(f"{month.label}月度报告第{report.version}版已发布，文件已存档。", "success")
        return redirect(url_for("reports.index", month=month.key))
    return _render_index(month, form)


def _issued(report_id: int) -> IssuedReport:
    return db.get_or_404(IssuedReport, report_id)


@bp.route("/issued/<int:report_id>.pdf")
@require("reports")
def issued_pdf(report_id: int):
    report = _issued(report_id)
    edition = Edition(report.issued_on, report.version)
    return _download(
        report.pdf, PDF, pdf_filename(report.month, edition), f"monthly-report-{report.month}-v{report.version}.pdf"
    )


@bp.route("/issued/<int:report_id>.xlsx")
@require("reports")
def issued_xlsx(report_id: int):
    report = _issued(report_id)
    edition = Edition(report.issued_on, report.version)
    return _download(
        report.xlsx, XLSX, xlsx_filename(report.month, edition), f"monthly-report-{report.month}-v{report.version}.xlsx"
    )
