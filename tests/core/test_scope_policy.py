"""The scope rule of docs/security.md: out-of-scope deals exist but show nothing; leaders read the county report."""

from app.extensions import db


def _world(make):
    mine, other = make.unit("巴公镇测试"), make.unit("金村镇测试")
    boss, other_boss = make.leader("甲领导"), make.leader("乙领导")
    own = make.deal("光伏组件生产线项目", lead_unit_id=mine.id, leader_id=boss.id, investor_id=None)
    investor = make.deal("光伏组件生产基地项目", lead_unit_id=other.id, leader_id=other_boss.id)
    db.session.commit()
    return mine, boss, own, investor


def test_similar_deals_out_of_scope_show_only_that_one_exists(client, login, make, seeded):
    mine, boss, own, elsewhere = _world(make)
    for user in (make.user("unit", unit=mine), make.user("leader", leader=boss)):
        db.session.commit()
        client.post("/logout")
        login(user)
        page = client.get("/deals/similar", query_string={"name": "光伏组件生产项目"}).data.decode()
        assert own.name in page  # in scope: named and linked
        assert "已有同名项目（其他单位）" in page
        assert elsewhere.name not in page and "金村镇测试" not in page and f"/deals/{elsewhere.id}" not in page
        assert client.get(f"/deals/{elsewhere.id}").status_code == 404


def test_county_roles_see_every_match_in_full(client, login, make, seeded):
    _mine, _boss, own, elsewhere = _world(make)
    login(make.user("investment"))
    page = client.get("/deals/similar", query_string={"name": "光伏组件生产项目"}).data.decode()
    assert own.name in page and elsewhere.name in page and "已有同名项目（其他单位）" not in page


def test_a_leader_reads_the_county_report_but_only_own_record_pages(client, login, make, seeded):
    _mine, boss, own, elsewhere = _world(make)
    login(make.user("leader", leader=boss))
    assert client.get("/reports/").status_code == 200
    assert client.get(f"/deals/{own.id}").status_code == 200
    assert client.get(f"/deals/{elsewhere.id}").status_code == 404
