"""Project pages: list filters, totals and export, the form, monthly investment, scoping, bad input."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from app.core.dates import today
from app.extensions import db
from app.projects.models import Project
from app.projects.services import record_investment

WAN = 10_000


@pytest.fixture
def county(make, seeded):
    a, b = make.unit("甲镇"), make.unit("乙镇")
    leader = make.leader("甲领导")
    industry = make.industry("新材料")
    p1 = make.project(
        "甲镇厂房",
        township=a,
        lead_unit=a,
        leader=leader,
        industry=industry,
        nature="新建",
        annual_plan_yuan=6000 * WAN,
        total_investment_yuan=12000 * WAN,
        actual_start_on=date(2025, 3, 1),
        reserve_status="实施",
    )
    p2 = make.project(
        "甲镇道路",
        township=a,
        lead_unit=a,
        nature="续建",
        annual_plan_yuan=1000 * WAN,
        total_investment_yuan=3000 * WAN,
        reserve_status="前期",
    )
    p3 = make.project(
        "乙镇园区",
        township=b,
        lead_unit=b,
        leader=leader,
        annual_plan_yuan=2500 * WAN,
        total_investment_yuan=2500 * WAN,
        key_override=True,
        reserve_status="储备",
    )
    make.project(
        "甲镇旧项目",
        plan_year=2024,
        township=a,
        lead_unit=a,
        annual_plan_yuan=900 * WAN,
        total_investment_yuan=900 * WAN,
    )
    record_investment(p1, period_on=date(2025, 4, 1), amount_yuan=700 * WAN)
    record_investment(p1, period_on=date(2024, 12, 1), amount_yuan=50 * WAN)  # not in its plan year
    record_investment(p3, period_on=date(2025, 5, 1), amount_yuan=300 * WAN)
    db.session.commit()
    return {"a": a, "b": b, "leader": leader, "p1": p1, "p2": p2, "p3": p3}


def test_list_totals_and_filters(client, login, make, county):
    login(make.user("taskforce"))
    page = client.get("/projects/?year=2025").get_data(as_text=True)
    assert "甲镇厂房" in page and "乙镇园区" in page and "甲镇旧项目" not in page
    # 6000 + 1000 + 2500 = 9500万; total 12000 + 3000 + 2500 = 17500万; completed 700 + 300 = 1000万
    assert "共 <strong>3</strong> 个项目" in page
    assert "17,500" in page and "9,500" in page and "1,000" in page
    assert "2025年项目建设计划完成情况" in page

    def names(query):
        html = client.get("/projects/?" + query).get_data(as_text=True)
        return {n for n in ("甲镇厂房", "甲镇道路", "乙镇园区", "甲镇旧项目") if f">{n}</a>" in html}

    assert names(f"year=2025&township_id={county['a'].id}") == {"甲镇厂房", "甲镇道路"}
    assert names(f"year=2025&leader_id={county['leader'].id}") == {"甲镇厂房", "乙镇园区"}
    assert names("year=2025&key=1") == {"甲镇厂房", "乙镇园区"}
    assert names("year=2025&key=0") == {"甲镇道路"}
    assert names("year=2025&started=1") == {"甲镇厂房"}
    assert names("year=2025&nature=续建") == {"甲镇道路"}
    assert names("year=2025&reserve_status=储备") == {"乙镇园区"}
    assert names("year=all&q=旧") == {"甲镇旧项目"}
    assert names("year=all") == {"甲镇厂房", "甲镇道路", "乙镇园区", "甲镇旧项目"}
    for junk in (
        "page=abc",
        "page=0",
        "page=99999999999999999",
        "year=abc",
        "year=99999",
        "year=1",
        "sort=evil",
        "dir=x",
        "key=maybe",
        "township_id=-1",
        "nature=胡写",
        "q=%25_",
    ):
        assert client.get("/projects/?" + junk).status_code == 200, junk


def test_sorting(client, login, make, county):
    login(make.user("admin"))
    html = client.get("/projects/?year=2025&sort=completed&dir=asc").get_data(as_text=True)
    assert html.index("甲镇道路") < html.index("乙镇园区") < html.index("甲镇厂房")
    html = client.get("/projects/?year=2025&sort=name&dir=desc").get_data(as_text=True)
    assert html.index(">甲镇道路<") < html.index(">甲镇厂房<")


def test_export_matches_filter(client, login, make, county):
    login(make.user("taskforce"))
    response = client.get(f"/projects/export?year=2025&township_id={county['a'].id}")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "项目名称" and rows[1][9] == "年度计划投资（万元）"
    body = {row[0]: row for row in rows[2:-1]}
    assert set(body) == {"甲镇厂房", "甲镇道路"}
    assert body["甲镇厂房"][9] == 6000 and body["甲镇厂房"][10] == 700 and body["甲镇厂房"][11] == "是"
    assert rows[-1][0] == "合计 2 个项目" and rows[-1][8] == 15000 and rows[-1][9] == 7000


def test_unit_user_sees_own_projects_only(client, login, make, county):
    login(make.user("unit", unit=county["a"]))
    page = client.get("/projects/?year=2025").get_data(as_text=True)
    assert "甲镇厂房" in page and "乙镇园区" not in page
    assert client.get(f"/projects/{county['p3'].id}").status_code == 404
    assert (
        client.post(
            f"/projects/{county['p3'].id}/investments", data={"period": "2025-06", "amount_yuan": "1"}
        ).status_code
        == 404
    )
    export = load_workbook(io.BytesIO(client.get("/projects/export?year=all").data)).active
    assert "乙镇园区" not in [row[0] for row in export.iter_rows(values_only=True)]
    # Filing a project of another unit is refused on the form.
    response = client.post(
        "/projects/new",
        data={
            "name": "越权项目",
            "plan_year": 2025,
            "nature": "新建",
            "township_id": county["b"].id,
            "lead_unit_id": county["b"].id,
            "total_investment_yuan": "100",
            "reserve_status": "储备",
            "key_choice": "auto",
        },
    )
    assert response.status_code == 200 and "所在乡镇或责任单位须为本单位" in response.get_data(as_text=True)
    assert db.session.query(Project).filter_by(name="越权项目").count() == 0


def _form(**overrides):
    data = {
        "name": "新建标准化厂房",
        "code": "",
        "plan_year": 2025,
        "nature": "新建",
        "industry_id": 0,
        "township_id": 0,
        "lead_unit_id": 0,
        "leader_id": 0,
        "total_investment_yuan": "1.5亿",
        "annual_plan_yuan": "5,000",
        "key_choice": "auto",
        "reserve_status": "前期",
        "planned_start_on": "2025年3月1日",
        "actual_start_on": "",
        "planned_completion_on": "2026/12/31",
        "actual_completion_on": "",
        "stats_registered_on": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_create_edit_and_key_flag(client, login, make, county):
    login(make.user("taskforce"))
    response = client.post("/projects/new", data=_form(lead_unit_id=county["a"].id))
    assert response.status_code == 302
    project = db.session.query(Project).filter_by(name="新建标准化厂房").one()
    assert project.total_investment_yuan == 150_000_000 and project.annual_plan_yuan == 50_000_000
    assert project.is_key and project.key_override is None  # 5000万 reaches the threshold
    assert project.planned_start_on == date(2025, 3, 1)

    response = client.post(
        f"/projects/{project.id}/edit",
        data=_form(lead_unit_id=county["a"].id, key_choice="no", annual_plan_yuan="6000"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert project.key_override is False and not project.is_key
    detail = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "已人工排除出重点项目" in detail and "修改记录" in detail and "年度计划投资" in detail


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"annual_plan_yuan": "2亿"}, "年度计划投资不能大于总投资"),
        ({"total_investment_yuan": "很多"}, "不是数字"),
        ({"total_investment_yuan": ""}, "请填写总投资"),
        ({"actual_start_on": (today() + timedelta(days=1)).isoformat()}, "不能晚于今天"),
        ({"planned_start_on": "2025-13-01"}, "不存在"),
        ({"planned_completion_on": "2024-01-01"}, "计划竣工日期不能早于计划开工日期"),
        ({"name": ""}, "请填写项目名称"),
        ({"plan_year": "abc"}, "选择无效"),
        ({"nature": "乱写"}, "不是有效的选择"),
    ],
)
def test_bad_input_rerenders_in_chinese(client, login, make, county, overrides, message):
    login(make.user("taskforce"))
    response = client.post("/projects/new", data=_form(lead_unit_id=county["a"].id, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.query(Project).filter_by(name="新建标准化厂房").count() == 0


def test_duplicate_code_refused(client, login, make, county):
    login(make.user("taskforce"))
    county["p1"].code = "2025-140525-44-01-000001"
    db.session.commit()
    response = client.post("/projects/new", data=_form(lead_unit_id=county["a"].id, code="2025-140525-44-01-000001"))
    assert response.status_code == 200 and "已被其他项目使用" in response.get_data(as_text=True)


def test_record_monthly_investment(client, login, make, county):
    login(make.user("taskforce"))
    p2 = county["p2"]
    url = f"/projects/{p2.id}/investments"
    assert client.post(url, data={"period": "2025-06", "amount_yuan": "120.5", "note": "进度款"}).status_code == 302
    assert client.post(url, data={"period": "2025年6月", "amount_yuan": "130"}).status_code == 302  # replaces
    db.session.expire_all()
    entries = db.session.get(Project, p2.id).investments
    assert [(e.period_on, e.amount_yuan) for e in entries] == [(date(2025, 6, 30), 1_300_000)]
    future = today().replace(day=1) + timedelta(days=40)
    page = client.post(url, data={"period": f"{future:%Y-%m}", "amount_yuan": "1"})
    assert page.status_code == 200 and "不能晚于本月" in page.get_data(as_text=True)
    page = client.post(url, data={"period": "六月", "amount_yuan": "1"})
    assert page.status_code == 200 and "月份“六月”无法识别" in page.get_data(as_text=True)
    page = client.post(url, data={"period": "2025-07", "amount_yuan": "-5"})
    assert page.status_code == 200 and "不能为负数" in page.get_data(as_text=True)
    detail = client.get(f"/projects/{p2.id}").get_data(as_text=True)
    assert "2025年06月" in detail and "130" in detail and "完成投资" in detail


def test_leader_reads_but_cannot_edit(client, login, make, county):
    login(make.user("leader", leader=county["leader"]))
    page = client.get("/projects/?year=2025").get_data(as_text=True)
    assert "甲镇厂房" in page and "甲镇道路" not in page and 'href="/projects/new"' not in page
    assert client.get(f"/projects/{county['p1'].id}").status_code == 200
    assert client.get(f"/projects/{county['p1'].id}/edit").status_code == 403
    assert client.post(f"/projects/{county['p1'].id}/investments", data={"period": "2025-06"}).status_code == 403
    assert client.post("/projects/new", data=_form()).status_code == 403
    assert client.get("/projects/new").status_code == 403
