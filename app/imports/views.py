"""Views of the imports feature."""

from app.imports import bp  # noqa: F401
