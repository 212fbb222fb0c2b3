"""Views of the problems feature."""

from app.problems import bp  # noqa: F401
