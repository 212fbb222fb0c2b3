"""Leader (包联) and unit pages: what a leader reads before the monthly 调度 meeting.

By default a page shows the selected year's counted figures as of a date, read from
app.dashboard.metrics (the same rows as the monthly report's sections 五 and 八); ``?year=all``
is the 全部年度 view of every record (all years, all stages, counted or not).
"""

from datetime import date

from flask import Response, abort, render_template, request
from flask_login import current_user

from app.core.dates import today
from app.core.errors import InputError
from app.core.panels import panels_for
from app.core.permissions import is_leader_account, is_unit_account, own_leader_id, own_unit_id, require
from app.dashboard import metrics
from app.dashboard.metrics.lists import EMPTY_UNIT_ROW
from app.dashboard.metrics.periods import parse_period
from app.extensions import db
from app.people import queries as people
from app.people.models import UNIT_KINDS, Leader, Unit
from app.portfolios import bp, queries
from app.problems import queries as problem_queries

ALL_YEARS = "all"


def _period() -> tuple[int | None, date, str | None]:
    """(year, as_of, notice) from ?year=&as_of=; year None is the 全部年度 view (as of today)."""
    if request.args.get("year") == ALL_YEARS:
        return None, today(), None
    try:
        year, as_of = parse_period(request.args.get("year"), request.args.get("as_of"))
        return year, as_of, None
    except InputError as exc:
        year, as_of = parse_period(None, None)
        return year, as_of, f"{exc.message}，已改为显示{year}年截至今天的数据。"


def _years() -> list[int]:
    current = today().year
    return list(range(current, current - 5, -1))


@bp.route("/leaders")
@require("portfolios")
def list_leaders():
    leaders = [] if is_unit_account() else people.leaders()
    if is_leader_account():
        leaders = [leader for leader in leaders if leader.id == own_leader_id()]
    year, as_of, notice = _period()
    if year is None:
        summary = queries.summary_by_leader(as_of)
    else:
        summary = {row["leader_id"]: row for row in metrics.leader_summary(year, as_of)}
        for leader in leaders:
            if leader.id not in summary:  # inactive leaders are not in the report; still listed here
                summary[leader.id] = metrics.leader_figures(year, as_of, leader.id)
    return render_template(
        "portfolios/leaders.html",
        leaders=leaders,
        summary=summary,
        year=year,
        as_of=as_of,
        notice=notice,
        years=_years(),
    )


@bp.route("/units")
@require("portfolios")
def list_units():
    units = [] if is_leader_account() else people.units()
    if is_unit_account():
        units = [unit for unit in units if unit.id == own_unit_id()]
    year, as_of, notice = _period()
    summary = queries.summary_by_unit(as_of) if year is None else metrics.unit_summary(year, as_of)
    return render_template(
        "portfolios/units.html",
        units=units,
        kinds=UNIT_KINDS,
        summary=summary,
        year=year,
        as_of=as_of,
        notice=notice,
        years=_years(),
        empty=EMPTY_UNIT_ROW,
    )


def _render_page(owner, kind: str, **scope):
    year, as_of, notice = _period()
    if year is None:
        figures = queries.figures(as_of, **scope)
    elif kind == "leader":
        figures = metrics.leader_figures(year, as_of, owner.id)
    else:
        figures = metrics.unit_figures(year, as_of, owner.id)
    return render_template(
        "portfolios/page.html",
        owner=owner,
        kind=kind,
        year=year,
        as_of=as_of,
        notice=notice,
        years=_years(),
        figures=figures,
        projects=queries.projects_of(year=year, **scope),
        problems=problem_queries.for_scope(as_of, open_only=True, **scope),
        panels=panels_for(kind, owner, current_user),
    )


@bp.route("/leaders/<int:leader_id>")
@require("portfolios")
def leader_page(leader_id: int):
    leader = db.get_or_404(Leader, leader_id)
    if is_unit_account():
        abort(403)
    if is_leader_account() and own_leader_id() != leader.id:
        abort(404)
    return _render_page(leader, "leader", leader_id=leader.id)


def _brief_response(leaders: list, name: str | None):
    from urllib.parse import quote

    from app.reports.brief import brief_filename, build_brief_pdf, leader_brief_data
    from app.reports.figures import Edition, ReportMonth

    text = request.args.get("month")
    try:
        month = ReportMonth.parse(text) if text else ReportMonth.latest_complete()
    except InputError:
        month = ReportMonth.latest_complete()
    content = build_brief_pdf(month, [leader_brief_data(month, leader) for leader in leaders], Edition(today()))
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=leader-brief-{month.key}.pdf; filename*=UTF-8''{quote(brief_filename(month.key, name))}"
    )
    return response


@bp.route("/leaders/<int:leader_id>/brief.pdf")
@require("portfolios")
def leader_brief(leader_id: int):
    """The leader's 调度简报 for ?month= (default: the last complete month)."""
    leader = db.get_or_404(Leader, leader_id)
    if is_unit_account():
        abort(403)
    if is_leader_account() and own_leader_id() != leader.id:
        abort(404)
    return _brief_response([leader], leader.name)


@bp.route("/leaders/brief.pdf")
@require("reports")
def all_leaders_brief():
    """Every active leader's 调度简报, a page each: county-wide like the monthly report, so its readers'."""
    from app.reports.brief import leaders_for_brief

    return _brief_response(leaders_for_brief(), None)


@bp.route("/units/<int:unit_id>")
@require("portfolios")
def unit_page(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    if is_leader_account():
        abort(403)
    if is_unit_account() and own_unit_id() != unit.id:
        abort(404)
    return _render_page(unit, "unit", unit_id=unit.id)
