"""Leader (包联) and unit pages: key figures on a hand-computed dataset, and who may open which page."""

from datetime import date, timedelta

import pytest

from app.core.dates import today
from app.extensions import db
from app.funds.services import add_ledger_entry
from app.portfolios import queries
from app.problems.services import create_problem, move_problem
from app.projects.services import record_investment

WAN = 10_000
YI = 100_000_000


@pytest.fixture
def data(make, seeded):
    a, b = make.unit("甲镇"), make.unit("乙镇")
    l1, l2 = make.leader("甲领导"), make.leader("乙领导")
    p1 = make.project(
        "甲镇厂房",
        township=a,
        lead_unit=a,
        leader=l1,
        annual_plan_yuan=6000 * WAN,
        total_investment_yuan=12000 * WAN,
        actual_start_on=date(2025, 3, 1),
    )
    p2 = make.project(
        "乙镇道路", township=b, lead_unit=b, leader=l1, annual_plan_yuan=1000 * WAN, total_investment_yuan=3000 * WAN
    )
    p3 = make.project(
        "甲镇学校", township=a, lead_unit=a, leader=l2, annual_plan_yuan=500 * WAN, total_investment_yuan=500 * WAN
    )
    record_investment(p1, period_on=date(2025, 4, 1), amount_yuan=700 * WAN)
    make.deal("甲镇新材料", stage="已开工", amount=1 * YI, township=a, leader=l1)
    make.deal(
        "乙镇续签项目",
        stage="已签约",
        amount=2 * YI,
        lead_unit=b,
        leader=l1,
        is_counted=False,
        exclusion_reason="续签协议",
    )
    make.deal("乙镇线索", stage="线索", amount=5000 * WAN, township=b, leader=l1)
    make.deal("甲镇装备", stage="已签约", amount=3 * YI, township=a, leader=l2)
    ch = make.channel()
    a1 = make.application("甲镇厂房专项债", channel_obj=ch, applicant_unit=a, leader=l1, requested=1000 * WAN)
    add_ledger_entry(a1, kind="下达", entry_on=date(2025, 4, 1), amount_yuan=800 * WAN)
    add_ledger_entry(a1, kind="拨付", entry_on=date(2025, 5, 1), amount_yuan=500 * WAN)
    make.application("甲镇学校申报", channel_obj=ch, applicant_unit=a, leader=l2, requested=2000 * WAN)
    now = today()
    create_problem(
        {
            "project": p1,
            "description": "甲镇厂房用电未落实",
            "found_on": now - timedelta(days=30),
            "deadline_on": now - timedelta(days=6),
        }
    )
    create_problem(
        {
            "project": p2,
            "description": "乙镇道路征地",
            "found_on": now - timedelta(days=3),
            "deadline_on": now + timedelta(days=20),
        }
    )
    closed = create_problem(
        {
            "project": p1,
            "description": "甲镇厂房环评",
            "found_on": now - timedelta(days=30),
            "deadline_on": now - timedelta(days=10),
        }
    )
    move_problem(closed, "已交办", effective_on=now - timedelta(days=29))
    move_problem(closed, "已销号", effective_on=now - timedelta(days=12), resolution="已批复")
    create_problem(
        {
            "project": p3,
            "description": "甲镇学校资金缺口",
            "found_on": now - timedelta(days=30),
            "deadline_on": now - timedelta(days=1),
        }
    )
    db.session.commit()
    return {"a": a, "b": b, "l1": l1, "l2": l2}


def test_leader_figures(data):
    f = queries.figures(today(), leader_id=data["l1"].id)
    assert (f["project_count"], f["key_count"], f["started_count"]) == (2, 1, 1)
    assert f["total_investment_yuan"] == 15000 * WAN and f["annual_plan_yuan"] == 7000 * WAN
    assert f["completed_yuan"] == 700 * WAN
    # Three deals; the not-counted one is signed but stays out of the signed figures.
    assert (f["deal_count"], f["signed_count"], f["signed_amount_yuan"], f["deal_started_count"]) == (3, 1, 1 * YI, 1)
    assert (f["application_count"], f["requested_yuan"]) == (1, 1000 * WAN)
    assert (f["approved_yuan"], f["disbursed_yuan"], f["spent_yuan"]) == (800 * WAN, 500 * WAN, 0)
    assert (f["open_problems"], f["overdue_problems"]) == (2, 1)


def test_unit_figures(data):
    f = queries.figures(today(), unit_id=data["a"].id)
    assert (f["project_count"], f["annual_plan_yuan"]) == (2, 6500 * WAN)
    assert (f["deal_count"], f["signed_count"], f["signed_amount_yuan"]) == (2, 2, 4 * YI)
    assert (f["application_count"], f["requested_yuan"], f["approved_yuan"]) == (2, 3000 * WAN, 800 * WAN)
    assert (f["open_problems"], f["overdue_problems"]) == (2, 2)


def test_summaries_agree_with_figures(data):
    by_leader = queries.summary_by_leader(today())
    assert by_leader[data["l1"].id] == {
        "project_count": 2,
        "annual_plan_yuan": 7000 * WAN,
        "deal_count": 3,
        "signed_amount_yuan": 1 * YI,
        "application_count": 1,
        "approved_yuan": 800 * WAN,
        "open_problems": 2,
        "overdue_problems": 1,
    }
    by_unit = queries.summary_by_unit(today())
    assert by_unit[data["a"].id]["project_count"] == 2 and by_unit[data["a"].id]["signed_amount_yuan"] == 4 * YI
    assert by_unit[data["a"].id]["overdue_problems"] == 2
    # 乙镇 leads the not-counted deal and sits in the 线索: two deals, no counted signed amount.
    assert by_unit[data["b"].id]["deal_count"] == 2 and by_unit[data["b"].id]["signed_amount_yuan"] == 0


def test_leader_page_content(client, login, make, data):
    login(make.user("taskforce"))
    page = client.get(f"/portfolios/leaders/{data['l1'].id}").get_data(as_text=True)
    for text in ("甲领导", "甲镇厂房", "乙镇道路", "甲镇厂房用电未落实", "超期6天", "乙镇道路征地"):
        assert text in page, text
    assert "甲镇学校" not in page and "甲镇厂房环评" not in page  # another leader's; a closed problem
    listing = client.get("/portfolios/leaders").get_data(as_text=True)
    assert "甲领导" in listing and "乙领导" in listing


def test_unit_page_content(client, login, make, data):
    login(make.user("unit", unit=data["a"]))
    page = client.get(f"/portfolios/units/{data['a'].id}").get_data(as_text=True)
    for text in ("甲镇厂房", "甲镇学校", "甲镇学校资金缺口", "甲镇厂房用电未落实"):
        assert text in page, text
    assert "乙镇道路" not in page
    listing = client.get("/portfolios/units").get_data(as_text=True)
    assert "甲镇" in listing and ">乙镇<" not in listing


def test_who_may_open_which_page(client, login, make, data):
    l1, l2, a, b = data["l1"].id, data["l2"].id, data["a"].id, data["b"].id
    login(make.user("leader", leader=data["l1"]))
    assert client.get(f"/portfolios/leaders/{l1}").status_code == 200
    assert client.get(f"/portfolios/leaders/{l2}").status_code == 404
    assert client.get(f"/portfolios/units/{a}").status_code == 403
    listing = client.get("/portfolios/leaders").get_data(as_text=True)
    assert "甲领导" in listing and "乙领导" not in listing
    client.post("/logout")

    login(make.user("unit", unit=data["a"]))
    assert client.get(f"/portfolios/units/{a}").status_code == 200
    assert client.get(f"/portfolios/units/{b}").status_code == 404
    assert client.get(f"/portfolios/leaders/{l1}").status_code == 403
    client.post("/logout")

    for role in ("taskforce", "admin", "investment", "finance"):
        login(make.user(role))
        for url in (
            f"/portfolios/leaders/{l1}",
            f"/portfolios/leaders/{l2}",
            f"/portfolios/units/{a}",
            f"/portfolios/units/{b}",
        ):
            assert client.get(url).status_code == 200, (role, url)
        assert client.get("/portfolios/leaders/999999").status_code == 404
        client.post("/logout")


def test_counted_figures_are_labelled_apart_from_the_deals_panel(client, login, make, data):
    """The card counts counted deals (1 signed, 1亿); the panel lists all (2 signed, 3亿): both say which."""
    login(make.user("taskforce"))
    page = client.get(f"/portfolios/leaders/{data['l1'].id}?year=all").get_data(as_text=True)
    assert "计入考核：已签约 1 个 · 签约额 1 亿元" in page
    assert "已签约 2 个，签约额 <strong>3</strong> 亿元" in page
