"""Each application's current status read from its history, kept in two columns of its row.

``current_status`` is the ``to_status`` of the application's latest status change (by effective
date, then the order recorded) and ``current_status_on`` that change's effective date. They are
derived data: after every flush that adds, changes or deletes status changes, the touched
applications are recomputed in SQL from ``fund_status_changes``, whatever path wrote them (forms,
imports, undo, corrections), so per-channel figures as of D need no window over all status history:
an application whose ``current_status_on`` ≤ D has that status on D; only the few changed after D
are looked up in the history (``status_on``).
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.funds.models import FundApplication, FundStatusChange

CHUNK = 500


def _latest(column, apps):
    changes = FundStatusChange.__table__
    return (
        sa.select(column)
        .where(changes.c.application_id == apps.c.id)
        .order_by(changes.c.effective_on.desc(), changes.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def refresh_current_status(connection, application_ids=None) -> None:
    """Recompute the two columns for ``application_ids`` (every application when None)."""
    apps = FundApplication.__table__
    changes = FundStatusChange.__table__
    stmt = sa.update(apps).values(
        current_status=_latest(changes.c.to_status, apps),
        current_status_on=_latest(changes.c.effective_on, apps),
        updated_at=apps.c.updated_at,
    )  # derived data: not an edit of the row
    if application_ids is None:
        connection.execute(stmt)
        return
    ids = sorted(set(application_ids))
    for start in range(0, len(ids), CHUNK):
        connection.execute(stmt.where(apps.c.id.in_(ids[start : start + CHUNK])))


@event.listens_for(Session, "before_flush")
def _note_touched(session: Session, flush_context, instances) -> None:
    touched = session.info.setdefault("status_apps", set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, FundStatusChange):
            if obj.application_id is not None:
                touched.add(obj.application_id)
            elif obj.application is not None:
                touched.add(obj.application)  # new application: its id exists after the flush


@event.listens_for(Session, "after_flush_postexec")
def _refresh_touched(session: Session, flush_context) -> None:
    touched = session.info.pop("status_apps", None)
    if not touched:
        return
    ids = {item if isinstance(item, int) else item.id for item in touched}
    ids.discard(None)
    if ids:
        refresh_current_status(session.connection(), ids)
        for obj in session.identity_map.values():
            if isinstance(obj, FundApplication) and obj.id in ids:
                session.expire(obj, ["current_status", "current_status_on"])


def status_on(as_of: date):
    """SQL expression: the application's status on ``as_of`` (None when registered after it)."""
    changes = FundStatusChange.__table__
    from_history = (
        sa.select(changes.c.to_status)
        .where(changes.c.application_id == FundApplication.id, changes.c.effective_on <= as_of)
        .order_by(changes.c.effective_on.desc(), changes.c.id.desc())
        .limit(1)
        .correlate(FundApplication)
        .scalar_subquery()
    )
    return sa.case(
        (FundApplication.current_status_on.is_(None), sa.null()),
        (FundApplication.current_status_on <= as_of, FundApplication.current_status),
        else_=from_history,
    )
