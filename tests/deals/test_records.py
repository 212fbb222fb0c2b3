"""Negotiations, funds in place, linking to projects, investors, and the duplicate finder."""

from datetime import date, timedelta

import pytest

from app.core.dates import today
from app.core.errors import InputError
from app.deals import queries
from app.deals.negotiations import close_follow_up
from app.deals.services import (
    add_funds_in_place,
    add_investor_contact,
    add_negotiation,
    create_investor,
    create_project_for_deal,
    delete_funds_in_place,
    link_deal_to_project,
    update_investor,
)
from app.extensions import db

D = date


def negotiation_data(**kw):
    data = {
        "held_on": D(2025, 3, 5),
        "kind": "来访",
        "content": "企业来泽考察选址",
        "next_follow_up_on": D(2025, 3, 20),
    }
    data.update(kw)
    return data


# --- negotiations ------------------------------------------------------------------------------


def test_negotiation_is_logged_and_settles_earlier_follow_ups(make):
    deal = make.deal(stage="在谈")
    first = add_negotiation(deal, negotiation_data())
    assert not first.follow_up_done and deal.last_activity_on == today()
    second = add_negotiation(
        deal, negotiation_data(held_on=D(2025, 3, 21), kind="外出拜访", next_follow_up_on=D(2025, 4, 10))
    )
    assert first.follow_up_done and not second.follow_up_done
    db.session.expire(deal, ["negotiations"])
    assert [n.held_on for n in deal.negotiations] == [D(2025, 3, 21), D(2025, 3, 5)]  # newest first
    close_follow_up(second)
    assert second.follow_up_done


@pytest.mark.parametrize(
    "overrides, message, field",
    [
        ({"held_on": None}, "请填写洽谈日期", "held_on"),
        ({"held_on": "tomorrow"}, "洽谈日期不能晚于今天", "held_on"),
        ({"content": "  "}, "请填写洽谈内容", "content"),
        ({"kind": "吃饭"}, "洽谈方式须为", "kind"),
        ({"next_follow_up_on": D(2025, 3, 1)}, "下次跟进日期不能早于洽谈日期", "next_follow_up_on"),
    ],
)
def test_negotiation_input_rules(make, overrides, message, field):
    deal = make.deal()
    if overrides.get("held_on") == "tomorrow":
        overrides = {"held_on": today() + timedelta(days=1), "next_follow_up_on": None}
    with pytest.raises(InputError) as info:
        add_negotiation(deal, negotiation_data(**overrides))
    assert message in info.value.message and info.value.field == field


def test_follow_up_may_lie_in_the_future(make):
    deal = make.deal()
    later = today() + timedelta(days=30)
    assert add_negotiation(deal, negotiation_data(held_on=today(), next_follow_up_on=later)).next_follow_up_on == later


# --- funds in place ----------------------------------------------------------------------------


def test_funds_in_place_and_the_rate(make):
    deal = make.deal(stage="已开工", amount=200_000_000)  # 2亿, signed 2025-03-01
    add_funds_in_place(deal, received_on=D(2025, 4, 1), amount_yuan=30_000_000, kind="固定资产", evidence="进账单")
    add_funds_in_place(deal, received_on=D(2025, 6, 1), amount_yuan=20_000_000, kind="流动资金")
    summary = queries.funds_summary(deal)
    assert summary == {
        "total_yuan": 50_000_000,
        "by_kind": {"固定资产": 30_000_000, "流动资金": 20_000_000},
        "rate": 0.25,
    }
    assert queries.funds_in_place_by_deal([deal.id]) == {deal.id: 50_000_000}
    delete_funds_in_place(deal.funds_in_place[1])
    assert queries.funds_summary(deal)["total_yuan"] == 30_000_000


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"received_on": D(2025, 2, 1)}, "到位日期不能早于签约日期（2025-03-01）"),
        ({"received_on": "tomorrow"}, "到位日期不能为空或晚于今天"),
        ({"amount_yuan": 0}, "到位金额须大于0"),
        ({"amount_yuan": -5}, "到位金额须大于0"),
        ({"kind": "无形资产"}, "资金类别须为固定资产或流动资金"),
    ],
)
def test_funds_input_rules(make, kw, message):
    deal = make.deal(stage="已签约")
    data = {"received_on": D(2025, 4, 1), "amount_yuan": 1_000_000, "kind": "固定资产", **kw}
    if data["received_on"] == "tomorrow":
        data["received_on"] = today() + timedelta(days=1)
    with pytest.raises(InputError, match=message):
        add_funds_in_place(deal, **data)
    assert deal.funds_in_place == []


def test_funds_need_a_signed_deal(make):
    deal = make.deal(stage="在谈")
    with pytest.raises(InputError, match="项目尚未签约"):
        add_funds_in_place(deal, received_on=D(2025, 4, 1), amount_yuan=1_000_000)


def test_rate_is_none_without_a_contract_amount(make):
    deal = make.deal(stage="已签约", amount=0)
    assert queries.funds_summary(deal)["rate"] is None


# --- linking -----------------------------------------------------------------------------------


def test_only_signed_deals_link_to_projects(make):
    project = make.project("产业园标准化厂房")
    lead = make.deal(stage="在谈")
    with pytest.raises(InputError, match="签约后才能关联"):
        link_deal_to_project(lead, project)
    signed = make.deal(stage="已签约")
    link_deal_to_project(signed, project)
    assert signed.project is project
    link_deal_to_project(signed, None)
    assert signed.project is None


def test_create_project_from_a_deal_is_prefilled(make):
    unit, township, leader = make.unit("县投资促进中心", kind="县直部门"), make.unit("巴公镇"), make.leader("甲县长")
    industry = make.industry("新材料")
    deal = make.deal(
        "碳纤维复合材料生产线",
        stage="已开工",
        amount=150_000_000,
        lead_unit=unit,
        township=township,
        leader=leader,
        industry=industry,
    )
    project = create_project_for_deal(deal, {"code": "2503-140525-04-01-000001", "annual_plan_yuan": 60_000_000})
    assert deal.project is project
    db.session.flush()  # the project's references load once it is stored
    assert (project.name, project.plan_year, project.total_investment_yuan) == (
        "碳纤维复合材料生产线",
        2025,
        150_000_000,
    )
    assert (project.township, project.lead_unit, project.leader, project.industry) == (township, unit, leader, industry)
    assert project.actual_start_on == D(2025, 5, 1) and project.annual_plan_yuan == 60_000_000
    assert project.is_key


def test_create_project_refused_for_unsigned_deal(make):
    with pytest.raises(InputError, match="签约后才能转入项目库"):
        create_project_for_deal(make.deal(stage="在谈"), {})


# --- investors ---------------------------------------------------------------------------------


def test_investor_with_valid_code_and_contacts():
    investor = create_investor(
        {"name": " 小米通讯技术有限公司 ", "credit_code": "91110108551385082q", "origin": "省外"},
        contacts=[{"name": "王经理", "phone": "13800000000"}],
    )
    assert investor.name == "小米通讯技术有限公司" and investor.credit_code == "91110108551385082Q"
    assert [(c.name, c.phone) for c in investor.contacts] == [("王经理", "13800000000")]
    add_investor_contact(investor, {"name": "李总", "title": "副总经理"})
    assert len(investor.contacts) == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": ""}, "投资方名称不能为空"),
        ({"name": "甲公司", "credit_code": "91110108551385082R"}, "校验位不正确"),
        ({"name": "甲公司", "credit_code": "9111010855138508"}, "应为18位"),
        ({"name": "甲公司", "origin": "国外"}, "来源须为"),
    ],
)
def test_investor_input_rules(data, message):
    with pytest.raises(InputError, match=message):
        create_investor(data)


def test_credit_code_is_unique():
    create_investor({"name": "福建某集团", "credit_code": "91350100M000100Y43"})
    db.session.flush()  # checked against stored investors (a clash within one flush meets the unique constraint)
    with pytest.raises(InputError) as info:
        create_investor({"name": "另一家", "credit_code": "91350100m000100y43"})
    assert "已登记为投资方“福建某集团”" in info.value.message and info.value.field == "credit_code"
    other = create_investor({"name": "另一家"})
    with pytest.raises(InputError, match="已登记为投资方"):
        update_investor(other, {"credit_code": "91350100M000100Y43"})


def test_contact_needs_a_name():
    investor = create_investor({"name": "甲公司"})
    with pytest.raises(InputError, match="联系人姓名不能为空"):
        add_investor_contact(investor, {"name": " "})


# --- duplicates --------------------------------------------------------------------------------


def test_investor_keys_drop_places_and_legal_forms():
    assert queries.investor_key("北京华晟新材科技有限公司") == "华晟新材科技"
    assert queries.investor_key("华晟新材科技（北京）股份有限公司") == "华晟新材科技"
    assert queries.investor_key("山西省太行新能源有限责任公司") == "太行新能源"


def test_similar_investors_by_code_and_name():
    huasheng = create_investor({"name": "北京华晟新材科技有限公司", "credit_code": "91110000802100433B"})
    create_investor({"name": "太行新材料科技有限公司"})
    db.session.commit()
    by_name = queries.similar_investors("华晟新材科技（北京）股份有限公司")
    assert [(d.record.id, d.reason) for d in by_name] == [(huasheng.id, "名称相近")]
    by_code = queries.similar_investors("完全不同的名字", "91110000802100433b")
    assert [(d.record.id, d.score) for d in by_code] == [(huasheng.id, 2.0)]
    assert "统一社会信用代码相同" in by_code[0].reason
    assert queries.similar_investors("太行新能源科技有限公司") == []  # 太行新能源 vs 太行新材料: different firms
    assert queries.similar_investors("北京华晟新材科技有限公司", exclude_id=huasheng.id) == []


def test_similar_deals_across_units_with_visibility(make):
    mine, other = make.unit("甲镇"), make.unit("乙镇")
    user = make.user("unit", unit=mine)
    theirs = make.deal("乙镇高纯硅基材料项目", township=other)
    own = make.deal("甲镇算力中心项目", township=mine)
    db.session.commit()
    found = queries.similar_deals("乙镇高纯硅基材料", user=user)
    assert [(d.record.id, d.can_open) for d in found] == [(theirs.id, False)]
    assert [d.record.id for d in queries.similar_deals("甲镇算力中心", user=user)] == [own.id]
    assert queries.similar_deals("甲镇算力中心项目", exclude_id=own.id, user=user) == []
    assert queries.similar_deals("完全不相干的冷链物流", user=user) == []
