"""The scoped-role helpers of core/permissions.py: the one place that knows what a unit or leader account is tied to."""

import pytest
from flask_login import AnonymousUserMixin

from app.core import permissions
from app.core.permissions import (
    is_admin,
    is_leader_account,
    is_unit_account,
    keeps_own_unit,
    own_leader_id,
    own_unit,
    own_unit_id,
)
from app.extensions import db


@pytest.mark.parametrize("role", list(permissions.ROLES))
def test_only_a_unit_account_has_an_own_unit_and_only_a_leader_account_an_own_leader(make, role):
    user = make.user(role)
    unit_tied, leader_tied = role == "unit", role == "leader"
    assert (is_unit_account(user), keeps_own_unit(user), is_leader_account(user), is_admin(user)) == (
        unit_tied,
        unit_tied,
        leader_tied,
        role == "admin",
    )
    assert own_unit_id(user) == (user.unit_id if unit_tied else None) and (own_unit_id(user) is not None) == unit_tied
    assert own_unit(user) is (user.unit if unit_tied else None)
    assert (
        own_leader_id(user) == (user.leader_id if leader_tied else None)
        and (own_leader_id(user) is not None) == leader_tied
    )


def test_the_helpers_default_to_the_logged_in_user(app, client, login, make):
    user = make.user("unit")
    db.session.commit()
    with client:
        login(user)
        client.get("/")
        assert own_unit_id() == user.unit_id and keeps_own_unit() and not is_leader_account()


def test_an_anonymous_visitor_is_tied_to_nothing(app):
    anonymous = AnonymousUserMixin()
    assert not is_unit_account(anonymous) and not is_leader_account(anonymous) and not is_admin(anonymous)
