"""包联领导调度简报: one page per county leader for the monthly 调度 meeting (PDF).

The leader's key figures are the monthly report's section 八 row (metrics.leader_figures), so
the brief and the report read the same; then the leader's deals by stage with this month's
stage changes, deals signed but not started, fund applications with their money as of the
month's date, and open problems with their deadlines (effective status and level).
"""

import io
from datetime import date
from xml.sax.saxutils import escape

import sqlalchemy as sa
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer

from app.extensions import db
from app.reports import fmt
from app.reports.figures import Edition, ReportMonth, chinese_date, normalise
from app.reports.pdf_kit import MARGIN, Flowables, make_canvas_class, register_font

BRIEF_TITLE = "包联领导调度简报"


def _stage_on(deal, as_of: date) -> str | None:
    """The deal's stage at ``as_of`` from its stage history (None when it did not exist yet)."""
    stage = None
    for change in deal.stage_changes:
        if change.effective_on <= as_of:
            stage = change.to_stage
    return stage


def leader_brief_data(month: ReportMonth, leader) -> dict:
    """Everything one leader's brief shows for ``month``, as of the month's date."""
    from app.dashboard import metrics
    from app.deals.models import ALL_STAGES, Deal
    from app.funds.models import FundApplication, FundLedgerEntry
    from app.problems.models import Problem
    from app.problems.queries import is_open_at, rows_with_status

    as_of, year = month.as_of, month.year
    month_start = date(month.year, month.month, 1)
    deals = db.session.scalars(sa.select(Deal).where(Deal.leader_id == leader.id).order_by(Deal.id)).all()
    by_stage = {stage: {"count": 0, "amount_yuan": 0} for stage in ALL_STAGES}
    changes = []
    for deal in deals:
        stage = _stage_on(deal, as_of)
        if stage in by_stage:
            by_stage[stage]["count"] += 1
            by_stage[stage]["amount_yuan"] += deal.contract_amount_yuan or 0
        for change in deal.stage_changes:
            if month_start <= change.effective_on <= as_of:
                changes.append(
                    {
                        "deal": deal.name,
                        "from": change.from_stage,
                        "to": change.to_stage,
                        "on": change.effective_on,
                        "amount_yuan": deal.contract_amount_yuan,
                    }
                )

    def ledger(kind):
        return sa.func.coalesce(
            sa.func.sum(sa.case((FundLedgerEntry.kind == kind, FundLedgerEntry.amount_yuan), else_=0)), 0
        )

    sums = (
        sa.select(
            FundLedgerEntry.application_id.label("application_id"),
            ledger("下达").label("approved"),
            ledger("拨付").label("disbursed"),
        )
        .where(FundLedgerEntry.entry_on <= as_of)
        .group_by(FundLedgerEntry.application_id)
        .subquery()
    )
    applications = [
        {
            "title": app_.title,
            "channel": str(app_.channel),
            "batch": app_.batch_label,
            "status": app_.status,
            "requested_yuan": app_.requested_yuan,
            "approved_yuan": int(approved or 0),
            "disbursed_yuan": int(disbursed or 0),
        }
        for app_, approved, disbursed in db.session.execute(
            sa.select(FundApplication, sums.c.approved, sums.c.disbursed)
            .outerjoin(sums, sums.c.application_id == FundApplication.id)
            .where(FundApplication.leader_id == leader.id, FundApplication.year == year)
            .order_by(FundApplication.id)
        )
    ]
    problem_rows = rows_with_status(
        sa.select(Problem)
        .where(Problem.leader_id == leader.id, is_open_at(as_of))
        .order_by(Problem.deadline_on.is_(None), Problem.deadline_on, Problem.id),
        as_of,
    )
    problems = [
        {
            "description": row.problem.description,
            "unit": str(row.problem.unit or ""),
            "deadline_on": row.problem.deadline_on,
            "status": row.status,
            "level": row.level,
            "overdue": row.overdue,
            "days_overdue": row.days_overdue,
            "level_reason": row.level_reason,
        }
        for row in problem_rows
    ]
    return normalise(
        {
            "month": month.key,
            "as_of": as_of,
            "leader_id": leader.id,
            "leader": leader.name,
            "title": leader.title or "",
            "figures": metrics.leader_figures(year, as_of, leader.id),
            "stages": [{"stage": stage, **values} for stage, values in by_stage.items()],
            "stage_changes": sorted(changes, key=lambda c: (c["on"], c["deal"])),
            "signed_not_started": metrics.signed_not_started(year, as_of, leader_id=leader.id),
            "applications": applications,
            "problems": problems,
        }
    )


class _BriefBuilder(Flowables):
    """The brief's flowables, in the monthly report's styles and tables (app.reports.pdf_kit)."""

    def __init__(self, month: ReportMonth, edition: Edition, font: str):
        super().__init__(font)
        self.edition = edition
        self.year = month.year
        self.month_label = f"{month.year}年{month.month}月"

    def leader_page(self, b: dict) -> list:
        f = b["figures"]
        heading = f"{escape(b['leader'])}{('（' + escape(b['title']) + '）') if b['title'] else ''}"
        story = [
            self.p(f"{BRIEF_TITLE} · {self.month_label}", "h2"),
            self.p(heading, "h1"),
            self.p(
                f"数据截至{chinese_date(b['as_of'])}；{escape(self.edition.label)}。"
                "关键数字与月度转化率报告第八部分同一口径（仅计入考核的项目，签约、开工按生效日期）。",
                "note",
            ),
            self.table(
                [
                    "包联项目（个）",
                    "签约（个）",
                    "签约额（万元）",
                    "已开工（个）",
                    "下达资金（万元）",
                    "拨付资金（万元）",
                    "未办结问题",
                    "其中超期",
                ],
                [
                    [
                        fmt.count(f["project_count"]),
                        fmt.count(f["signed_count"]),
                        fmt.wan(f["signed_amount_yuan"]),
                        fmt.count(f["started_count"]),
                        fmt.wan(f["approved_yuan"]),
                        fmt.wan(f["disbursed_yuan"]),
                        fmt.count(f["open_problems"]),
                        fmt.count(f["overdue_problems"]),
                    ]
                ],
                [10, 8, 12, 8, 12, 12, 9, 8],
                numeric=set(range(8)),
            ),
        ]
        stages = [s for s in b["stages"] if s["count"]]
        story += [
            self.p("一、包联招商项目分阶段（全部包联项目，按截至日的阶段）", "h2"),
            self.table(
                ["阶段", "项目（个）", "签约额（万元）"],
                [[s["stage"], fmt.count(s["count"]), fmt.wan(s["amount_yuan"])] for s in stages],
                [20, 10, 16],
                numeric={1, 2},
                empty="暂无包联的招商项目。",
            ),
            Spacer(1, 2),
            self.p(f"本月阶段变化（{self.month_label}）", "body"),
            self.table(
                ["日期", "项目", "变化", "签约额（万元）"],
                [
                    [c["on"], c["deal"], f"{c['from'] or '登记'} → {c['to']}", fmt.wan(c["amount_yuan"])]
                    for c in b["stage_changes"]
                ],
                [10, 34, 16, 12],
                numeric={3},
                empty="本月无阶段变化。",
            ),
        ]
        story += [
            self.p("二、已签约未开工项目", "h2"),
            self.table(
                ["项目", "责任单位", "签约日期", "签约额（万元）", "等待天数"],
                [
                    [
                        d["name"],
                        d.get("unit") or "",
                        d["signed_on"],
                        fmt.wan(d["amount_yuan"]),
                        fmt.count(d["days_waiting"]),
                    ]
                    for d in b["signed_not_started"]
                ],
                [34, 16, 11, 12, 8],
                numeric={3, 4},
                empty="本年签约项目均已开工。",
            ),
        ]
        story += [
            self.p(f"三、争取上级资金（{self.year}年批次）", "h2"),
            self.table(
                ["申报项目", "渠道 / 批次", "状态", "申请（万元）", "下达（万元）", "拨付（万元）"],
                [
                    [
                        a["title"],
                        f"{a['channel']} / {a['batch']}",
                        a["status"],
                        fmt.wan(a["requested_yuan"]),
                        fmt.wan(a["approved_yuan"]),
                        fmt.wan(a["disbursed_yuan"]),
                    ]
                    for a in b["applications"]
                ],
                [26, 24, 9, 11, 11, 11],
                numeric={3, 4, 5},
                empty="本年度暂无包联的资金申报。",
            ),
        ]
        story += [
            self.p("四、未办结问题（超期的按督办中管理，并按超期天数自动升级）", "h2"),
            self.table(
                ["问题", "责任单位", "办结时限", "状态", "督办层级"],
                [
                    [
                        q["description"],
                        q["unit"],
                        q["deadline_on"] or fmt.DASH,
                        q["status"] + (f"（超期{q['days_overdue']}天）" if q["overdue"] else ""),
                        f"{q['level']}级" + ("（自动）" if q["level_reason"] else ""),
                    ]
                    for q in b["problems"]
                ],
                [36, 16, 11, 16, 9],
                empty="无未办结问题。",
            ),
        ]
        return story


def build_brief_pdf(month: ReportMonth, briefs: list[dict], edition: Edition) -> bytes:
    """The brief of each leader in ``briefs`` (from leader_brief_data), a page each."""
    font = register_font()
    builder = _BriefBuilder(month, edition, font)
    story: list = []
    for index, brief in enumerate(briefs):
        if index:
            story.append(PageBreak())
        story += builder.leader_page(brief)
    if not story:
        story = [builder.p("暂无县级领导。", "body")]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=20 * mm,
        bottomMargin=MARGIN,
        title=f"{BRIEF_TITLE}（{builder.month_label}）",
        author="泽州县项目建设攻坚专班办公室",
        subject="县级领导包联调度",
        creator="泽州招商争资 CRM",
        invariant=1,
    )
    doc.build(story, canvasmaker=make_canvas_class(font, f"{BRIEF_TITLE} · {builder.month_label}", edition.on))
    return buffer.getvalue()


def brief_filename(month_key: str, leader_name: str | None = None) -> str:
    return f"{BRIEF_TITLE}_{month_key}_{leader_name or '全部领导'}.pdf"


def leaders_for_brief(leader_id: int | None = None) -> list:
    """The active leaders in roster order (or the one asked for)."""
    from app.people.models import Leader

    stmt = sa.select(Leader)
    stmt = stmt.where(Leader.id == leader_id) if leader_id is not None else stmt.where(Leader.is_active)
    return list(db.session.scalars(stmt.order_by(Leader.sort_order, Leader.id)))
