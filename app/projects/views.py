"""Project pages: the list with plan figures and export, the form, the detail hub."""

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.audit_display import timeline_for
from app.core.dates import parse_month, today
from app.core.errors import InputError
from app.core.excel import Column, Sheet, write_workbook, xlsx_response
from app.core.fields import choices_from
from app.core.forms import show_input_error, year_choices
from app.core.pagination import paginate
from app.core.panels import panels_for
from app.core.permissions import ensure_can_edit, get_visible_or_404, keeps_own_unit, own_unit, require
from app.extensions import db
from app.people import queries as people
from app.people.models import Industry, Leader, Unit
from app.projects import bp, queries, services
from app.projects.forms import KEY_VALUES, InvestmentForm, ProjectForm
from app.projects.models import NATURES, RESERVE_STATUSES, Project

EXPORT_LIMIT = 20_000


def _as_of(year: int | None) -> date:
    """Figures of a past year are read at its year end, the current year's at today."""
    now = today()
    return min(now, date(year, 12, 31)) if year else now


def _filter_context():
    return {
        "townships": people.townships(),
        "units": people.units(),
        "leaders": people.leaders(),
        "industries": people.industries(),
        "natures": NATURES,
        "reserve_statuses": RESERVE_STATUSES,
    }


@bp.route("/")
@require("projects")
def list_projects():
    flt = queries.ProjectFilter.from_args(request.args, default_year=today().year)
    as_of = _as_of(flt.year)
    page = paginate(queries.list_statement(flt, current_user, as_of), per_page=current_app.config["PAGE_SIZE"])
    completed = queries.completed_by_project([p.id for p in page.items])
    figure_year = flt.year or today().year
    return render_template(
        "projects/list.html",
        page=page,
        flt=flt,
        completed=completed,
        as_of=as_of,
        totals=queries.list_totals(flt, current_user, as_of),
        plan=queries.plan_figures(figure_year, _as_of(figure_year)),
        figure_year=figure_year,
        plan_as_of=_as_of(figure_year),
        years=sorted(set(queries.plan_years()) | {today().year, figure_year}, reverse=True),
        **_filter_context(),
    )


@bp.route("/export")
@require("projects")
def export_projects():
    flt = queries.ProjectFilter.from_args(request.args, default_year=today().year)
    as_of = _as_of(flt.year)
    rows = db.session.scalars(queries.list_statement(flt, current_user, as_of).limit(EXPORT_LIMIT)).all()
    completed = queries.completed_by_project([p.id for p in rows])
    totals = queries.list_totals(flt, current_user, as_of)
    columns = [
        Column("项目名称", lambda p: p.name, width=36),
        Column("统一项目代码", lambda p: p.code, width=26),
        Column("计划年度", lambda p: p.plan_year, "int", 9),
        Column("建设性质", lambda p: p.nature, width=9),
        Column("产业类别", lambda p: str(p.industry or ""), width=12),
        Column("所在乡镇", lambda p: str(p.township or ""), width=12),
        Column("责任单位", lambda p: str(p.lead_unit or ""), width=18),
        Column("包联领导", lambda p: str(p.leader or ""), width=12),
        Column("总投资（万元）", lambda p: p.total_investment_yuan, "wan"),
        Column("年度计划投资（万元）", lambda p: p.annual_plan_yuan, "wan"),
        Column("年度完成投资（万元）", lambda p: completed.get(p.id, 0), "wan"),
        Column("重点项目", lambda p: "是" if p.is_key else "否", width=9),
        Column("储备状态", lambda p: p.reserve_status, width=9),
        Column("计划开工", lambda p: p.planned_start_on, "date", 12),
        Column("实际开工", lambda p: p.actual_start_on, "date", 12),
        Column("计划竣工", lambda p: p.planned_completion_on, "date", 12),
        Column("实际竣工", lambda p: p.actual_completion_on, "date", 12),
        Column("入库纳统", lambda p: p.stats_registered_on, "date", 12),
    ]
    title = f"{flt.year}年项目库" if flt.year else "项目库（全部年度）"
    sheet = Sheet(
        "项目库",
        f"{title}（导出日期 {today().isoformat()}）",
        columns,
        rows,
        totals={
            "项目名称": f"合计 {totals['count']} 个项目",
            "总投资（万元）": totals["total_investment_yuan"],
            "年度计划投资（万元）": totals["annual_plan_yuan"],
            "年度完成投资（万元）": totals["completed_yuan"],
        },
    )
    return xlsx_response(write_workbook([sheet]), f"{title}_{today().isoformat()}.xlsx")


def _project_form(project: Project | None) -> ProjectForm:
    form = ProjectForm(obj=project)
    form.plan_year.choices = year_choices(project.plan_year if project else None)
    form.industry_id.choices = choices_from(people.active(Industry, include_id=project and project.industry_id))
    townships = list(people.townships())
    if project and project.township and project.township not in townships:
        townships.append(project.township)  # an inactive township still referenced
    form.township_id.choices = choices_from(townships, "—无—")
    form.lead_unit_id.choices = choices_from(people.active(Unit, include_id=project and project.lead_unit_id))
    form.leader_id.choices = choices_from(people.active(Leader, include_id=project and project.leader_id), "—无—")
    if request.method == "GET":
        if project is None:
            form.plan_year.data = today().year
            unit = own_unit()
            if unit is not None:
                form.township_id.data = unit.id if unit.is_township else 0
                form.lead_unit_id.data = unit.id
        else:
            for name in ("industry_id", "township_id", "lead_unit_id", "leader_id"):
                getattr(form, name).data = getattr(project, name) or 0
            form.key_choice.data = {value: key for key, value in KEY_VALUES.items()}[project.key_override]
    return form


def _own_unit_error(form: ProjectForm) -> bool:
    """Unit users may only file projects of their own unit (else they could not see them)."""
    if not keeps_own_unit():
        return False
    if current_user.unit_id in (form.township_id.data, form.lead_unit_id.data):
        return False
    form.lead_unit_id.errors.append("所在乡镇或责任单位须为本单位")
    return True


def _save(form: ProjectForm, project: Project | None):
    try:
        if project is None:
            project = services.create_project(form.data_for_service())
        else:
            services.update_project(project, form.data_for_service())
    except InputError as exc:
        db.session.rollback()
        show_input_error(form, exc, "name")
        return None
    db.session.commit()
    return project


@bp.route("/new", methods=["GET", "POST"])
@require("projects", "edit")
def create_project():
    form = _project_form(None)
    if form.validate_on_submit() and not _own_unit_error(form) and (project := _save(form, None)):
        flash(f"项目“{project.name}”已创建。", "success")
        return redirect(url_for("projects.project_detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=None)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@require("projects", "edit")
def edit_project(project_id: int):
    project = get_visible_or_404(Project, project_id)
    ensure_can_edit("projects", project)
    form = _project_form(project)
    if form.validate_on_submit() and not _own_unit_error(form) and _save(form, project):
        flash(f"项目“{project.name}”已保存。", "success")
        return redirect(url_for("projects.project_detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project)


def _render_detail(project: Project, investment_form: InvestmentForm, status: int = 200):
    investments = list(reversed(project.investments))
    history = timeline_for(project, related=[("project_investments", [i.id for i in project.investments])])
    return render_template(
        "projects/detail.html",
        project=project,
        investments=investments,
        history=history,
        figures=queries.project_figures(project, today()),
        form=investment_form,
        panels=panels_for("project", project, current_user),
    ), status


@bp.route("/<int:project_id>")
@require("projects")
def project_detail(project_id: int):
    project = get_visible_or_404(Project, project_id)
    form = InvestmentForm()
    if not request.args.get("period"):
        form.period.data = f"{today():%Y-%m}"
    return _render_detail(project, form)


@bp.route("/<int:project_id>/investments", methods=["POST"])
@require("projects", "edit")
def record_investment(project_id: int):
    project = get_visible_or_404(Project, project_id)
    ensure_can_edit("projects", project)
    form = InvestmentForm()
    if form.validate_on_submit():
        try:
            year, month = parse_month(form.period.data, what="月份")
            entry = services.record_investment(
                project,
                period_on=date(year, month, 1),
                amount_yuan=form.amount_yuan.data,
                note=(form.note.data or "").strip() or None,
            )
        except InputError as exc:
            db.session.rollback()
            show_input_error(form, exc, "period")
        else:
            db.session.commit()
            flash(f"已登记{entry.period_on:%Y年%m月}完成投资。", "success")
            return redirect(url_for("projects.project_detail", project_id=project.id) + "#investments")
    return _render_detail(project, form)
