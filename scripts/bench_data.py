"""The benchmark's dataset: a large, consistent county pipeline written with bulk core inserts.

Used by scripts/bench.py. Ids are assigned here so related rows can point at each other; audit
rows ("create", source import) are generated alongside because core inserts bypass the audit hook.
Deal date columns mirror the stage-history rows (``check_consistency`` proves it).
"""

import json
import random
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.deals.stages import STAGE_DATE_FIELDS, Stage
from app.funds.models import STATUS_PATHS

PASSWORD = "Bench-2025-pass"
WAN = 10_000
STAGE_WEIGHTS = {"线索": 20, "在谈": 25, "已签约": 15, "已注册": 8, "已开工": 18, "已投产": 6, "暂缓": 4, "终止": 4}
STAGE_PATHS = {
    "线索": [],
    "在谈": ["在谈"],
    "已签约": ["在谈", "已签约"],
    "已注册": ["在谈", "已签约", "已注册"],
    "已开工": ["在谈", "已签约", "已注册", "已开工"],
    "已投产": ["在谈", "已签约", "已注册", "已开工", "已投产"],
    "暂缓": ["在谈", "暂缓"],
}
STAGE_GAPS = {
    "在谈": (5, 60),
    "已签约": (20, 150),
    "已注册": (10, 45),
    "已开工": (15, 150),
    "已投产": (60, 300),
    "暂缓": (20, 90),
    "终止": (20, 120),
}
# Stage -> the Deal column of its date (线索 is set on creation).
DATE_COLUMNS = {
    stage: column for stage, (column, _label) in STAGE_DATE_FIELDS.items() if column and stage != Stage.LEAD
}
FUND_PATHS = STATUS_PATHS
FUND_WEIGHTS = {
    "谋划储备": 15,
    "已申报": 12,
    "审核中": 15,
    "已下达": 18,
    "执行中": 20,
    "已完成": 10,
    "未通过": 6,
    "已撤回": 4,
}


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


class Rows:
    """Rows per table, with ids assigned here so related rows can point at them."""

    def __init__(self):
        self.tables: dict[str, list[dict]] = {}
        self.audit: list[dict] = []

    def add(self, table: str, row: dict, *, audit: bool = True) -> int:
        rows = self.tables.setdefault(table, [])
        if "id" not in row and audit:
            row["id"] = len(rows) + 1
        rows.append(row)
        if audit:
            from app.core.audit import serialize

            values = {k: serialize(v) for k, v in row.items() if v is not None and k != "id"}  # as the hook writes
            self.audit.append(
                {
                    "entity": table,
                    "record_id": row["id"],
                    "action": "create",
                    "source": "import",
                    "username": "bench",
                    "new_value": json.dumps(values, ensure_ascii=False),
                    "created_at": datetime(2025, 1, 1),
                }
            )
        return row.get("id")


def build_dataset(
    n_deals: int,
    today: date,
    seed: int = 2025,
    *,
    negotiations: int | None = None,
    projects: int | None = None,
    applications: int | None = None,
) -> dict:
    """Write the reference data, three users and the generated business rows; return the users' names.

    ``negotiations`` (about that many 洽谈记录 in all; default 1–4 per deal), ``projects`` (default
    deals/10) and ``applications`` (default deals×3/20) scale the other tables independently, e.g.
    the issue-15 county: 20,000 deals, 200,000 negotiations, 3,000 projects, 5,000 applications.
    """
    from app.auth.services import create_user
    from app.core.audit import AuditEntry
    from app.extensions import db
    from app.people.models import FundChannel, Industry, Leader, Target, Unit
    from app.people.seeds import seed_reference_data

    rng = random.Random(seed)
    seed_reference_data()
    leaders = [Leader(name=f"基准领导{i:02d}", title="副县长", taskforce_role="成员", sort_order=i) for i in range(24)]
    db.session.add_all(leaders)
    db.session.flush()
    units = db.session.scalars(sa.select(Unit).order_by(Unit.sort_order)).all()
    townships = [u.id for u in units if u.kind == "乡镇"]
    departments = [u.id for u in units if u.kind != "乡镇"]
    by_name = {u.name: u for u in units}
    for township in townships:
        db.session.add(
            Target(year=today.year, metric="signed_amount", unit_id=township, value=rng.choice([8, 10, 15]) * 10**9)
        )
    industries = db.session.scalars(sa.select(Industry.id)).all()
    channels = db.session.execute(sa.select(FundChannel.id, FundChannel.is_bond)).all()
    leader_ids = [leader.id for leader in leaders]
    create_user(username="bench_taskforce", password=PASSWORD, role="taskforce", display_name="专班（基准）")
    create_user(
        username="bench_unit", password=PASSWORD, role="unit", unit=by_name["巴公镇"], display_name="巴公镇（基准）"
    )
    db.session.commit()

    rows = Rows()
    first = date(today.year - 1, 1, 2)
    project_ids = _projects(rows, rng, projects or n_deals // 10, today, townships, departments, leader_ids, industries)
    per_deal = (negotiations / n_deals) if negotiations else None
    _deals(rows, rng, n_deals, first, today, townships, departments, leader_ids, industries, project_ids, per_deal)
    _funds(
        rows, rng, applications or n_deals * 3 // 20, today, channels, townships, departments, leader_ids, project_ids
    )
    projects = project_ids
    _problems(rows, rng, n_deals // 20, today, projects, len(rows.tables["deals"]), townships, departments, leader_ids)

    metadata = db.metadata
    for table in metadata.sorted_tables:
        data = rows.audit if table is AuditEntry.__table__ else rows.tables.get(table.name, [])
        # An executemany takes its columns from the first row: give every row the same keys.
        keys = {key for row in data for key in row}
        data = [{key: row.get(key) for key in keys} for row in data]
        for start in range(0, len(data), 5000):
            db.session.execute(sa.insert(table), data[start : start + 5000])
    try:
        from app.funds.current_status import refresh_current_status
    except ImportError:  # the code before issue 15 has no current-status columns
        pass
    else:
        refresh_current_status(db.session.connection())  # what the flush hook keeps for rows the app writes
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            for table in metadata.sorted_tables:
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                    conn.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f'(SELECT coalesce(max(id), 0) + 1 FROM "{table.name}"), false)'
                        )
                    )
            conn.execute(sa.text("ANALYZE"))  # what autovacuum would have done on a live database
    return {"taskforce": "bench_taskforce", "unit": "bench_unit"}


def _projects(rows, rng, count, today, townships, departments, leaders, industries) -> list[int]:
    ids = []
    for i in range(count):
        plan_year = today.year if i % 10 < 7 else today.year - 1
        annual = rng.choice([800, 1500, 2500, 3500, 5000, 6000, 8000, 12000, 20000]) * WAN
        township = rng.choice(townships)
        planned = _day(rng, date(plan_year, 2, 1), date(plan_year, 9, 30))
        started = None
        if rng.random() < 0.7 and planned + timedelta(days=30) <= today:
            started = min(today, planned + timedelta(days=rng.randint(-20, 60)))
        pid = rows.add(
            "projects",
            {
                "name": f"基准项目{i:05d}",
                "code": f"2{plan_year % 100:02d}0-140525-04-01-{i:06d}",
                "nature": "续建" if i % 4 == 0 else "新建",
                "plan_year": plan_year,
                "industry_id": rng.choice(industries),
                "township_id": township,
                "lead_unit_id": rng.choice([township, township, *departments[:8]]),
                "leader_id": rng.choice(leaders),
                "total_investment_yuan": annual * rng.randint(1, 4),
                "annual_plan_yuan": annual,
                "reserve_status": "实施" if started else rng.choice(["储备", "前期"]),
                "planned_start_on": planned,
                "actual_start_on": started,
                "planned_completion_on": date(plan_year + 1, 12, 31),
            },
        )
        ids.append(pid)
        month = started.replace(day=1) if started else None
        while month and month.year == plan_year:
            period = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            if period > today:
                break
            rows.add(
                "project_investments",
                {"project_id": pid, "period_on": period, "amount_yuan": annual * rng.randint(5, 14) // 100},
            )
            month = period + timedelta(days=1)
    return ids


def _negotiation_count(rng, per_deal: float | None) -> int:
    """1–4 a deal by default; else a count averaging ``per_deal`` (uniform on 1 .. 2×per_deal−1)."""
    if per_deal is None:
        return rng.randint(1, 4)
    return rng.randint(1, max(1, round(2 * per_deal - 1)))


def _deals(
    rows, rng, count, first, today, townships, departments, leaders, industries, projects, per_deal: float | None = None
) -> None:
    for i in range(count):
        investor = rows.add(
            "investors",
            {"name": f"基准投资公司{i:05d}", "origin": rng.choice(["省外", "市外", "县外", "本地"]), "region": "北京"},
        )
        township = rng.choice(townships)
        lead_on = _day(rng, first, today - timedelta(days=5))
        target = _weighted(rng, STAGE_WEIGHTS)
        path = STAGE_PATHS.get(target) or (["在谈", "已签约", "终止"] if rng.random() < 0.5 else ["在谈", "终止"])
        amount = rng.choice([3000, 5000, 8000, 12000, 20000, 30000, 50000, 80000, 100000]) * WAN
        deal = {
            "id": i + 1,
            "name": f"基准招商项目{i:05d}",
            "investor_id": investor,
            "industry_id": rng.choice(industries),
            "contract_amount_yuan": amount,
            "agreement_type": "正式合同",
            "is_counted": rng.random() > 0.05,
            "lead_unit_id": township if rng.random() < 0.7 else rng.choice(departments[:4]),
            "township_id": township,
            "leader_id": rng.choice(leaders),
            "stage": "线索",
            "lead_on": lead_on,
            "contact_name": "王经理",
        }
        changes = [(None, "线索", lead_on)]
        day = lead_on
        for stage in path:
            nxt = day + timedelta(days=rng.randint(*STAGE_GAPS[stage]))
            if nxt > today:
                break
            changes.append((deal["stage"], stage, nxt))
            if stage == "暂缓":
                deal["stage_before_hold"] = deal["stage"]
            if stage in DATE_COLUMNS:
                deal[DATE_COLUMNS[stage]] = nxt
            if stage == "终止":
                deal["termination_reason"] = "企业投资计划调整"
            deal["stage"], day = stage, nxt
        if deal.get("signed_on") and rng.random() < 0.5:
            deal["project_id"] = rng.choice(projects)
        last = day
        for _ in range(_negotiation_count(rng, per_deal)):
            held = _day(rng, lead_on, min(today, day + timedelta(days=30)))
            follow = held + timedelta(days=rng.randint(3, 40)) if rng.random() < 0.7 else None
            rows.add(
                "negotiations",
                {
                    "deal_id": deal["id"],
                    "held_on": held,
                    "kind": rng.choice(["来访", "外出拜访", "电话视频"]),
                    "our_participants": "投促中心",
                    "their_participants": "王经理",
                    "content": "双方就项目选址、用地规模和建设周期进行了深入交流",
                    "result": "达成初步共识",
                    "next_step": "跟进落实",
                    "next_follow_up_on": follow,
                    "follow_up_done": bool(follow and follow < today - timedelta(days=20)),
                },
            )
            last = max(last, held)
        deal["last_activity_on"] = last
        rows.add("deals", deal)
        for from_stage, to_stage, on in changes:
            rows.add(
                "deal_stage_changes",
                {
                    "deal_id": deal["id"],
                    "from_stage": from_stage,
                    "to_stage": to_stage,
                    "effective_on": on,
                    "recorded_at": datetime(on.year, on.month, on.day, 9),
                },
            )
        if deal.get("signed_on") and deal["stage"] not in ("已签约",) and rng.random() < 0.7:
            for _ in range(rng.randint(1, 3)):
                received = deal["signed_on"] + timedelta(days=rng.randint(15, 200))
                if received <= today:
                    rows.add(
                        "funds_in_place",
                        {
                            "deal_id": deal["id"],
                            "received_on": received,
                            "kind": "固定资产",
                            "amount_yuan": amount * rng.randint(5, 30) // 100,
                            "evidence": "银行进账单",
                        },
                    )
        if rng.random() < 0.1:
            co = rng.choice(townships)
            if co not in (deal["township_id"], deal["lead_unit_id"]):
                rows.add("deal_co_units", {"deal_id": deal["id"], "unit_id": co}, audit=False)


def _funds(rows, rng, count, today, channels, townships, departments, leaders, projects) -> None:
    for i in range(count):
        channel_id, is_bond = channels[i % len(channels)]
        year = today.year if i % 10 < 7 else today.year - 1
        status = _weighted(rng, FUND_WEIGHTS)
        start = _day(rng, date(year, 1, 5), min(today, date(year, 10, 31)) - timedelta(days=60))
        deadline = start + timedelta(days=rng.randint(20, 60))
        if status == "谋划储备" and i % 3 == 0:
            deadline = today + timedelta(days=rng.randint(-3, 12))
        requested = rng.choice([500, 1000, 2000, 3000, 5000, 8000, 12000]) * WAN
        app_ = {
            "id": i + 1,
            "channel_id": channel_id,
            "year": year,
            "batch": f"{year}年第{i % 3 + 1}批",
            "title": f"基准申报{i:05d}",
            "applicant_unit_id": rng.choice([*townships[:6], *departments[:6]]),
            "leader_id": rng.choice(leaders),
            "requested_yuan": requested,
            "deadline_on": deadline,
            "status": "谋划储备",
        }
        changes = [(None, "谋划储备", start)]
        entries, reviews = [], []
        approved = requested * rng.choice([60, 80, 100]) // 100
        day = start
        for step in FUND_PATHS[status]:
            nxt = day + timedelta(days=rng.randint(7, 35))
            if nxt > today:
                break
            changes.append((app_["status"], step, nxt))
            app_["status"], day = step, nxt
            if step == "已申报":
                app_["declared_on"] = nxt
            if step == "审核中":
                reviews.append(("县", "通过", nxt))
            if step in ("已下达", "未通过"):
                app_["decided_on"] = nxt
                reviews.append(("省", "通过" if step == "已下达" else "未通过", nxt))
            if step == "已下达":
                entries.append(("下达", nxt, approved))
                if is_bond:
                    entries.append(("发行", nxt, approved))
            if step == "执行中":
                disbursed = approved * rng.choice([50, 70, 100]) // 100
                entries.append(("拨付", nxt, disbursed))
                spent_on = nxt + timedelta(days=rng.randint(10, 60))
                if spent_on <= today:
                    entries.append(("支出", spent_on, disbursed * rng.randint(30, 95) // 100))
        rows.add("fund_applications", app_)
        rows.add(
            "fund_application_projects", {"application_id": app_["id"], "project_id": rng.choice(projects)}, audit=False
        )
        for from_status, to_status, on in changes:
            rows.add(
                "fund_status_changes",
                {
                    "application_id": app_["id"],
                    "from_status": from_status,
                    "to_status": to_status,
                    "effective_on": on,
                    "recorded_at": datetime(on.year, on.month, on.day, 9),
                },
            )
        for level, decision, on in reviews:
            rows.add(
                "fund_reviews",
                {
                    "application_id": app_["id"],
                    "level": level,
                    "decision": decision,
                    "decided_on": on,
                    "opinion": "材料齐全",
                },
            )
        for kind, on, amount in entries:
            rows.add(
                "fund_ledger_entries",
                {"application_id": app_["id"], "kind": kind, "entry_on": on, "amount_yuan": amount},
            )


def _problems(rows, rng, count, today, projects, n_deals, townships, departments, leaders) -> None:
    for i in range(count):
        found = _day(rng, today - timedelta(days=300), today - timedelta(days=2))
        problem = {
            "id": i + 1,
            "description": f"基准问题{i:05d}：项目用地报批手续滞后，影响开工",
            "found_on": found,
            "unit_id": rng.choice([*townships, *departments[:6]]),
            "leader_id": rng.choice(leaders),
            "deadline_on": found + timedelta(days=rng.choice([7, 15, 30, 45])),
            "status": "待交办",
            "escalation_level": 1,
        }
        if i % 5:
            problem["project_id"] = rng.choice(projects)
        else:
            problem["deal_id"] = rng.randint(1, n_deals)
        changes = [(None, "待交办", found)]
        fate = i % 6
        if fate >= 1:
            changes.append(("待交办", "已交办", min(today, found + timedelta(days=1))))
        if fate in (2, 3) and problem["deadline_on"] < today:
            changes.append(("已交办", "督办中", min(today, problem["deadline_on"] + timedelta(days=1))))
            problem["escalation_level"] = 2 if fate == 2 else 3
        if fate == 4:
            resolved = min(today, found + timedelta(days=rng.randint(3, 20)))
            changes.append(("已交办", "已销号", resolved))
            problem["resolved_on"], problem["resolution"] = resolved, "已协调解决"
        problem["status"] = changes[-1][1]
        rows.add("problems", problem)
        for from_status, to_status, on in changes:
            rows.add(
                "problem_status_changes",
                {
                    "problem_id": problem["id"],
                    "from_status": from_status,
                    "to_status": to_status,
                    "effective_on": on,
                    "recorded_at": datetime(on.year, on.month, on.day, 9),
                },
            )


def check_consistency() -> None:
    """Every deal date column equals the effective date of its stage-history row, both ways."""
    from app.deals.models import Deal, DealStageChange
    from app.extensions import db

    for stage, column in DATE_COLUMNS.items():
        change = (
            sa.select(DealStageChange.effective_on)
            .where(DealStageChange.deal_id == Deal.id, DealStageChange.to_stage == stage)
            .scalar_subquery()
        )
        bad = db.session.scalar(
            sa.select(sa.func.count(Deal.id)).where(
                sa.or_(
                    getattr(Deal, column) != change,
                    sa.and_(getattr(Deal, column).is_(None), change.is_not(None)),
                    sa.and_(getattr(Deal, column).is_not(None), change.is_(None)),
                )
            )
        )
        assert bad == 0, f"{bad} deals whose {column} does not mirror the {stage} history row"
    bad = db.session.scalar(
        sa.select(sa.func.count(Deal.id)).where(
            Deal.lead_on
            != sa.select(DealStageChange.effective_on)
            .where(DealStageChange.deal_id == Deal.id, DealStageChange.to_stage == "线索")
            .scalar_subquery()
        )
    )
    assert bad == 0, f"{bad} deals whose lead_on does not mirror the 线索 history row"


def dataset_sizes() -> list[tuple[str, int]]:
    from app.extensions import db

    names = [
        "deals",
        "deal_stage_changes",
        "negotiations",
        "funds_in_place",
        "investors",
        "projects",
        "project_investments",
        "fund_applications",
        "fund_status_changes",
        "fund_reviews",
        "fund_ledger_entries",
        "problems",
        "problem_status_changes",
        "audit_entries",
    ]
    return [(name, db.session.scalar(sa.text(f'SELECT count(*) FROM "{name}"'))) for name in names]
