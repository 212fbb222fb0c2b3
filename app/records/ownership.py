"""The owner (承办人) of a deal or fund application: who may be one, and changing it (audited on the column)."""

import sqlalchemy as sa

from app.core.errors import InputError
from app.core.permissions import can, can_see, is_scoped, is_unit_account
from app.extensions import db
from app.records.targets import record_type_of

OWNED = {"deals": "deals", "fund_applications": "funds"}  # record type → area whose editors may own it


def may_own(user, record) -> bool:
    """An active user who may edit the record: an editor of its area, a unit user only of his unit's records."""
    area = OWNED.get(record_type_of(record))
    if area is None or not user.is_active or not can(user, area, "edit"):
        return False
    return not is_scoped(user) or can_see(record, user)


def owner_candidates(record) -> list:
    """Users who may own ``record``, unit accounts of its own unit first."""
    from app.auth.models import User

    users = db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.role, User.username)).all()
    candidates = [u for u in users if may_own(u, record)]
    if record.owner is not None and record.owner not in candidates:
        candidates.append(record.owner)  # an owner who left stays visible until replaced
    return sorted(candidates, key=lambda u: (not is_unit_account(u), u.role, u.name))


def set_owner(record, owner, *, actor=None) -> None:
    """Make ``owner`` the record's 承办人 (the change is audited like any column)."""
    if record_type_of(record) not in OWNED:
        raise InputError("该记录没有承办人")
    if owner is None:
        raise InputError("请选择承办人", field="owner_id")
    if owner.id != record.owner_id and not may_own(owner, record):
        raise InputError(f"“{owner}”不能承办该记录（须为可编辑该记录的在用账号）", field="owner_id")
    record.owner_id = owner.id
    db.session.flush()
