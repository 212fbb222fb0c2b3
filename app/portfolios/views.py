"""Leader (包联) and unit pages: what a leader reads before the monthly 调度 meeting."""

from flask import abort, render_template
from flask_login import current_user

from app.core.dates import today
from app.core.panels import panels_for
from app.core.permissions import is_leader_account, is_unit_account, own_leader_id, own_unit_id, require
from app.extensions import db
from app.people import queries as people
from app.people.models import UNIT_KINDS, Leader, Unit
from app.portfolios import bp, queries
from app.problems import queries as problem_queries


@bp.route("/leaders")
@require("portfolios")
def list_leaders():
    leaders = [] if is_unit_account() else people.leaders()
    if is_leader_account():
        leaders = [leader for leader in leaders if leader.id == own_leader_id()]
    return render_template("portfolios/leaders.html", leaders=leaders, summary=queries.summary_by_leader(today()))


@bp.route("/units")
@require("portfolios")
def list_units():
    units = [] if is_leader_account() else people.units()
    if is_unit_account():
        units = [unit for unit in units if unit.id == own_unit_id()]
    return render_template("portfolios/units.html", units=units, kinds=UNIT_KINDS,
                           summary=queries.summary_by_unit(today()))


@bp.route("/leaders/<int:leader_id>")
@require("portfolios")
def leader_page(leader_id: int):
    leader = db.get_or_404(Leader, leader_id)
    if is_unit_account():
        abort(403)
    if is_leader_account() and own_leader_id() != leader.id:
        abort(404)
    as_of = today()
    return render_template(
        "portfolios/page.html", owner=leader, kind="leader", as_of=as_of,
        figures=queries.figures(as_of, leader_id=leader.id), projects=queries.projects_of(leader_id=leader.id),
        problems=problem_queries.for_scope(as_of, leader_id=leader.id, open_only=True),
        panels=panels_for("leader", leader, current_user),
    )


@bp.route("/units/<int:unit_id>")
@require("portfolios")
def unit_page(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    if is_leader_account():
        abort(403)
    if is_unit_account() and own_unit_id() != unit.id:
        abort(404)
    as_of = today()
    return render_template(
        "portfolios/page.html", owner=unit, kind="unit", as_of=as_of,
        figures=queries.figures(as_of, unit_id=unit.id), projects=queries.projects_of(unit_id=unit.id),
        problems=problem_queries.for_scope(as_of, unit_id=unit.id, open_only=True),
        panels=panels_for("unit", unit, current_user),
    )
