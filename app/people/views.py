"""Admin pages for reference data: units, leaders, channels, industries, targets."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for

from app.core.audit_display import timeline_for
from app.core.errors import InputError
from app.core.fields import choices_from
from app.core.forms import show_input_error
from app.core.money import wan_input_value
from app.core.permissions import ensure_can_edit, require
from app.extensions import db
from app.people import bp, queries, services
from app.people.forms import ChannelForm, IndustryForm, LeaderForm, TargetForm, UnitForm
from app.people.models import FundChannel, Industry, Leader, Target, Unit

# kind -> (model, form, Chinese name, list columns as (header, attribute))
KINDS = {
    "units": (Unit, UnitForm, "责任单位", [("名称", "name"), ("简称", "short_name"), ("类别", "kind")]),
    "leaders": (Leader, LeaderForm, "县级领导", [("姓名", "name"), ("职务", "title"), ("专班职务", "taskforce_role")]),
    "channels": (FundChannel, ChannelForm, "资金渠道", [("名称", "name"), ("简称", "short_name")]),
    "industries": (Industry, IndustryForm, "产业类别", [("名称", "name")]),
}


def _kind(kind: str):
    if kind not in KINDS:
        abort(404)
    return KINDS[kind]


@bp.route("/")
@require("reference")
def index():
    counts = {kind: db.session.scalar(sa.select(sa.func.count()).select_from(spec[0])) for kind, spec in KINDS.items()}
    return render_template("people/index.html", kinds=KINDS, counts=counts)


@bp.route("/<kind>/")
@require("reference")
def list_rows(kind: str):
    model, _form, title, columns = _kind(kind)
    rows = db.session.scalars(sa.select(model).order_by(model.sort_order, model.id)).all()
    return render_template("people/list.html", kind=kind, title=title, rows=rows, columns=columns)


@bp.route("/<kind>/new", methods=["GET", "POST"])
@require("reference", "edit")
def new_row(kind: str):
    return _row_form(kind, None)


@bp.route("/<kind>/<int:row_id>", methods=["GET", "POST"])
@require("reference")
def edit_row(kind: str, row_id: int):
    return _row_form(kind, row_id)


def _row_form(kind: str, row_id: int | None):
    """Create or edit a named row; readers see the row read-only (the template disables the form)."""
    model, form_class, title, _columns = _kind(kind)
    obj = db.get_or_404(model, row_id) if row_id else None
    if request.method == "POST":
        ensure_can_edit("reference")
    form = form_class(obj=obj)
    if form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items() if name not in ("csrf_token", "once_token")}
        try:
            obj = services.save_named(model, obj, data)
        except InputError as exc:
            db.session.rollback()
            show_input_error(form, exc, "name")
        else:
            db.session.commit()
            flash(f"{title}“{obj.name}”已保存。", "success")
            return redirect(url_for("people.list_rows", kind=kind))
    history = timeline_for(obj) if obj else []
    return render_template("people/edit.html", kind=kind, title=title, form=form, obj=obj, history=history)


@bp.route("/targets/")
@require("reference")
def list_targets():
    year = request.args.get("year", type=int)
    stmt = sa.select(Target).order_by(Target.year.desc(), Target.unit_id.is_not(None), Target.metric)
    if year:
        stmt = stmt.where(Target.year == year)
    rows = db.session.scalars(stmt).all()
    years = db.session.scalars(sa.select(Target.year).distinct().order_by(Target.year.desc())).all()
    return render_template("people/targets.html", rows=rows, years=years, year=year, fmt=services.format_target_value)


@bp.route("/targets/new", methods=["GET", "POST"])
@require("reference", "edit")
def new_target():
    return _target_form(None)


@bp.route("/targets/<int:target_id>", methods=["GET", "POST"])
@require("reference")
def edit_target(target_id: int):
    return _target_form(target_id)


def _target_form(target_id: int | None):
    """Create or edit a yearly target; readers see it read-only."""
    obj = db.get_or_404(Target, target_id) if target_id else None
    if request.method == "POST":
        ensure_can_edit("reference")
    form = TargetForm(obj=obj)
    form.unit_id.choices = choices_from(queries.units(), "—全县—")
    if obj is not None and request.method == "GET":
        form.unit_id.data = obj.unit_id or 0
        form.value.data = (
            wan_input_value(obj.value)
            if obj.kind == "amount"
            else f"{obj.value / 100:g}%"
            if obj.kind == "rate"
            else str(obj.value)
        )
    if form.validate_on_submit():
        try:
            obj = services.save_target(
                obj,
                year=form.year.data,
                metric=form.metric.data,
                unit_id=form.unit_id.data or None,
                text=form.value.data,
            )
        except InputError as exc:
            db.session.rollback()
            show_input_error(form, exc, "value")
        else:
            db.session.commit()
            flash("目标已保存。", "success")
            return redirect(url_for("people.list_targets", year=obj.year))
    history = timeline_for(obj) if obj else []
    return render_template("people/target_form.html", form=form, obj=obj, history=history)
