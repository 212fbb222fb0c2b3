"""Views of the deals feature."""

from app.deals import bp  # noqa: F401
