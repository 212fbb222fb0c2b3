"""Fund pages: list filters and totals, Excel export, channel summary, and the forms (good and bad input)."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
import sqlalchemy as sa

from app.core.dates import today
from app.core.models import set_setting
from app.extensions import db
from app.funds.models import FundApplication, FundLedgerEntry, FundReview, FundStatusChange
from app.people.models import FundChannel

WAN = 10_000


def _channel(name):
    return db.session.scalar(sa.select(FundChannel).where(FundChannel.name == name))


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def data(make, seeded):
    """Four applications in two channels, two units, two leaders, two years."""
    bond, central = _channel("地方政府专项债券"), _channel("中央预算内投资")
    unit_a, unit_b = make.unit("甲镇"), make.unit("乙局", kind="县直部门")
    lead_a, lead_b = make.leader("甲领导"), make.leader("乙领导")
    project = make.project("城东供热管网")
    a1 = make.fund_application(
        "供热管网专项债",
        channel_obj=bond,
        requested=5000 * WAN,
        applicant_unit=unit_a,
        leader=lead_a,
        projects=[project],
        steps=[("已申报", date(2025, 2, 1)), ("已下达", date(2025, 4, 1))],
        ledger=[
            ("下达", date(2025, 4, 1), 4000 * WAN),
            ("发行", date(2025, 4, 10), 4000 * WAN),
            ("拨付", date(2025, 5, 1), 3000 * WAN),
            ("支出", date(2025, 6, 1), 1200 * WAN),
        ],
    )
    a2 = make.fund_application(
        "污水处理中央预算内",
        channel_obj=central,
        requested=2000 * WAN,
        applicant_unit=unit_a,
        leader=lead_b,
        projects=[project],
        steps=[("已申报", date(2025, 3, 1))],
    )
    a3 = make.fund_application(
        "乡村振兴储备", channel_obj=central, requested=800 * WAN, applicant_unit=unit_b, leader=lead_b
    )
    a4 = make.fund_application(
        "上年专项债",
        channel_obj=bond,
        year=2024,
        requested=3000 * WAN,
        applicant_unit=unit_b,
        start_on=date(2024, 3, 1),
        steps=[("已申报", date(2024, 3, 5)), ("已下达", date(2024, 6, 1))],
        ledger=[("下达", date(2024, 6, 1), 2500 * WAN), ("拨付", date(2024, 7, 1), 2500 * WAN)],
    )
    db.session.commit()
    return {
        "bond": bond,
        "central": central,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "lead_a": lead_a,
        "lead_b": lead_b,
        "project": project,
        "apps": [a1, a2, a3, a4],
    }


@pytest.fixture
def finance(make, login):
    user = make.user("finance")
    db.session.commit()
    return login(user)


def _totals(html: str) -> str:
    start = html.index('data-testid="fund-totals"')
    return " ".join(html[start : html.index("</tfoot>", start)].split())


def test_list_shows_everything_with_totals(client, data, finance):
    html = client.get("/funds/").get_data(as_text=True)
    for title in ("供热管网专项债", "污水处理中央预算内", "乡村振兴储备", "上年专项债"):
        assert title in html
    # requested 5000+2000+800+3000 = 10800; approved 4000+2500; disbursed 3000+2500; spent 1200
    assert _totals(html).count("合计 4 项") == 1
    for figure in ("10,800", "6,500", "5,500", "1,200"):
        assert figure in _totals(html)


@pytest.mark.parametrize(
    "query, titles, requested",
    [
        ("year=2025", {"供热管网专项债", "污水处理中央预算内", "乡村振兴储备"}, "7,800"),
        ("channel={bond}", {"供热管网专项债", "上年专项债"}, "8,000"),
        ("status=已申报", {"污水处理中央预算内"}, "2,000"),
        ("unit={unit_b}", {"乡村振兴储备", "上年专项债"}, "3,800"),
        ("leader={lead_b}", {"污水处理中央预算内", "乡村振兴储备"}, "2,800"),
        ("project={project}", {"供热管网专项债", "污水处理中央预算内"}, "7,000"),
        ("year=2025&channel={central}&q=储备", {"乡村振兴储备"}, "800"),
    ],
)
def test_list_filters(client, data, finance, query, titles, requested):
    ids = {key: data[key].id for key in ("bond", "central", "unit_b", "lead_b", "project")}
    html = client.get("/funds/?" + query.format(**ids)).get_data(as_text=True)
    table = html[html.index('data-testid="fund-table"') : html.index('data-testid="fund-totals"')]
    shown = {a.title for a in data["apps"] if f">{a.title}</a>" in table}
    assert shown == titles
    assert f"合计 {len(titles)} 项" in _totals(html) and requested in _totals(html)


def test_bad_query_strings_never_fail(client, data, finance):
    for query in (
        "page=abc",
        "page=-3",
        "year=abc",
        "year=99999",
        "channel=x",
        "channel=-1",
        "status=作废",
        "sort=evil&dir=sideways",
        "unit=1e9",
        "due=maybe",
        "q=" + "长" * 500,
    ):
        response = client.get("/funds/?" + query)
        assert response.status_code == 200, query
        assert client.get("/funds/export?" + query).status_code == 200, query
    # A control character is refused for every page in one place (app/core/input_guard.py).
    assert client.get("/funds/?project=%00").status_code == 400
    for query in ("year=abc", "as_of=garbage", "as_of=2025-02-30", "year=2025&as_of=2025年6月30日"):
        assert client.get("/funds/summary?" + query).status_code == 200, query
        assert client.get("/funds/summary/export?" + query).status_code == 200, query
    assert client.get("/funds/999999").status_code == 404
    assert client.get("/funds/abc").status_code == 404


def test_export_matches_the_filter(client, data, finance):
    response = client.get(f"/funds/export?channel={data['bond'].id}")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[1]
    assert header[0] == "申报项目名称" and "申请金额（万元）" in header
    body = rows[2:-1]
    assert sorted(r[0] for r in body) == ["上年专项债", "供热管网专项债"]
    col = {name: i for i, name in enumerate(header)}
    heat = next(r for r in body if r[0] == "供热管网专项债")
    assert heat[col["关联项目"]] == "城东供热管网" and heat[col["申请金额（万元）"]] == 5000
    assert (
        heat[col["下达（万元）"]],
        heat[col["发行（万元）"]],
        heat[col["拨付（万元）"]],
        heat[col["支出（万元）"]],
    ) == (4000, 4000, 3000, 1200)
    assert heat[col["未拨付（万元）"]] == 1000
    total = rows[-1]
    assert total[0] == "合计 2 项" and total[col["申请金额（万元）"]] == 8000 and total[col["下达（万元）"]] == 6500


def test_channel_summary_page_and_export(client, data, finance):
    html = client.get("/funds/summary?year=2025&as_of=2025-06-30").get_data(as_text=True)
    row = html[html.index('data-channel="地方政府专项债券"') :]
    row = row[: row.index("</tr>")]
    assert 'data-key="count">1<' in row and 'data-key="approved">4,000<' in row
    assert 'data-key="approval-rate">100.0%<' in row and 'data-key="spend-progress">30.0%<' in row  # 1200 ÷ 4000 issued
    central = html[html.index('data-channel="中央预算内投资"') :]
    central = central[: central.index("</tr>")]
    assert 'data-key="count">1<' in central and 'data-key="decided">0<' in central  # a2 declared, a3 reserve
    early = client.get("/funds/summary?year=2025&as_of=2025-03-31").get_data(as_text=True)
    row = early[early.index('data-channel="地方政府专项债券"') :]
    assert 'data-key="approved">0<' in row[: row.index("</tr>")]
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get("/funds/summary/export?year=2025&as_of=2025-06-30").data)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "截至2025-06-30" in rows[0][0]
    by_name = {r[0]: r for r in rows[2:]}
    assert by_name["地方政府专项债券"][1] == 1 and by_name["地方政府专项债券"][8] == 4000
    assert by_name["合计"][1] == 2 and by_name["合计"][2] == 7000  # 5000 + 2000 declared


def _form(data, **overrides):
    form = {
        "title": "东区管网二期",
        "channel_id": data["bond"].id,
        "year": 2025,
        "batch": "2025年第二批",
        "project_ids": [data["project"].id],
        "applicant_unit_id": data["unit_a"].id,
        "leader_id": data["lead_a"].id,
        "requested_yuan": "1.2亿",
        "deadline_on": "2025年3月15日",
        "notes": "",
        "status": "谋划储备",
        "effective_on": "2025/2/1",
    }
    form.update(overrides)
    return form


def test_create_application(client, data, finance):
    assert client.get("/funds/new").status_code == 200
    data["project"].leader, data["project"].lead_unit = data["lead_b"], data["unit_b"]
    db.session.commit()
    prefilled = client.get(f"/funds/new?project={data['project'].id}").get_data(as_text=True)
    for field, value in (
        ("project_ids", data["project"].id),
        ("leader_id", data["lead_b"].id),
        ("applicant_unit_id", data["unit_b"].id),
    ):
        select = prefilled[prefilled.index(f'name="{field}"') :]
        select = select[: select.index("</select>")]
        assert f'selected value="{value}"' in select or f'value="{value}" selected' in select, field
    assert client.get("/funds/new?project=abc").status_code == 200
    response = client.post("/funds/new", data=_form(data))
    assert response.status_code == 302
    app_ = db.session.scalar(sa.select(FundApplication).where(FundApplication.title == "东区管网二期"))
    assert app_.requested_yuan == 120_000_000 and app_.deadline_on == date(2025, 3, 15)
    assert app_.projects == [data["project"]] and app_.applicant_unit == data["unit_a"]
    assert app_.status_changes[0].effective_on == date(2025, 2, 1)
    assert app_.status_changes[0].actor_id == finance.id
    detail = client.get(response.location).get_data(as_text=True)
    assert "东区管网二期" in detail and "12,000" in detail and 'data-testid="audit-timeline"' in detail


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"requested_yuan": "很多"}, "申请金额（万元）“很多”不是数字"),
        ({"requested_yuan": "-5"}, "不能为负数"),
        ({"title": ""}, "请填写申报项目名称"),
        ({"title": "供热管网专项债"}, "同一渠道、年度已有名为“供热管网专项债”的申报"),
        ({"channel_id": 0}, "请选择资金渠道"),
        ({"deadline_on": "明天"}, "无法识别"),
        ({"effective_on": "2099-01-01"}, "不能晚于今天"),
        ({"status": "已完成"}, "不是有效的选择"),
        ({"project_ids": [987654]}, "所选项目不存在或不在您的查看范围内"),
    ],
)
def test_create_refuses_bad_input_without_saving(client, data, finance, overrides, message):
    before = _count(FundApplication), _count(FundStatusChange)
    response = client.post("/funds/new", data=_form(data, **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert (_count(FundApplication), _count(FundStatusChange)) == before


def test_edit_application(client, data, finance):
    a2 = data["apps"][1]
    page = client.get(f"/funds/{a2.id}/edit").get_data(as_text=True)
    assert "污水处理中央预算内" in page and 'value="2000"' in page
    form = _form(data, title="污水处理（调整）", channel_id=data["central"].id, requested_yuan="2500", project_ids=[])
    assert client.post(f"/funds/{a2.id}/edit", data=form).status_code == 302
    db.session.refresh(a2)
    assert (a2.title, a2.requested_yuan, a2.projects, a2.status) == ("污水处理（调整）", 2500 * WAN, [], "已申报")
    bad = client.post(f"/funds/{a2.id}/edit", data=_form(data, title="乡村振兴储备", channel_id=data["central"].id))
    assert bad.status_code == 200 and "已有名为“乡村振兴储备”" in bad.get_data(as_text=True)
    db.session.refresh(a2)
    assert a2.title == "污水处理（调整）"


def test_status_form(client, data, finance):
    a2 = data["apps"][1]  # 已申报 since 2025-03-01
    page = client.get(f"/funds/{a2.id}/status").get_data(as_text=True)
    assert '<option selected value="审核中">' in page or 'value="审核中" selected' in page
    bad = client.post(f"/funds/{a2.id}/status", data={"to_status": "审核中", "effective_on": "2025-02-01"})
    assert bad.status_code == 200 and "不能早于上一次状态变更（2025-03-01）" in bad.get_data(as_text=True)
    back = client.post(f"/funds/{a2.id}/status", data={"to_status": "谋划储备", "effective_on": "2025-04-01"})
    assert back.status_code == 200 and "不能从“已申报”退回“谋划储备”" in back.get_data(as_text=True)
    assert len(a2.status_changes) == 2
    ok = client.post(
        f"/funds/{a2.id}/status", data={"to_status": "审核中", "effective_on": "2025.4.2", "note": "省发改委受理"}
    )
    assert ok.status_code == 302
    db.session.refresh(a2)
    assert a2.status == "审核中" and a2.status_changes[-1].note == "省发改委受理"
    html = client.get(f"/funds/{a2.id}").get_data(as_text=True)
    history = html[html.index('data-testid="status-history"') :]
    assert "2025-04-02" in history and "省发改委受理" in history


def test_review_form(client, data, finance):
    a2 = data["apps"][1]
    assert client.get(f"/funds/{a2.id}/reviews/new").status_code == 200
    bad = client.post(
        f"/funds/{a2.id}/reviews/new", data={"level": "乡", "decision": "通过", "decided_on": "2025-04-01"}
    )
    assert bad.status_code == 200 and _count(FundReview) == 0
    ok = client.post(
        f"/funds/{a2.id}/reviews/new",
        data={"level": "省", "decision": "退回", "decided_on": "2025-04-01", "opinion": "补充环评批复"},
    )
    assert ok.status_code == 302
    html = client.get(f"/funds/{a2.id}").get_data(as_text=True)
    reviews = html[html.index('data-testid="reviews"') :]
    assert "省级" in reviews and "退回" in reviews and "补充环评批复" in reviews


def test_ledger_form_rules(client, data, finance):
    a1 = data["apps"][0]  # approved 4000, disbursed 3000, spent 1200
    url = f"/funds/{a1.id}/ledger/new"
    assert client.get(url).status_code == 200
    before = _count(FundLedgerEntry)
    over = client.post(url, data={"kind": "拨付", "entry_on": "2025-07-01", "amount_yuan": "1000.01"})
    assert over.status_code == 200 and "拨付金额将超过下达金额" in over.get_data(as_text=True)
    no_reason = client.post(
        url, data={"kind": "拨付", "entry_on": "2025-07-01", "amount_yuan": "1500", "is_adjustment": "y"}
    )
    assert no_reason.status_code == 200 and "调整记录必须填写调整原因" in no_reason.get_data(as_text=True)
    assert _count(FundLedgerEntry) == before
    ok = client.post(
        url,
        data={
            "kind": "拨付",
            "entry_on": "2025-07-01",
            "amount_yuan": "1500",
            "is_adjustment": "y",
            "reason": "省级追加拨付，下达文件待补",
        },
    )
    assert ok.status_code == 302
    spent = client.post(url, data={"kind": "支出", "entry_on": "2025-07-02", "amount_yuan": "0.5万"})
    assert spent.status_code == 302
    html = client.get(f"/funds/{a1.id}").get_data(as_text=True)
    assert 'data-key="disbursed">4,500' in html and 'data-key="remaining">-500' in html
    assert 'data-key="spent">1,200.50' in html
    assert "调整原因：省级追加拨付，下达文件待补" in html


def test_ledger_form_moves_status_when_asked(client, data, finance):
    a2 = data["apps"][1]  # 已申报
    url = f"/funds/{a2.id}/ledger/new"
    client.post(url, data={"kind": "下达", "entry_on": "2025-05-01", "amount_yuan": "1800", "sync_status": "y"})
    db.session.refresh(a2)
    assert a2.status == "已下达" and a2.decided_on == date(2025, 5, 1)
    client.post(url, data={"kind": "拨付", "entry_on": "2025-05-10", "amount_yuan": "900"})  # box unticked
    db.session.refresh(a2)
    assert a2.status == "已下达"


def test_home_panel_lists_due_applications(client, data, make, login):
    now = today()
    make.fund_application(
        "三天后截止",
        channel_obj=data["central"],
        year=now.year,
        start_on=now - timedelta(days=30),
        deadline_on=now + timedelta(days=3),
        applicant_unit=data["unit_a"],
    )
    make.fund_application(
        "已过截止",
        channel_obj=data["central"],
        year=now.year,
        start_on=now - timedelta(days=30),
        deadline_on=now - timedelta(days=2),
        applicant_unit=data["unit_b"],
    )
    make.fund_application(
        "十天后截止",
        channel_obj=data["central"],
        year=now.year,
        start_on=now - timedelta(days=30),
        deadline_on=now + timedelta(days=10),
    )
    make.fund_application(
        "已申报不提醒",
        channel_obj=data["central"],
        year=now.year,
        start_on=now - timedelta(days=30),
        deadline_on=now + timedelta(days=1),
        steps=[("已申报", now - timedelta(days=1))],
    )
    finance_user, unit_user, investment = (
        make.user("finance"),
        make.user("unit", unit=data["unit_a"]),
        make.user("investment"),
    )
    db.session.commit()

    def panel_text(user):
        login(user)
        html = client.get("/").get_data(as_text=True)
        client.post("/logout")
        if 'data-testid="fund-deadlines"' not in html:
            return None
        start = html.index('data-testid="fund-deadlines"')
        return html[start : html.index("</ul>", start)]

    text = panel_text(finance_user)
    assert "三天后截止" in text and "已过截止" in text and "已过2天" in text and "剩3天" in text
    assert "十天后截止" not in text and "已申报不提醒" not in text
    mine = panel_text(unit_user)
    assert "三天后截止" in mine and "已过截止" not in mine
    assert panel_text(investment) is None
    set_setting("alert.fund_deadline_days", "14")
    db.session.commit()
    assert "十天后截止" in panel_text(finance_user)
    due = client.get("/funds/?due=1")
    assert due.status_code == 302  # logged out by panel_text
    login(finance_user)
    listing = client.get("/funds/?due=1").get_data(as_text=True)
    assert "十天后截止" in listing and "已申报不提醒" not in listing and "供热管网专项债" not in listing


def test_panels_for_project_leader_and_unit(app, data, make):
    from app.funds.views import leader_applications, project_applications, unit_applications

    admin, other, investment = make.user("admin"), make.user("unit", unit=data["unit_b"]), make.user("investment")
    db.session.commit()
    with app.test_request_context("/"):
        template, panel = project_applications(data["project"], admin)
        assert template == "funds/_records_panel.html"
        assert sorted(r[0].title for r in panel["rows"]) == ["供热管网专项债", "污水处理中央预算内"]
        assert panel["totals"] == {
            "requested_yuan": 7000 * WAN,
            "approved_yuan": 4000 * WAN,
            "issued_yuan": 4000 * WAN,
            "disbursed_yuan": 3000 * WAN,
            "spent_yuan": 1200 * WAN,
        }
        assert panel["more_url"] == f"/funds/?project={data['project'].id}"
        assert project_applications(data["project"], investment)[1]["totals"]["approved_yuan"] == 4000 * WAN
        leader_rows = leader_applications(data["lead_b"], admin)[1]["rows"]
        assert sorted(r[0].title for r in leader_rows) == ["乡村振兴储备", "污水处理中央预算内"]
        unit_rows = unit_applications(data["unit_b"], admin)[1]["rows"]
        assert sorted(r[0].title for r in unit_rows) == ["上年专项债", "乡村振兴储备"]
        # A unit user looking at the project only sees its own unit's applications.
        assert project_applications(data["project"], other)[1]["rows"] == []


def test_panel_templates_render(app, data, make):
    from flask import render_template_string
    from flask_login import login_user

    from app.funds.views import project_applications

    admin = make.user("admin")
    db.session.commit()
    with app.test_request_context("/"):
        login_user(admin)
        html = render_template_string(
            '{% from "_macros/panels.html" import render_panels %}{{ render_panels(p) }}',
            p=[project_applications(data["project"], admin)],
        )
    assert "供热管网专项债" in html and "7,000" in html and "4,000" in html
