"""signed_not_started, overdue_problems and leader_summary on the county of conftest.py."""

from datetime import date

import pytest

from app.dashboard.metrics import leader_summary, overdue_problems, signed_not_started
from app.extensions import db
from app.problems.services import create_problem, move_problem
from tests.dashboard.conftest import MILLION

JUNE_30 = date(2025, 6, 30)


@pytest.fixture
def problems(county):
    p1 = create_problem(
        {
            "deal": county.a,
            "description": "用地报批滞后",
            "found_on": date(2025, 5, 1),
            "unit_id": county.u1.id,
            "leader_id": county.l1.id,
            "deadline_on": date(2025, 6, 20),
        }
    )
    move_problem(p1, "已交办", effective_on=date(2025, 5, 2))
    p2 = create_problem(
        {
            "deal": county.b,
            "description": "施工用电未接入",
            "found_on": date(2025, 6, 1),
            "unit_id": county.u2.id,
            "deadline_on": date(2025, 7, 2),
        }
    )
    p3 = create_problem(
        {
            "deal": county.c,
            "description": "环评未批复",
            "found_on": date(2025, 5, 1),
            "leader_id": county.l1.id,
            "deadline_on": date(2025, 6, 1),
        }
    )
    move_problem(p3, "已交办", effective_on=date(2025, 5, 2))
    move_problem(p3, "已销号", effective_on=date(2025, 6, 25), resolution="已取得环评批复")
    p4 = create_problem(
        {"deal": county.f, "description": "重复登记", "found_on": date(2025, 5, 1), "deadline_on": date(2025, 6, 1)}
    )
    move_problem(p4, "退回", effective_on=date(2025, 5, 3), note="重复")
    db.session.commit()
    return p1, p2, p3, p4


def test_signed_not_started(county):
    rows = signed_not_started(2025, JUNE_30)
    # B (signed 31 March, starts 15 July) and F (5 June); C is terminated, A started, E not counted, H later.
    assert [r["name"] for r in rows] == ["甲-装备项目", "无单位项目"]
    b, f = rows
    assert b == {
        "deal_id": county.b.id,
        "name": "甲-装备项目",
        "investor": None,
        "unit": "甲镇",
        "township": None,
        "leader": None,
        "amount_yuan": 100 * MILLION,
        "signed_on": "2025-03-31",
        "days_waiting": 91,
        "stage": "已开工",
    }
    assert (f["unit"], f["days_waiting"]) == (None, 25)


def test_signed_not_started_before_termination(county):
    names = [r["name"] for r in signed_not_started(2025, date(2025, 6, 9))]
    assert names == ["甲-装备项目", "乙-终止项目", "无单位项目"]  # C is terminated only on 10 June


def test_signed_not_started_is_scoped_for_unit_users(county, make):
    user = make.user("unit", unit=county.u2)
    db.session.commit()
    assert signed_not_started(2025, JUNE_30, user=user) == []
    user1 = make.user("unit", unit=county.u1)
    assert [r["name"] for r in signed_not_started(2025, JUNE_30, user=user1)] == ["甲-装备项目"]


def test_overdue_problems(problems):
    p1, _p2, p3, _p4 = problems
    rows = overdue_problems(JUNE_30)
    assert rows == [
        {
            "problem_id": p1.id,
            "description": "用地报批滞后",
            "project": "甲-新材料项目",
            "unit": "甲镇",
            "leader": "李包联",
            "deadline_on": "2025-06-20",
            "days_overdue": 10,
            "escalation_level": 2,
            "level_reason": "超期10天，自动升为2级督办（分管县领导）",
            "status": "督办中",
        }
    ]
    # On 24 June p3 was still open (销号 on 25 June): the most overdue first.
    earlier = overdue_problems(date(2025, 6, 24))
    assert [(r["problem_id"], r["days_overdue"]) for r in earlier] == [(p3.id, 23), (p1.id, 4)]


def test_leader_summary(problems, county):
    rows = leader_summary(2025, JUNE_30)
    assert [r["leader"] for r in rows] == ["李包联", "王副县"]
    li, wang = rows
    # A and C (E is not counted); started by 30 June: A. Open problems: p1 (p3 closed 25 June).
    assert li == {
        "leader_id": county.l1.id,
        "leader": "李包联",
        "title": "副县长",
        "project_count": 0,
        "signed_count": 2,
        "signed_amount_yuan": 350 * MILLION,
        "started_count": 1,
        "approved_yuan": 0,
        "disbursed_yuan": 0,
        "open_problems": 1,
        "overdue_problems": 1,
    }
    assert (wang["signed_count"], wang["open_problems"]) == (0, 0)


def test_leader_summary_for_a_leader_user(county, make):
    user = make.user("leader", leader=county.l2)
    db.session.commit()
    assert [r["leader"] for r in leader_summary(2025, JUNE_30, user=user)] == ["王副县"]
