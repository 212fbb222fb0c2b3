"""Writes for problems: the 发现-交办-督办-销号 loop. Flush only."""

from datetime import date

import sqlalchemy as sa

from app.core.dates import today
from app.core.errors import InputError
from app.core.locking import lock_row
from app.extensions import db
from app.problems.models import ESCALATION_LEVELS, Problem, ProblemStatusChange

TRANSITIONS = {
    "待交办": {"已交办", "退回"},
    "已交办": {"督办中", "已销号", "退回"},
    "督办中": {"已销号", "退回"},
    "退回": {"待交办"},
    "已销号": set(),
}
EDITABLE_FIELDS = ("description", "project_id", "deal_id", "unit_id", "leader_id", "deadline_on")


def _fill_from_link(data: dict) -> dict:
    """Unit and leader default to those of the linked project or deal."""
    from app.deals.models import Deal
    from app.projects.models import Project

    project = data.get("project") or (db.session.get(Project, data["project_id"]) if data.get("project_id") else None)
    deal = data.get("deal") or (db.session.get(Deal, data["deal_id"]) if data.get("deal_id") else None)
    if data.get("project_id") and project is None:
        raise InputError("关联项目不存在", field="project_id")
    if data.get("deal_id") and deal is None:
        raise InputError("关联招商项目不存在", field="deal_id")
    source = project or deal
    if source is not None:
        if not data.get("unit_id") and not data.get("unit"):
            unit = source.lead_unit or source.township
            if unit is not None:
                data["unit_id"] = unit.id
        if not data.get("leader_id") and not data.get("leader") and source.leader_id:
            data["leader_id"] = source.leader_id
    return data


def create_problem(data: dict, *, actor=None) -> Problem:
    """Register a problem (status 待交办); unit and leader default from the linked project or deal."""
    data = {key: value for key, value in data.items() if value is not None}
    data["description"] = (data.get("description") or "").strip()
    if not data["description"]:
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
    data = _fill_from_link(data)
    problem = Problem(**{**data, "found_on": found_on, "status": "待交办", "escalation_level": level})
    db.session.add(problem)
    db.session.flush()
    db.session.add(
        ProblemStatusChange(
            problem=problem,
            from_status=None,
            to_status="待交办",
            effective_on=found_on,
            note="发现问题",
            actor_id=getattr(actor, "id", None),
        )
    )
    db.session.flush()
    return problem


def update_problem(problem: Problem, data: dict) -> Problem:
    """Edit the description, links, responsible unit and leader, or deadline (e.g. an extension)."""
    for key in EDITABLE_FIELDS:
        if key in data:
            setattr(problem, key, data[key])
    problem.description = (problem.description or "").strip()
    if not problem.description:
        raise InputError("请填写问题描述", field="description")
    if not problem.project_id and not problem.deal_id:
        raise InputError("问题须关联一个项目或招商项目", field="project_id")
    if problem.deadline_on and problem.deadline_on < problem.found_on:
        raise InputError("办结时限不能早于发现日期", field="deadline_on")
    if problem.status in ("已交办", "督办中") and not (problem.unit_id and problem.deadline_on):
        raise InputError(
            "已交办的问题须有责任单位和办结时限", field="unit_id" if not problem.unit_id else "deadline_on"
        )
    db.session.flush()
    return problem


def _last_change_on(problem: Problem) -> date:
    """Date of the last real status move (escalation rows keep the status and do not count)."""
    moves = [c.effective_on for c in problem.status_changes if c.from_status != c.to_status]
    return max(moves, default=problem.found_on)


def allowed_moves(problem: Problem, as_of: date | None = None) -> set[str]:
    """Statuses the problem may move to: from its effective status (an overdue problem is 督办中, so it
    can be closed at once) as well as from its stored one (an overdue 待交办 can still be 交办)."""
    from app.problems.queries import status_of

    return TRANSITIONS.get(status_of(problem, as_of or today()), set()) | TRANSITIONS.get(problem.status, set())


def move_problem(
    problem: Problem,
    to_status: str,
    *,
    effective_on: date | None = None,
    actor=None,
    note: str | None = None,
    resolution: str | None = None,
) -> ProblemStatusChange:
    """Change status from the effective one: 交办 needs a unit and deadline, 销号 a resolution, 退回 a reason."""
    from app.problems.queries import status_of

    lock_row(problem)  # a concurrent move waits, then sees this one's status
    effective_on = effective_on or today()
    if effective_on > today():
        raise InputError("日期不能晚于今天", field="effective_on")
    if to_status not in allowed_moves(problem):
        raise InputError(f"问题不能从“{status_of(problem, today())}”变为“{to_status}”", field="to_status")
    last = _last_change_on(problem)
    if effective_on < last:
        raise InputError(f"日期不能早于上一次流转（{last}）", field="effective_on")
    note = (note or "").strip() or None
    if to_status == "已交办":
        if not problem.unit_id:
            raise InputError("交办前请先指定责任单位", field="unit_id")
        if not problem.deadline_on:
            raise InputError("交办前请先设定办结时限", field="deadline_on")
    if to_status == "已销号":
        if not (resolution or "").strip():
            raise InputError("销号必须填写办结情况", field="resolution")
        problem.resolution = resolution.strip()
        problem.resolved_on = effective_on
    if to_status == "退回":
        if not note:
            raise InputError("退回必须填写原因", field="note")
        problem.return_reason = note
    if to_status == "待交办":  # reopened after 退回
        problem.resolved_on = None
    change = ProblemStatusChange(
        problem=problem,
        from_status=problem.status,
        to_status=to_status,
        effective_on=effective_on,
        note=note,
        actor_id=getattr(actor, "id", None),
    )
    problem.status = to_status
    db.session.add(change)
    db.session.flush()
    return change


def escalate(
    problem: Problem, level: int, *, actor=None, note: str | None = None, effective_on: date | None = None
) -> ProblemStatusChange:
    """Set the escalation level 1 责任单位 / 2 分管县领导 / 3 县政府主要领导, logged in the problem's history.

    Compared with the effective level (an overdue problem rises by itself, see
    app.problems.queries.effective_level). Raising needs no reason; lowering does, a unit may
    never lower its own, and nobody can go below the automatic level while the problem stays
    overdue (extend the deadline instead). Closed problems (已销号/退回) cannot be escalated.
    """
    from app.problems.queries import escalation_days, level_of, overdue_by

    lock_row(problem)
    if level not in ESCALATION_LEVELS:
        raise InputError("督办层级须为1、2或3", field="escalation_level")
    if problem.status in ("已销号", "退回"):
        raise InputError(f"“{problem.status}”的问题不能调整督办层级", field="escalation_level")
    current = level_of(problem, today())
    if level == current:
        raise InputError(f"问题已是{level}级督办（{ESCALATION_LEVELS[level]}）", field="escalation_level")
    note = (note or "").strip() or None
    if level < current and not note:
        raise InputError("降低督办层级必须填写原因", field="note")
    if level < current and getattr(actor, "role", None) == "unit":
        # The supervised unit may ask for help (raise) but not lower its own supervision.
        raise InputError("责任单位不能降低本单位问题的督办层级，请联系专班办公室", field="escalation_level")
    if level < current:
        level2, level3 = escalation_days()
        floor = 1
        for days, auto in ((level2, 2), (level3, 3)):
            if db.session.scalar(sa.select(overdue_by(today(), days)).where(Problem.id == problem.id)):
                floor = auto
        if level < floor:
            raise InputError(
                f"问题已超期{level3 if floor == 3 else level2}天以上，按规定至少为{floor}级督办；"
                "如需降低层级，请先延长办结时限",
                field="escalation_level",
            )
    effective_on = effective_on or today()
    if effective_on > today():
        raise InputError("日期不能晚于今天", field="effective_on")
    old = current
    verb = "升级" if level > old else "降级"
    text = f"督办{verb}：{old}级（{ESCALATION_LEVELS[old]}）→ {level}级（{ESCALATION_LEVELS[level]}）"
    problem.escalation_level = level
    change = ProblemStatusChange(
        problem=problem,
        from_status=problem.status,
        to_status=problem.status,
        effective_on=effective_on,
        note=f"{text}。{note}" if note else text,
        actor_id=getattr(actor, "id", None),
    )
    db.session.add(change)
    db.session.flush()
    return change
