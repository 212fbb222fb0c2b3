"""Editing, deleting and undoing on negotiation records (洽谈记录) from the deal page."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.errors import InputError
from app.core.permissions import require
from app.deals import bp, negotiations
from app.deals.forms import ConfirmForm, NegotiationForm
from app.deals.models import Negotiation
from app.deals.views.common import load_child, show_error
from app.extensions import db


def _back(negotiation: Negotiation):
    return redirect(url_for("deals.deal_detail", deal_id=negotiation.deal_id) + "#negotiations")


@bp.route("/negotiations/<int:negotiation_id>/edit", methods=["GET", "POST"])
@require("deals", "edit")
def edit_negotiation(negotiation_id: int):
    negotiation = load_child(Negotiation, negotiation_id, edit=True)
    if negotiation.deleted_at is not None:
        flash("该洽谈记录已删除，不能修改。", "warning")
        return _back(negotiation)
    form = NegotiationForm(obj=negotiation)
    if form.validate_on_submit():
        data = {
            name: (value.strip() or None) if isinstance(value, str) else value
            for name, value in form.data.items()
            if name in negotiations.EDITABLE
        }
        try:
            negotiations.update_negotiation(negotiation, data, actor=current_user)
        except InputError as exc:
            show_error(form, exc, "content")
        else:
            db.session.commit()
            flash("洽谈记录已修改，原内容保留在项目动态和操作日志中。", "success")
            return _back(negotiation)
    return render_template("deals/negotiation.html", deal=negotiation.deal, form=form, negotiation=negotiation)


@bp.route("/negotiations/<int:negotiation_id>/delete", methods=["POST"])
@require("deals", "edit")
def delete_negotiation(negotiation_id: int):
    negotiation = load_child(Negotiation, negotiation_id, edit=True)
    if ConfirmForm().validate_on_submit():
        try:
            negotiations.delete_negotiation(negotiation, reason=request.form.get("reason"), actor=current_user)
        except InputError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash("洽谈记录已删除（原因已记录，操作日志中保留原内容）。", "success")
    return _back(negotiation)


@bp.route("/negotiations/<int:negotiation_id>/undo", methods=["POST"])
@require("deals", "edit")
def reopen_follow_up(negotiation_id: int):
    negotiation = load_child(Negotiation, negotiation_id, edit=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            negotiations.reopen_follow_up(negotiation, actor=current_user)
        except InputError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(f"已撤销“{negotiation.deal.name}”的“已跟进”，跟进重新列入我的跟进。", "success")
    target = form.next.data or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return _back(negotiation)
