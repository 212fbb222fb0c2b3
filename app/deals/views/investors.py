"""Investors (投资方): list, page, create/edit with the duplicate warning, contact people.

Investors are shared across units (a company may invest in several townships), so every
deals reader sees them; their deals are still listed through ``visible``.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.audit_display import timeline_for
from app.core.errors import InputError
from app.core.pagination import paginate
from app.core.permissions import require
from app.deals import bp, queries, services
from app.deals.forms import ConfirmForm, ContactForm, InvestorForm
from app.deals.models import Deal, Investor, InvestorContact
from app.deals.views.common import show_error
from app.extensions import db


def _investor_or_404(investor_id: int) -> Investor:
    investor = db.session.get(Investor, investor_id)
    if investor is None:
        abort(404)
    return investor


def _ensure_can_edit(investor: Investor) -> None:
    if not queries.can_edit_investor(current_user, investor):
        abort(403)


@bp.route("/investors/")
@require("deals")
def list_investors():
    q = (request.args.get("q") or "").strip()
    page = paginate(queries.investors_stmt(q), per_page=queries.PER_PAGE)
    counts = queries.deal_counts([investor.id for investor in page.items])
    return render_template("deals/investors.html", page=page, q=q, counts=counts)


@bp.route("/investors/<int:investor_id>")
@require("deals")
def investor_detail(investor_id: int):
    investor = _investor_or_404(investor_id)
    deals = queries.deals_where(current_user, Deal.investor_id == investor.id)
    hidden = len(investor.deals) - len(deals)
    from app.records.queries import audit_related

    history = timeline_for(
        investor, related=[("investor_contacts", [c.id for c in investor.contacts]), *audit_related(investor)]
    )
    from app.records.views import record_extras

    return render_template(
        "deals/investor_detail.html",
        investor=investor,
        deals=deals,
        hidden=hidden,
        extras=record_extras(investor),
        history=history,
        editable=queries.can_edit_investor(current_user, investor),
        contact_form=ContactForm(prefix="contact"),
        confirm_form=ConfirmForm(),
    )


def _investor_form(investor: Investor | None) -> InvestorForm:
    form = InvestorForm(obj=investor)
    hint = {
        "hx-get": url_for("deals.similar_investors", exclude=investor.id if investor else None),
        "hx-trigger": "input changed delay:500ms",
        "hx-target": "#duplicate-hint",
        "hx-include": "[name=name],[name=credit_code]",
        "autocomplete": "off",
    }
    form.name.render_kw = hint
    form.credit_code.render_kw = {**hint, "placeholder": "18位，如 91140525MA0XXXXXXX"}
    form.origin.data = form.origin.data or ""
    if investor is not None:
        for name in ("contact_name", "contact_title", "contact_phone"):
            delattr(form, name)  # contacts are managed on the investor page
    return form


def _confirm_field(form: InvestorForm, duplicates):
    """The override checkbox, unless a duplicate shares the credit code (which cannot be overridden)."""
    return None if any(d.score >= 2 for d in duplicates) else form.confirm_duplicate


def _save_investor(form: InvestorForm, investor: Investor | None):
    data = {
        "name": form.name.data,
        "credit_code": form.credit_code.data,
        "origin": form.origin.data or None,
        "region": (form.region.data or "").strip() or None,
        "notes": (form.notes.data or "").strip() or None,
    }
    duplicates = queries.similar_investors(
        data["name"], data["credit_code"], exclude_id=investor.id if investor else None
    )
    same_code = [d for d in duplicates if d.score >= 2]
    unchanged = investor is not None and investor.name == (data["name"] or "").strip()
    if same_code:
        form.credit_code.errors = [
            *form.credit_code.errors,
            f"该代码已登记为投资方“{same_code[0].record.name}”，请直接使用该投资方",
        ]
        return None, duplicates
    if duplicates and not unchanged and not form.confirm_duplicate.data:
        return None, duplicates
    try:
        if investor is None:
            contact = {
                "name": form.contact_name.data,
                "title": form.contact_title.data,
                "phone": form.contact_phone.data,
            }
            investor = services.create_investor(data, contacts=[contact] if (contact["name"] or "").strip() else [])
        else:
            services.update_investor(investor, data)
    except InputError as exc:
        show_error(form, exc, "name")
        return None, []
    db.session.commit()
    return investor, []


@bp.route("/investors/new", methods=["GET", "POST"])
@require("deals", "edit")
def create_investor():
    form = _investor_form(None)
    duplicates = []
    if form.validate_on_submit():
        investor, duplicates = _save_investor(form, None)
        if investor is not None:
            flash(f"投资方“{investor.name}”已登记。", "success")
            return redirect(url_for("deals.investor_detail", investor_id=investor.id))
    return render_template(
        "deals/investor_edit.html",
        form=form,
        investor=None,
        duplicates=duplicates,
        kind="investor",
        confirm_field=_confirm_field(form, duplicates),
    )


@bp.route("/investors/<int:investor_id>/edit", methods=["GET", "POST"])
@require("deals", "edit")
def edit_investor(investor_id: int):
    investor = _investor_or_404(investor_id)
    _ensure_can_edit(investor)
    form = _investor_form(investor)
    duplicates = []
    if form.validate_on_submit():
        saved, duplicates = _save_investor(form, investor)
        if saved is not None:
            flash("投资方已保存。", "success")
            return redirect(url_for("deals.investor_detail", investor_id=investor.id))
    return render_template(
        "deals/investor_edit.html",
        form=form,
        investor=investor,
        duplicates=duplicates,
        kind="investor",
        confirm_field=_confirm_field(form, duplicates),
    )


@bp.route("/investors/<int:investor_id>/contacts", methods=["POST"])
@require("deals", "edit")
def add_contact(investor_id: int):
    investor = _investor_or_404(investor_id)
    _ensure_can_edit(investor)
    form = ContactForm(prefix="contact")
    if form.validate_on_submit():
        try:
            services.add_investor_contact(
                investor, {"name": form.name.data, "title": form.title.data, "phone": form.phone.data}
            )
        except InputError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash(f"已添加联系人“{form.name.data.strip()}”。", "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(error, "danger")
    return redirect(url_for("deals.investor_detail", investor_id=investor.id) + "#contacts")


@bp.route("/investors/contacts/<int:contact_id>/delete", methods=["POST"])
@require("deals", "edit")
def delete_contact(contact_id: int):
    contact = db.session.get(InvestorContact, contact_id)
    if contact is None:
        abort(404)
    investor = contact.investor
    _ensure_can_edit(investor)
    if ConfirmForm().validate_on_submit():
        services.remove_investor_contact(contact)
        db.session.commit()
        flash("联系人已删除。", "success")
    return redirect(url_for("deals.investor_detail", investor_id=investor.id) + "#contacts")


@bp.route("/investors/similar")
@require("deals")
def similar_investors():
    """As-you-type duplicate hint for the investor form (an htmx fragment)."""
    duplicates = queries.similar_investors(
        request.args.get("name", "")[:200],
        request.args.get("credit_code", "")[:40],
        exclude_id=request.args.get("exclude", type=int),
    )
    return render_template("deals/_duplicates.html", duplicates=duplicates, kind="investor", confirm_field=None)
