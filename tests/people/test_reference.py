import sqlalchemy as sa

from app.extensions import db
from app.people.models import FundChannel, Industry, Target, Unit


def counts():
    return {
        m.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Unit, FundChannel, Industry, Target)
    }


def test_seed_twice_keeps_one_copy(runner):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    after_first = counts()
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0
    assert counts() == after_first
    assert after_first["Unit"] >= 17 + 10
    townships = db.session.scalars(sa.select(Unit.name).where(Unit.kind == "乡镇")).all()
    assert len(townships) == 17 and "巴公镇" in townships and "南岭乡" in townships
    names = db.session.scalars(sa.select(FundChannel.name)).all()
    assert "超长期特别国债（“两重”）" in names and "地方政府专项债券" in names


def test_seeded_2025_targets():
    from app.people.queries import target_value
    from app.people.seeds import seed_reference_data

    seed_reference_data()
    assert target_value(2025, "signed_amount") == 18_000_000_000
    assert target_value(2025, "same_year_start_rate") == 4000
    assert target_value(2025, "project_count") == 398
    assert target_value(2025, "key_project_plan_investment") == 11_700_000_000


def test_admin_edits_reference_and_targets(client, login, make, seeded):
    admin = make.user("admin")
    db.session.commit()
    login(admin)
    response = client.post(
        "/admin/reference/leaders/new",
        data={"name": "测试领导", "title": "副县长", "taskforce_role": "成员", "sort_order": 1, "is_active": "y"},
    )
    assert response.status_code == 302
    dup = client.post("/admin/reference/units/new", data={"name": "巴公镇", "kind": "乡镇"}).data.decode()
    assert "已存在" in dup
    response = client.post(
        "/admin/reference/targets/new", data={"year": 2026, "metric": "signed_amount", "unit_id": 0, "value": "200亿"}
    )
    assert response.status_code == 302
    from app.people.queries import target_value

    assert target_value(2026, "signed_amount") == 20_000_000_000
    bad = client.post(
        "/admin/reference/targets/new",
        data={"year": 2026, "metric": "same_year_start_rate", "unit_id": 0, "value": "140%"},
    ).data.decode()
    assert "0%至100%" in bad
    assert client.get("/admin/reference/nonsense/").status_code == 404


def test_find_by_short_name(seeded):
    from app.people.queries import find_by_name

    assert find_by_name(Unit, "巴公").name == "巴公镇"
    assert find_by_name(FundChannel, "专项债").name == "地方政府专项债券"
    assert find_by_name(Unit, "不存在") is None
