"""The project list of an old plan year keeps that year selected in its dropdown."""

import re

from app.extensions import db


def test_project_list_of_an_old_year_selects_that_year(client, login, make, seeded):
    login(make.user("finance"))
    db.session.commit()
    html = client.get("/projects/?year=2023").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="year"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert '<option value="2023" selected>' in select
    assert "2023年项目建设计划完成情况" in html


def test_past_milestones_without_new_projects_do_not_read_as_not_yet_due(client, login, make, seeded):
    """2023 had no new projects: its 开工节点 are past, so they read 无新建项目, not 未到期."""
    login(make.user("taskforce"))
    db.session.commit()
    html = client.get("/projects/?year=2023").get_data(as_text=True)
    milestones = html[html.index('data-testid="plan-milestones"') :]
    milestones = milestones[: milestones.index("</div>")]
    assert milestones.count("无新建项目") == 3 and "未到期" not in milestones
