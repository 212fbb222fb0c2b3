"""Sections the deals feature adds to other pages: 我的跟进 on the home page; deals on project, leader and unit pages."""

from app.core.dates import today
from app.core.ownership import mine_clause
from app.core.panels import panel
from app.core.permissions import can
from app.deals import queries
from app.deals.models import Deal

PANEL_LIMIT = 50


@panel("home", order=10)
def my_follow_ups(user):
    """我的跟进: follow-ups overdue, due today and due this week in the user's scope."""
    on = today()
    items = queries.follow_ups(user, on)
    if items is None:
        return None
    # The counts link to the list with the same rows: the user's own (and unowned) unless he oversees more.
    mine_args = {} if mine_clause(Deal, user) is None else {"owner": user.id, "unowned": "1"}
    return "deals/_follow_ups_panel.html", {
        "follow_ups": items,
        "on": on,
        "editable": can(user, "deals", "edit"),
        "mine_args": mine_args,
    }


def _deals_panel(user, title: str, condition, *, empty: str, list_args: dict | None = None):
    if not can(user, "deals"):
        return None
    deals = queries.deals_where(user, condition, limit=PANEL_LIMIT + 1)
    return "deals/_deals_panel.html", {
        "title": title,
        "deals": deals[:PANEL_LIMIT],
        "more": len(deals) > PANEL_LIMIT,
        "summary": queries.panel_summary(user, condition),
        "empty": empty,
        "list_args": list_args,
    }


@panel("project", order=20)
def project_deals(project, user):
    """The deals linked to a project."""
    if not can(user, "deals"):
        return None
    deals = queries.deals_where(user, Deal.project_id == project.id)
    return "deals/_project_panel.html", {
        "deals": deals,
        "summary": queries.panel_summary(user, Deal.project_id == project.id),
        "project": project,
    }


@panel("leader", order=20)
def leader_deals(leader, user):
    """The deals a county leader is responsible for (包联)."""
    return _deals_panel(
        user,
        f"包联招商项目（{leader.name}）",
        Deal.leader_id == leader.id,
        empty="暂无包联的招商项目",
        list_args={"leader": leader.id},
    )


@panel("unit", order=20)
def unit_deals(unit, user):
    """The deals a unit leads, sits in or co-owns."""
    return _deals_panel(
        user, f"招商项目（{unit.name}）", queries.unit_condition(unit.id), empty="暂无本单位的招商项目", list_args=None
    )
