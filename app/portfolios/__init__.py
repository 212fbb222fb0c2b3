from flask import Blueprint

bp = Blueprint("portfolios", __name__, url_prefix="/portfolios")

from app.portfolios import views  # noqa: E402,F401
