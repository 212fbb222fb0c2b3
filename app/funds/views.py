"""Views of the funds feature."""

from app.funds import bp  # noqa: F401
