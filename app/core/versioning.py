"""Stale edits: a form opened before somebody else saved is answered 409, showing that change.

Records carry ``version`` (core.models.Versioned, SQLAlchemy's version_id_col). The form's hidden
version is compared on submit; between that check and the UPDATE, the ``WHERE version = …`` of
the UPDATE itself catches the rest (StaleDataError), answered the same way.
"""

import sqlalchemy as sa
from flask import Flask, render_template, request
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db


class StaleEdit(Exception):
    """The submitted form was opened at an older version of ``record``."""

    def __init__(self, record, form=None):
        super().__init__(f"stale edit of {type(record).__name__} {record.id}")
        self.record = record
        self.form = form


def ensure_current(record, form) -> None:
    """Raise StaleEdit when the form's hidden version is not the record's current one."""
    try:
        opened = int(form.version.data)
    except (TypeError, ValueError):
        opened = None
    if opened != record.version:
        raise StaleEdit(record, form)


def _raw(column, value) -> str | None:
    """A value as the audit log stores it, so stored and submitted values compare and display alike."""
    if value is None or value == "" or (value == 0 and column.foreign_keys):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _submitted_text(record, column, raw: str | None) -> str:
    """The submitted value as shown; a reference id no row can have (bogus, huge) shows as typed."""
    from app.core.audit_display import display_value
    from app.core.input_guard import MAX_INT

    if raw is not None and column.foreign_keys and not (raw.isdigit() and int(raw) <= MAX_INT):
        return raw
    return display_value(type(record), column.key, raw)


def _differences(record, form) -> list[tuple[str, str, str]]:
    """(field label, value now stored, value in the stale form) for every field the two disagree on."""
    from app.core.audit_display import display_value

    rows = []
    columns = {c.key: c for c in sa.inspect(type(record)).columns}
    for field in form or ():
        column = columns.get(field.name)
        if column is None or field.name == "version":
            continue
        stored, submitted = _raw(column, getattr(record, field.name)), _raw(column, field.data)
        if stored != submitted:
            rows.append(
                (
                    column.info.get("label", field.label.text),
                    display_value(type(record), field.name, stored),
                    _submitted_text(record, column, submitted),
                )
            )
    return rows


def register(app: Flask) -> None:
    """409 pages for StaleEdit and for the UPDATE that found its version changed."""

    from app.core.audit_display import timeline_for

    @app.errorhandler(StaleEdit)
    def stale_edit(error: StaleEdit):
        db.session.rollback()
        record = db.session.get(type(error.record), error.record.id)
        if error.form is not None and record is not None:
            error.form.process(formdata=request.form)  # the stale form's values, for the comparison
        differences = _differences(record, error.form) if record is not None else []
        changes = timeline_for(record, limit=10) if record is not None else []
        return render_template(
            "errors/stale.html", record=record, differences=differences, changes=changes, back=request.path
        ), 409

    @app.errorhandler(StaleDataError)
    def stale_update(error):
        db.session.rollback()
        return render_template("errors/stale.html", record=None, differences=[], changes=[], back=request.path), 409
