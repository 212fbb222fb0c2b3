"""Problem pages (发现-交办-督办-销号), plus the problem sections on the home and project pages."""

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.audit_display import timeline_for
from app.core.dates import today
from app.core.errors import InputError
from app.core.fields import choices_from, options
from app.core.forms import show_input_error
from app.core.pagination import paginate
from app.core.panels import panel
from app.core.permissions import can, get_visible_or_404, keeps_own_unit, own_unit_id, require
from app.extensions import db
from app.people import queries as people
from app.people.models import Leader, Unit
from app.problems import bp, queries, services
from app.problems.access import ensure_can_edit_problem, may_edit_problem
from app.problems.forms import EscalateForm, MoveForm, ProblemForm
from app.problems.models import ESCALATION_LEVELS, Problem
from app.records.services import attach_uploads
from app.search.pickers import remote_picker


@bp.route("/")
@require("problems")
def list_problems():
    as_of = today()
    flt = queries.ProblemFilter.from_args(request.args)
    page = paginate(queries.list_statement(flt, current_user, as_of), per_page=current_app.config["PAGE_SIZE"])
    rows = queries.rows_with_status(sa.select(Problem).where(Problem.id.in_([p.id for p in page.items])), as_of)
    by_id = {row.problem.id: row for row in rows}
    return render_template(
        "problems/list.html",
        page=page,
        rows=[by_id[p.id] for p in page.items],
        flt=flt,
        as_of=as_of,
        counts=queries.status_counts(current_user, as_of, flt),
        statuses=queries.EFFECTIVE_STATUSES,
        units=people.units(),
        leaders=people.leaders(),
        levels=ESCALATION_LEVELS,
    )


def _problem_form(problem: Problem | None) -> ProblemForm:
    form = ProblemForm(obj=problem)
    if problem is None and request.method == "GET":
        form.project_id.data = request.args.get("project_id", 0, type=int)
        form.deal_id.data = request.args.get("deal_id", 0, type=int)
    # Remote search (app/search): the chosen project and deal only, the rest as the user types.
    remote_picker(
        form.project_id, "projects", [form.project_id.data], blank="—无—", keep=[problem.project] if problem else ()
    )
    remote_picker(form.deal_id, "deals", [form.deal_id.data], blank="—无—", keep=[problem.deal] if problem else ())
    if keeps_own_unit():
        form.unit_id.choices = choices_from([current_user.unit], None)
    else:
        form.unit_id.choices = choices_from(people.active(Unit, include_id=problem and problem.unit_id), "—待指定—")
    form.leader_id.choices = choices_from(people.active(Leader, include_id=problem and problem.leader_id), "—无—")
    if problem is None:
        if request.method == "GET":
            form.found_on.data = today()
    else:
        del form.escalation_level
        del form.found_on
        if request.method == "GET":
            for name in ("project_id", "deal_id", "unit_id", "leader_id"):
                getattr(form, name).data = getattr(problem, name) or 0
    return form


@bp.route("/new", methods=["GET", "POST"])
@require("problems", "edit")
def create_problem():
    form = _problem_form(None)
    if form.validate_on_submit():
        data = form.data_for_service()
        if keeps_own_unit():
            data["unit_id"] = own_unit_id()
        try:
            problem = services.create_problem(data, actor=current_user)
        except InputError as exc:
            db.session.rollback()
            show_input_error(form, exc, "description")
        else:
            db.session.commit()
            flash("问题已登记，待交办。", "success")
            return redirect(url_for("problems.problem_detail", problem_id=problem.id))
    return render_template("problems/form.html", form=form, problem=None)


@bp.route("/<int:problem_id>/edit", methods=["GET", "POST"])
@require("problems", "edit")
def edit_problem(problem_id: int):
    problem = get_visible_or_404(Problem, problem_id)
    ensure_can_edit_problem(problem)
    form = _problem_form(problem)
    if form.validate_on_submit():
        try:
            services.update_problem(problem, form.data_for_service())
        except InputError as exc:
            db.session.rollback()
            show_input_error(form, exc, "description")
        else:
            db.session.commit()
            flash("问题已保存。", "success")
            return redirect(url_for("problems.problem_detail", problem_id=problem.id))
    return render_template("problems/form.html", form=form, problem=problem)


def _move_form(problem: Problem) -> MoveForm:
    form = MoveForm(prefix="move")
    form.to_status.choices = options(
        sorted(services.allowed_moves(problem), key=["已交办", "督办中", "已销号", "待交办", "退回"].index)
    )
    if request.method == "GET":
        form.effective_on.data = today()
    return form


def _render_detail(problem: Problem, move_form=None, escalate_form=None, status: int = 200):
    from app.records.views import record_extras

    move_form = move_form or _move_form(problem)
    row = queries.row_for(problem, today())
    escalate_form = escalate_form or EscalateForm(prefix="escalate", level=min(row.level + 1, 3))
    from app.records.queries import audit_related

    history = timeline_for(
        problem, related=[("problem_status_changes", [c.id for c in problem.status_changes]), *audit_related(problem)]
    )
    return render_template(
        "problems/detail.html",
        problem=problem,
        row=row,
        move_form=move_form,
        escalate_form=escalate_form,
        history=history,
        levels=ESCALATION_LEVELS,
        editable=may_edit_problem(current_user, problem),
        extras=record_extras(problem),
    ), status


@bp.route("/<int:problem_id>")
@require("problems")
def problem_detail(problem_id: int):
    return _render_detail(get_visible_or_404(Problem, problem_id))


@bp.route("/<int:problem_id>/move", methods=["POST"])
@require("problems", "edit")
def move_problem(problem_id: int):
    problem = get_visible_or_404(Problem, problem_id)
    ensure_can_edit_problem(problem)
    form = _move_form(problem)
    if form.validate_on_submit():
        try:
            change = services.move_problem(
                problem,
                form.to_status.data,
                effective_on=form.effective_on.data,
                actor=current_user,
                note=form.note.data,
                resolution=form.resolution.data,
            )
            attach_uploads(change, request.files.getlist(form.files.name), actor=current_user)
        except InputError as exc:
            db.session.rollback()
            show_input_error(form, exc, "to_status")
        else:
            db.session.commit()
            flash("问题已销号。" if change.to_status == "已销号" else f"问题已流转至“{change.to_status}”。", "success")
            return redirect(url_for("problems.problem_detail", problem_id=problem.id))
    return _render_detail(problem, move_form=form)


@bp.route("/<int:problem_id>/escalate", methods=["POST"])
@require("problems", "edit")
def escalate_problem(problem_id: int):
    problem = get_visible_or_404(Problem, problem_id)
    ensure_can_edit_problem(problem)
    form = EscalateForm(prefix="escalate")
    if form.validate_on_submit():
        try:
            services.escalate(problem, form.level.data, actor=current_user, note=form.note.data)
        except InputError as exc:
            db.session.rollback()
            show_input_error(form, exc, "level")
        else:
            db.session.commit()
            flash(
                f"督办层级已调整为{problem.escalation_level}级（{ESCALATION_LEVELS[problem.escalation_level]}）。",
                "success",
            )
            return redirect(url_for("problems.problem_detail", problem_id=problem.id))
    return _render_detail(problem, escalate_form=form)


@panel("home", order=30)
def home_problem_alerts(user):
    """Problems due within the alert window or overdue, for the people responsible."""
    if not can(user, "problems"):
        return None
    rows = queries.alerts_for(user, today())
    if rows is None:
        return None
    return "problems/_home_panel.html", {
        "rows": rows,
        "days": queries.alert_days(),
        "overdue": sum(1 for r in rows if r.overdue),
    }


@panel("project", order=40)
def project_problems(project, user):
    """The project's problems on its detail page."""
    if not can(user, "problems"):
        return None
    rows = queries.for_scope(today(), project_id=project.id, user=user)
    return "problems/_project_panel.html", {"rows": rows, "project": project, "editable": can(user, "problems", "edit")}
