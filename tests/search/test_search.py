"""Remote search for pickers: JSON options by substring, within the user's scope, and pages that no
longer render every project."""

from app.extensions import db


def test_projects_by_substring_and_scope(client, login, seeded, make):
    town = make.unit("甲镇")
    other = make.unit("乙镇")
    mine = make.project("甲镇光伏储能项目", township_id=town.id)
    make.project("乙镇光伏电站", township_id=other.id)
    make.project("甲镇污水处理厂", township_id=town.id)
    unit_user = make.user("unit", username="jia", unit=town)
    db.session.commit()
    login(unit_user)
    found = client.get("/api/search/projects?q=光伏").get_json()
    assert found == [{"value": mine.id, "text": "甲镇光伏储能项目"}]  # 乙镇's project is outside the scope


def test_county_user_sees_all_matches_and_wildcards_are_plain_text(client, login, seeded, make):
    make.project("甲镇光伏储能项目")
    make.project("乙镇光伏电站")
    make.project("百分之百%项目")
    admin = make.user("admin")
    db.session.commit()
    login(admin)
    assert {r["text"] for r in client.get("/api/search/projects?q=光伏").get_json()} == {
        "甲镇光伏储能项目",
        "乙镇光伏电站",
    }
    assert [r["text"] for r in client.get("/api/search/projects?q=%").get_json()] == ["百分之百%项目"]
    assert len(client.get("/api/search/projects").get_json()) == 3  # empty query: the first ones


def test_search_needs_a_login(client):
    assert client.get("/api/search/projects?q=a").status_code in (302, 401)


def test_search_needs_the_area_and_a_known_kind(client, login, seeded, make):
    finance = make.user("finance", username="cz")
    db.session.commit()
    login(finance)
    assert client.get("/api/search/investors?q=a").status_code == 200  # finance reads deals
    assert client.get("/api/search/nothing?q=a").status_code == 404


def test_funds_list_renders_only_the_chosen_project(client, login, seeded, make):
    projects = [make.project(f"测试项目{i:02d}") for i in range(30)]
    admin = make.user("admin")
    db.session.commit()
    login(admin)
    page = client.get("/funds/").get_data(as_text=True)
    assert "测试项目05" not in page and 'data-remote="/api/search/projects"' in page
    page = client.get(f"/funds/?project={projects[5].id}").get_data(as_text=True)
    assert "测试项目05" in page and "测试项目06" not in page


def test_funds_form_accepts_only_projects_in_scope(client, login, seeded, make):
    town = make.unit("甲镇")
    other = make.unit("乙镇")
    theirs = make.project("乙镇项目", township_id=other.id)
    channel = make.channel()
    unit_user = make.user("unit", username="jia", unit=town)
    db.session.commit()
    login(unit_user)
    response = client.post(
        "/funds/new",
        data={
            "channel_id": channel.id,
            "year": 2025,
            "title": "越权关联测试",
            "requested": "100万",
            "applicant_unit_id": town.id,
            "leader_id": 0,
            "project_ids": [theirs.id],
            "effective_on": "2025-03-01",
            "status": "谋划储备",
        },
    )
    assert response.status_code == 200  # the form again, with an error on the projects
    from app.funds.models import FundApplication

    assert db.session.query(FundApplication).count() == 0
