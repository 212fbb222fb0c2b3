"""Problem pages: list filters and badges, create, move, escalate, permissions, bad input."""

from datetime import timedelta

import pytest

from app.core.dates import today
from app.extensions import db
from app.problems.models import Problem
from app.problems.services import create_problem, move_problem


@pytest.fixture
def setup(make, seeded):
    mine, other = make.unit("甲镇"), make.unit("乙镇")
    leader = make.leader("甲领导")
    project = make.project("甲镇项目", township=mine, lead_unit=mine, leader=leader)
    other_project = make.project("乙镇项目", township=other, lead_unit=other)
    now = today()
    late = create_problem(
        {
            "project": project,
            "description": "环评批复超期未取得",
            "found_on": now - timedelta(days=20),
            "deadline_on": now - timedelta(days=4),
        }
    )
    move_problem(late, "已交办", effective_on=now - timedelta(days=19))
    create_problem(
        {
            "project": other_project,
            "description": "乙镇用地问题",
            "found_on": now - timedelta(days=2),
            "deadline_on": now + timedelta(days=30),
        }
    )
    db.session.commit()
    return {
        "mine": mine,
        "other": other,
        "project": project,
        "other_project": other_project,
        "late": late,
        "leader": leader,
    }


def test_list_flags_overdue_and_filters(client, login, make, setup):
    login(make.user("taskforce"))
    page = client.get("/problems/").get_data(as_text=True)
    assert "环评批复超期未取得" in page and "超期4天" in page and "乙镇用地问题" in page
    overdue = client.get("/problems/?overdue=1").get_data(as_text=True)
    assert "环评批复超期未取得" in overdue and "乙镇用地问题" not in overdue
    supervised = client.get("/problems/?status=督办中").get_data(as_text=True)
    assert "环评批复超期未取得" in supervised and "乙镇用地问题" not in supervised
    assigned = client.get("/problems/?status=已交办").get_data(as_text=True)
    assert "环评批复超期未取得" not in assigned
    by_unit = client.get(f"/problems/?unit_id={setup['other'].id}").get_data(as_text=True)
    assert "乙镇用地问题" in by_unit and "环评批复超期未取得" not in by_unit
    for junk in ("page=abc", "page=99999999999999", "status=乱码", "unit_id=x", "level=9", "overdue=yes", "q=%25"):
        assert client.get(f"/problems/?{junk}").status_code == 200, junk


def test_unit_user_scope(client, login, make, setup):
    login(make.user("unit", unit=setup["mine"]))
    page = client.get("/problems/").get_data(as_text=True)
    assert "环评批复超期未取得" in page and "乙镇用地问题" not in page
    other = db.session.query(Problem).filter_by(description="乙镇用地问题").one()
    assert client.get(f"/problems/{other.id}").status_code == 404
    assert client.post(f"/problems/{other.id}/move", data={"move-to_status": "已交办"}).status_code == 404
    # A unit user files problems for their own unit only, whatever the form says.
    response = client.post(
        "/problems/new",
        data={
            "project_id": setup["project"].id,
            "description": "新问题",
            "found_on": today().isoformat(),
            "unit_id": setup["other"].id,
        },
    )
    assert response.status_code == 200  # the other unit is not a valid choice
    response = client.post(
        "/problems/new",
        data={
            "project_id": setup["project"].id,
            "description": "新问题",
            "found_on": today().isoformat(),
            "unit_id": setup["mine"].id,
            "escalation_level": 1,
        },
    )
    assert response.status_code == 302
    assert db.session.query(Problem).filter_by(description="新问题").one().unit_id == setup["mine"].id


def test_create_and_walk_through_pages(client, login, make, setup):
    login(make.user("taskforce"))
    form = client.get(f"/problems/new?project_id={setup['project'].id}").get_data(as_text=True)
    assert "登记问题" in form
    response = client.post(
        "/problems/new",
        data={
            "project_id": setup["project"].id,
            "deal_id": 0,
            "description": "施工许可证办理慢",
            "found_on": "2025年3月1日",
            "deadline_on": "2099/3/15",
            "unit_id": 0,
            "leader_id": 0,
            "escalation_level": 2,
        },
    )
    assert response.status_code == 302
    problem = db.session.query(Problem).filter_by(description="施工许可证办理慢").one()
    assert problem.unit_id == setup["mine"].id and problem.leader_id == setup["leader"].id
    # (a deadline far ahead: an overdue problem would already count as 3级 by itself)
    assert problem.escalation_level == 2 and str(problem.deadline_on) == "2099-03-15"

    # 销号 without resolution: 200, Chinese message, nothing saved.
    base = f"/problems/{problem.id}"
    assert (
        client.post(base + "/move", data={"move-to_status": "已交办", "move-effective_on": "2025-03-02"}).status_code
        == 302
    )
    page = client.post(base + "/move", data={"move-to_status": "已销号", "move-effective_on": "2025-03-10"})
    assert page.status_code == 200 and "销号必须填写办结情况" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Problem, problem.id).status == "已交办"
    # Bad date and unknown status are refused, never a 500.
    bad = client.post(base + "/move", data={"move-to_status": "已销号", "move-effective_on": "明天"})
    assert bad.status_code == 200 and "无法识别" in bad.get_data(as_text=True)
    assert (
        client.post(base + "/move", data={"move-to_status": "乱码", "move-effective_on": "2025-03-10"}).status_code
        == 200
    )

    page = client.post(base + "/escalate", data={"escalate-level": 3, "escalate-note": ""})
    assert page.status_code == 302
    client.post(
        base + "/move",
        data={"move-to_status": "已销号", "move-effective_on": "2025-03-10", "move-resolution": "已办结"},
    )
    db.session.expire_all()
    problem = db.session.get(Problem, problem.id)
    assert (problem.status, problem.escalation_level, problem.resolution) == ("已销号", 3, "已办结")
    detail = client.get(base).get_data(as_text=True)
    assert "流转记录" in detail and "督办升级：2级（分管县领导）→ 3级（县政府主要领导）" in detail
    assert "修改记录" in detail and "办结情况" in detail
    # The project page lists the problem in its section.
    project_page = client.get(f"/projects/{setup['project'].id}").get_data(as_text=True)
    assert "施工许可证办理慢" in project_page and "问题督办" in project_page


def test_leader_is_read_only(client, login, make, setup):
    login(make.user("leader", leader=setup["leader"]))
    late = setup["late"]
    page = client.get(f"/problems/{late.id}").get_data(as_text=True)
    assert "环评批复超期未取得" in page and "确认流转" not in page
    assert client.post(f"/problems/{late.id}/move", data={"move-to_status": "督办中"}).status_code == 403
    assert client.post(f"/problems/{late.id}/escalate", data={"escalate-level": 2}).status_code == 403
    assert client.post("/problems/new", data={"description": "x"}).status_code == 403
    assert client.get(f"/problems/{late.id}/edit").status_code == 403


def test_home_panel_shows_due_and_overdue(client, login, make, setup):
    login(make.user("unit", unit=setup["mine"]))
    home = client.get("/").get_data(as_text=True)
    assert "问题督办提醒" in home and "环评批复超期未取得" in home and "超期4天" in home
    assert "乙镇用地问题" not in home
