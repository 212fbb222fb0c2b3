"""Fund-application pages: list with filters and export, channel summary, form, detail and
the status / review / ledger forms; plus the panels shown on home, project, leader and unit pages."""

from datetime import date

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.core.audit_display import timeline_for
from app.core.dates import parse_date, today
from app.core.errors import InputError
from app.core.excel import Column, Sheet, write_workbook, xlsx_response
from app.core.fields import choices_from
from app.core.forms import show_input_error, year_choices
from app.core.money import format_wan
from app.core.pagination import paginate
from app.core.panels import panel
from app.core.permissions import (
    can,
    ensure_can_edit,
    get_visible_or_404,
    is_scoped,
    keeps_own_unit,
    own_unit,
    own_unit_id,
    require,
    visible,
)
from app.extensions import db
from app.funds import bp, corrections, queries, services
from app.funds.forms import (
    ApplicationForm,
    CorrectStatusDateForm,
    LedgerForm,
    NewApplicationForm,
    ReviewForm,
    StatusForm,
    VoidLedgerForm,
)
from app.funds.models import ALL_STATUSES, STATUSES, FundApplication, FundLedgerEntry, FundStatusChange
from app.people import queries as people
from app.people.models import FundChannel, Leader, Unit
from app.projects.models import Project
from app.search.pickers import remote_picker, selected

EXPORT_LIMIT = 20_000


# ---- lists -----------------------------------------------------------------------------------


def _years(selected: int | None = None) -> list[int]:
    """Batch years to choose from, newest first, always including this year and the one shown."""
    return sorted(set(queries.years()) | {today().year} | ({selected} if selected else set()), reverse=True)


def _filter_context(filters: queries.Filters) -> dict:
    project = selected("projects", [filters.project_id] if filters.project_id else [], current_user)
    units = [own_unit()] if own_unit() else people.units()
    return {
        "filters": filters,
        "channels": people.channels(),
        "statuses": ALL_STATUSES,
        "units": units,
        "leaders": people.leaders(),
        "projects": project,  # the chosen one; the rest by remote search
        "years": _years(filters.year),
    }


@bp.route("/")
@require("funds")
def list_applications():
    filters = queries.Filters.from_args(request.args)
    page = paginate(queries.list_statement(filters, current_user), per_page=current_app.config["PAGE_SIZE"])
    return render_template(
        "funds/list.html",
        page=page,
        sums=queries.sums_by_application(a.id for a in page.items),
        totals=queries.list_totals(filters, current_user),
        deadline_days=queries.deadline_days(),
        **_filter_context(filters),
    )


@bp.route("/export")
@require("funds")
def export_applications():
    filters = queries.Filters.from_args(request.args)
    # One query for every row's linked projects, not one lazy load per row.
    stmt = queries.list_statement(filters, current_user).options(selectinload(FundApplication.projects))
    apps = db.session.scalars(stmt.limit(EXPORT_LIMIT)).all()
    sums = queries.sums_by_application(a.id for a in apps)
    rows = [(a, sums[a.id]) for a in apps]
    totals = queries.list_totals(filters, current_user)
    columns = [
        Column("申报项目名称", lambda r: r[0].title, width=36),
        Column("资金渠道", lambda r: str(r[0].channel), width=22),
        Column("申报年度", lambda r: r[0].year, "int", 9),
        Column("申报批次", lambda r: r[0].batch, width=14),
        Column("关联项目", lambda r: "、".join(p.name for p in r[0].projects), width=30),
        Column("申报单位", lambda r: str(r[0].applicant_unit or ""), width=18),
        Column("包联领导", lambda r: str(r[0].leader or ""), width=12),
        Column("状态", lambda r: r[0].status, width=9),
        Column("申请金额（万元）", lambda r: r[0].requested_yuan, "wan"),
        Column("下达（万元）", lambda r: r[1]["approved_yuan"], "wan"),
        Column("发行（万元）", lambda r: r[1]["issued_yuan"], "wan"),
        Column("拨付（万元）", lambda r: r[1]["disbursed_yuan"], "wan"),
        Column("支出（万元）", lambda r: r[1]["spent_yuan"], "wan"),
        Column("未拨付（万元）", lambda r: r[1]["approved_yuan"] - r[1]["disbursed_yuan"], "wan"),
        Column("申报截止", lambda r: r[0].deadline_on, "date", 12),
        Column("申报日期", lambda r: r[0].declared_on, "date", 12),
        Column("结果日期", lambda r: r[0].decided_on, "date", 12),
    ]
    title = f"{filters.year}年资金申报" if filters.year else "资金申报（全部年度）"
    sheet = Sheet(
        "资金申报",
        f"{title}（导出日期 {today().isoformat()}）",
        columns,
        rows,
        totals={
            "申报项目名称": f"合计 {totals['count']} 项",
            "申请金额（万元）": totals["requested_yuan"],
            "下达（万元）": totals["approved_yuan"],
            "发行（万元）": totals["issued_yuan"],
            "拨付（万元）": totals["disbursed_yuan"],
            "支出（万元）": totals["spent_yuan"],
            "未拨付（万元）": totals["remaining_yuan"],
        },
    )
    return xlsx_response(write_workbook([sheet]), f"{title}_{today().isoformat()}.xlsx")


def _summary_period() -> tuple[int, date]:
    """Year and as-of date from the query string; the default reads a past year at its year end."""
    now = today()
    year = request.args.get("year", type=int)
    if not year or not 2000 <= year <= 2100:
        year = now.year
    try:
        as_of = parse_date(request.args.get("as_of"), what="截至日期")
    except InputError:
        as_of = None
    return year, as_of or min(now, date(year, 12, 31))


@bp.route("/summary")
@require("funds")
def channel_summary():
    year, as_of = _summary_period()
    figures = queries.channel_figures(year, as_of, user=current_user)
    return render_template(
        "funds/summary.html",
        year=year,
        as_of=as_of,
        figures=figures,
        total=queries.figures_total(figures),
        scoped=is_scoped(current_user),
        channel_ids={c.name: c.id for c in db.session.scalars(sa.select(FundChannel))},
        years=_years(year),
    )


@bp.route("/summary/export")
@require("funds")
def export_summary():
    year, as_of = _summary_period()
    figures = queries.channel_figures(year, as_of, user=current_user)
    rows = [{"name": name, **values} for name, values in figures.items()]
    columns = [
        Column("资金渠道", "name", width=26),
        Column("申报数", "count", "int", 9),
        Column("申请金额（万元）", "requested_yuan", "wan"),
        Column("储备数", "reserve_count", "int", 9),
        Column("储备金额（万元）", "reserve_yuan", "wan"),
        Column("已决数", "decided_count", "int", 9),
        Column("获批数", "approved_count", "int", 9),
        Column("获批率", "approval_rate", "rate", 10),
        Column("下达（万元）", "approved_yuan", "wan"),
        Column("发行（万元）", "issued_yuan", "wan"),
        Column("拨付（万元）", "disbursed_yuan", "wan"),
        Column("支出（万元）", "spent_yuan", "wan"),
        Column("支出进度", "spend_progress", "rate", 10),
    ]
    total = queries.figures_total(figures)
    totals = {c.header: total[c.value] for c in columns[1:] if total.get(c.value) is not None}
    totals["资金渠道"] = "合计"
    title = f"{year}年争资争项分渠道汇总（截至{as_of.isoformat()}）"
    return xlsx_response(write_workbook([Sheet("分渠道汇总", title, columns, rows, totals=totals)]), f"{title}.xlsx")


# ---- the application form and detail -----------------------------------------------------------


def _fill_choices(form: ApplicationForm, app_: FundApplication | None) -> None:
    form.channel_id.choices = choices_from(people.active(FundChannel, include_id=app_ and app_.channel_id))
    form.year.choices = year_choices(app_.year if app_ else None)
    if keeps_own_unit():
        form.applicant_unit_id.choices = choices_from([current_user.unit], None)
    else:
        form.applicant_unit_id.choices = choices_from(people.active(Unit, include_id=app_ and app_.applicant_unit_id))
    form.leader_id.choices = choices_from(people.active(Leader, include_id=app_ and app_.leader_id), "—无—")
    # Remote search (app/search): only the linked or posted projects are options, not all 3,000.
    linked = list(app_.projects) if app_ else []
    posted = form.project_ids.data if request.method == "POST" else None
    remote_picker(form.project_ids, "projects", posted or [p.id for p in linked], keep=linked)
    if request.method == "GET":
        if app_ is None:
            form.year.data = today().year
            form.effective_on.data = today()
            form.applicant_unit_id.data = own_unit_id() or 0
        else:
            for name in ("channel_id", "applicant_unit_id", "leader_id"):
                getattr(form, name).data = getattr(app_, name) or 0
            form.project_ids.data = [p.id for p in app_.projects]


def _prefill_from_project(form: NewApplicationForm, project_id: int | None) -> None:
    """Coming from a project page: link the project and take its leader and lead unit."""
    found = selected("projects", [project_id] if project_id else [], current_user)
    if not found:
        return
    project = found[0]
    remote_picker(form.project_ids, "projects", [project.id])
    form.project_ids.data = [project.id]
    form.leader_id.data = project.leader_id or 0
    if not keeps_own_unit() and project.lead_unit_id:
        form.applicant_unit_id.data = project.lead_unit_id


def _form_data(form: ApplicationForm) -> dict:
    data = form.data_for_service()
    if keeps_own_unit():  # a unit files for itself, else it could not see the application
        data["applicant_unit_id"] = current_user.unit_id
    ids = form.project_ids.data or []
    data["projects"] = db.session.scalars(sa.select(Project).where(Project.id.in_(ids))).all() if ids else []
    return data


@bp.route("/new", methods=["GET", "POST"])
@require("funds", "edit")
def create_application():
    form = NewApplicationForm()
    _fill_choices(form, None)
    if request.method == "GET":
        _prefill_from_project(form, request.args.get("project", type=int))
    if form.validate_on_submit():
        try:
            app_ = corrections.register_application(
                _form_data(form),
                registered_on=form.effective_on.data,
                status=form.status.data,
                status_on=form.status_on.data,
                actor=current_user,
            )
        except InputError as exc:
            db.session.rollback()
            show_input_error(form, exc, "title", aliases={"to_status": "status"})
        else:
            db.session.commit()
            flash(f"资金申报“{app_.title}”已登记。", "success")
            return redirect(url_for("funds.application_detail", app_id=app_.id))
    return render_template("funds/edit.html", form=form, app_=None)


@bp.route("/<int:app_id>/edit", methods=["GET", "POST"])
@require("funds", "edit")
def edit_application(app_id: int):
    app_ = get_visible_or_404(FundApplication, app_id)
    ensure_can_edit("funds", app_)
    form = ApplicationForm(obj=app_)
    _fill_choices(form, app_)
    if form.validate_on_submit():
        try:
            services.update_application(app_, _form_data(form))
        except InputError as exc:
            db.session.rollback()
            show_input_error(form, exc, "title", aliases={"to_status": "status"})
        else:
            db.session.commit()
            flash("资金申报已保存。", "success")
            return redirect(url_for("funds.application_detail", app_id=app_.id))
    return render_template("funds/edit.html", form=form, app_=app_)


@bp.route("/<int:app_id>")
@require("funds")
def application_detail(app_id: int):
    from app.records.queries import audit_related

    app_ = get_visible_or_404(FundApplication, app_id)
    sums = services.ledger_sums(app_)
    history = timeline_for(
        app_,
        related=[
            ("fund_status_changes", [c.id for c in app_.status_changes]),
            ("fund_reviews", [r.id for r in app_.reviews]),
            ("fund_ledger_entries", [e.id for e in app_.ledger]),
            *audit_related(app_),
        ],
    )
    from app.records.views import record_extras

    return render_template(
        "funds/detail.html",
        app_=app_,
        sums=sums,
        history=history,
        extras=record_extras(app_),
        project_links=_project_links(app_.projects),
        can_edit=can(current_user, "funds", "edit"),
    )


def _project_links(projects) -> dict[int, str]:
    """Links to the linked projects the user may open (names of the others are shown plain)."""
    if not can(current_user, "projects"):
        return {}
    ids = [p.id for p in projects] or [-1]
    seen = db.session.scalars(visible(sa.select(Project.id).where(Project.id.in_(ids)), Project))
    return {pid: url_for("projects.project_detail", project_id=pid) for pid in seen}


# ---- status, review, ledger --------------------------------------------------------------------


def _sub_form(
    app_id: int,
    form_class,
    template: str,
    save,
    success: str,
    default_field: str,
    prepare=None,
    keep_dates: bool = False,
    **context,
):
    """Shared body of the small forms: load, check, validate, call the service, commit."""
    app_ = get_visible_or_404(FundApplication, app_id)
    ensure_can_edit("funds", app_)
    form = form_class()
    if prepare is not None:
        prepare(app_, form)
    if request.method == "GET" and not keep_dates:
        for name in ("effective_on", "decided_on", "entry_on"):
            if name in form:
                form[name].data = today()
        if "to_status" in form and app_.status in STATUSES[:-1]:
            form.to_status.data = STATUSES[STATUSES.index(app_.status) + 1]
    if form.validate_on_submit():
        try:
            save(app_, form)
        except InputError as exc:
            db.session.rollback()
            show_input_error(form, exc, default_field, aliases={"to_status": "status"})
        else:
            db.session.commit()
            flash(success, "success")
            return redirect(url_for("funds.application_detail", app_id=app_.id))
    return render_template(template, form=form, app_=app_, sums=services.ledger_sums(app_), **context)


@bp.route("/<int:app_id>/status", methods=["GET", "POST"])
@require("funds", "edit")
def change_status(app_id: int):
    def save(app_, form):
        services.change_status(
            app_, form.to_status.data, effective_on=form.effective_on.data, actor=current_user, note=form.note.data
        )

    return _sub_form(app_id, StatusForm, "funds/status_form.html", save, "状态已变更。", "to_status")


@bp.route("/<int:app_id>/reviews/new", methods=["GET", "POST"])
@require("funds", "edit")
def add_review(app_id: int):
    def save(app_, form):
        services.add_review(
            app_,
            level=form.level.data,
            decision=form.decision.data,
            decided_on=form.decided_on.data,
            opinion=form.opinion.data,
        )

    return _sub_form(app_id, ReviewForm, "funds/review_form.html", save, "审核环节已登记。", "decided_on")


@bp.route("/<int:app_id>/ledger/new", methods=["GET", "POST"])
@require("funds", "edit")
def add_ledger_entry(app_id: int):
    def save(app_, form):
        from app.records.services import attach_uploads

        entry = services.record_ledger_entry(
            app_, form.data_for_service(), actor=current_user, sync_status=bool(form.sync_status.data)
        )
        attach_uploads(entry, request.files.getlist(form.files.name), actor=current_user)

    def prepare(app_, form):
        if not app_.channel.is_bond:  # 发行 is for bonds only
            form.kind.choices = [c for c in form.kind.choices if c.value != "发行"]
        if app_.requested_yuan:  # one entry above the whole request is most likely a slip
            form.amount_ceilings = {
                "amount_yuan": (app_.requested_yuan, f"申请金额 {format_wan(app_.requested_yuan)} 万元")
            }

    return _sub_form(app_id, LedgerForm, "funds/ledger_form.html", save, "资金台账已登记。", "amount_yuan", prepare)


@bp.route("/<int:app_id>/status-changes/<int:change_id>/correct", methods=["GET", "POST"])
@require("funds", "edit")
def correct_status_date(app_id: int, change_id: int):
    """Correct a status date (the first row's is the 登记日期), with a reason; audited."""
    change = db.session.get(FundStatusChange, change_id)
    if change is None or change.application_id != app_id:
        abort(404)

    def prepare(app_, form):
        if request.method == "GET":
            form.effective_on.data = change.effective_on

    def save(app_, form):
        corrections.correct_status_date(change, form.effective_on.data, reason=form.note.data, actor=current_user)

    return _sub_form(
        app_id,
        CorrectStatusDateForm,
        "funds/correct_form.html",
        save,
        "日期已更正，修改已记入操作日志。",
        "effective_on",
        prepare,
        keep_dates=True,
        change=change,
    )


@bp.route("/<int:app_id>/ledger/<int:entry_id>/void", methods=["GET", "POST"])
@require("funds", "edit")
def void_ledger_entry(app_id: int, entry_id: int):
    """Void a ledger entry with a reason: a new audited row; nothing is deleted."""
    entry = db.session.get(FundLedgerEntry, entry_id)
    if entry is None or entry.application_id != app_id:
        abort(404)

    def save(app_, form):
        corrections.void_ledger_entry(entry, voided_on=form.voided_on.data, reason=form.reason.data)

    def prepare(app_, form):
        if request.method == "GET":
            form.voided_on.data = today()

    return _sub_form(
        app_id,
        VoidLedgerForm,
        "funds/void_form.html",
        save,
        "台账记录已作废，修改已记入操作日志。",
        "reason",
        prepare,
        keep_dates=True,
        entry=entry,
    )


# ---- panels on other pages ---------------------------------------------------------------------


@panel("home", order=20)
def home_deadlines(user):
    """Applications due for declaration, for finance, the task force, admins and (their own) units."""
    if not can(user, "funds", "edit"):  # finance, the task force, admins and units
        return None
    now = today()
    days = queries.deadline_days()
    items = queries.due_applications(user, now, days)
    return "funds/_home_panel.html", {"items": items[:10], "count": len(items), "days": days, "today": now}


def _amounts_panel(rows, title: str, more_url: str | None, new_url: str | None = None):
    return "funds/_records_panel.html", {
        "rows": rows,
        "title": title,
        "totals": queries.sums_of(rows),
        "more_url": more_url,
        "new_url": new_url,
    }


@panel("project", order=30)
def project_applications(project, user):
    if not can(user, "funds"):
        return None
    rows = queries.for_project(project.id, user)
    new_url = url_for("funds.create_application", project=project.id) if can(user, "funds", "edit") else None
    return _amounts_panel(
        rows, "争资争项", url_for("funds.list_applications", project=project.id) if rows else None, new_url
    )


@panel("leader", order=30)
def leader_applications(leader, user):
    if not can(user, "funds"):
        return None
    rows = queries.applications_with_sums(FundApplication.leader_id == leader.id, user)
    return _amounts_panel(
        rows, "包联的资金申报", url_for("funds.list_applications", leader=leader.id) if rows else None
    )


@panel("unit", order=30)
def unit_applications(unit, user):
    if not can(user, "funds"):
        return None
    rows = queries.applications_with_sums(FundApplication.applicant_unit_id == unit.id, user)
    return _amounts_panel(rows, "申报的资金项目", url_for("funds.list_applications", unit=unit.id) if rows else None)
