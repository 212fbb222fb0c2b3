"""A problem page is titled by what the problem is, like every other record page, not by its row number."""

from datetime import date

from app.extensions import db


def test_problem_page_is_titled_by_its_description_not_its_number(client, login, make, seeded):
    login(make.user("taskforce"))
    problem = make.problem(description="施工用电线路迁改未完成", found_on=date(2025, 3, 1))
    db.session.commit()
    page = client.get(f"/problems/{problem.id}").get_data(as_text=True)
    assert "<title>施工用电线路迁改未完成 · 泽州招商争资 CRM</title>" in page
    assert f"问题 #{problem.id}" not in page
