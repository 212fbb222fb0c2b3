"""Every role × every page: allowed pages answer 200, others 403, anonymous users go to login.

Pages are found from the URL map, so pages added by later features are covered
automatically; every view must declare its area with ``@require`` or be listed
in OPEN/LOGIN_ONLY.
"""

import pytest

from app.core.permissions import MATRIX, ROLES

OPEN = {"static", "auth.login"}
LOGIN_ONLY = {"dashboard.home", "auth.change_password", "auth.logout"}


def page_rules(app):
    """GET endpoints that need no URL arguments (list and index pages)."""
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint not in OPEN:
            yield rule


def test_every_view_declares_its_area(app):
    for endpoint, view in app.view_functions.items():
        if endpoint in OPEN or endpoint in LOGIN_ONLY:
            continue
        assert hasattr(view, "required_area"), f"{endpoint} has no @require(area)"


@pytest.mark.parametrize("role", list(ROLES))
def test_role_matrix(app, client, login, make, seeded, role):
    user = make.user(role)
    from app.extensions import db

    db.session.commit()
    login(user)
    checked = 0
    for rule in page_rules(app):
        if rule.endpoint in LOGIN_ONLY or rule.endpoint == "auth.logout":
            continue
        area, action = app.view_functions[rule.endpoint].required_area
        response = client.get(rule.rule)
        # A page declared with @require(area, "edit") (e.g. a create form) needs edit rights even to GET.
        allowed = MATRIX[area].get(role) == "edit" if action == "edit" else MATRIX[area].get(role) is not None
        expected = 200 if allowed else 403
        assert response.status_code == expected, f"{role} GET {rule.rule} ({area}) → {response.status_code}"
        checked += 1
    assert checked >= 5


def test_anonymous_is_sent_to_login(app, client):
    for rule in page_rules(app):
        if rule.endpoint == "auth.logout":
            continue
        response = client.get(rule.rule)
        if rule.rule.startswith("/api/"):
            assert response.status_code in (302, 401), rule.rule
        else:
            assert response.status_code == 302 and "/login" in response.location, rule.rule


def test_edit_pages_refuse_read_only_roles(client, login, make, seeded):
    """A leader (read-only) cannot post to reference data or user admin."""
    from app.extensions import db

    leader_user = make.user("leader")
    db.session.commit()
    login(leader_user)
    assert client.post("/admin/reference/units/new", data={"name": "x", "kind": "乡镇"}).status_code == 403
    assert client.post("/admin/users/new", data={"username": "x"}).status_code == 403
