"""Who may change a problem: a unit reads the problems located in its township but edits only its own."""

from flask import abort
from flask_login import current_user

from app.core.permissions import can, can_see, is_unit_account, own_unit_id


def may_edit_problem(user, problem) -> bool:
    """Problem editors may change a problem in scope; a unit only one assigned to it."""
    if not can(user, "problems", "edit") or not can_see(problem, user):
        return False
    if is_unit_account(user):
        return problem.unit_id is not None and problem.unit_id == own_unit_id(user)
    return True


def ensure_can_edit_problem(problem, user=None) -> None:
    """403 unless the user may change this problem."""
    if not may_edit_problem(user or current_user, problem):
        abort(403)
