"""Writes for problems: the 发现-交办-督办-销号 loop. Flush only."""

from datetime import date

from app.core.dates import today
from app.core.errors import InputError
from app.extensions import db
from app.problems.models import ESCALATION_LEVELS, Problem, ProblemStatusChange

TRANSITIONS = {
    "待交办": {"已交办", "退回"},
    "已交办": {"督办中", "已销号", "退回"},
    "督办中": {"已销号", "退回"},
    "退回": {"待交办"},
    "已销号": set(),
}


def create_problem(data: dict, *, actor=None) -> Problem:
    """Register a problem (status 待交办)."""
    if not (data.get("description") or "").strip():
        raise InputError("请填写问题描述", field="description")
    if not data.get("project_id") and not data.get("deal_id") and not data.get("project") and not data.get("deal"):
        raise InputError("问题须关联一个项目或招商项目", field="project_id")
    found_on = data.get("found_on") or today()
    if found_on > today():
        raise InputError("发现日期不能晚于今天", field="found_on")
    if data.get("deadline_on") and data["deadline_on"] < found_on:
        raise InputError("办结时限不能早于发现日期", field="deadline_on")
    level = data.get("escalation_level") or 1
    if level not in ESCALATION_LEVELS:
        raise InputError("督办层级须为1、2或3", field="escalation_level")
    problem = Problem(**{**data, "found_on": found_on, "status": "待交办", "escalation_level": level})
    db.session.add(problem)
    db.session.flush()
    db.session.add(ProblemStatusChange(problem=problem, from_status=None, to_status="待交办",
                                       effective_on=found_on, actor_id=getattr(actor, "id", None)))
    db.session.flush()
    return problem


def move_problem(problem: Problem, to_status: str, *, effective_on: date | None = None, actor=None,
                 note: str | None = None, resolution: str | None = None) -> ProblemStatusChange:
    """Change status: 销号 requires a resolution, 退回 a reason (note)."""
    effective_on = effective_on or today()
    if effective_on > today():
        raise InputError("日期不能晚于今天", field="effective_on")
    if to_status not in TRANSITIONS.get(problem.status, set()):
        raise InputError(f"问题不能从“{problem.status}”变为“{to_status}”", field="to_status")
    note = (note or "").strip() or None
    if to_status == "已销号":
        if not (resolution or "").strip():
            raise InputError("销号必须填写办结情况", field="resolution")
        problem.resolution = resolution.strip()
        problem.resolved_on = effective_on
    if to_status == "退回":
        if not note:
            raise InputError("退回必须填写原因", field="note")
        problem.return_reason = note
    change = ProblemStatusChange(problem=problem, from_status=problem.status, to_status=to_status,
                                 effective_on=effective_on, note=note, actor_id=getattr(actor, "id", None))
    problem.status = to_status
    db.session.add(change)
    db.session.flush()
    return change


def escalate(problem: Problem, level: int, *, actor=None, note: str | None = None) -> None:
    """Raise (or set) the escalation level 1 责任单位 / 2 分管县领导 / 3 县政府主要领导."""
    if level not in ESCALATION_LEVELS:
        raise InputError("督办层级须为1、2或3", field="escalation_level")
    problem.escalation_level = level
    db.session.flush()
