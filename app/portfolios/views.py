"""Views of the portfolios feature."""

from app.portfolios import bp  # noqa: F401
