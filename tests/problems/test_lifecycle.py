"""The problem loop 发现 → 交办 → 督办 → 销号 / 退回, escalation, and the date-derived 督办中."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.core.dates import today
from app.core.errors import InputError
from app.extensions import db
from app.problems import queries
from app.problems.models import Problem
from app.problems.services import create_problem, escalate, move_problem, update_problem


@pytest.fixture
def project(make):
    unit, leader = make.unit("巴公镇"), make.leader("甲领导")
    return make.project("巴公镇标准化厂房", township=unit, lead_unit=unit, leader=leader)


def test_full_loop_with_history(project):
    found = today() - timedelta(days=20)
    problem = create_problem(
        {
            "project": project,
            "description": "  施工用电线路迁改未完成 ",
            "found_on": found,
            "deadline_on": today() + timedelta(days=10),
        }
    )
    # Unit and leader default to those of the linked project.
    assert problem.unit == project.lead_unit and problem.leader == project.leader
    assert problem.status == "待交办" and problem.escalation_level == 1
    assert problem.description == "施工用电线路迁改未完成"

    move_problem(problem, "已交办", effective_on=found + timedelta(days=1))
    move_problem(problem, "督办中", effective_on=found + timedelta(days=5), note="进展缓慢，转督办")
    with pytest.raises(InputError, match="销号必须填写办结情况") as exc:
        move_problem(problem, "已销号", effective_on=found + timedelta(days=9), resolution="  ")
    assert exc.value.field == "resolution" and problem.status == "督办中"
    move_problem(problem, "已销号", effective_on=found + timedelta(days=9), resolution="供电公司已完成迁改")
    db.session.commit()

    assert problem.status == "已销号" and problem.resolved_on == found + timedelta(days=9)
    assert problem.resolution == "供电公司已完成迁改"
    flow = [(c.from_status, c.to_status, c.effective_on) for c in problem.status_changes]
    assert flow == [
        (None, "待交办", found),
        ("待交办", "已交办", found + timedelta(days=1)),
        ("已交办", "督办中", found + timedelta(days=5)),
        ("督办中", "已销号", found + timedelta(days=9)),
    ]
    # A closed problem goes nowhere.
    with pytest.raises(InputError, match="不能从“已销号”变为"):
        move_problem(problem, "督办中")


def test_return_requires_reason_and_can_reopen(project):
    problem = create_problem(
        {"project": project, "description": "不属于本专班职责", "found_on": today() - timedelta(days=3)}
    )
    with pytest.raises(InputError, match="退回必须填写原因"):
        move_problem(problem, "退回")
    move_problem(problem, "退回", note="属企业内部事务")
    assert problem.status == "退回" and problem.return_reason == "属企业内部事务"
    move_problem(problem, "待交办")
    assert problem.status == "待交办"


def test_refused_moves(project):
    problem = create_problem({"project": project, "description": "手续滞后", "found_on": today() - timedelta(days=5)})
    with pytest.raises(InputError, match="不能从“待交办”变为“已销号”"):
        move_problem(problem, "已销号", resolution="x")
    with pytest.raises(InputError, match="不能晚于今天"):
        move_problem(problem, "已交办", effective_on=today() + timedelta(days=1))
    with pytest.raises(InputError, match="不能早于上一次流转"):
        move_problem(problem, "已交办", effective_on=today() - timedelta(days=6))
    # 交办 needs a deadline (and a unit).
    with pytest.raises(InputError, match="交办前请先设定办结时限") as exc:
        move_problem(problem, "已交办")
    assert exc.value.field == "deadline_on"
    problem.unit_id = None
    with pytest.raises(InputError, match="交办前请先指定责任单位"):
        move_problem(problem, "已交办")


def test_create_validation(project, make):
    with pytest.raises(InputError, match="问题须关联一个项目或招商项目"):
        create_problem({"description": "无关联"})
    with pytest.raises(InputError, match="请填写问题描述"):
        create_problem({"project": project, "description": " "})
    with pytest.raises(InputError, match="办结时限不能早于发现日期"):
        create_problem(
            {"project": project, "description": "x", "found_on": date(2025, 5, 1), "deadline_on": date(2025, 4, 30)}
        )
    with pytest.raises(InputError, match="发现日期不能晚于今天"):
        create_problem({"project": project, "description": "x", "found_on": today() + timedelta(days=1)})
    deal = make.deal("招商项目甲", leader=make.leader("乙领导"), township=make.unit("高都镇"))
    problem = create_problem({"deal": deal, "description": "企业用地未落实"})
    assert problem.unit.name == "高都镇" and problem.leader.name == "乙领导"


def test_escalation_levels_and_history(project):
    problem = create_problem(
        {
            "project": project,
            "description": "征地拆迁遗留问题",
            "found_on": today() - timedelta(days=30),
            "deadline_on": today() - timedelta(days=2),
        }
    )
    escalate(problem, 2)
    assert problem.escalation_level == 2
    escalate(problem, 3, note="涉及多个部门")
    assert problem.escalation_level == 3
    with pytest.raises(InputError, match="已是3级督办"):
        escalate(problem, 3)
    with pytest.raises(InputError, match="督办层级须为1、2或3"):
        escalate(problem, 4)
    with pytest.raises(InputError, match="降低督办层级必须填写原因"):
        escalate(problem, 1)
    escalate(problem, 2, note="主体问题已解决")
    notes = [c.note for c in problem.status_changes[1:]]
    assert notes == [
        "督办升级：1级（责任单位）→ 2级（分管县领导）",
        "督办升级：2级（分管县领导）→ 3级（县政府主要领导）。涉及多个部门",
        "督办降级：3级（县政府主要领导）→ 2级（分管县领导）。主体问题已解决",
    ]
    assert all(c.from_status == c.to_status == "待交办" for c in problem.status_changes[1:])
    move_problem(problem, "退回", note="重复登记")
    with pytest.raises(InputError, match="不能调整督办层级"):
        escalate(problem, 3)


def test_update_problem_extends_deadline(project):
    problem = create_problem(
        {
            "project": project,
            "description": "环评未批",
            "found_on": today() - timedelta(days=10),
            "deadline_on": today() - timedelta(days=1),
        }
    )
    move_problem(problem, "已交办", effective_on=today() - timedelta(days=9))
    update_problem(problem, {"deadline_on": today() + timedelta(days=5)})
    assert problem.deadline_on == today() + timedelta(days=5)
    with pytest.raises(InputError, match="已交办的问题须有责任单位和办结时限"):
        update_problem(problem, {"deadline_on": None})


def test_overdue_counts_as_supervised_without_a_job(project, make):
    """Effective status is computed from the date: lists, filters and counts agree."""
    as_of = date(2025, 6, 10)
    base = {"project": project, "found_on": date(2025, 5, 1)}
    late_assigned = create_problem({**base, "description": "已交办已超期", "deadline_on": date(2025, 6, 9)})
    move_problem(late_assigned, "已交办", effective_on=date(2025, 5, 2))
    create_problem({**base, "description": "待交办已超期", "deadline_on": date(2025, 6, 1)})
    due_today = create_problem({**base, "description": "今天到期", "deadline_on": date(2025, 6, 10)})
    move_problem(due_today, "已交办", effective_on=date(2025, 5, 2))
    closed_late = create_problem({**base, "description": "已销号", "deadline_on": date(2025, 5, 10)})
    move_problem(closed_late, "已交办", effective_on=date(2025, 5, 2))
    move_problem(closed_late, "已销号", effective_on=date(2025, 5, 20), resolution="已解决")
    returned = create_problem({**base, "description": "退回", "deadline_on": date(2025, 5, 10)})
    move_problem(returned, "退回", note="不属实")
    create_problem({**base, "description": "无时限"})
    db.session.commit()

    rows = {r.problem.description: r for r in queries.rows_with_status(sa.select(Problem), as_of, days=3)}
    assert rows["已交办已超期"].status == "督办中" and rows["已交办已超期"].days_overdue == 1
    assert rows["待交办已超期"].status == "督办中" and rows["待交办已超期"].days_overdue == 9
    assert rows["今天到期"].status == "已交办" and not rows["今天到期"].overdue and rows["今天到期"].due_soon
    assert rows["已销号"].status == "已销号" and not rows["已销号"].overdue
    assert rows["退回"].status == "退回" and not rows["退回"].overdue
    assert rows["无时限"].status == "待交办" and not rows["无时限"].due_soon
    # The stored status is untouched: nothing was written.
    assert db.session.get(Problem, late_assigned.id).status == "已交办"

    admin = make.user("admin")
    counts = queries.status_counts(admin, as_of)
    assert counts == {"待交办": 1, "已交办": 1, "督办中": 2, "已销号": 1, "退回": 1, "超期": 2}
    flt = queries.ProblemFilter(status="督办中")
    found = db.session.scalars(queries.list_statement(flt, admin, as_of)).all()
    assert {p.description for p in found} == {"已交办已超期", "待交办已超期"}
    # A day earlier, 已交办已超期 is not yet late.
    assert queries.status_counts(admin, date(2025, 6, 9))["督办中"] == 1


def test_home_alerts_by_responsibility(make, seeded):
    from app.core.models import set_setting

    mine, other = make.unit("甲镇"), make.unit("乙镇")
    me, other_leader = make.leader("甲领导"), make.leader("乙领导")
    project = make.project("甲镇项目", township=mine, lead_unit=mine, leader=me)
    now = today()
    base = {"project": project, "found_on": now - timedelta(days=30)}
    create_problem(
        {
            **base,
            "description": "本单位超期",
            "unit_id": mine.id,
            "leader_id": me.id,
            "deadline_on": now - timedelta(days=1),
        }
    )
    create_problem(
        {**base, "description": "本单位三天后到期", "unit_id": mine.id, "deadline_on": now + timedelta(days=3)}
    )
    create_problem(
        {**base, "description": "本单位四天后到期", "unit_id": mine.id, "deadline_on": now + timedelta(days=4)}
    )
    create_problem(
        {
            **base,
            "description": "他单位超期",
            "unit_id": other.id,
            "leader_id": other_leader.id,
            "deadline_on": now - timedelta(days=5),
        }
    )
    closed = create_problem(
        {**base, "description": "本单位已退回", "unit_id": mine.id, "deadline_on": now - timedelta(days=2)}
    )
    move_problem(closed, "退回", note="不属实")
    db.session.commit()

    def names(user):
        rows = queries.alerts_for(user, now)
        return None if rows is None else [r.problem.description for r in rows]

    # A township follows every problem located in it (the same set its 问题临期/逾期 alert counts),
    # including one a department owns.
    assert names(make.user("unit", unit=mine)) == ["他单位超期", "本单位超期", "本单位三天后到期"]
    assert names(make.user("unit", unit=other)) == ["他单位超期"]
    # The leader defaults from the project, so both of 甲镇's alerts are also 甲领导's.
    assert names(make.user("leader", leader=me)) == ["本单位超期", "本单位三天后到期"]
    assert names(make.user("leader", leader=other_leader)) == ["他单位超期"]
    assert names(make.user("taskforce")) == ["他单位超期", "本单位超期", "本单位三天后到期"]
    assert names(make.user("investment")) is None
    set_setting("alert.problem_deadline_days", "4")
    assert "本单位四天后到期" in names(make.user("unit", unit=mine))


def test_a_unit_cannot_lower_its_own_supervision(make):
    import pytest

    from app.core.errors import InputError
    from app.problems.services import escalate

    unit = make.unit("督办镇")
    unit_user = make.user("unit", unit=unit)
    problem = make.problem(unit=unit)
    escalate(problem, 2, actor=unit_user)
    with pytest.raises(InputError, match="不能降低"):
        escalate(problem, 1, actor=unit_user, note="已基本解决")
    assert problem.escalation_level == 2
    escalate(problem, 1, actor=make.user("taskforce"), note="已基本解决")
    assert problem.escalation_level == 1
