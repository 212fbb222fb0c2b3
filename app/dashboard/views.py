"""Home page (personal panels) and the task-force dashboard."""

from flask import render_template
from flask_login import current_user, login_required

from app.core.panels import panels_for
from app.dashboard import bp


@bp.route("/")
@login_required
def home():
    return render_template("dashboard/home.html", panels=panels_for("home", current_user))
