"""Alerts (预警) of DOMAIN.md §5, each with its threshold from the settings (alert.*).

An alert is a dict ``kind, kind_label, level ("warning"|"danger"), title, detail, url``;
``url`` leads to the record (or its list while the detail page does not exist).
With a scoped ``user`` (unit, leader) only alerts about records they may see are given.
"""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from werkzeug.routing import BuildError

from app.core.money import format_wan
from app.core.permissions import visible
from app.dashboard.metrics.deals import cohort_totals, signed_figures, unit_ranking
from app.dashboard.metrics.lists import open_problem_clause, signed_not_started
from app.dashboard.metrics.periods import threshold
from app.deals.models import Deal, Negotiation
from app.extensions import db
from app.funds.models import FundApplication
from app.people.models import Unit
from app.people.queries import target_value
from app.problems.models import ESCALATION_LEVELS, Problem

KINDS = {
    "progress": "进度落后序时",
    "start_rate_risk": "年末开工率风险",
    "signed_not_started": "签约未开工",
    "problem_deadline": "问题临期/逾期",
    "fund_deadline": "申报截止临近",
    "follow_up": "洽谈跟进到期",
    "stale": "久未更新",
}


def record_url(endpoint: str, fallback: str | None = None, record_id: int | None = None,
               query: dict | None = None) -> str | None:
    """URL of a record's page (``endpoint`` takes the id as its one argument, whatever its name) when
    that page exists, else of the ``fallback`` list page, else None. ``query`` goes to the first page."""
    views = current_app.view_functions
    candidates = [(endpoint, record_id), (fallback, None)]
    for name, value in candidates:
        if not name or name not in views:
            continue
        rule = next(iter(current_app.url_map.iter_rules(name)))
        if len(rule.arguments) != (0 if value is None else 1):
            continue
        args = {next(iter(rule.arguments)): value} if value is not None else {}
        if name == endpoint and query:
            args.update(query)
        try:
            if has_request_context():
                return url_for(name, **args)
            return current_app.url_map.bind("localhost").build(name, args)
        except BuildError:
            continue
    return None


def _alert(kind: str, level: str, title: str, detail: str, url: str | None, **extra) -> dict:
    return {"kind": kind, "kind_label": KINDS[kind], "level": level, "title": title, "detail": detail,
            "url": url, **extra}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _scoped(stmt, model, user):
    return visible(stmt, model, user) if user is not None else stmt


def progress_alerts(year: int, as_of: date, *, user=None, figures: dict | None = None) -> list[dict]:
    """签约进度 behind 序时进度 by the yellow/red points, county-wide and per unit with a target."""
    result = []
    signed = figures["signed"] if figures else signed_figures(year, as_of, cohort_totals(year, as_of))
    url = record_url("dashboard.cockpit", query={"year": year, "as_of": as_of.isoformat()})
    if signed["gap_level"] != "ok":
        result.append(_alert(
            "progress", "danger" if signed["gap_level"] == "red" else "warning",
            f"全县签约进度落后序时进度 {abs(signed['gap']) * 100:.1f} 个百分点",
            f"签约额 {format_wan(signed['amount_yuan'])} 万元，完成目标 {_pct(signed['progress'])}，"
            f"序时进度 {_pct(signed['time_progress'])}", url, gap=signed["gap"]))
    ranking = figures["units"] if figures else unit_ranking(year, as_of)[0]
    own_unit = user.unit_id if user is not None and user.role == "unit" else None
    behind = [row for row in ranking if row["gap_level"] != "ok" and own_unit in (None, row["unit_id"])]
    for row in sorted(behind, key=lambda r: (r["gap"], r["unit"])):  # furthest behind first
        result.append(_alert(
            "progress", "danger" if row["gap_level"] == "red" else "warning",
            f"{row['unit']}签约进度落后序时进度 {abs(row['gap']) * 100:.1f} 个百分点",
            f"签约额 {format_wan(row['signed_amount_yuan'])} 万元 / 目标 {format_wan(row['target_yuan'])} 万元，"
            f"完成 {_pct(row['completion_rate'])}，序时进度 {_pct(signed['time_progress'])}",
            record_url("deals.list_deals", "dashboard.cockpit",
                       query={"lead_unit": row["unit_id"], "year": year, "counted": "1"}),
            gap=row["gap"], unit_id=row["unit_id"]))
    return result


def start_rate_risk_alerts(year: int, as_of: date, *, figures: dict | None = None) -> list[dict]:
    """From the risk month (October by default): the same-year start rate below its target."""
    if as_of.month < threshold("alert.year_end_risk_month"):
        return []
    target_bp = target_value(year, "same_year_start_rate")
    if figures:
        signed, started = figures["same_year_start"]["signed_count"], figures["same_year_start"]["started_count"]
    else:
        totals = cohort_totals(year, as_of)
        signed, started = totals["count"], totals["started_count"]
    if target_bp is None or signed == 0 or started * 10_000 >= target_bp * signed:
        return []
    needed = -(-target_bp * signed // 10_000) - started  # ceil(target × signed) − started
    return [_alert(
        "start_rate_risk", "danger", f"签约项目当年开工率 {_pct(started / signed)}，低于目标 {target_bp / 100:g}%",
        f"截至 {as_of.isoformat()} 签约 {signed} 个、已开工 {started} 个；年底前至少还需 {needed} 个签约项目开工",
        record_url("deals.list_deals", "dashboard.cockpit", query={"stage": "已签约", "year": year, "counted": "1"}),
        needed=needed)]


def signed_not_started_alerts(year: int, as_of: date, *, user=None) -> list[dict]:
    """Deals signed more than N days ago (default 90) and still not started."""
    days = threshold("alert.signed_not_started_days")
    result = []
    for row in signed_not_started(year, as_of, user=user):
        if row["days_waiting"] <= days:
            continue
        who = "，".join(filter(None, [row["unit"] and f"责任单位 {row['unit']}", row["leader"] and f"包联领导 {row['leader']}"]))
        result.append(_alert(
            "signed_not_started", "danger" if row["days_waiting"] > 2 * days else "warning",
            f"{row['name']}签约 {row['days_waiting']} 天未开工",
            f"签约日期 {row['signed_on']}，签约额 {format_wan(row['amount_yuan'])} 万元" + (f"，{who}" if who else ""),
            record_url("deals.deal_detail", "deals.list_deals", row["deal_id"]), deal_id=row["deal_id"]))
    return result


def problem_alerts(as_of: date, *, user=None) -> list[dict]:
    """Open problems due within N days (default 3), and overdue ones (→ 督办)."""
    days = threshold("alert.problem_deadline_days")
    stmt = (sa.select(Problem.id, Problem.description, Problem.deadline_on, Problem.escalation_level, Unit.name)
            .outerjoin(Unit, Problem.unit_id == Unit.id)
            .where(open_problem_clause(as_of), Problem.deadline_on <= as_of + timedelta(days=days))
            .order_by(Problem.deadline_on, Problem.id))
    result = []
    for pid, text, deadline, level, unit in db.session.execute(_scoped(stmt, Problem, user)):
        short = text if len(text) <= 40 else text[:40] + "…"
        url = record_url("problems.problem_detail", "problems.list_problems", pid)
        unit_text = f"，责任单位 {unit}" if unit else ""
        if deadline < as_of:
            result.append(_alert(
                "problem_deadline", "danger", f"问题逾期 {(as_of - deadline).days} 天：{short}",
                f"办结时限 {deadline.isoformat()}{unit_text}，当前督办层级：{ESCALATION_LEVELS.get(level, level)}，建议督办",
                url, problem_id=pid))
        else:
            left = (deadline - as_of).days
            result.append(_alert(
                "problem_deadline", "warning", f"问题{'今天' if left == 0 else f' {left} 天后'}到期：{short}",
                f"办结时限 {deadline.isoformat()}{unit_text}", url, problem_id=pid))
    return result


def fund_deadline_alerts(year: int, as_of: date, *, user=None) -> list[dict]:
    """Applications still 谋划储备 whose 申报截止 is within N days (default 7) or passed this year."""
    days = threshold("alert.fund_deadline_days")
    stmt = (sa.select(FundApplication.id, FundApplication.title, FundApplication.deadline_on, Unit.name)
            .outerjoin(Unit, FundApplication.applicant_unit_id == Unit.id)
            .where(FundApplication.status == "谋划储备",
                   FundApplication.deadline_on >= date(year, 1, 1),
                   FundApplication.deadline_on <= as_of + timedelta(days=days))
            .order_by(FundApplication.deadline_on, FundApplication.id))
    result = []
    for aid, title, deadline, unit in db.session.execute(_scoped(stmt, FundApplication, user)):
        url = record_url("funds.application_detail", "funds.list_applications", aid)
        unit_text = f"，申报单位 {unit}" if unit else ""
        left = (deadline - as_of).days
        if left < 0:
            result.append(_alert("fund_deadline", "danger", f"{title}已过申报截止 {-left} 天仍未申报",
                                 f"申报截止 {deadline.isoformat()}{unit_text}", url, application_id=aid))
        else:
            result.append(_alert("fund_deadline", "danger" if left <= 1 else "warning",
                                 f"{title}距申报截止还有 {left} 天",
                                 f"申报截止 {deadline.isoformat()}{unit_text}，当前仍为谋划储备", url,
                                 application_id=aid))
    return result


def follow_up_alerts(as_of: date, *, user=None) -> list[dict]:
    """Negotiation follow-ups due on D or overdue, for deals still in the pipeline."""
    stmt = (sa.select(Negotiation.deal_id, Deal.name, Negotiation.next_follow_up_on, Negotiation.next_step)
            .join(Deal, Negotiation.deal_id == Deal.id)
            .where(Negotiation.follow_up_done.is_(False), Negotiation.next_follow_up_on <= as_of,
                   Deal.stage.not_in(("终止", "暂缓")))
            .order_by(Negotiation.next_follow_up_on, Negotiation.id))
    result = []
    for deal_id, name, due, next_step in db.session.execute(_scoped(stmt, Deal, user)):
        url = record_url("deals.deal_detail", "deals.list_deals", deal_id)
        step = f"，下一步：{next_step}" if next_step else ""
        if due < as_of:
            result.append(_alert("follow_up", "danger", f"{name}跟进已逾期 {(as_of - due).days} 天",
                                 f"计划跟进日期 {due.isoformat()}{step}", url, deal_id=deal_id))
        else:
            result.append(_alert("follow_up", "warning", f"{name}今天需跟进", f"计划跟进日期 {due.isoformat()}{step}",
                                 url, deal_id=deal_id))
    return result


def stale_alerts(as_of: date, *, user=None) -> list[dict]:
    """Leads and deals under negotiation without any update for N days (default 30)."""
    days = threshold("alert.stale_days")
    last = sa.func.coalesce(Deal.last_activity_on, Deal.lead_on)
    stmt = (sa.select(Deal.id, Deal.name, Deal.stage, last)
            .where(Deal.stage.in_(("线索", "在谈")), last < as_of - timedelta(days=days))
            .order_by(last, Deal.id))
    return [
        _alert("stale", "warning", f"{name}（{stage}）已 {(as_of - updated).days} 天未更新",
               f"最近更新 {updated.isoformat()}，请及时跟进或调整阶段",
               record_url("deals.deal_detail", "deals.list_deals", deal_id), deal_id=deal_id)
        for deal_id, name, stage, updated in db.session.execute(_scoped(stmt, Deal, user))
    ]


def alerts(year: int, as_of: date, *, user=None, figures: dict | None = None) -> list[dict]:
    """Every alert for year Y as of D, in the order of ``KINDS`` (most pressing kinds first).

    ``figures`` may pass ``compute_metrics(year, as_of)`` already at hand, to reuse its figures.
    """
    return [
        *progress_alerts(year, as_of, user=user, figures=figures),
        *start_rate_risk_alerts(year, as_of, figures=figures),
        *signed_not_started_alerts(year, as_of, user=user),
        *problem_alerts(as_of, user=user),
        *fund_deadline_alerts(year, as_of, user=user),
        *follow_up_alerts(as_of, user=user),
        *stale_alerts(as_of, user=user),
    ]
