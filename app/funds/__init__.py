from flask import Blueprint

bp = Blueprint("funds", __name__, url_prefix="/funds")

from app.funds import views  # noqa: E402,F401
