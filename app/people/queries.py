"""Reads of reference data for forms and filters."""

import sqlalchemy as sa

from app.extensions import db
from app.people.models import FundChannel, Industry, Leader, Target, Unit


def active(model, *, include_id: int | None = None):
    """Active rows in display order (plus a specific inactive one still referenced)."""
    condition = model.is_active
    if include_id:
        condition = sa.or_(condition, model.id == include_id)
    return db.session.scalars(sa.select(model).where(condition).order_by(model.sort_order, model.id)).all()


def townships():
    """Active townships (乡镇) in order."""
    return db.session.scalars(
        sa.select(Unit).where(Unit.is_active, Unit.kind == "乡镇").order_by(Unit.sort_order, Unit.id)
    ).all()


def units():
    return active(Unit)


def leaders():
    return active(Leader)


def channels():
    return active(FundChannel)


def industries():
    return active(Industry)


def target_value(year: int, metric: str, unit_id: int | None = None) -> int | None:
    """The target for a year and metric (county-wide when unit_id is None).

    The year's targets are read in one statement and kept in the session until its next flush,
    commit or rollback (a page asks for several: one query, not one per figure)."""
    memo = db.session.info.setdefault(_TARGETS, {})
    if year not in memo:
        memo[year] = {
            (m, u): v
            for m, u, v in db.session.execute(
                sa.select(Target.metric, Target.unit_id, Target.value).where(Target.year == year)
            )
        }
    return memo[year].get((metric, unit_id))


_TARGETS = "targets_by_year"


@sa.event.listens_for(sa.orm.Session, "after_flush")
@sa.event.listens_for(sa.orm.Session, "after_commit")
@sa.event.listens_for(sa.orm.Session, "after_soft_rollback")
def _forget_targets(session, *args) -> None:
    session.info.pop(_TARGETS, None)


def find_by_name(model, text: str):
    """Match by full name or short name (巴公 → 巴公镇); None when unknown or ambiguous."""
    text = (text or "").strip()
    if not text:
        return None
    row = db.session.scalar(sa.select(model).where(model.name == text))
    if row is not None:
        return row
    if hasattr(model, "short_name"):
        rows = db.session.scalars(sa.select(model).where(model.short_name == text)).all()
        if len(rows) == 1:
            return rows[0]
    rows = db.session.scalars(sa.select(model).where(model.name.startswith(text))).all()
    return rows[0] if len(rows) == 1 else None
