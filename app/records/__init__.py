"""Attachments (附件) and 批示 (comments) on deals, investors, fund applications, problems and their steps."""

from flask import Blueprint

bp = Blueprint("records", __name__, url_prefix="/records")

from app.records import panels, views  # noqa: E402,F401
