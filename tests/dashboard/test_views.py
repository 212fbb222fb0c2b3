"""The dashboard page, the metrics JSON, flask metrics and the alert settings page."""

import json
from datetime import date

import pytest

from app.core.models import get_setting
from app.dashboard.metrics import compute_metrics
from app.extensions import db

URL = "/dashboard?year=2025&as_of=2025-06-30"


@pytest.fixture
def taskforce(login, make):
    user = make.user("taskforce")
    db.session.commit()
    return login(user)


def test_cockpit_shows_the_figures(client, county, taskforce):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "项目攻坚驾驶舱" in html and "截至 2025-06-30" in html
    assert ">5<span" in html and "目标 10<" in html  # 签约额 5亿 of 10亿, no trailing .00
    assert "25.0%" in html and "（1/4）" in html  # start rate with numerator/denominator
    assert "完成 50.0%，序时进度 50.0%" in html
    for chart in ("cumulative", "funnel", "funds", "ranking"):
        assert f'data-chart="{chart}"' in html
    assert html.index("<td>甲镇</td>") < html.index("<td>乙局</td>") < html.index("<td>丙镇</td>")
    assert "甲-装备项目签约 91 天未开工" in html  # an alert
    assert "js/dashboard.js" in html and "<script>" not in html


def test_cockpit_defaults_to_today(client, taskforce):
    from app.core.dates import today

    html = client.get("/dashboard").get_data(as_text=True)
    assert f"截至 {today().isoformat()}" in html


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=2025&as_of=2024-06-30",
        "as_of=2025-13-45",
        "year=1800",
        "year=2999",
        "page=abc&sort=x",
        "as_of=2999-01-01",
    ],
)
def test_cockpit_ignores_bad_arguments(client, county, taskforce, query):
    response = client.get(f"/dashboard?{query}")
    assert response.status_code == 200


def test_cockpit_bad_date_keeps_the_year(client, county, taskforce):
    html = client.get("/dashboard?year=2025&as_of=2024-06-30").get_data(as_text=True)
    assert "不在2025年内" in html and "截至 2025-12-31" in html


def test_leader_and_unit_users_see_the_county_dashboard(client, county, login, make):
    leader = make.user("leader", leader=county.l2)
    unit_user = make.user("unit", unit=county.u2)
    db.session.commit()
    login(leader)
    assert client.get(URL).status_code == 200
    client.post("/logout")
    login(unit_user)
    html = client.get(URL).get_data(as_text=True)
    assert ">5<span" in html  # county figures
    assert "甲-装备项目签约" not in html  # but only their own records' alerts
    assert "乙-在谈项目跟进已逾期" in html
    assert "预警阈值" not in html  # no settings link without reference access


def test_api_metrics(client, county, taskforce):
    response = client.get("/api/metrics?year=2025&as_of=2025-06-30")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data == json.loads(json.dumps(compute_metrics(2025, date(2025, 6, 30))))
    assert data["year"] == 2025 and data["as_of"] == "2025-06-30"
    assert data["signed"]["amount_yuan"] == 500_000_000
    assert [u["unit"] for u in data["units"]] == ["甲镇", "乙局", "丙镇"]
    assert "甲镇" in response.get_data(as_text=True)  # readable Chinese, not \u escapes


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "年度“abc”无效"),
        ("year=2025&as_of=2024-06-30", "截至日期（2024-06-30）不在2025年内"),
        ("year=2025&as_of=2025-02-30", "截至日期“2025-02-30”不存在"),
        ("year=2025&as_of=明天", "截至日期“明天”无法识别"),
        ("year=2099", "2099年尚未开始"),
        ("year=2999", "年度“2999”无效"),
    ],
)
def test_api_metrics_bad_arguments(client, taskforce, query, message):
    response = client.get(f"/api/metrics?{query}")
    assert response.status_code == 400
    data = response.get_json()
    assert data["error"] == "参数有误" and message in data["message"]


def test_api_metrics_defaults_and_login(client, login, make):
    assert client.get("/api/metrics").status_code in (302, 401)
    user = make.user("leader")
    db.session.commit()
    login(user)
    from app.core.dates import today

    data = client.get("/api/metrics").get_json()
    assert data["as_of"] == today().isoformat()
    assert client.get("/api/metrics?year=2025").get_json()["as_of"] == "2025-12-31"


def test_cli_metrics(runner, county):
    result = runner.invoke(args=["metrics", "--year", "2025", "--as-of", "2025-06-30"])
    assert result.exit_code == 0, result.output
    assert "甲镇" in result.output  # ensure_ascii=False
    assert '\n  "signed": {' in result.output  # indent=2
    assert json.loads(result.output) == json.loads(json.dumps(compute_metrics(2025, date(2025, 6, 30))))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2025", "--as-of", "2024-06-30"], "不在2025年内"),
        (["--year", "二〇二五"], "年度“二〇二五”无效"),
        (["--as-of", "2025/2/30"], "不存在"),
    ],
)
def test_cli_metrics_bad_arguments(runner, args, message):
    result = runner.invoke(args=["metrics", *args])
    assert result.exit_code != 0
    assert message in result.output


def test_alert_settings_page(client, login, make, seeded):
    admin = make.user("admin")
    db.session.commit()
    login(admin)
    html = client.get("/dashboard/alert-settings").get_data(as_text=True)
    assert "签约未开工预警天数" in html and 'value="90"' in html
    form = {
        "signed_not_started_days": "60",
        "year_end_risk_month": "9",
        "stale_days": "45",
        "fund_deadline_days": "10",
        "problem_deadline_days": "5",
        "progress_yellow_points": "８",
        "progress_red_points": "25",
        "problem_level2_days": "7",
        "problem_level3_days": "30",
    }
    response = client.post("/dashboard/alert-settings", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert get_setting("alert.signed_not_started_days") == "60"
    assert get_setting("alert.progress_yellow_points") == "8"  # full-width digit accepted


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stale_days", "abc", "线索/在谈久未更新天数须为整数"),
        ("stale_days", "", "请填写线索/在谈久未更新天数"),
        ("year_end_risk_month", "13", "须在 1 到 12 之间"),
        ("progress_red_points", "5", "红色预警的落后百分点须大于黄色预警的百分点"),
        ("signed_not_started_days", "-3", "须为整数"),
    ],
)
def test_alert_settings_refuse_bad_values(client, login, make, seeded, field, value, message):
    admin = make.user("admin")
    db.session.commit()
    login(admin)
    form = {
        "signed_not_started_days": "60",
        "year_end_risk_month": "10",
        "stale_days": "45",
        "fund_deadline_days": "10",
        "problem_deadline_days": "5",
        "progress_yellow_points": "10",
        "progress_red_points": "30",
        "problem_level2_days": "7",
        "problem_level3_days": "30",
        field: value,
    }
    response = client.post("/dashboard/alert-settings", data=form)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert get_setting("alert.signed_not_started_days") == "90"  # nothing half-saved


def test_alert_settings_edit_is_for_reference_editors(client, login, make, seeded):
    reader = make.user("investment")
    leader = make.user("leader")
    db.session.commit()
    login(reader)
    html = client.get("/dashboard/alert-settings").get_data(as_text=True)
    assert "签约未开工预警天数" in html and '<button type="submit"' not in html
    assert client.post("/dashboard/alert-settings", data={"stale_days": "1"}).status_code == 403
    client.post("/logout")
    login(leader)
    assert client.get("/dashboard/alert-settings").status_code == 403
    assert client.post("/dashboard/alert-settings", data={"stale_days": "1"}).status_code == 403


def test_home_panel(client, county, taskforce):
    html = client.get("/").get_data(as_text=True)
    assert "招商进度" in html and "打开驾驶舱" in html


def test_cockpit_lists_at_most_50_alerts_per_kind(client, taskforce):
    from tests.dashboard.conftest import walk

    for number in range(52):
        deal = walk(f"线索{number}", amount=1, lead_on=date(2025, 1, 2))
        deal.last_activity_on = date(2025, 1, 2)
    db.session.commit()
    html = client.get(URL).get_data(as_text=True)
    assert html.count('data-testid="alert"') == 50
    assert "另有 2 条未列出" in html
    assert '<span class="badge text-bg-warning ms-1">52</span>' in html
