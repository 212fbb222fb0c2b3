"""Reads for the import pages."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.imports.models import ImportBatch, ImportItem


def history():
    """Committed and undone batches, newest first."""
    return (
        sa.select(ImportBatch)
        .where(ImportBatch.status != "preview")
        .options(selectinload(ImportBatch.user), selectinload(ImportBatch.undone_by))
        .order_by(ImportBatch.id.desc())
    )


def batch_items(batch_id: int):
    """What a batch created or changed, in the order it happened."""
    return sa.select(ImportItem).where(ImportItem.batch_id == batch_id).order_by(ImportItem.seq)


def item_counts(batch_id: int) -> dict[tuple[str, str], int]:
    """(table, action) → number of records."""
    rows = db.session.execute(
        sa.select(ImportItem.entity, ImportItem.action, sa.func.count())
        .where(ImportItem.batch_id == batch_id)
        .group_by(ImportItem.entity, ImportItem.action)
    ).all()
    return {(entity, action): count for entity, action, count in rows}
