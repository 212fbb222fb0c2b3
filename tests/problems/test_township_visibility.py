"""A township reads the problems of projects and deals located in it, and edits only those it owns."""

from app.extensions import db


def test_township_reads_problems_on_its_ground_but_edits_only_its_own(client, login, make):
    township, department = make.unit("巴公镇"), make.unit("县自然资源局", kind="县直部门")
    project = make.project(township_id=township.id)
    theirs = make.problem(project=project, unit_id=department.id, description="用地指标未落实")
    ours = make.problem(project=project, unit_id=township.id, description="道路未通")
    elsewhere = make.problem(unit_id=department.id, description="别处的问题")
    db.session.commit()
    login(make.user("unit", unit=township))
    listing = client.get("/problems/").get_data(as_text=True)
    assert "用地指标未落实" in listing and "道路未通" in listing and "别处的问题" not in listing
    page = client.get(f"/problems/{theirs.id}")
    assert page.status_code == 200 and f"problems/{theirs.id}/edit" not in page.get_data(as_text=True)
    assert client.get(f"/problems/{theirs.id}/edit").status_code == 403
    assert client.post(f"/problems/{theirs.id}/move", data={}).status_code == 403
    assert client.get(f"/problems/{ours.id}/edit").status_code == 200
    assert client.get(f"/problems/{elsewhere.id}").status_code == 404


def test_township_sees_problems_of_deals_located_in_it(client, login, make):
    township, department = make.unit("大阳镇"), make.unit("县发展改革和科技局", kind="县直部门")
    deal = make.deal(township_id=township.id)
    make.problem(deal=deal, unit_id=department.id, description="环评待批")
    db.session.commit()
    login(make.user("unit", unit=township))
    assert "环评待批" in client.get("/problems/").get_data(as_text=True)


def test_project_page_of_a_township_counts_the_departments_problems(client, login, make):
    township, department = make.unit("高都镇"), make.unit("县住房和城乡建设局", kind="县直部门")
    project = make.project(township_id=township.id, lead_unit_id=township.id)
    make.problem(project=project, unit_id=department.id, description="施工许可未办结")
    db.session.commit()
    login(make.user("unit", unit=township))
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "施工许可未办结" in page
