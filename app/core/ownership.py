"""Who a record is for: the owner (承办人) of deals and fund applications, and whose "my" panels show what.

我的跟进 and the other home panels are the owner's own. Those who oversee more see more:
the task force and admins every record, a unit account (role ``unit``, the township's or
department's own login, i.e. its lead) every record of its unit, a leader his 包联 records.
A staff member of 投资促进中心 or 财政/发改 sees the records he or she owns, plus those with
no owner yet, so nothing falls between two desks.
"""

import sqlalchemy as sa

from app.core.permissions import sees_whole_scope


def mine_clause(model, user):
    """SQL condition on ``model`` (with an ``owner_id``) for the user's own panels; None: no extra limit."""
    if sees_whole_scope(user):
        return None
    return sa.or_(model.owner_id == user.id, model.owner_id.is_(None))


def is_owner(user, record) -> bool:
    """Is ``user`` the record's owner?"""
    owner_id = getattr(record, "owner_id", None)
    return owner_id is not None and owner_id == getattr(user, "id", None)
