"""我的跟进 on the home page, and the deal panels on project, leader and unit pages."""

from datetime import date

import pytest
from flask import render_template

from app.core.panels import panels_for
from app.deals import queries
from app.deals.services import add_negotiation, link_deal_to_project, move_deal_to_stage
from app.extensions import db

D = date
WEDNESDAY = "2025-06-18"  # the week runs Monday 06-16 .. Sunday 06-22


@pytest.fixture
def pinned(app, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_TODAY", WEDNESDAY)


def follow(deal, held, due, **kw):
    return add_negotiation(
        deal,
        {
            "held_on": held,
            "kind": "电话视频",
            "content": "沟通进展",
            "next_follow_up_on": due,
            "next_step": kw.pop("step", None),
            **kw,
        },
    )


@pytest.fixture
def follow_ups(make, pinned):
    mine, other = make.unit("甲镇"), make.unit("乙镇")
    boss = make.leader("甲领导")
    deals = {
        name: make.deal(
            name,
            stage="在谈",
            township=mine if name != "他镇今天" else other,
            leader=boss if name in ("逾期", "今天") else None,
        )
        for name in ("逾期", "今天", "周五", "周日", "下周一", "已跟进", "已终止", "暂缓中", "他镇今天")
    }
    follow(deals["逾期"], D(2025, 6, 1), D(2025, 6, 10), step="补充用地材料")
    follow(deals["今天"], D(2025, 6, 10), D(2025, 6, 18))
    follow(deals["周五"], D(2025, 6, 10), D(2025, 6, 20))
    follow(deals["周日"], D(2025, 6, 10), D(2025, 6, 22))
    follow(deals["下周一"], D(2025, 6, 10), D(2025, 6, 23))
    follow(deals["已跟进"], D(2025, 6, 1), D(2025, 6, 5)).follow_up_done = True
    follow(deals["已终止"], D(2025, 6, 1), D(2025, 6, 12))
    move_deal_to_stage(deals["已终止"], "终止", effective_on=D(2025, 6, 15), reason="企业放弃")
    follow(deals["暂缓中"], D(2025, 6, 1), D(2025, 6, 12))
    move_deal_to_stage(deals["暂缓中"], "暂缓", effective_on=D(2025, 6, 15))
    follow(deals["他镇今天"], D(2025, 6, 10), D(2025, 6, 18))
    users = {
        "investment": make.user("investment"),
        "unit": make.user("unit", unit=mine),
        "leader": make.user("leader", leader=boss),
        "finance": make.user("finance"),
    }
    db.session.commit()
    return users


def names(rows):
    return [n.deal.name for n in rows]


def test_follow_ups_grouped_by_due_date(follow_ups):
    items = queries.follow_ups(follow_ups["investment"], D(2025, 6, 18))
    assert names(items.overdue) == ["逾期"]
    assert names(items.today) == ["今天", "他镇今天"]
    assert names(items.this_week) == ["周五", "周日"]
    assert items.week_end == D(2025, 6, 22) and items.total == 5


def test_follow_ups_are_scoped(follow_ups):
    unit = queries.follow_ups(follow_ups["unit"], D(2025, 6, 18))
    assert (names(unit.overdue), names(unit.today), names(unit.this_week)) == (["逾期"], ["今天"], ["周五", "周日"])
    leader = queries.follow_ups(follow_ups["leader"], D(2025, 6, 18))
    assert (names(leader.overdue), names(leader.today), names(leader.this_week)) == (["逾期"], ["今天"], [])
    assert queries.follow_ups(follow_ups["finance"], D(2025, 6, 18)) is None  # reads deals, follows nothing up


def test_sunday_week_is_just_today(follow_ups):
    items = queries.follow_ups(follow_ups["investment"], D(2025, 6, 22))
    assert names(items.today) == ["周日"] and items.this_week == [] and items.week_end == D(2025, 6, 22)
    assert names(items.overdue) == ["逾期", "今天", "他镇今天", "周五"]


def test_home_page_shows_my_follow_ups(client, login, follow_ups):
    login(follow_ups["unit"])
    body = client.get("/").get_data(as_text=True)
    panel = body[body.index('data-testid="my-follow-ups"') :]
    assert "逾期 1" in panel and "今天 1" in panel and "本周 2" in panel
    assert "（逾期 8 天）" in panel and "补充用地材料" in panel
    assert "他镇今天" not in panel and "下周一" not in panel
    assert "已跟进</button>" in panel


def test_home_panel_read_only_for_leaders_and_absent_for_finance(client, login, follow_ups):
    login(follow_ups["leader"])
    body = client.get("/").get_data(as_text=True)
    assert 'data-testid="my-follow-ups"' in body and "已跟进</button>" not in body
    client.post("/logout")
    login(follow_ups["finance"])
    assert 'data-testid="my-follow-ups"' not in client.get("/").get_data(as_text=True)


def test_project_panel_lists_linked_deals(app, make):
    project = make.project("产业园标准化厂房")
    first = make.deal("甲项目", stage="已开工", amount=120_000_000)
    second = make.deal("乙项目", stage="已签约", amount=30_000_000)
    make.deal("无关项目", stage="已签约")
    link_deal_to_project(first, project)
    link_deal_to_project(second, project)
    user = make.user("finance")
    db.session.commit()
    with app.test_request_context():  # other features' providers may build URLs
        [(template, context)] = [p for p in panels_for("project", project, user) if p[0].startswith("deals/")]
    assert template == "deals/_project_panel.html"
    assert [d.name for d in context["deals"]] == ["乙项目", "甲项目"]  # latest signed first (03-01 both: by activity)
    assert context["summary"] == {"count": 2, "signed_count": 2, "signed_amount_yuan": 150_000_000, "started_count": 1}
    with app.test_request_context():
        html = render_template(template, panel=context)
    assert "关联招商项目" in html and "15,000 万元" in html and "/deals/" in html


def test_leader_and_unit_panels(app, make):
    township, center = make.unit("巴公镇"), make.unit("县投资促进中心", kind="县直部门")
    boss, other = make.leader("甲领导"), make.leader("乙领导")
    make.deal("领导签约", stage="已开工", amount=200_000_000, leader=boss, township=township)
    make.deal("领导在谈", stage="在谈", amount=50_000_000, leader=boss, lead_unit=center)
    co = make.deal("协同", stage="已签约", amount=70_000_000, leader=other, lead_unit=center)
    co.co_units.append(township)
    scoped = make.user("leader", leader=boss)
    admin = make.user("admin")
    db.session.commit()

    with app.test_request_context():
        leader_panels, unit_panels = panels_for("leader", boss, admin), panels_for("unit", township, admin)
        scoped_panels = panels_for("unit", township, scoped)
    [(_, leader_panel)] = [p for p in leader_panels if p[0] == "deals/_deals_panel.html"]
    assert [d.name for d in leader_panel["deals"]] == ["领导签约", "领导在谈"]
    assert leader_panel["summary"] == {
        "count": 2,
        "signed_count": 1,
        "signed_amount_yuan": 200_000_000,
        "started_count": 1,
    }
    [(_, unit_panel)] = [p for p in unit_panels if p[0] == "deals/_deals_panel.html"]
    assert sorted(d.name for d in unit_panel["deals"]) == ["协同", "领导签约"]
    assert unit_panel["summary"]["signed_amount_yuan"] == 270_000_000
    # A leader looking at a unit page sees only their own deals in it.
    [(_, scoped_panel)] = [p for p in scoped_panels if p[0] == "deals/_deals_panel.html"]
    assert [d.name for d in scoped_panel["deals"]] == ["领导签约"]
    with app.test_request_context():
        html = render_template("deals/_deals_panel.html", panel=unit_panel)
    assert "签约额 <strong>2.70</strong> 亿元" in html and "已开工 1 个" in html


def test_groups_are_capped_but_counted(follow_ups):
    items = queries.follow_ups(follow_ups["investment"], D(2025, 6, 22), limit=2)
    assert names(items.overdue) == ["逾期", "今天"]
    assert items.counts == {"overdue": 4, "today": 1, "this_week": 0} and items.total == 5


def test_list_filter_by_pending_follow_up(client, login, follow_ups):
    login(follow_ups["investment"])

    def listed(group):
        body = client.get(f"/deals/?follow={group}").get_data(as_text=True)
        table = body[body.index('data-testid="deal-table"') : body.index("</table>")]
        return sorted(
            name
            for name in ("逾期", "今天", "周五", "周日", "下周一", "已跟进", "已终止", "暂缓中", "他镇今天")
            if f">{name}</a>" in table
        )

    assert listed("overdue") == ["逾期"]
    assert listed("today") == ["今天", "他镇今天"]
    assert listed("this_week") == ["周五", "周日"]
    assert listed("due") == sorted(["逾期", "今天", "他镇今天", "周五", "周日"])
    assert client.get("/deals/?follow=someday").status_code == 200
