"""Views of the reports feature."""

from app.reports import bp  # noqa: F401
