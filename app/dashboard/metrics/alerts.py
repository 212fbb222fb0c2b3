"""Alerts (预警) of DOMAIN.md §5, each with its threshold from the settings (alert.*).

An alert is a dict ``kind, kind_label, level ("warning"|"danger"), title, detail, url``;
``url`` leads to the record (or its list while the detail page does not exist).
With a scoped ``user`` (unit, leader) only alerts about records they may see are given.

A county has thousands of alerts, of which pages show counts and a few rows, so each record kind
is counted in SQL (``alert_counts``: COUNT with the same conditions as its list) and only the rows
shown are built (``limit_per_kind``: LIMIT on the same ordered query). ``alert_groups`` gives both,
reading the thresholds once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from werkzeug.routing import BuildError

from app.core.cache import cached_figures
from app.core.money import format_wan
from app.core.permissions import own_unit_id, visible
from app.dashboard.metrics.deals import as_int, cohort_totals, signed_figures, unit_ranking
from app.dashboard.metrics.lists import open_problem_clause, signed_not_started, signed_not_started_clause
from app.dashboard.metrics.periods import read_thresholds, threshold
from app.deals.models import Deal, Negotiation
from app.deals.queries import IN_PIPELINE, pending_follow_up_clause
from app.deals.stages import Stage
from app.extensions import db
from app.funds.models import FundApplication
from app.people.models import Unit
from app.people.queries import target_value
from app.problems.models import ESCALATION_LEVELS, Problem
from app.problems.queries import effective_level, escalation_days

KINDS = {
    "progress": "进度落后序时",
    "start_rate_risk": "年末开工率风险",
    "signed_not_started": "签约未开工",
    "problem_deadline": "问题临期/逾期",
    "fund_deadline": "申报截止临近",
    "follow_up": "洽谈跟进到期",
    "stale": "久未更新",
}


def record_url(
    endpoint: str, fallback: str | None = None, record_id: int | None = None, query: dict | None = None
) -> str | None:
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
    return {
        "kind": kind,
        "kind_label": KINDS[kind],
        "level": level,
        "title": title,
        "detail": detail,
        "url": url,
        **extra,
    }


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _scoped(stmt, model, user):
    return visible(stmt, model, user) if user is not None else stmt


def _setting(settings: dict | None, key: str) -> int:
    """A threshold from ``settings`` (``read_thresholds()`` of this computation), else read now."""
    return settings[key] if settings is not None else threshold(key)


def _limited(stmt, limit: int | None):
    return stmt if limit is None else stmt.limit(limit)


def _tally(danger) -> tuple:
    """Columns counting a kind's rows and, of them, those with ``danger`` (None: no danger level)."""
    red = sa.literal(0) if danger is None else sa.func.coalesce(sa.func.sum(sa.case((danger, 1), else_=0)), 0)
    return sa.func.count(), red


def _level_counts(stmt, model, user) -> dict:
    """``{"count", "danger", "warning"}`` from a select of ``_tally`` columns, scoped to ``user``."""
    total, danger = (as_int(value) for value in db.session.execute(_scoped(stmt, model, user)).one())
    return {"count": total, "danger": danger, "warning": total - danger}


def _counted(items: list[dict]) -> dict:
    danger = sum(a["level"] == "danger" for a in items)
    return {"count": len(items), "danger": danger, "warning": len(items) - danger}


def progress_alerts(
    year: int, as_of: date, *, user=None, figures: dict | None = None, settings: dict | None = None
) -> list[dict]:
    """签约进度 behind 序时进度 by the yellow/red points, county-wide and per unit with a target."""
    result = []
    signed = (
        figures["signed"] if figures else signed_figures(year, as_of, cohort_totals(year, as_of), thresholds=settings)
    )
    url = record_url("dashboard.cockpit", query={"year": year, "as_of": as_of.isoformat()})
    if signed["gap_level"] != "ok":
        result.append(
            _alert(
                "progress",
                "danger" if signed["gap_level"] == "red" else "warning",
                f"全县签约进度落后序时进度 {abs(signed['gap']) * 100:.1f} 个百分点",
                f"签约额 {format_wan(signed['amount_yuan'])} 万元，完成目标 {_pct(signed['progress'])}，"
                f"序时进度 {_pct(signed['time_progress'])}",
                url,
                gap=signed["gap"],
            )
        )
    ranking = figures["units"] if figures else unit_ranking(year, as_of, thresholds=settings)[0]
    own_unit = own_unit_id(user) if user is not None else None
    behind = [row for row in ranking if row["gap_level"] != "ok" and own_unit in (None, row["unit_id"])]
    for row in sorted(behind, key=lambda r: (r["gap"], r["unit"])):  # furthest behind first
        result.append(
            _alert(
                "progress",
                "danger" if row["gap_level"] == "red" else "warning",
                f"{row['unit']}签约进度落后序时进度 {abs(row['gap']) * 100:.1f} 个百分点",
                f"签约额 {format_wan(row['signed_amount_yuan'])} 万元 / 目标 {format_wan(row['target_yuan'])} 万元，"
                f"完成 {_pct(row['completion_rate'])}，序时进度 {_pct(signed['time_progress'])}",
                record_url(
                    "deals.list_deals",
                    "dashboard.cockpit",
                    query={"lead_unit": row["unit_id"], "year": year, "counted": "1"},
                ),
                gap=row["gap"],
                unit_id=row["unit_id"],
            )
        )
    return result


def start_rate_risk_alerts(
    year: int, as_of: date, *, figures: dict | None = None, settings: dict | None = None
) -> list[dict]:
    """From the risk month (October by default): the same-year start rate below its target."""
    if as_of.month < _setting(settings, "alert.year_end_risk_month"):
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
    return [
        _alert(
            "start_rate_risk",
            "danger",
            f"签约项目当年开工率 {_pct(started / signed)}，低于目标 {target_bp / 100:g}%",
            f"截至 {as_of.isoformat()} 签约 {signed} 个、已开工 {started} 个；年底前至少还需 {needed} 个签约项目开工",
            record_url(
                "deals.list_deals", "dashboard.cockpit", query={"stage": Stage.SIGNED, "year": year, "counted": "1"}
            ),
            needed=needed,
        )
    ]


def signed_not_started_alerts(
    year: int, as_of: date, *, user=None, limit: int | None = None, settings: dict | None = None
) -> list[dict]:
    """Deals signed more than N days ago (default 90) and still not started; the first ``limit`` when given."""
    days = _setting(settings, "alert.signed_not_started_days")
    result = []
    for row in signed_not_started(year, as_of, user=user, signed_before=as_of - timedelta(days=days), limit=limit):
        who = "，".join(
            filter(None, [row["unit"] and f"责任单位 {row['unit']}", row["leader"] and f"包联领导 {row['leader']}"])
        )
        result.append(
            _alert(
                "signed_not_started",
                "danger" if row["days_waiting"] > 2 * days else "warning",
                f"{row['name']}签约 {row['days_waiting']} 天未开工",
                f"签约日期 {row['signed_on']}，签约额 {format_wan(row['amount_yuan'])} 万元"
                + (f"，{who}" if who else ""),
                record_url("deals.deal_detail", "deals.list_deals", row["deal_id"]),
                deal_id=row["deal_id"],
            )
        )
    return result


def signed_not_started_counts(year: int, as_of: date, *, user=None, settings: dict | None = None) -> dict:
    """Counts of ``signed_not_started_alerts``: waiting more than N days, danger beyond 2N."""
    days = _setting(settings, "alert.signed_not_started_days")
    stmt = (
        sa.select(*_tally(Deal.signed_on < as_of - timedelta(days=2 * days)))
        .select_from(Deal)
        .where(signed_not_started_clause(year, as_of), Deal.signed_on < as_of - timedelta(days=days))
    )
    return _level_counts(stmt, Deal, user)


def _problem_conditions(as_of: date, settings: dict | None) -> tuple:
    days = _setting(settings, "alert.problem_deadline_days")
    return open_problem_clause(as_of), Problem.deadline_on <= as_of + timedelta(days=days)


def problem_alerts(as_of: date, *, user=None, limit: int | None = None, settings: dict | None = None) -> list[dict]:
    """Open problems due within N days (default 3), and overdue ones (→ 督办)."""
    stmt = (
        sa.select(
            Problem.id,
            Problem.description,
            Problem.deadline_on,
            effective_level(as_of, escalation_days(settings)),
            Unit.name,
        )
        .outerjoin(Unit, Problem.unit_id == Unit.id)
        .where(*_problem_conditions(as_of, settings))
        .order_by(Problem.deadline_on, Problem.id)
    )
    result = []
    for pid, text, deadline, level, unit in db.session.execute(_limited(_scoped(stmt, Problem, user), limit)):
        short = text if len(text) <= 40 else text[:40] + "…"
        url = record_url("problems.problem_detail", "problems.list_problems", pid)
        unit_text = f"，责任单位 {unit}" if unit else ""
        if deadline < as_of:
            result.append(
                _alert(
                    "problem_deadline",
                    "danger",
                    f"问题逾期 {(as_of - deadline).days} 天：{short}",
                    f"办结时限 {deadline.isoformat()}{unit_text}，督办中，当前督办层级：{int(level)}级（{ESCALATION_LEVELS.get(int(level), level)}）",
                    url,
                    problem_id=pid,
                )
            )
        else:
            left = (deadline - as_of).days
            result.append(
                _alert(
                    "problem_deadline",
                    "warning",
                    f"问题{'今天' if left == 0 else f' {left} 天后'}到期：{short}",
                    f"办结时限 {deadline.isoformat()}{unit_text}",
                    url,
                    problem_id=pid,
                )
            )
    return result


def problem_alert_counts(as_of: date, *, user=None, settings: dict | None = None) -> dict:
    """Counts of ``problem_alerts``: overdue ones are danger."""
    stmt = (
        sa.select(*_tally(Problem.deadline_on < as_of))
        .select_from(Problem)
        .where(*_problem_conditions(as_of, settings))
    )
    return _level_counts(stmt, Problem, user)


def _fund_conditions(year: int, as_of: date, settings: dict | None) -> tuple:
    days = _setting(settings, "alert.fund_deadline_days")
    return (
        FundApplication.status == "谋划储备",
        FundApplication.deadline_on >= date(year, 1, 1),
        FundApplication.deadline_on <= as_of + timedelta(days=days),
    )


def fund_deadline_alerts(
    year: int, as_of: date, *, user=None, limit: int | None = None, settings: dict | None = None
) -> list[dict]:
    """Applications still 谋划储备 whose 申报截止 is within N days (default 7) or passed this year."""
    stmt = (
        sa.select(FundApplication.id, FundApplication.title, FundApplication.deadline_on, Unit.name)
        .outerjoin(Unit, FundApplication.applicant_unit_id == Unit.id)
        .where(*_fund_conditions(year, as_of, settings))
        .order_by(FundApplication.deadline_on, FundApplication.id)
    )
    result = []
    for aid, title, deadline, unit in db.session.execute(_limited(_scoped(stmt, FundApplication, user), limit)):
        url = record_url("funds.application_detail", "funds.list_applications", aid)
        unit_text = f"，申报单位 {unit}" if unit else ""
        left = (deadline - as_of).days
        if left < 0:
            result.append(
                _alert(
                    "fund_deadline",
                    "danger",
                    f"{title}已过申报截止 {-left} 天仍未申报",
                    f"申报截止 {deadline.isoformat()}{unit_text}",
                    url,
                    application_id=aid,
                )
            )
        else:
            result.append(
                _alert(
                    "fund_deadline",
                    "danger" if left <= 1 else "warning",
                    f"{title}距申报截止还有 {left} 天",
                    f"申报截止 {deadline.isoformat()}{unit_text}，当前仍为谋划储备",
                    url,
                    application_id=aid,
                )
            )
    return result


def fund_deadline_counts(year: int, as_of: date, *, user=None, settings: dict | None = None) -> dict:
    """Counts of ``fund_deadline_alerts``: passed or at most one day left is danger."""
    stmt = (
        sa.select(*_tally(FundApplication.deadline_on <= as_of + timedelta(days=1)))
        .select_from(FundApplication)
        .where(*_fund_conditions(year, as_of, settings))
    )
    return _level_counts(stmt, FundApplication, user)


def _follow_up_conditions(as_of: date) -> tuple:
    return pending_follow_up_clause(None, as_of), IN_PIPELINE


def follow_up_alerts(as_of: date, *, user=None, limit: int | None = None) -> list[dict]:
    """Negotiation follow-ups due on D or overdue, for deals still in the pipeline."""
    stmt = (
        sa.select(Negotiation.deal_id, Deal.name, Negotiation.next_follow_up_on, Negotiation.next_step)
        .join(Deal, Negotiation.deal_id == Deal.id)
        .where(*_follow_up_conditions(as_of))
        .order_by(Negotiation.next_follow_up_on, Negotiation.id)
    )
    result = []
    for deal_id, name, due, next_step in db.session.execute(_limited(_scoped(stmt, Deal, user), limit)):
        url = record_url("deals.deal_detail", "deals.list_deals", deal_id)
        step = f"，下一步：{next_step}" if next_step else ""
        if due < as_of:
            result.append(
                _alert(
                    "follow_up",
                    "danger",
                    f"{name}跟进已逾期 {(as_of - due).days} 天",
                    f"计划跟进日期 {due.isoformat()}{step}",
                    url,
                    deal_id=deal_id,
                )
            )
        else:
            result.append(
                _alert(
                    "follow_up",
                    "warning",
                    f"{name}今天需跟进",
                    f"计划跟进日期 {due.isoformat()}{step}",
                    url,
                    deal_id=deal_id,
                )
            )
    return result


def follow_up_counts(as_of: date, *, user=None) -> dict:
    """Counts of ``follow_up_alerts``: overdue ones are danger."""
    stmt = (
        sa.select(*_tally(Negotiation.next_follow_up_on < as_of))
        .select_from(Negotiation)
        .join(Deal, Negotiation.deal_id == Deal.id)
        .where(*_follow_up_conditions(as_of))
    )
    return _level_counts(stmt, Deal, user)


def _last_update():
    return sa.func.coalesce(Deal.last_activity_on, Deal.lead_on)


def _stale_conditions(as_of: date, settings: dict | None) -> tuple:
    days = _setting(settings, "alert.stale_days")
    return Deal.stage.in_((Stage.LEAD, Stage.NEGOTIATING)), _last_update() < as_of - timedelta(days=days)


def stale_alerts(as_of: date, *, user=None, limit: int | None = None, settings: dict | None = None) -> list[dict]:
    """Leads and deals under negotiation without any update for N days (default 30)."""
    last = _last_update()
    stmt = (
        sa.select(Deal.id, Deal.name, Deal.stage, last)
        .where(*_stale_conditions(as_of, settings))
        .order_by(last, Deal.id)
    )
    return [
        _alert(
            "stale",
            "warning",
            f"{name}（{stage}）已 {(as_of - updated).days} 天未更新",
            f"最近更新 {updated.isoformat()}，请及时跟进或调整阶段",
            record_url("deals.deal_detail", "deals.list_deals", deal_id),
            deal_id=deal_id,
        )
        for deal_id, name, stage, updated in db.session.execute(_limited(_scoped(stmt, Deal, user), limit))
    ]


def stale_counts(as_of: date, *, user=None, settings: dict | None = None) -> dict:
    """Counts of ``stale_alerts`` (all warnings)."""
    stmt = sa.select(*_tally(None)).select_from(Deal).where(*_stale_conditions(as_of, settings))
    return _level_counts(stmt, Deal, user)


@dataclass
class _Kind:
    """One alert kind: ``rows(limit)`` gives its first ``limit`` alerts (all when None), ``counts()`` its totals."""

    rows: Callable[[int | None], list[dict]]
    counts: Callable[[], dict]


def _listed(build: Callable[[], list[dict]]) -> _Kind:
    """A kind with a handful of alerts (progress, start rate): built in full once, counted from the list."""
    built: list[list[dict]] = []

    def rows(limit):
        if not built:
            built.append(build())
        return built[0] if limit is None else built[0][:limit]

    return _Kind(rows, lambda: _counted(rows(None)))


def _kinds(year: int, as_of: date, user, figures: dict | None) -> dict[str, _Kind]:
    """Every kind in the order of ``KINDS``, with the thresholds read once."""
    settings = read_thresholds()
    return {
        "progress": _listed(lambda: progress_alerts(year, as_of, user=user, figures=figures, settings=settings)),
        "start_rate_risk": _listed(lambda: start_rate_risk_alerts(year, as_of, figures=figures, settings=settings)),
        "signed_not_started": _Kind(
            lambda limit: signed_not_started_alerts(year, as_of, user=user, limit=limit, settings=settings),
            lambda: signed_not_started_counts(year, as_of, user=user, settings=settings),
        ),
        "problem_deadline": _Kind(
            lambda limit: problem_alerts(as_of, user=user, limit=limit, settings=settings),
            lambda: problem_alert_counts(as_of, user=user, settings=settings),
        ),
        "fund_deadline": _Kind(
            lambda limit: fund_deadline_alerts(year, as_of, user=user, limit=limit, settings=settings),
            lambda: fund_deadline_counts(year, as_of, user=user, settings=settings),
        ),
        "follow_up": _Kind(
            lambda limit: follow_up_alerts(as_of, user=user, limit=limit), lambda: follow_up_counts(as_of, user=user)
        ),
        "stale": _Kind(
            lambda limit: stale_alerts(as_of, user=user, limit=limit, settings=settings),
            lambda: stale_counts(as_of, user=user, settings=settings),
        ),
    }


def alerts(
    year: int, as_of: date, *, user=None, figures: dict | None = None, limit_per_kind: int | None = None
) -> list[dict]:
    """Every alert for year Y as of D, in the order of ``KINDS`` (most pressing kinds first).

    ``figures`` may pass ``compute_metrics(year, as_of)`` already at hand, to reuse its figures.
    ``limit_per_kind`` keeps only the first N alerts of each kind (in the same order); the totals
    are then ``alert_counts``.
    """
    if limit_per_kind == 0:
        return []
    return [alert for kind in _kinds(year, as_of, user, figures).values() for alert in kind.rows(limit_per_kind)]


def alert_counts(year: int, as_of: date, *, user=None, figures: dict | None = None) -> dict[str, dict]:
    """Per kind, every kind in the order of ``KINDS``: ``{"count", "danger", "warning"}``.

    Counted in SQL with the same conditions as the lists, without building the alerts: ``count``
    equals the number of that kind's alerts in ``alerts(...)`` with the same arguments.
    """
    return {name: kind.counts() for name, kind in _kinds(year, as_of, user, figures).items()}


@cached_figures("alert_groups", ignore=("figures",))
def alert_groups(
    year: int, as_of: date, *, user=None, figures: dict | None = None, limit_per_kind: int | None = None
) -> list[dict]:
    """The kinds that have alerts, in the order of ``KINDS``, for pages.

    Each group: ``kind, label, count, danger, warning`` (all alerts of the kind) and ``alerts``, its
    first ``limit_per_kind`` alerts (all when None, none when 0).
    """
    groups = []
    for name, kind in _kinds(year, as_of, user, figures).items():
        counts = kind.counts()
        if counts["count"]:
            rows = [] if limit_per_kind == 0 else kind.rows(limit_per_kind)
            groups.append({"kind": name, "label": KINDS[name], **counts, "alerts": rows})
    return groups
