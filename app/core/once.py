"""One-shot forms: every create form carries a one-time token, claimed by the first POST.

A double click on 保存 or a resent request must not store the same record twice. The form
renders a random token (``OneShot`` mixin, a hidden field); before the view runs, the POST
claims it by inserting a ``form_submissions`` row in the request's own transaction:

- the view commits → the claim is committed with the record, and the redirect target (the
  new record's page) is stored on it;
- the view refuses the input (rollback, or the form shown again) → the claim goes with it and
  the same page may be submitted again;
- a second POST with a claimed token hits the primary key (on PostgreSQL it waits for the
  first to finish) and is sent to the record the first one created; nothing is created.

The check is in one place (``register_one_shot``) for every form using the mixin.
"""

import re
import secrets
import time
from datetime import datetime

import sqlalchemy as sa
from flask import flash, g, has_request_context, redirect, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from wtforms import HiddenField

from app.core.dates import utcnow
from app.extensions import db

TOKEN_FIELD = "once_token"
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# How long a second request waits for the first one's redirect target (it has committed already).
_WAIT_SECONDS = 3.0


class FormSubmission(db.Model):
    """A claimed one-time form token and where its submission led."""

    __tablename__ = "form_submissions"
    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    endpoint: Mapped[str | None] = mapped_column(sa.String(100))
    result_url: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def new_token() -> str:
    """A fresh random token for a form being shown."""
    return secrets.token_urlsafe(24)


class OneShot:
    """Form mixin: a hidden one-time token, so submitting the form twice creates one record."""

    once_token = HiddenField(default=new_token)


def _claim(token: str) -> FormSubmission | None:
    """Insert the claim row; None when the token was claimed (and committed) already."""
    user_id = current_user.id if current_user.is_authenticated else None
    claim = FormSubmission(token=token, user_id=user_id, endpoint=(request.endpoint or "")[:100])
    db.session.add(claim)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None
    return claim


def _first_result(token: str) -> str | None:
    """The page the first submission led to (waiting briefly while it finishes its redirect)."""
    deadline = time.monotonic() + _WAIT_SECONDS
    while True:
        db.session.rollback()  # a fresh snapshot each round
        url = db.session.scalar(sa.select(FormSubmission.result_url).where(FormSubmission.token == token))
        if url or time.monotonic() >= deadline:
            return url
        time.sleep(0.05)


def _safe_local(url: str | None) -> str | None:
    return url if url and url.startswith("/") and not url.startswith("//") else None


@sa.event.listens_for(Session, "after_commit")
def _note_commit(session) -> None:
    """A request that holds a claim committed: its record (and the claim) are saved."""
    if has_request_context() and "form_claim" in g:
        g.form_claim_committed = True


def register_one_shot(app) -> None:
    """Claim one-time tokens before views run and remember where a successful POST led."""

    @app.before_request
    def claim_form_token():
        if request.method != "POST":
            return None
        token = request.form.get(TOKEN_FIELD)
        if not token or not _TOKEN_SHAPE.match(token) or not current_user.is_authenticated:
            return None
        claim = _claim(token)
        if claim is not None:
            g.form_claim = claim
            return None
        flash("该表单已提交过，未重复保存；以下是第一次提交的结果。", "info")
        return redirect(_safe_local(_first_result(token)) or "/")

    @app.after_request
    def remember_form_result(response):
        claim = g.pop("form_claim", None)
        committed = g.pop("form_claim_committed", False)
        if claim is None or claim not in db.session:
            return response
        if not committed or response.status_code not in (301, 302, 303):
            # Nothing saved (refused input, a redirect to the login page …): release the claim so
            # the same page may be sent again. Anything the view meant to keep it has committed.
            if not committed:
                db.session.rollback()
            return response
        location = response.headers.get("Location", "")
        if location.startswith(request.host_url):
            location = "/" + location[len(request.host_url) :]
        try:
            claim.result_url = (_safe_local(location) or "/")[:500]
            db.session.commit()
        except sa.exc.SQLAlchemyError:  # the record is saved; only the pointer for a resend is lost
            db.session.rollback()
        return response
