"""Home page (personal panels), the task-force dashboard (驾驶舱), the metrics JSON and the alert settings."""

import json
from datetime import date

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core.dates import today
from app.core.errors import InputError
from app.core.models import get_setting
from app.core.panels import panel, panels_for
from app.core.permissions import can, require
from app.dashboard import bp, services
from app.dashboard.charts import channel_short_names, chart_data
from app.dashboard.forms import AlertSettingsForm, field_name
from app.dashboard.metrics import compute_metrics
from app.dashboard.metrics.alerts import alert_groups
from app.dashboard.metrics.periods import MIN_YEAR, THRESHOLDS, default_as_of, parse_period, threshold
from app.extensions import db
from app.people.models import Target


@bp.route("/")
@login_required
def home():
    return render_template("dashboard/home.html", panels=panels_for("home", current_user))


def _period_from_args(args) -> tuple[int, date, str | None]:
    """Year and as-of date from the query string; bad values are dropped (with a notice), never a 500."""
    try:
        year, as_of = parse_period(args.get("year"), args.get("as_of"))
        return year, as_of, None
    except InputError as exc:
        notice = f"{exc.message}，已改为显示默认日期。"
    try:
        year, as_of = parse_period(args.get("year"), None)
    except InputError:
        year, as_of = parse_period(None, None)
    return year, as_of, notice


def _year_choices() -> list[int]:
    current = today().year
    target_years = db.session.scalars(sa.select(Target.year).distinct()).all()
    return sorted(
        {*range(current - 4, current + 1), *(y for y in target_years if MIN_YEAR <= y <= current)}, reverse=True
    )


SHOWN_ALERTS = 50  # alerts listed per kind on the dashboard; the rest are counted


@bp.route("/dashboard")
@require("dashboard")
def cockpit():
    year, as_of, notice = _period_from_args(request.args)
    figures = compute_metrics(year, as_of)
    groups = alert_groups(year, as_of, user=current_user, figures=figures, limit_per_kind=SHOWN_ALERTS)
    return render_template(
        "dashboard/cockpit.html",
        m=figures,
        year=year,
        as_of=as_of,
        notice=notice,
        years=_year_choices(),
        charts=chart_data(figures),
        channel_short=channel_short_names(),
        alert_groups=groups,
        alert_count=sum(g["count"] for g in groups),
        is_current=(as_of == default_as_of(year)),
    )


@bp.route("/api/metrics")
@require("dashboard")
def metrics_api():
    try:
        year, as_of = parse_period(request.args.get("year"), request.args.get("as_of"))
    except InputError as exc:
        return _json({"error": "参数有误", "message": exc.message, "field": exc.field}, 400)
    return _json(compute_metrics(year, as_of))


def _json(payload: dict, status: int = 200):
    # Our own dumps: keep key order (channel order is meaningful) and readable Chinese.
    return current_app.response_class(
        json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json"
    )


def _settings_form(formdata=None) -> AlertSettingsForm:
    form = AlertSettingsForm(formdata=formdata)
    if formdata is None:
        for key in THRESHOLDS:
            form[field_name(key)].data = get_setting(key) or str(threshold(key))
    return form


@bp.route("/dashboard/alert-settings")
@require("reference")
def alert_settings():
    return render_template(
        "dashboard/alert_settings.html", form=_settings_form(), thresholds=THRESHOLDS, field_name=field_name
    )


@bp.route("/dashboard/alert-settings", methods=["POST"])
@require("reference", "edit")
def save_alert_settings():
    form = _settings_form(request.form)
    if form.validate_on_submit():
        try:
            services.save_alert_thresholds({key: form[field_name(key)].data for key in THRESHOLDS})
        except InputError as exc:
            db.session.rollback()
            form[field_name(exc.field)].errors.append(exc.message)
        else:
            db.session.commit()
            flash("预警阈值已保存。", "success")
            return redirect(url_for("dashboard.alert_settings"))
    return render_template("dashboard/alert_settings.html", form=form, thresholds=THRESHOLDS, field_name=field_name)


@panel("home", order=5)
def home_alerts(user):
    """The home page's 驾驶舱 summary: this year's signed progress and the user's alert counts."""
    if not can(user, "dashboard"):
        return None
    as_of = today()
    figures = compute_metrics(as_of.year, as_of)  # cached per data version, shared with the dashboard
    groups = alert_groups(as_of.year, as_of, user=user, figures=figures, limit_per_kind=0)  # counts only
    return "dashboard/_home_panel.html", {
        "signed": figures["signed"],
        "start": figures["same_year_start"],
        "groups": groups,
        "as_of": as_of,
    }
