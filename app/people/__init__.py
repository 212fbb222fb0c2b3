from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/admin/reference")

from app.people import views  # noqa: E402,F401
