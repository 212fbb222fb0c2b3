"""Reads for attachments and 批示: a record's files (with its steps'), its comments, owners' unread ones."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core.permissions import own_unit_id
from app.extensions import db
from app.records.models import Attachment, Comment
from app.records.targets import record_type_of


def children_of(record) -> list[tuple[str, list[int]]]:
    """Child records whose files show on the record's page: stage changes, ledger entries, status changes."""
    record_type = record_type_of(record)
    if record_type == "deals":
        return [("deal_stage_changes", [c.id for c in record.stage_changes])]
    if record_type == "fund_applications":
        return [("fund_ledger_entries", [e.id for e in record.ledger])]
    if record_type == "problems":
        return [("problem_status_changes", [c.id for c in record.status_changes])]
    return []


def attachments_for(record, *, with_children: bool = True) -> list[Attachment]:
    """Live attachments of ``record`` (and of its steps), oldest first."""
    targets = [(record_type_of(record), [record.id])]
    if with_children:
        targets += [(kind, ids) for kind, ids in children_of(record) if ids]
    condition = sa.or_(
        *[sa.and_(Attachment.record_type == kind, Attachment.record_id.in_(ids)) for kind, ids in targets]
    )
    stmt = (
        sa.select(Attachment)
        .where(condition, Attachment.deleted_at.is_(None))
        .options(selectinload(Attachment.uploaded_by))
        .order_by(Attachment.uploaded_at, Attachment.id)
    )
    return list(db.session.scalars(stmt))


def audit_related(record) -> list[tuple[str, list[int]]]:
    """Attachments (live or deleted, of the record and its steps) and 批示, for the record's audit history."""
    targets = [(record_type_of(record), [record.id]), *[(kind, ids) for kind, ids in children_of(record) if ids]]
    condition = sa.or_(
        *[sa.and_(Attachment.record_type == kind, Attachment.record_id.in_(ids)) for kind, ids in targets]
    )
    attachment_ids = list(db.session.scalars(sa.select(Attachment.id).where(condition)))
    comment_ids = list(
        db.session.scalars(
            sa.select(Comment.id).where(Comment.record_type == record_type_of(record), Comment.record_id == record.id)
        )
    )
    return [("attachments", attachment_ids), ("comments", comment_ids)]


def deleted_count(record) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Attachment.id)).where(
                Attachment.record_type == record_type_of(record),
                Attachment.record_id == record.id,
                Attachment.deleted_at.is_not(None),
            )
        )
        or 0
    )


def comments_for(record) -> list[Comment]:
    """批示 on ``record``, newest first."""
    stmt = (
        sa.select(Comment)
        .where(Comment.record_type == record_type_of(record), Comment.record_id == record.id)
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )
    return list(db.session.scalars(stmt))


def is_owner(user, record) -> bool:
    """Is ``user`` the one a 批示 on ``record`` is for: the 承办人, or for a problem its unit's account?"""
    record_type = record_type_of(record)
    if record_type in ("deals", "fund_applications"):
        return record.owner_id is not None and record.owner_id == user.id
    if record_type == "problems":
        return own_unit_id(user) is not None and record.unit_id == own_unit_id(user)
    return False


@dataclass
class UnreadComment:
    comment: Comment
    record_type: str
    record: object


def unread_for(user, *, limit: int = 20) -> list[UnreadComment]:
    """Comments by others, not yet read, on the records ``user`` owns."""
    from app.deals.models import Deal
    from app.funds.models import FundApplication
    from app.problems.models import Problem

    owned = [
        sa.and_(
            Comment.record_type == "deals", Comment.record_id.in_(sa.select(Deal.id).where(Deal.owner_id == user.id))
        ),
        sa.and_(
            Comment.record_type == "fund_applications",
            Comment.record_id.in_(sa.select(FundApplication.id).where(FundApplication.owner_id == user.id)),
        ),
    ]
    if own_unit_id(user):
        owned.append(
            sa.and_(
                Comment.record_type == "problems",
                Comment.record_id.in_(sa.select(Problem.id).where(Problem.unit_id == own_unit_id(user))),
            )
        )
    stmt = (
        sa.select(Comment)
        .where(
            sa.or_(*owned), Comment.read_at.is_(None), sa.or_(Comment.author_id.is_(None), Comment.author_id != user.id)
        )
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at.desc())
        .limit(limit)
    )
    models = {"deals": Deal, "fund_applications": FundApplication, "problems": Problem}
    return [
        UnreadComment(c, c.record_type, db.session.get(models[c.record_type], c.record_id))
        for c in db.session.scalars(stmt)
    ]


def comments_by_leader(leader_id: int, *, limit: int = 30) -> list[Comment]:
    """The latest 批示 written by the accounts of one county leader."""
    from app.auth.models import User

    authors = sa.select(User.id).where(User.leader_id == leader_id)
    stmt = (
        sa.select(Comment)
        .where(Comment.author_id.in_(authors))
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
