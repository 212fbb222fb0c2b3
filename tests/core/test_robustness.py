"""Bad input anywhere never gives a 500: every route, with garbage query strings and forms.

Routes are read from the URL map, so new pages are covered as they are added. The demo
data gives the id-taking routes real records to chew on.
"""

import re
from html.parser import HTMLParser

import pytest
from flask import g

from app.extensions import db

GARBAGE_QUERY = {
    "page": "abc",
    "year": "二〇二五",
    "as_of": "2025-02-30",
    "month": "2025-13",
    "sort": "'; drop table deals;--",
    "dir": "sideways",
    "stage": "不存在",
    "status": "??",
    "unit": "x",
    "unit_id": "-1",
    "leader": "abc",
    "leader_id": "1e9",
    "township": "%",
    "industry": "[]",
    "channel": "abc",
    "q": "%_\\",
    "counted": "maybe",
    "kind": "nonsense",
    "per_page": "-5",
    "project": "abc",
    "overdue": "2",
    "format": "exe",
    "token": "../../etc",
}
GARBAGE_FORM = {
    "name": "x" * 5000,
    "title": "",
    "amount": "一亿",
    "contract_amount_yuan": "abc",
    "requested_yuan": "1e99",
    "effective_on": "2025-02-30",
    "held_on": "tomorrow",
    "year": "abc",
    "to_stage": "飞升",
    "to_status": "??",
    "unit_id": "abc",
    "leader_id": "-1",
    "project_id": "999999",
    "channel_id": "abc",
    "industry_id": "x",
    "amount_yuan": "-",
    "entry_on": "13/13/2025",
    "kind": "??",
    "level": "9",
    "decision": "maybe",
    "deadline_on": "2025年13月1日",
    "found_on": "x",
    "escalation_level": "7",
    "month": "2025-00",
    "value": "%",
    "period_on": "abc",
    "password": "",
    "username": "",
    "role": "king",
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


# --- every form × every field × hostile values, every role × every page -------------------------

HOSTILE_VALUES = ("长" * 3000, "9" * 30, "-1", "0001-01-01", "", "0")  # "0" is —请选择—
NUL_VALUE = "a\x00b"


class _Forms(HTMLParser):
    """Every POST form on a page: its action and each field's current value (the baseline to vary)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict]] = []
        self._fields = None
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._fields = {}
            self.forms.append((attrs.get("action") or "", self._fields))
        elif self._fields is None or not attrs.get("name") and tag != "option":
            return
        elif tag == "input" and attrs.get("type") not in ("file", "submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                self._fields.setdefault(attrs["name"], None)
            else:
                self._fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs["name"]
            self._fields[self._select] = None
        elif tag == "option" and self._select:
            if self._fields[self._select] is None or "selected" in attrs:
                self._fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._fields is not None:
            self._fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _status(call, *args, **kwargs) -> int | str:
    """The response status, or the exception a 500 would have been (the testing app propagates them)."""
    try:
        return call(*args, **kwargs).status_code
    except Exception as exc:  # noqa: BLE001 - every failure is collected and reported
        db.session.rollback()
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"


def _failed(status) -> bool:
    return isinstance(status, str) or status >= 500


def _get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint not in ("static", "auth.logout"):
            yield rule


def _page_forms(client, app) -> dict[str, dict]:
    forms: dict[str, dict] = {}
    for rule in _get_routes(app):
        url = _fill(rule, 1)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _Forms()
        parser.feed(response.data.decode())
        for action, fields in parser.forms:
            action = action or url
            if action.startswith("/") and not action.startswith(("/logout", "/login")):
                forms.setdefault(action.split("?")[0], {k: v for k, v in fields.items() if v is not None})
    return forms


def _report(capsys, line: str) -> None:
    """Print past pytest's capture: CI shows the request count and the server errors of each run."""
    with capsys.disabled():
        print(f"\n{line}")


@pytest.mark.parametrize("role", ["admin", "unit"])
def test_every_form_field_survives_hostile_values(app, client, runner, make, login, capsys, role):
    """Each field of each form in turn gets hostile text, huge and negative numbers and far dates.

    As admin (every form) and as a unit account (the scoped forms and checks of its own records).
    """
    assert runner.invoke(args=["demo"]).exit_code == 0
    from app.deals.models import Deal

    unit = db.session.get(Deal, 1).lead_unit if role == "unit" else None
    login(make.user(role, username=f"robust_{role}", unit=unit))
    db.session.commit()
    forms = _page_forms(client, app)
    assert len(forms) > (20 if role == "admin" else 5)
    requests, errors = 0, []
    for action, baseline in sorted(forms.items()):
        baseline = {k: v for k, v in baseline.items() if k != "version"}  # every trial meets the form, not a 409
        trials = [{**baseline, name: value} for name in baseline if name != "csrf_token" for value in HOSTILE_VALUES]
        trials.append({name: NUL_VALUE for name in baseline})
        for data in trials:
            status = _status(client.post, action, data=data)
            requests += 1
            if _failed(status):
                changed = {k: v[:20] for k, v in data.items() if baseline.get(k) != v}
                errors.append(f"POST {action} {changed} → {status}")
            db.session.rollback()
    _report(
        capsys, f"robustness ({db.engine.dialect.name}, {role}): {requests} form requests, {len(errors)} server errors"
    )
    assert errors == [], "\n".join(errors)


def test_every_role_meets_hostile_queries_and_forms_without_500(app, client, runner, make, login, capsys):
    assert runner.invoke(args=["demo"]).exit_code == 0
    users = [
        make.user(role, username=f"robust_{role}") for role in ("taskforce", "investment", "finance", "unit", "leader")
    ]
    db.session.commit()
    hostile_query = {
        **GARBAGE_QUERY,
        "page": "9" * 30,
        "year": "9" * 30,
        "as_of": "0001-01-01",
        "q": NUL_VALUE,
        "per_page": "99999999999999999999",
        "unit_id": "9" * 25,
    }
    hostile_form = {**GARBAGE_FORM, "amount": "9" * 30, "effective_on": "0001-01-01", "name": "长" * 3000}
    requests, errors = 0, []
    for user in users:
        g.pop("_login_user", None)  # the test's app context (and its g) outlives each request
        client.cookie_jar.clear() if hasattr(client, "cookie_jar") else client._cookies.clear()
        login(user)
        for rule in app.url_map.iter_rules():
            if rule.endpoint in ("static", "auth.logout", "auth.login"):
                continue
            url = _fill(rule, 1)
            if "GET" in rule.methods:
                for query in (hostile_query, {**hostile_query, "q": "%_\\", "name": "x"}):
                    status = _status(client.get, url, query_string=query)
                    requests += 1
                    if _failed(status):
                        errors.append(f"{user.role} GET {url} → {status}")
            if "POST" in rule.methods:
                status = _status(client.post, url, data=hostile_form)
                requests += 1
                if _failed(status):
                    errors.append(f"{user.role} POST {url} → {status}")
                db.session.rollback()
    _report(capsys, f"robustness ({db.engine.dialect.name}, 5 roles): {requests} requests, {len(errors)} server errors")
    assert errors == [], "\n".join(errors)
