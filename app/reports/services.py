"""Writes of the reports feature: issuing a month (发布). Reports never write business data.

Issuing stores the figures, both files and the audit-log position, so the issued report
downloads byte for byte later and any later change to the data behind it can be shown.
Flush only; the request or CLI command commits.
"""

from app.core.dates import today, utcnow
from app.core.errors import InputError
from app.extensions import db
from app.reports import queries
from app.reports.diff import differences
from app.reports.excel import build_xlsx
from app.reports.figures import Edition, ReportMonth, collect_figures
from app.reports.models import IssuedReport
from app.reports.pdf import build_pdf


def render_files(figures: dict, edition: Edition) -> tuple[bytes, bytes]:
    """The PDF and the Excel workbook of one set of figures."""
    return build_pdf(figures, edition), build_xlsx(figures, edition)


def issue_report(month: ReportMonth, *, actor=None, note: str | None = None) -> IssuedReport:
    """Issue ``month`` (version 1), or a corrected version superseding the one in force."""
    if not month.is_complete:
        raise InputError(f"{month.label}尚未结束，月末（{month.last_day.isoformat()}）之后才能发布", field="month")
    note = (note or "").strip() or None
    if note and len(note) > 1000:
        raise InputError("更正说明不能超过1000字", field="note")
    current = queries.current_issue(month.key)
    if current is not None and not note:
        raise InputError(
            f"{month.label}已发布第{current.version}版；发布更正版须填写更正说明（更正了什么、原因）", field="note"
        )
    # Read the log position first: a change committed meanwhile is then listed as "since", never lost.
    position = queries.max_audit_id()
    figures = collect_figures(month)
    if current is not None and not differences(current.figures, figures):
        raise InputError(f"当前数据与已发布的第{current.version}版完全一致，无需发布更正版", field="note")
    edition = Edition(today(), queries.latest_version(month.key) + 1, note)
    pdf, xlsx = render_files(figures, edition)
    if current is not None:
        current.is_current = False
        current.superseded_at = utcnow()
    report = IssuedReport(
        month=month.key,
        version=edition.version,
        as_of=month.as_of,
        issued_on=edition.on,
        issued_by_id=getattr(actor, "id", None),
        note=note,
        max_audit_id=position,
        is_current=True,
        figures=figures,
        pdf=pdf,
        xlsx=xlsx,
    )
    db.session.add(report)
    db.session.flush()
    return report
