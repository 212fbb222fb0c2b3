"""Actions from the deal page: stage moves and date corrections, negotiations, funds in place, linking a project."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.dates import today
from app.core.errors import InputError
from app.core.fields import options
from app.core.permissions import ensure_can_edit, require
from app.deals import bp, services
from app.deals.forms import (
    ConfirmForm,
    CorrectDateForm,
    DealProjectForm,
    FundsForm,
    LinkProjectForm,
    NegotiationForm,
    StageMoveForm,
)
from app.deals.models import DealStageChange, FundsInPlace, Negotiation
from app.deals.negotiations import close_follow_up
from app.deals.stages import ALL_STAGES, STAGE_DATE_FIELDS, Stage, offered_stage, stages_before
from app.deals.views.common import load_child, load_deal, show_error, unit_choices
from app.extensions import db
from app.projects.models import Project
from app.records.services import attach_uploads
from app.search.pickers import remote_picker


def _back(deal_id: int, anchor: str = ""):
    return redirect(url_for("deals.deal_detail", deal_id=deal_id) + anchor)


@bp.route("/<int:deal_id>/stage", methods=["GET", "POST"])
@require("deals", "edit")
def move_stage(deal_id: int):
    deal = load_deal(deal_id, edit=True)
    if deal.is_terminated:
        flash("已终止的项目不能再变更阶段。", "warning")
        return _back(deal.id)
    form = StageMoveForm()
    form.to_stage.choices = options(s for s in ALL_STAGES if s != deal.stage)
    if request.method == "GET":
        wanted = request.args.get("to")
        form.to_stage.data = (
            wanted
            if wanted in ALL_STAGES and wanted != deal.stage
            else offered_stage(deal.stage, deal.stage_before_hold)
        )
        form.effective_on.data = today()
    if form.validate_on_submit():
        try:
            change = services.move_deal_to_stage(
                deal,
                form.to_stage.data,
                effective_on=form.effective_on.data,
                actor=current_user,
                note=form.note.data,
                reason=form.reason.data,
            )
            attach_uploads(change, request.files.getlist(form.files.name), actor=current_user)
        except InputError as exc:
            show_error(form, exc, "to_stage")
        else:
            db.session.commit()
            flash(f"已变更为“{deal.stage}”（{STAGE_DATE_FIELDS[deal.stage][1]} {form.effective_on.data}）。", "success")
            return _back(deal.id)
    date_labels = {stage: label for stage, (_column, label) in STAGE_DATE_FIELDS.items()}
    return render_template(
        "deals/stage.html",
        deal=deal,
        form=form,
        date_labels=date_labels,
        needs_reason=[Stage.TERMINATED, *stages_before(deal.stage, deal.stage_before_hold)],
    )


@bp.route("/<int:deal_id>/stage-changes/<int:change_id>/correct", methods=["GET", "POST"])
@require("deals", "edit")
def correct_stage_date(deal_id: int, change_id: int):
    deal = load_deal(deal_id, edit=True)
    change = db.session.get(DealStageChange, change_id)
    if change is None or change.deal_id != deal.id:
        abort(404)
    form = CorrectDateForm()
    if request.method == "GET":
        form.effective_on.data = change.effective_on
    if form.validate_on_submit():
        try:
            services.correct_stage_date(change, form.effective_on.data, note=form.note.data)
        except InputError as exc:
            show_error(form, exc, "effective_on")
        else:
            db.session.commit()
            flash("生效日期已更正，修改已记入操作日志。", "success")
            return _back(deal.id, "#stage-history")
    label = STAGE_DATE_FIELDS.get(change.to_stage, (None, "生效日期"))[1]
    return render_template("deals/correct.html", deal=deal, change=change, form=form, label=label)


@bp.route("/<int:deal_id>/negotiations/new", methods=["GET", "POST"])
@require("deals", "edit")
def add_negotiation(deal_id: int):
    deal = load_deal(deal_id, edit=True)
    form = NegotiationForm()
    if request.method == "GET":
        form.held_on.data = today()
    if form.validate_on_submit():
        data = {
            name: (value.strip() or None) if isinstance(value, str) else value
            for name, value in form.data.items()
            if name not in ("csrf_token", "once_token")
        }
        try:
            services.add_negotiation(deal, data, actor=current_user)
        except InputError as exc:
            show_error(form, exc, "content")
        else:
            db.session.commit()
            flash(
                "洽谈记录已保存。"
                + (f"下次跟进：{form.next_follow_up_on.data}。" if form.next_follow_up_on.data else ""),
                "success",
            )
            return _back(deal.id, "#negotiations")
    return render_template("deals/negotiation.html", deal=deal, form=form)


@bp.route("/negotiations/<int:negotiation_id>/done", methods=["POST"])
@require("deals", "edit")
def follow_up_done(negotiation_id: int):
    negotiation = load_child(Negotiation, negotiation_id, edit=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            close_follow_up(negotiation, note=request.form.get("note"), actor=current_user)
        except InputError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(f"“{negotiation.deal.name}”的跟进已标记完成，可在项目页“洽谈记录”中撤销。", "success")
    target = form.next.data or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return _back(negotiation.deal_id, "#negotiations")


@bp.route("/<int:deal_id>/funds/new", methods=["GET", "POST"])
@require("deals", "edit")
def add_funds(deal_id: int):
    deal = load_deal(deal_id, edit=True)
    if deal.signed_on is None:
        flash("项目签约后才能登记到位资金。", "warning")
        return _back(deal.id)
    form = FundsForm()
    if request.method == "GET":
        form.received_on.data = today()
    if form.validate_on_submit():
        try:
            services.add_funds_in_place(
                deal,
                received_on=form.received_on.data,
                amount_yuan=form.amount_yuan.data,
                kind=form.kind.data,
                evidence=form.evidence.data,
            )
        except InputError as exc:
            show_error(form, exc, "amount_yuan")
        else:
            db.session.commit()
            flash("到位资金已登记。", "success")
            return _back(deal.id, "#funds")
    return render_template("deals/funds.html", deal=deal, form=form)


@bp.route("/funds/<int:entry_id>/delete", methods=["POST"])
@require("deals", "edit")
def delete_funds(entry_id: int):
    entry = load_child(FundsInPlace, entry_id, edit=True)
    deal_id = entry.deal_id
    if ConfirmForm().validate_on_submit():
        services.delete_funds_in_place(entry)
        db.session.commit()
        flash("已删除该条到位资金（操作日志中保留原记录）。", "success")
    return _back(deal_id, "#funds")


@bp.route("/<int:deal_id>/project", methods=["GET", "POST"])
@require("deals", "edit")
def link_project(deal_id: int):
    deal = load_deal(deal_id, edit=True)
    if deal.signed_on is None and deal.project is None:
        flash("项目签约后才能关联项目库项目。", "warning")
        return _back(deal.id)
    form = LinkProjectForm()
    if request.method == "GET":
        form.project_id.data = deal.project_id or 0
    # Remote search (app/search): the linked or posted project only, the rest as the user types.
    remote_picker(form.project_id, "projects", [form.project_id.data], blank="—不关联—", keep=[deal.project])
    if form.validate_on_submit():
        project = db.session.get(Project, form.project_id.data) if form.project_id.data else None
        try:
            services.link_deal_to_project(deal, project)
        except InputError as exc:
            show_error(form, exc, "project_id")
        else:
            db.session.commit()
            flash(f"已关联项目“{project.name}”。" if project else "已取消关联项目。", "success")
            return _back(deal.id)
    return render_template("deals/link_project.html", deal=deal, form=form)


@bp.route("/<int:deal_id>/project/new", methods=["GET", "POST"])
@require("deals", "edit")
def create_project(deal_id: int):
    deal = load_deal(deal_id, edit=True)
    ensure_can_edit("projects")
    if deal.signed_on is None:
        flash("项目签约后才能转入项目库。", "warning")
        return _back(deal.id)
    form = DealProjectForm()
    unit_choices(
        form, lead="lead_unit_id", township="township_id", leader="leader_id", industry="industry_id", current=deal
    )
    if request.method == "GET":
        for name, value in services.project_defaults(deal).items():
            if name in form:
                form[name].data = value if value is not None else (0 if name.endswith("_id") else None)
    if form.validate_on_submit():
        data = {name: form[name].data for name in ("name", "code", "nature", "plan_year", "planned_start_on")}
        data.update(
            {name: form[name].data or None for name in ("industry_id", "township_id", "lead_unit_id", "leader_id")}
        )
        data.update({name: form[name].data or 0 for name in ("total_investment_yuan", "annual_plan_yuan")})
        try:
            project = services.create_project_for_deal(deal, data)
        except InputError as exc:
            show_error(form, exc, "name")
        else:
            db.session.commit()
            flash(f"已在项目库新建“{project.name}”并关联本招商项目。", "success")
            return _back(deal.id)
    return render_template("deals/new_project.html", deal=deal, form=form)
