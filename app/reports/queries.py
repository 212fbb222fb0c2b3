"""Reads for issued reports and for the audit entries recorded since a report was issued."""

import sqlalchemy as sa
from sqlalchemy.orm import defer

from app.core.audit import AuditEntry, audited_models
from app.extensions import db
from app.reports.models import IssuedReport

# Features whose data the report's figures are computed from (plus targets and reference names).
SOURCE_FEATURES = ("deals", "funds", "projects", "problems")
SOURCE_TABLES = {"targets", "units", "leaders", "fund_channels"}


def _light():
    """Leave the stored files and figures unloaded until asked for."""
    return (defer(IssuedReport.pdf), defer(IssuedReport.xlsx), defer(IssuedReport.figures))


def versions(month_key: str) -> list[IssuedReport]:
    """Every issued version of a month, newest first."""
    stmt = (
        sa.select(IssuedReport)
        .options(*_light())
        .where(IssuedReport.month == month_key)
        .order_by(IssuedReport.version.desc())
    )
    return list(db.session.scalars(stmt))


def current_issue(month_key: str) -> IssuedReport | None:
    """The version of a month currently in force, if it was issued."""
    stmt = (
        sa.select(IssuedReport)
        .where(IssuedReport.month == month_key, IssuedReport.is_current.is_(True))
        .order_by(IssuedReport.version.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)


def latest_version(month_key: str) -> int:
    """Highest version number issued for a month (0 when never issued)."""
    return db.session.scalar(sa.select(sa.func.max(IssuedReport.version)).where(IssuedReport.month == month_key)) or 0


def issued_months(limit: int = 24) -> list[IssuedReport]:
    """The current version of each issued month, newest month first."""
    stmt = (
        sa.select(IssuedReport)
        .options(*_light())
        .where(IssuedReport.is_current.is_(True))
        .order_by(IssuedReport.month.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def source_tables() -> list[str]:
    """Audited tables whose changes can move a report's figures."""
    return sorted(
        table
        for table, model in audited_models().items()
        if model.__module__.split(".")[1] in SOURCE_FEATURES or table in SOURCE_TABLES
    )


def max_audit_id() -> int:
    """The newest audit entry id: the log position a report is issued at."""
    return db.session.scalar(sa.select(sa.func.max(AuditEntry.id))) or 0


def _since(report: IssuedReport):
    return sa.and_(AuditEntry.id > report.max_audit_id, AuditEntry.entity.in_(source_tables()))


def changes_since(report: IssuedReport, limit: int = 300) -> list[AuditEntry]:
    """Audit entries on the report's source data recorded after it was issued, newest first."""
    stmt = sa.select(AuditEntry).where(_since(report)).order_by(AuditEntry.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))


def count_changes_since(report: IssuedReport) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(_since(report))) or 0
