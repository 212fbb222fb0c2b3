"""The deal list, kanban board, Excel export, deal page, and deal create/edit with the duplicate warning."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.core.dates import today
from app.core.errors import InputError
from app.core.excel import Column, Sheet, write_workbook, xlsx_response
from app.core.fields import choices_from
from app.core.money import format_yi
from app.core.pagination import paginate
from app.core.permissions import can, own_unit_id, require
from app.deals import bp, queries, services, stages
from app.deals.forms import DealForm
from app.deals.models import Deal, Investor
from app.deals.stages import ALL_STAGES
from app.deals.views.common import load_deal, project_url, show_error, unit_choices
from app.extensions import db
from app.people import queries as people
from app.people.models import Industry, Leader, Unit
from app.search.pickers import remote_picker

EXPORT_LIMIT = 20_000


def _filter_choices() -> dict:
    return {
        "units": people.active(Unit),
        "townships": people.townships(),
        "leaders": people.active(Leader),
        "industries": people.active(Industry),
        "years": queries.signing_years(),
        "stages": ALL_STAGES,
        "follow_groups": queries.FOLLOW_UP_GROUPS,
    }


@bp.route("/")
@require("deals")
def list_deals():
    filters = queries.DealFilters.from_args(request.args)
    totals = queries.deal_totals(filters, current_user)
    # The totals query counts the matches already: the filter (and its search) runs twice, not three times.
    page = paginate(queries.deals_stmt(filters, current_user), per_page=queries.PER_PAGE, total=totals["count"])
    return render_template(
        "deals/list.html", page=page, filters=filters, totals=totals, sorts=queries.SORTS, **_filter_choices()
    )


@bp.route("/board")
@require("deals")
def board():
    filters = queries.DealFilters.from_args(request.args)
    filters.stage = None
    columns = queries.kanban(filters, current_user)
    totals = queries.deal_totals(filters, current_user)
    return render_template(
        "deals/board.html",
        columns=columns,
        filters=filters,
        totals=totals,
        card_limit=queries.KANBAN_CARDS,
        **_filter_choices(),
    )


def _export_columns(in_place: dict) -> list[Column]:
    return [
        Column("项目名称", lambda d: d.name, width=30),
        Column("投资方", lambda d: d.investor.name if d.investor else None, width=26),
        Column("统一社会信用代码", lambda d: d.investor.credit_code if d.investor else None, width=20),
        Column("投资方来源", lambda d: d.investor.origin if d.investor else None, width=8),
        Column("产业类别", lambda d: str(d.industry) if d.industry else None, width=12),
        Column("阶段", lambda d: d.stage, width=8),
        Column("签约金额（万元）", lambda d: d.contract_amount_yuan, "wan"),
        Column("协议类型", lambda d: d.agreement_type, width=10),
        Column("计入考核", lambda d: "是" if d.is_counted else "否", width=8),
        Column("不计入原因", lambda d: d.exclusion_reason, width=16),
        Column("招商责任单位", lambda d: str(d.lead_unit) if d.lead_unit else None, width=16),
        Column("所在乡镇", lambda d: str(d.township) if d.township else None, width=10),
        Column("包联领导", lambda d: str(d.leader) if d.leader else None, width=10),
        Column("协同单位", lambda d: "、".join(u.name for u in d.co_units) or None, width=16),
        Column("线索日期", lambda d: d.lead_on, "date", 11),
        Column("签约日期", lambda d: d.signed_on, "date", 11),
        Column("注册日期", lambda d: d.registered_on, "date", 11),
        Column("开工日期", lambda d: d.started_on, "date", 11),
        Column("投产日期", lambda d: d.production_on, "date", 11),
        Column("终止日期", lambda d: d.terminated_on, "date", 11),
        Column("到位资金（万元）", lambda d: in_place.get(d.id, 0), "wan"),
        Column("关联项目", lambda d: str(d.project) if d.project else None, width=24),
        Column("对接人", lambda d: d.contact_name, width=10),
        Column("对接电话", lambda d: d.contact_phone, width=14),
    ]


@bp.route("/export.xlsx")
@require("deals")
def export_deals():
    filters = queries.DealFilters.from_args(request.args)
    stmt = queries.deals_stmt(filters, current_user).options(selectinload(Deal.co_units)).limit(EXPORT_LIMIT)
    deals = db.session.scalars(stmt).all()
    in_place = queries.funds_in_place_by_deal([d.id for d in deals])
    totals = queries.deal_totals(filters, current_user)
    title = f"招商项目清单（导出日期 {today().isoformat()}，共 {totals['count']} 个，金额合计 {format_yi(totals['amount_yuan'])} 亿元）"
    sheet = Sheet(
        "招商项目",
        title,
        _export_columns(in_place),
        deals,
        totals={
            "项目名称": "合计",
            "签约金额（万元）": totals["amount_yuan"],
            "到位资金（万元）": sum(in_place.values()),
        },
    )
    return xlsx_response(write_workbook([sheet]), f"招商项目清单_{today().strftime('%Y%m%d')}.xlsx")


@bp.route("/<int:deal_id>")
@require("deals")
def deal_detail(deal_id: int):
    from app.records.queries import audit_related
    from app.records.views import record_extras

    deal = load_deal(deal_id)
    next_stage = stages.next_stage(deal.stage, deal.stage_before_hold)
    extras = record_extras(deal)
    attachments = [(table, ids) for table, ids in audit_related(deal) if table == "attachments"]
    timeline = queries.deal_timeline(deal, extra_related=attachments, comments=extras["comments"])
    return render_template(
        "deals/detail.html",
        deal=deal,
        extras=extras,
        timeline=timeline,
        changes=queries.stage_changes(deal),
        funds=queries.funds_summary(deal),
        next_stage=next_stage,
        editable=can(current_user, "deals", "edit"),
        project_url=project_url(deal.project),
        can_link=can(current_user, "deals", "edit") and can(current_user, "projects", "edit"),
    )


def _deal_form(deal: Deal | None = None) -> DealForm:
    form = DealForm(obj=deal)
    if request.method == "GET" and deal is None:
        form.investor_id.data = request.args.get("investor", type=int) or 0
    # Remote search (app/search): the chosen investor only, the rest as the user types.
    remote_picker(form.investor_id, "investors", [form.investor_id.data], blank="—未确定—")
    unit_choices(
        form, lead="lead_unit_id", township="township_id", leader="leader_id", industry="industry_id", current=deal
    )
    form.co_unit_ids.choices = choices_from(people.active(Unit), None)
    form.name.render_kw = {
        "hx-get": url_for("deals.similar_deals", exclude=deal.id if deal else None),
        "hx-trigger": "input changed delay:500ms",
        "hx-target": "#duplicate-hint",
        "hx-include": "[name=investor_id]",
        "autocomplete": "off",
    }
    if request.method == "GET":
        if deal is None:
            unit_id = own_unit_id()
            if unit_id:
                form.lead_unit_id.data = unit_id
                if any(t.id == unit_id for t in people.townships()):
                    form.township_id.data = unit_id
            form.lead_on.data = today()
        else:
            form.co_unit_ids.data = [u.id for u in deal.co_units]
    for name in ("investor_id", "industry_id", "lead_unit_id", "township_id", "leader_id"):
        form[name].data = form[name].data or 0  # an empty reference is the blank choice
    form.agreement_type.data = form.agreement_type.data or ""
    if deal is not None:
        del form.lead_on  # stage dates change through 变更阶段 / 更正日期
    return form


def _deal_data(form: DealForm) -> dict:
    def get(model, record_id):
        return db.session.get(model, record_id) if record_id else None

    return {
        "name": form.name.data,
        "investor": get(Investor, form.investor_id.data),
        "industry": get(Industry, form.industry_id.data),
        "contract_amount_yuan": form.contract_amount_yuan.data or 0,
        "agreement_type": form.agreement_type.data or None,
        "is_counted": form.is_counted.data,
        "exclusion_reason": (form.exclusion_reason.data or "").strip() or None,
        "lead_unit": get(Unit, form.lead_unit_id.data),
        "township": get(Unit, form.township_id.data),
        "leader": get(Leader, form.leader_id.data),
        "co_units": [unit for unit in (get(Unit, i) for i in form.co_unit_ids.data or []) if unit is not None],
        "contact_name": (form.contact_name.data or "").strip() or None,
        "contact_phone": (form.contact_phone.data or "").strip() or None,
        "notes": (form.notes.data or "").strip() or None,
    }


def _outside_own_unit(data: dict) -> bool:
    """A unit user must keep their own unit on the deal, or they would lose sight of it."""
    unit_id = own_unit_id()
    if unit_id is None:
        return False
    ids = {
        getattr(data["lead_unit"], "id", None),
        getattr(data["township"], "id", None),
        *(u.id for u in data["co_units"]),
    }
    return unit_id not in ids


def _duplicates_block(form: DealForm, data: dict, deal: Deal | None):
    """Similar deals to warn about before saving, unless the user confirmed or kept the name."""
    if form.confirm_duplicate.data or (deal is not None and deal.name == (data["name"] or "").strip()):
        return []
    return queries.similar_deals(
        data["name"],
        investor_id=getattr(data["investor"], "id", None),
        exclude_id=deal.id if deal else None,
        user=current_user,
    )


def _save_deal(form: DealForm, deal: Deal | None):
    """Validate and save; returns the deal, or None with errors/duplicates left on the form."""
    data = _deal_data(form)
    if _outside_own_unit(data):
        form.lead_unit_id.errors = [
            *form.lead_unit_id.errors,
            f"本单位（{current_user.unit}）须为招商责任单位、所在乡镇或协同单位之一",
        ]
        return None, []
    duplicates = _duplicates_block(form, data, deal)
    if duplicates:
        return None, duplicates
    try:
        if deal is None:
            deal = services.create_deal(data, actor=current_user, effective_on=form.lead_on.data or today())
        else:
            services.update_deal(deal, data)
    except InputError as exc:
        show_error(form, exc, "name")
        return None, []
    db.session.commit()
    return deal, []


@bp.route("/new", methods=["GET", "POST"])
@require("deals", "edit")
def create_deal():
    form = _deal_form()
    duplicates = []
    if form.validate_on_submit():
        deal, duplicates = _save_deal(form, None)
        if deal is not None:
            flash(f"招商项目“{deal.name}”已登记。", "success")
            return redirect(url_for("deals.deal_detail", deal_id=deal.id))
    return render_template(
        "deals/edit.html",
        form=form,
        deal=None,
        duplicates=duplicates,
        kind="deal",
        confirm_field=form.confirm_duplicate,
    )


@bp.route("/<int:deal_id>/edit", methods=["GET", "POST"])
@require("deals", "edit")
def edit_deal(deal_id: int):
    deal = load_deal(deal_id, edit=True)
    form = _deal_form(deal)
    duplicates = []
    if form.validate_on_submit():
        saved, duplicates = _save_deal(form, deal)
        if saved is not None:
            flash("招商项目已保存。", "success")
            return redirect(url_for("deals.deal_detail", deal_id=deal.id))
    return render_template(
        "deals/edit.html",
        form=form,
        deal=deal,
        duplicates=duplicates,
        kind="deal",
        confirm_field=form.confirm_duplicate,
    )


@bp.route("/similar")
@require("deals")
def similar_deals():
    """As-you-type duplicate hint for the deal form (an htmx fragment)."""
    duplicates = queries.similar_deals(
        request.args.get("name", "")[:200],
        investor_id=request.args.get("investor_id", type=int),
        exclude_id=request.args.get("exclude", type=int),
        user=current_user,
    )
    return render_template("deals/_duplicates.html", duplicates=duplicates, kind="deal", confirm_field=None)
