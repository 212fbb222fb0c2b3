"""Views of the projects feature."""

from app.projects import bp  # noqa: F401
