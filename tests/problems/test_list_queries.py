"""The problem list loads each row's project, deal, unit and leader with the page, not one query per row."""

import sqlalchemy as sa

from app.extensions import db


def queries_for(client, url: str) -> tuple[int, str]:
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        html = client.get(url).get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return len(statements), html


def add_problems(make, count: int, start: int) -> None:
    for number in range(start, start + count):
        unit = make.unit(f"单位{number}")
        leader = make.leader(f"领导{number}")
        if number % 2:
            make.problem(
                project=make.project(f"项目{number}"), unit_id=unit.id, leader_id=leader.id, description=f"问题{number}"
            )
        else:
            make.problem(
                deal=make.deal(f"招商{number}"), unit_id=unit.id, leader_id=leader.id, description=f"问题{number}"
            )
    db.session.commit()
    db.session.expire_all()  # nothing served from what the test just created


def test_list_queries_do_not_grow_with_the_rows(client, login, make):
    login(make.user("taskforce"))
    db.session.commit()
    add_problems(make, 2, 0)
    few, html = queries_for(client, "/problems/")
    assert "项目1" in html and "招商0" in html and "单位1" in html and "领导0" in html
    add_problems(make, 10, 2)
    many, html = queries_for(client, "/problems/")
    assert all(f"问题{n}" in html for n in range(12))
    assert "项目11" in html and "招商10" in html and "单位11" in html and "领导10" in html
    assert many == few
