"""Bad input anywhere never gives a 500: every route, with garbage query strings and forms.

Routes are read from the URL map, so new pages are covered as they are added. The demo
data gives the id-taking routes real records to chew on.
"""

import re

import pytest

from app.extensions import db

GARBAGE_QUERY = {
    "page": "abc", "year": "二〇二五", "as_of": "2025-02-30", "month": "2025-13", "sort": "'; drop table deals;--",
    "dir": "sideways", "stage": "不存在", "status": "??", "unit": "x", "unit_id": "-1", "leader": "abc",
    "leader_id": "1e9", "township": "%", "industry": "[]", "channel": "abc", "q": "%_\\", "counted": "maybe",
    "kind": "nonsense", "per_page": "-5", "project": "abc", "overdue": "2", "format": "exe", "token": "../../etc",
}
GARBAGE_FORM = {
    "name": "x" * 5000, "title": "", "amount": "一亿", "contract_amount_yuan": "abc", "requested_yuan": "1e99",
    "effective_on": "2025-02-30", "held_on": "tomorrow", "year": "abc", "to_stage": "飞升", "to_status": "??",
    "unit_id": "abc", "leader_id": "-1", "project_id": "999999", "channel_id": "abc", "industry_id": "x",
    "amount_yuan": "-", "entry_on": "13/13/2025", "kind": "??", "level": "9", "decision": "maybe",
    "deadline_on": "2025年13月1日", "found_on": "x", "escalation_level": "7", "month": "2025-00", "value": "%",
    "period_on": "abc", "password": "", "username": "", "role": "king",
}


def _fill(rule, record_id):
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "2025-06" if m.group(1) == "month" else str(record_id), rule.rule)


@pytest.fixture
def demo_admin(runner, make, login):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    admin = make.user("admin", username="robust_admin")
    db.session.commit()
    login(admin)
    return admin


def test_no_get_route_fails_on_garbage(app, client, demo_admin):
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint == "auth.logout":
            continue
        for record_id in (1, 999999):
            url = _fill(rule, record_id)
            response = client.get(url, query_string=GARBAGE_QUERY)
            assert response.status_code < 500, f"GET {url} → {response.status_code}"
            checked += 1
    assert checked > 40


def test_no_post_route_fails_on_garbage(app, client, demo_admin):
    checked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in ("auth.logout", "auth.login"):
            continue
        for data in ({}, GARBAGE_FORM):
            url = _fill(rule, 1)
            response = client.post(url, data=data)
            assert response.status_code < 500, f"POST {url} → {response.status_code}: {response.data[:300]!r}"
            checked += 1
        db.session.rollback()
    assert checked > 20
