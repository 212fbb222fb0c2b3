"""What each remote picker searches, and how a form field becomes one."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_login import current_user

from app.core.fields import choices_from
from app.core.input_guard import MAX_INT
from app.core.permissions import visible
from app.extensions import db

LIMIT = 20


@dataclass(frozen=True)
class Search:
    model: type
    columns: tuple  # searched with a substring match (pg_trgm GIN indexes on PostgreSQL)
    order: tuple
    scoped: bool = True  # through visible(); investors are shared by every deal, like the deal form's list

    def statement(self, user):
        stmt = sa.select(self.model)
        if self.scoped:
            stmt = visible(stmt, self.model, user)
        return stmt


KINDS = ("projects", "investors", "deals", "leaders")
AREAS = {"projects": "projects", "investors": "deals", "deals": "deals", "leaders": "dashboard"}  # read access needed
_SEARCHES: dict = {}


def searches() -> dict:
    """kind → Search (built on first use: the feature packages import this module)."""
    if not _SEARCHES:
        from app.deals.models import Deal, Investor
        from app.people.models import Leader
        from app.projects.models import Project

        _SEARCHES.update(
            {
                "projects": Search(Project, (Project.name, Project.code), (Project.plan_year.desc(), Project.name)),
                "investors": Search(Investor, (Investor.name, Investor.credit_code), (Investor.name,), scoped=False),
                "deals": Search(Deal, (Deal.name,), (Deal.last_activity_on.desc().nulls_last(), Deal.id.desc())),
                "leaders": Search(Leader, (Leader.name, Leader.title), (Leader.sort_order, Leader.name), scoped=False),
            }
        )
    return _SEARCHES


def _pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(kind: str, text: str, user, *, limit: int = LIMIT) -> list:
    """Records of ``kind`` the user may see whose searched columns contain ``text`` (all when empty)."""
    spec = searches()[kind]
    stmt = spec.statement(user)
    text = (text or "").strip()
    if text:
        pattern = _pattern(text)
        stmt = stmt.where(sa.or_(*[column.ilike(pattern, escape="\\") for column in spec.columns]))
    return list(db.session.scalars(stmt.order_by(*spec.order).limit(limit)))


def selected(kind: str, ids, user, *, keep=()) -> list:
    """The records of ``ids`` the user may see (the only options a remote picker renders), plus ``keep``
    (records already linked, shown even when outside the user's scope)."""
    ids = [i for i in (ids or []) if isinstance(i, int) and 0 < i <= MAX_INT]  # beyond: no such record
    rows = []
    if ids:
        spec = searches()[kind]
        rows = list(db.session.scalars(spec.statement(user).where(spec.model.id.in_(ids))))
    return rows + [obj for obj in keep if obj is not None and obj not in rows]


def remote_picker(field, kind: str, ids, *, blank: str | None = None, keep=(), user=None) -> None:
    """Make ``field`` (SelectField or SelectMultipleField, coerce=int) a remote-search picker whose
    choices are only the selected records: what is posted validates only when the user may see it."""
    user = user or current_user
    field.choices = choices_from(selected(kind, ids, user, keep=keep), blank)
    field.render_kw = {**(field.render_kw or {}), "data-remote": url_for(f"search.{kind}")}
    if blank is not None:
        field.render_kw["data-placeholder"] = blank
