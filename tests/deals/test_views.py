"""Deal pages through the test client: list filters and totals, board, export, forms, actions, investors."""

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from app.core.dates import today
from app.deals.models import Deal, DealStageChange, FundsInPlace, Investor, Negotiation
from app.deals.services import create_investor
from app.extensions import db
from app.projects.models import Project

D = date


def text(response) -> str:
    return response.get_data(as_text=True)


def totals(response) -> tuple[int, str]:
    body = text(response)
    count = re.search(r'data-testid="total-count">(\d+)<', body).group(1)
    amount = re.search(r'data-testid="total-amount">([\d,.]+)<', body).group(1)
    return int(count), amount


def table_rows(response) -> int:
    body = text(response)
    table = body[body.index('data-testid="deal-table"') :]
    return table[: table.index("</table>")].count("<tr>") - 1  # minus the header row


@pytest.fixture
def pipeline(make):
    """Six deals over two townships, two leaders, two industries and two signing years (amounts in yuan)."""
    a, b = make.unit("巴公镇"), make.unit("高都镇")
    center = make.unit("县投资促进中心", kind="县直部门")
    lx, ly = make.leader("甲领导"), make.leader("乙领导")
    materials, energy = make.industry("新材料"), make.industry("新能源")
    huasheng = create_investor({"name": "北京华晟新材科技有限公司"})
    deals = {
        "硅基材料": make.deal(
            "巴公硅基材料项目",
            stage="已开工",
            amount=300_000_000,
            township=a,
            lead_unit=a,
            leader=lx,
            industry=materials,
            investor=huasheng,
        ),
        "碳纤维": make.deal(
            "巴公碳纤维项目",
            stage="已签约",
            amount=150_000_000,
            township=a,
            lead_unit=center,
            leader=ly,
            industry=materials,
            dates={"已签约": D(2025, 4, 1)},
        ),
        "光伏": make.deal(
            "高都光伏电站项目",
            stage="已签约",
            amount=80_000_000,
            township=b,
            lead_unit=b,
            leader=lx,
            industry=energy,
            lead_on=D(2024, 3, 1),
            dates={"在谈": D(2024, 4, 1), "已签约": D(2024, 6, 1)},
        ),
        "储能": make.deal(
            "高都储能项目", stage="在谈", amount=50_000_000, township=b, lead_unit=b, leader=ly, industry=energy
        ),
        "氢能": make.deal(
            "高都氢能项目",
            stage="线索",
            amount=20_000_000,
            township=b,
            lead_unit=b,
            industry=energy,
            is_counted=False,
            exclusion_reason="续签",
        ),
        "冷链": make.deal(
            "巴公冷链项目", stage="已签约", amount=40_000_000, township=a, lead_unit=a, dates={"已签约": D(2025, 5, 1)}
        ),
    }
    db.session.commit()
    return {
        "a": a,
        "b": b,
        "center": center,
        "lx": lx,
        "ly": ly,
        "materials": materials,
        "energy": energy,
        "investor": huasheng,
        **deals,
    }


@pytest.fixture
def investment(make, login):
    user = make.user("investment", username="touzu")
    db.session.commit()
    return login(user)


# --- list --------------------------------------------------------------------------------------


def test_list_totals_for_the_current_filter(client, investment, pipeline):
    p = pipeline
    assert totals(client.get("/deals/")) == (6, "6.40")  # 3亿 + 1.5亿 + 0.8亿 + 0.5亿 + 0.2亿 + 0.4亿
    assert totals(client.get("/deals/?stage=已签约")) == (3, "2.70")  # 碳纤维 + 光伏 + 冷链
    assert totals(client.get(f"/deals/?township={p['a'].id}")) == (3, "4.90")
    assert totals(client.get(f"/deals/?lead_unit={p['center'].id}")) == (1, "1.50")
    assert totals(client.get(f"/deals/?leader={p['lx'].id}")) == (2, "3.80")
    assert totals(client.get(f"/deals/?industry={p['energy'].id}")) == (3, "1.50")
    assert totals(client.get("/deals/?year=2025")) == (3, "4.90")  # signed in 2025: 硅基, 碳纤维, 冷链
    assert totals(client.get("/deals/?year=2024")) == (1, "0.80")
    assert totals(client.get("/deals/?counted=0")) == (1, "0.20")
    assert totals(client.get(f"/deals/?counted=1&stage=已签约&township={p['a'].id}")) == (2, "1.90")


def test_search_by_deal_or_investor_name(client, investment, pipeline):
    assert totals(client.get("/deals/?q=碳纤维")) == (1, "1.50")
    response = client.get("/deals/?q=华晟")
    assert totals(response) == (1, "3") and "巴公硅基材料项目" in text(response)
    assert totals(client.get("/deals/?q=100%")) == (0, "0")  # LIKE wildcards are literal


def test_sort_and_paginate(client, investment, pipeline, make):
    body = text(client.get("/deals/?sort=amount&dir=asc"))
    order = [
        body.index(name)
        for name in (
            "高都氢能项目",
            "巴公冷链项目",
            "高都储能项目",
            "高都光伏电站项目",
            "巴公碳纤维项目",
            "巴公硅基材料项目",
        )
    ]
    assert order == sorted(order)
    for index in range(20):
        make.deal(f"批量项目{index:02d}", amount=1_000_000)
    db.session.commit()
    first, second = client.get("/deals/?sort=name"), client.get("/deals/?sort=name&page=2")
    assert totals(first) == totals(second) == (26, "6.60")  # totals cover the whole filter, not the page
    assert (table_rows(first), table_rows(second)) == (20, 6)
    assert "共 26 条，第 2/2 页" in text(second)


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-3",
        "page=999",
        "stage=不存在",
        "year=abcd",
        "year=99999",
        "township=x",
        "leader=1e5",
        "counted=maybe",
        "sort=drop",
        "dir=sideways",
        "per_page=zzz",
        "q=" + "长" * 500,
    ],
)
def test_bad_list_arguments_never_fail(client, investment, pipeline, query):
    assert client.get(f"/deals/?{query}").status_code == 200
    assert client.get(f"/deals/board?{query}").status_code == 200
    assert client.get(f"/deals/export.xlsx?{query}").status_code == 200


# --- board and export ------------------------------------------------------------------------


def test_board_columns_count_and_amount(client, investment, pipeline):
    body = text(client.get(f"/deals/board?township={pipeline['b'].id}"))
    columns = re.findall(
        r'data-testid="kanban-col" data-stage="([^"]+)">.*?col-count">(\d+)<.*?col-amount">([\d,.]+) 亿元', body, re.S
    )
    assert [(stage, int(n), amount) for stage, n, amount in columns] == [
        ("线索", 1, "0.20"),
        ("在谈", 1, "0.50"),
        ("已签约", 1, "0.80"),
        ("已注册", 0, "0"),
        ("已开工", 0, "0"),
        ("已投产", 0, "0"),
        ("暂缓", 0, "0"),
        ("终止", 0, "0"),
    ]


def test_export_follows_the_filter(client, investment, pipeline):
    response = client.get("/deals/export.xlsx?stage=已签约&sort=amount")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "共 3 个，金额合计 2.70 亿元" in rows[0][0]
    header = rows[1]
    name, amount, signed = header.index("项目名称"), header.index("签约金额（万元）"), header.index("签约日期")
    assert [(r[name], r[amount]) for r in rows[2:5]] == [
        ("巴公碳纤维项目", 15000),
        ("高都光伏电站项目", 8000),
        ("巴公冷链项目", 4000),
    ]
    assert rows[3][signed].date() == D(2024, 6, 1)
    assert rows[5][name] == "合计" and rows[5][amount] == 27000


# --- create and edit -------------------------------------------------------------------------


def deal_form(**kw):
    data = {
        "name": "泽州算力中心项目",
        "investor_id": "0",
        "industry_id": "0",
        "contract_amount_yuan": "1.5亿",
        "agreement_type": "",
        "lead_unit_id": "0",
        "township_id": "0",
        "leader_id": "0",
        "is_counted": "y",
        "lead_on": "2025年3月5日",
    }
    data.update(kw)
    return data


def test_create_deal(client, investment, pipeline):
    p = pipeline
    response = client.post(
        "/deals/new",
        data=deal_form(
            investor_id=str(p["investor"].id), township_id=str(p["a"].id), co_unit_ids=[str(p["center"].id)]
        ),
    )
    assert response.status_code == 302
    deal = db.session.scalar(sa.select(Deal).where(Deal.name == "泽州算力中心项目"))
    assert response.location.endswith(f"/deals/{deal.id}")
    assert (deal.contract_amount_yuan, deal.lead_on, deal.stage) == (150_000_000, D(2025, 3, 5), "线索")
    assert deal.investor == p["investor"] and deal.township == p["a"] and deal.co_units == [p["center"]]
    assert [(c.from_stage, c.to_stage) for c in deal.stage_changes] == [(None, "线索")]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"name": ""}, "请填写项目名称"),
        ({"contract_amount_yuan": "很多"}, "不是数字"),
        ({"lead_on": "2025-02-30"}, "不存在"),
        ({"is_counted": "", "exclusion_reason": ""}, "不计入考核时必须填写原因"),
    ],
)
def test_create_deal_shows_errors_and_saves_nothing(client, investment, pipeline, overrides, message):
    data = deal_form(**overrides)
    if overrides.get("is_counted") == "":
        del data["is_counted"]
    response = client.post("/deals/new", data=data)
    assert response.status_code == 200 and message in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Deal.id))) == 6


def test_future_lead_date_is_refused(client, investment, pipeline):
    response = client.post("/deals/new", data=deal_form(lead_on=(today() + timedelta(days=1)).isoformat()))
    assert response.status_code == 200 and "不能晚于今天" in text(response)


def test_similar_deal_warns_and_links_before_saving(client, investment, pipeline):
    response = client.post("/deals/new", data=deal_form(name="巴公镇碳纤维项目"))
    body = text(response)
    assert response.status_code == 200 and 'data-testid="duplicate-warning"' in body
    assert f'href="/deals/{pipeline["碳纤维"].id}"' in body and "我已核对" in body
    assert db.session.scalar(sa.select(sa.func.count(Deal.id))) == 6
    response = client.post("/deals/new", data=deal_form(name="巴公镇碳纤维项目", confirm_duplicate="y"))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Deal.id))) == 7


def test_as_you_type_hint(client, investment, pipeline):
    body = text(client.get("/deals/similar?name=巴公碳纤维"))
    assert "巴公碳纤维项目" in body and "我已核对" not in body
    assert text(client.get("/deals/similar?name=")).strip() == ""
    body = text(client.get("/deals/investors/similar?name=华晟新材科技（北京）有限公司"))
    assert "北京华晟新材科技有限公司" in body


def test_edit_deal(client, investment, pipeline):
    deal = pipeline["储能"]
    page = text(client.get(f"/deals/{deal.id}/edit"))
    assert 'name="lead_on"' not in page and 'value="5000"' in page
    response = client.post(
        f"/deals/{deal.id}/edit",
        data=deal_form(name=deal.name, contract_amount_yuan="6000", township_id=str(pipeline["b"].id)),
    )
    assert response.status_code == 302
    db.session.refresh(deal)
    assert deal.contract_amount_yuan == 60_000_000 and deal.lead_on == D(2025, 1, 10)  # lead date untouched


# --- deal page and actions -------------------------------------------------------------------


def test_stage_move_form(client, investment, pipeline):
    deal = pipeline["储能"]
    page = text(client.get(f"/deals/{deal.id}/stage?to=已签约"))
    assert '<option selected value="已签约">' in page and "data-date-labels" in page
    response = client.post(
        f"/deals/{deal.id}/stage",
        data={"to_stage": "已签约", "effective_on": (today() + timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 200 and "不能晚于今天" in text(response)
    response = client.post(f"/deals/{deal.id}/stage", data={"to_stage": "已开工", "effective_on": "2025-01-20"})
    assert response.status_code == 200 and "开工日期（2025-01-20）不能早于洽谈日期（2025-02-01）" in text(response)
    response = client.post(f"/deals/{deal.id}/stage", data={"to_stage": "终止", "effective_on": "2025-06-01"})
    assert response.status_code == 200 and "终止项目必须填写原因" in text(response)
    db.session.refresh(deal)
    assert deal.stage == "在谈" and len(deal.stage_changes) == 2
    response = client.post(
        f"/deals/{deal.id}/stage", data={"to_stage": "已签约", "effective_on": "2025/6/18", "note": "签约仪式"}
    )
    assert response.status_code == 302
    db.session.refresh(deal)
    assert deal.stage == "已签约" and deal.signed_on == D(2025, 6, 18)
    assert deal.stage_changes[-1].note == "签约仪式"


def test_correct_date_form(client, investment, pipeline):
    deal = pipeline["碳纤维"]
    row = next(c for c in deal.stage_changes if c.to_stage == "已签约")
    url = f"/deals/{deal.id}/stage-changes/{row.id}/correct"
    assert 'value="2025-04-01"' in text(client.get(url))
    response = client.post(url, data={"effective_on": "2025-03-28", "note": ""})
    assert response.status_code == 200 and "请说明更正原因" in text(response)
    assert client.post(url, data={"effective_on": "2025-03-28", "note": "按合同"}).status_code == 302
    db.session.refresh(deal)
    assert deal.signed_on == D(2025, 3, 28)
    other = pipeline["光伏"].stage_changes[0]
    assert client.get(f"/deals/{deal.id}/stage-changes/{other.id}/correct").status_code == 404


def test_negotiation_funds_and_timeline(client, investment, pipeline):
    deal = pipeline["碳纤维"]
    response = client.post(
        f"/deals/{deal.id}/negotiations/new",
        data={
            "held_on": "2025-04-10",
            "kind": "外出拜访",
            "content": "赴京拜访企业总部",
            "next_follow_up_on": "2025-04-30",
            "next_step": "确认设备采购计划",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(
            f"/deals/{deal.id}/negotiations/new", data={"held_on": "2025-04-10", "kind": "来访", "content": ""}
        ).status_code
        == 200
    )
    response = client.post(
        f"/deals/{deal.id}/funds/new",
        data={"received_on": "2025-05-06", "amount_yuan": "3,000", "kind": "固定资产", "evidence": "银行进账单"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/deals/{deal.id}/funds/new", data={"received_on": "2025-03-01", "amount_yuan": "10", "kind": "固定资产"}
    )
    assert response.status_code == 200 and "到位日期不能早于签约日期（2025-04-01）" in text(response)
    assert db.session.scalar(sa.select(sa.func.sum(FundsInPlace.amount_yuan))) == 30_000_000
    body = text(client.get(f"/deals/{deal.id}"))
    assert 'data-testid="funds-rate">20.0%<' in body  # 3000万 / 1.5亿
    timeline = body[body.index('data-testid="deal-timeline"') :]
    titles = re.findall(r"<strong>([^<]+)</strong>", timeline[: timeline.index("</ul>")])
    assert titles[:5] == ["资金到位", "洽谈（外出拜访）", "在谈 → 已签约", "线索 → 在谈", "登记为“线索”"]
    assert "下次跟进：2025-04-30" in timeline and "签约日期：2025-04-01" in timeline


def test_follow_up_done_button(client, investment, pipeline):
    deal = pipeline["储能"]
    client.post(
        f"/deals/{deal.id}/negotiations/new",
        data={"held_on": "2025-04-10", "kind": "来访", "content": "考察", "next_follow_up_on": "2025-04-30"},
    )
    negotiation = db.session.scalar(sa.select(Negotiation))
    response = client.post(f"/deals/negotiations/{negotiation.id}/done", data={"next": "/"})
    assert response.status_code == 302 and response.location == "/"
    db.session.refresh(negotiation)
    assert negotiation.follow_up_done
    response = client.post(f"/deals/negotiations/{negotiation.id}/done", data={"next": "//evil.example"})
    assert response.location.endswith(f"/deals/{deal.id}#negotiations")


def test_link_and_create_project(client, investment, pipeline, make):
    deal, lead = pipeline["碳纤维"], pipeline["储能"]
    project = make.project("产业园标准化厂房")
    db.session.commit()
    assert client.get(f"/deals/{lead.id}/project").status_code == 302  # not signed yet
    assert client.post(f"/deals/{deal.id}/project", data={"project_id": str(project.id)}).status_code == 302
    db.session.refresh(deal)
    assert deal.project_id == project.id
    assert client.post(f"/deals/{deal.id}/project", data={"project_id": "0"}).status_code == 302
    page = text(client.get(f"/deals/{deal.id}/project/new"))
    assert 'value="巴公碳纤维项目"' in page and 'value="15000"' in page and 'value="2025"' in page
    response = client.post(
        f"/deals/{deal.id}/project/new",
        data={
            "name": "巴公碳纤维项目",
            "code": "",
            "nature": "新建",
            "plan_year": "2025",
            "industry_id": "0",
            "township_id": str(pipeline["a"].id),
            "lead_unit_id": "0",
            "leader_id": "0",
            "total_investment_yuan": "15000",
            "annual_plan_yuan": "6000",
            "planned_start_on": "",
        },
    )
    assert response.status_code == 302
    db.session.refresh(deal)
    created = db.session.get(Project, deal.project_id)
    assert created.name == "巴公碳纤维项目" and created.total_investment_yuan == 150_000_000
    assert created.annual_plan_yuan == 60_000_000 and created.township == pipeline["a"]


def test_detail_of_missing_deal_is_404(client, investment):
    assert client.get("/deals/999").status_code == 404
    assert client.get("/deals/999/stage").status_code == 404
    assert client.post("/deals/negotiations/999/done").status_code == 404


# --- investors -------------------------------------------------------------------------------


def investor_form(**kw):
    data = {
        "name": "晋城丹峰装备制造有限公司",
        "credit_code": "",
        "origin": "县外",
        "region": "晋城",
        "contact_name": "赵总",
        "contact_phone": "13900000000",
    }
    data.update(kw)
    return data


def test_create_investor_with_contact(client, investment):
    response = client.post("/deals/investors/new", data=investor_form(credit_code="911100001000079554"))
    assert response.status_code == 302
    investor = db.session.scalar(sa.select(Investor))
    assert investor.credit_code == "911100001000079554" and [c.name for c in investor.contacts] == ["赵总"]
    page = text(client.get(f"/deals/investors/{investor.id}"))
    assert "赵总" in page and "为该投资方登记招商项目" in page
    assert f"/deals/new?investor={investor.id}" in page
    assert f'<option selected value="{investor.id}">' in text(client.get(f"/deals/new?investor={investor.id}"))


def test_invalid_credit_code_is_refused_on_the_form(client, investment):
    response = client.post("/deals/investors/new", data=investor_form(credit_code="911100001000079555"))
    assert response.status_code == 200 and "校验位不正确" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(Investor.id))) == 0


def test_investor_duplicate_warning_and_same_code(client, investment, pipeline):
    existing = pipeline["investor"]
    response = client.post("/deals/investors/new", data=investor_form(name="华晟新材科技（北京）有限公司"))
    body = text(response)
    assert response.status_code == 200 and f'href="/deals/investors/{existing.id}"' in body and "我已核对" in body
    assert (
        client.post(
            "/deals/investors/new", data=investor_form(name="华晟新材科技（北京）有限公司", confirm_duplicate="y")
        ).status_code
        == 302
    )
    coded = create_investor({"name": "福建某集团", "credit_code": "91350100M000100Y43"})
    db.session.commit()
    response = client.post(
        "/deals/investors/new", data=investor_form(credit_code="91350100m000100y43", confirm_duplicate="y")
    )
    body = text(response)
    assert response.status_code == 200 and "该代码已登记为投资方“福建某集团”" in body
    assert f'href="/deals/investors/{coded.id}"' in body and "我已核对" not in body


def test_investor_list_search_and_contacts(client, investment, pipeline):
    investor = pipeline["investor"]
    assert "北京华晟新材科技有限公司" in text(client.get("/deals/investors/?q=华晟"))
    assert "北京华晟新材科技有限公司" not in text(client.get("/deals/investors/?q=不存在"))
    assert client.get("/deals/investors/?page=x").status_code == 200
    client.post(f"/deals/investors/{investor.id}/contacts", data={"contact-name": "钱经理", "contact-phone": "0356-1"})
    db.session.refresh(investor)
    assert [c.name for c in investor.contacts] == ["钱经理"]
    client.post(f"/deals/investors/contacts/{investor.contacts[0].id}/delete")
    db.session.refresh(investor)
    assert investor.contacts == []
    response = client.post(
        f"/deals/investors/{investor.id}/edit",
        data={"name": investor.name, "origin": "省外", "credit_code": "91110000802100433B"},
    )
    assert response.status_code == 302
    db.session.refresh(investor)
    assert investor.origin == "省外" and investor.credit_code == "91110000802100433B"


def test_stage_history_rows_match_the_page(client, investment, pipeline):
    deal = pipeline["硅基材料"]
    page = text(client.get(f"/deals/{deal.id}"))
    assert (
        page.count("更正日期</a>")
        == db.session.scalar(sa.select(sa.func.count(DealStageChange.id)).where(DealStageChange.deal_id == deal.id))
        == 5
    )


def test_the_deal_page_shows_one_timeline_with_each_edit_once(client, investment, pipeline):
    deal = pipeline["碳纤维"]
    response = client.post(
        f"/deals/{deal.id}/edit",
        data={
            "name": deal.name,
            "contract_amount_yuan": "15000",
            "contact_name": "独一无二的对接人",
            "is_counted": "y",
        },
    )
    assert response.status_code == 302
    body = text(client.get(f"/deals/{deal.id}"))
    assert body.count("独一无二的对接人") == 2  # the field on the page, and the edit in the timeline
    assert body.count('data-testid="deal-timeline"') == 1 and 'data-testid="audit-timeline"' not in body
    timeline = body[body.index('data-testid="deal-timeline"') :]
    assert "对接人：（空） → 独一无二的对接人" in timeline and "（网页）" in timeline
