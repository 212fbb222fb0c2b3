"""Views of the deals feature, split by subject; importing them registers the routes and panels."""

from app.deals.views import actions, deals, investors, negotiations, panels  # noqa: F401
