"""The project table keeps short cells on one line."""

import re
from datetime import date

from app.extensions import db


def test_project_table_keeps_short_cells_on_one_line(client, login, make, seeded):
    """性质 (新建), dates and leaders must not break into 新/建 or 2026-09-/15 on a 1280px screen."""
    login(make.user("taskforce"))
    make.project(
        "甲镇厂房",
        plan_year=2025,
        nature="新建",
        planned_start_on=date(2025, 3, 1),
        actual_start_on=date(2025, 3, 9),
        leader=make.leader("甲领导"),
    )
    db.session.commit()
    body = client.get("/projects/?year=2025").get_data(as_text=True)
    table = body[body.index('data-testid="project-table"') :]
    row = re.search(r"<tbody>.*?</tr>", table, re.S).group(0)
    for text in ("新建", "甲领导", "2025-03-01", "2025-03-09"):
        assert re.search(rf'<td class="text-nowrap">\s*{text}', row), text
    header = table[: table.index("</thead>")]
    assert header.count("text-nowrap") >= 9


def test_long_project_names_are_shortened_in_lists(client, login, make, seeded):
    long_name = "泽州县" + "集中供热管网改造" * 24
    login(make.user("taskforce"))
    leader = make.leader("甲领导")
    make.project(long_name, plan_year=2025, leader=leader)
    db.session.commit()
    for url in ("/projects/?year=2025", f"/portfolios/leaders/{leader.id}?year=2025"):
        body = client.get(url).get_data(as_text=True)
        shown = re.search(rf'title="{long_name}">([^<]*)<', body).group(1)
        assert shown.endswith("…") and len(shown) <= 41, url
