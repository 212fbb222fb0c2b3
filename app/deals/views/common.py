"""Helpers shared by the deals views: loading in scope, form choices, turning InputError into a field error."""

from flask import abort
from flask_login import current_user

from app.core.errors import InputError
from app.core.fields import choices_from
from app.core.forms import show_input_error
from app.core.permissions import ensure_can_edit, get_visible_or_404
from app.deals.models import Deal
from app.extensions import db
from app.people import queries as people


def load_deal(deal_id: int, *, edit: bool = False) -> Deal:
    """The deal if the user may see it (404 otherwise); with ``edit``, 403 unless the user may change it."""
    deal = get_visible_or_404(Deal, deal_id)
    if edit:
        ensure_can_edit("deals", deal)
    return deal


def load_child(model, record_id: int, *, edit: bool = False):
    """A negotiation / funds row / stage change whose deal the user may see (and change)."""
    row = db.session.get(model, record_id)
    if row is None:
        abort(404)
    load_deal(row.deal_id, edit=edit)
    return row


def show_error(form, exc: InputError, default: str) -> None:
    """Roll back the half-done work and show the message on the field it names (else ``default``)."""
    db.session.rollback()
    show_input_error(form, exc, default)


def unit_choices(form, *, lead: str, township: str, leader: str, industry: str, current=None) -> None:
    """Fill unit, township, leader and industry selects (keeping an inactive value already stored)."""
    from app.people.models import Industry, Leader, Unit

    getattr(form, lead).choices = choices_from(
        people.active(Unit, include_id=getattr(current, "lead_unit_id", None)), "—未指定—"
    )
    townships = people.townships()
    if current is not None and current.township_id and all(t.id != current.township_id for t in townships):
        townships = [*townships, current.township]
    getattr(form, township).choices = choices_from(townships, "—未指定—")
    getattr(form, leader).choices = choices_from(
        people.active(Leader, include_id=getattr(current, "leader_id", None)), "—未指定—"
    )
    getattr(form, industry).choices = choices_from(
        people.active(Industry, include_id=getattr(current, "industry_id", None)), "—未指定—"
    )


def project_url(project) -> str | None:
    """Link to a project's page when the user may see the project."""
    from flask import url_for

    from app.core.permissions import can, can_see

    if project is None:
        return None
    if not can(current_user, "projects") or not can_see(project):
        return None
    return url_for("projects.project_detail", project_id=project.id)
