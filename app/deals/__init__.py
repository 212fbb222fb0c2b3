from flask import Blueprint

bp = Blueprint("deals", __name__, url_prefix="/deals")

from app.deals import cli, views  # noqa: E402,F401
