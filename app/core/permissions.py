"""The one permission mechanism: a role × area matrix plus record scoping.

Views declare the area they belong to with ``@require(area, action)``; list queries
go through ``visible(select, Model)``; single records through ``get_visible_or_404``
and ``ensure_can_edit``. Roles ``unit`` and ``leader`` are scoped: a model names
the columns that tie a record to a unit (``__scope_units__``) and to a leader
(``__scope_leaders__``), or defines ``scope_clause(unit_id, leader_id)`` itself.
"""

from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from app.extensions import db

ROLES = {
    "admin": "系统管理员",
    "taskforce": "专班办公室",
    "investment": "投资促进中心",
    "finance": "财政/发改",
    "unit": "乡镇/部门",
    "leader": "县级领导",
}

AREAS = {
    "dashboard": "驾驶舱",
    "deals": "招商引资",
    "funds": "争资争项",
    "projects": "项目库",
    "problems": "问题督办",
    "portfolios": "包联与单位",
    "reports": "月度报告",
    "imports": "台账导入",
    "reference": "基础数据",
    "users": "用户管理",
}

R, E = "read", "edit"
# area -> role -> highest action allowed (edit implies read)
MATRIX = {
    "dashboard": {"admin": E, "taskforce": E, "investment": R, "finance": R, "unit": R, "leader": R},
    "deals": {"admin": E, "taskforce": E, "investment": E, "finance": R, "unit": E, "leader": R},
    "funds": {"admin": E, "taskforce": E, "investment": R, "finance": E, "unit": E, "leader": R},
    "projects": {"admin": E, "taskforce": E, "investment": E, "finance": E, "unit": E, "leader": R},
    "problems": {"admin": E, "taskforce": E, "investment": E, "finance": E, "unit": E, "leader": R},
    "portfolios": {"admin": R, "taskforce": R, "investment": R, "finance": R, "unit": R, "leader": R},
    "reports": {"admin": E, "taskforce": E, "investment": R, "finance": R, "leader": R},
    "imports": {"admin": E, "taskforce": E, "investment": E, "finance": E},
    "reference": {"admin": E, "taskforce": E, "investment": R, "finance": R},
    "users": {"admin": E},
}
UNIT_ROLE, LEADER_ROLE, ADMIN_ROLE = "unit", "leader", "admin"
SCOPED_ROLES = {UNIT_ROLE, LEADER_ROLE}


def can(user, area: str, action: str = R) -> bool:
    """May ``user`` read (or edit) in ``area`` at all?"""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    allowed = MATRIX[area].get(user.role)
    return allowed == E or (allowed == R and action == R)


def is_scoped(user) -> bool:
    return user.role in SCOPED_ROLES


# --- the scoped roles: what a unit or leader account is tied to ----------------------------------
# ``user`` defaults to the logged-in user; code that may run without one passes it explicitly.


def is_unit_account(user=None) -> bool:
    """A 乡镇/部门 account: sees and edits its own unit's records only."""
    return getattr(user or current_user, "role", None) == UNIT_ROLE


def is_leader_account(user=None) -> bool:
    """A 县级领导 account: reads its own 包联 records only."""
    return getattr(user or current_user, "role", None) == LEADER_ROLE


def is_admin(user=None) -> bool:
    return getattr(user or current_user, "role", None) == ADMIN_ROLE


def oversees_county(user=None) -> bool:
    """The task force and admins: every record of the county is theirs to follow."""
    return getattr(user or current_user, "role", None) in ("admin", "taskforce")


def sees_whole_scope(user=None) -> bool:
    """Home panels show everything in the user's scope (county, unit or 包联), not only what the user owns."""
    return oversees_county(user) or is_unit_account(user) or is_leader_account(user)


def own_unit_id(user=None) -> int | None:
    """The unit a unit account belongs to (None for every other role)."""
    user = user or current_user
    return user.unit_id if is_unit_account(user) else None


def own_unit(user=None):
    """The Unit of a unit account (None for every other role)."""
    user = user or current_user
    return user.unit if is_unit_account(user) else None


def own_leader_id(user=None) -> int | None:
    """The county leader a leader account stands for (None for every other role)."""
    user = user or current_user
    return user.leader_id if is_leader_account(user) else None


def keeps_own_unit(user=None) -> bool:
    """Does ``user`` file records for its own unit only? A unit account's forms fix the unit (or
    require it among the record's units), else the record would leave what it can see."""
    return is_unit_account(user)


def scope_clause(model, user):
    """SQL condition limiting ``model`` rows to what a scoped user may see."""
    unit_id = own_unit_id(user)
    leader_id = own_leader_id(user)
    custom = getattr(model, "scope_clause", None)
    if custom is not None:
        return custom(unit_id=unit_id, leader_id=leader_id)
    if unit_id is not None:
        columns = [getattr(model, name) for name in getattr(model, "__scope_units__", ())]
        return sa.or_(*[c == unit_id for c in columns]) if columns else sa.false()
    if leader_id is not None:
        columns = [getattr(model, name) for name in getattr(model, "__scope_leaders__", ())]
        return sa.or_(*[c == leader_id for c in columns]) if columns else sa.false()
    return sa.false()


def visible(stmt, model, user=None):
    """Restrict a select of ``model`` to the rows ``user`` may see."""
    user = user or current_user
    if is_scoped(user):
        return stmt.where(scope_clause(model, user))
    return stmt


def can_see(obj, user=None) -> bool:
    """Is this record inside the user's scope?"""
    user = user or current_user
    if not is_scoped(user):
        return True
    model = type(obj)
    stmt = sa.select(sa.literal(1)).select_from(model).where(model.id == obj.id, scope_clause(model, user))
    return db.session.execute(stmt).first() is not None


def get_visible_or_404(model, record_id, user=None):
    """Load a record the user may see, else 404 (hides other units' records)."""
    obj = db.session.get(model, record_id)
    if obj is None or not can_see(obj, user):
        abort(404)
    return obj


def ensure_can_edit(area: str, obj=None, user=None) -> None:
    """403 unless the user may edit in ``area`` (and ``obj`` is in scope)."""
    user = user or current_user
    if not can(user, area, E) or (obj is not None and not can_see(obj, user)):
        abort(403)


def require(area: str, action: str = R):
    """View decorator: login required, then the matrix decides (403 when not allowed)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(current_user, area, action):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_area = (area, action)
        return wrapped

    return decorator
