"""The records files and 批示 may hang on, and how each one is scoped, edited and linked.

An attachment or comment names its record by table name and id. Reading one goes
through the record's own scoping (a unit cannot reach another unit's file by id);
adding or deleting needs the right to edit the record.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for

from app.core.permissions import can, can_see, is_leader_account, oversees_county
from app.extensions import db


@dataclass(frozen=True)
class Target:
    """One kind of record: its model, its area, the record whose scope counts, its page."""

    label: str
    model: type
    area: str
    scope_of: Callable  # record -> the record whose scoping and editing rules apply
    page: Callable  # record -> URL of the page showing it


def _targets() -> dict[str, Target]:
    from app.deals.models import Deal, DealStageChange, Investor
    from app.funds.models import FundApplication, FundLedgerEntry
    from app.problems.models import Problem, ProblemStatusChange

    return {
        "deals": Target("招商项目", Deal, "deals", lambda r: r, lambda r: url_for("deals.deal_detail", deal_id=r.id)),
        "deal_stage_changes": Target(
            "阶段变更",
            DealStageChange,
            "deals",
            lambda r: r.deal,
            lambda r: url_for("deals.deal_detail", deal_id=r.deal_id) + "#stage-history",
        ),
        "investors": Target(
            "投资方", Investor, "deals", lambda r: r, lambda r: url_for("deals.investor_detail", investor_id=r.id)
        ),
        "fund_applications": Target(
            "资金申报",
            FundApplication,
            "funds",
            lambda r: r,
            lambda r: url_for("funds.application_detail", app_id=r.id),
        ),
        "fund_ledger_entries": Target(
            "资金台账",
            FundLedgerEntry,
            "funds",
            lambda r: r.application,
            lambda r: url_for("funds.application_detail", app_id=r.application_id),
        ),
        "problems": Target(
            "问题", Problem, "problems", lambda r: r, lambda r: url_for("problems.problem_detail", problem_id=r.id)
        ),
        "problem_status_changes": Target(
            "问题状态变更",
            ProblemStatusChange,
            "problems",
            lambda r: r.problem,
            lambda r: url_for("problems.problem_detail", problem_id=r.problem_id),
        ),
    }


_CACHE: dict[str, Target] = {}
# Records a 批示 may be written on.
COMMENTABLE = ("deals", "fund_applications", "problems")


def targets() -> dict[str, Target]:
    if not _CACHE:
        _CACHE.update(_targets())
    return _CACHE


def record_type_of(record) -> str:
    """The table name naming ``record`` in attachments and comments."""
    return type(record).__tablename__


def load(record_type: str, record_id: int):
    """The record, or None when the type is unknown or the row is gone."""
    target = targets().get(record_type)
    return db.session.get(target.model, record_id) if target is not None else None


def may_read(user, record_type: str, record) -> bool:
    """May ``user`` see ``record`` (area plus the record's scoping)?"""
    target = targets().get(record_type)
    if target is None or record is None or not can(user, target.area):
        return False
    if record_type == "investors":  # investors are shared: every deals reader sees them
        return True
    return can_see(target.scope_of(record), user)


def may_edit(user, record_type: str, record) -> bool:
    """May ``user`` change ``record`` (attach or delete files)?"""
    if not may_read(user, record_type, record):
        return False
    target = targets()[record_type]
    owner = target.scope_of(record)
    if record_type == "investors":
        from app.deals import queries

        return queries.can_edit_investor(user, owner)
    if record_type in ("problems", "problem_status_changes"):
        from app.problems.access import may_edit_problem

        return may_edit_problem(user, owner)
    return can(user, target.area, "edit")


def may_comment(user, record_type: str, record) -> bool:
    """Leaders (on their 包联 records), the task force and the record's editors may write a 批示."""
    if record_type not in COMMENTABLE or not may_read(user, record_type, record):
        return False
    return is_leader_account(user) or oversees_county(user) or may_edit(user, record_type, record)


def page_url(record_type: str, record) -> str:
    return targets()[record_type].page(record)
