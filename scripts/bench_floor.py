"""The SQL floor: the headline figures of ``compute_metrics`` written by hand, as few plain SQL
statements as the schema allows, no ORM. ``scripts/bench.py`` times it beside compute_metrics and
the dashboard, checks that both give the same numbers, and prints the ratios.

Headline figures: signed count/amount (year to date and month), started/production counts and the
started amount, lead conversion, funds in place, the per-channel fund figures, the unit ranking
figures, the monthly series, the project plan figures and the county targets.
"""

from datetime import date

import sqlalchemy as sa

KEY_PROJECT_THRESHOLD_YUAN = 50_000_000


def _month(dialect: str, column: str) -> str:
    return f"CAST(strftime('%m', {column}) AS INTEGER)" if dialect == "sqlite" else f"EXTRACT(MONTH FROM {column})"


def floor_figures(connection, year: int, as_of: date) -> dict:
    dialect = connection.dialect.name
    p = {
        "y0": date(year, 1, 1),
        "d": as_of,
        "m0": as_of.replace(day=1),
        "year": year,
        "q1": date(year, 3, 31),
        "h1": date(year, 6, 30),
        "q3": date(year, 9, 30),
    }
    true = "true" if dialect == "postgresql" else "1"
    signed = f"(is_counted = {true} AND signed_on >= :y0 AND signed_on <= :d)"
    started = "(started_on IS NOT NULL AND started_on <= :d)"
    deals = connection.execute(
        sa.text(f"""
        SELECT COUNT(*), SUM(contract_amount_yuan),
          SUM(CASE WHEN {started} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {started} THEN contract_amount_yuan ELSE 0 END),
          SUM(CASE WHEN production_on IS NOT NULL AND production_on <= :d THEN 1 ELSE 0 END),
          SUM(CASE WHEN signed_on >= :m0 THEN 1 ELSE 0 END),
          SUM(CASE WHEN signed_on >= :m0 THEN contract_amount_yuan ELSE 0 END)
        FROM deals WHERE {signed}
    """),
        p,
    ).one()
    count, amount, started_n, started_amount, production, month_n, month_amount = (int(v or 0) for v in deals)
    leads, leads_signed = (
        int(v or 0)
        for v in connection.execute(
            sa.text(f"""
        SELECT COUNT(*), SUM(CASE WHEN signed_on IS NOT NULL AND signed_on <= :d THEN 1 ELSE 0 END)
        FROM deals WHERE is_counted = {true} AND lead_on >= :y0 AND lead_on <= :d"""),
            p,
        ).one()
    )
    in_place = connection.execute(
        sa.text(f"""
        SELECT COALESCE(SUM(f.amount_yuan), 0) FROM deals JOIN funds_in_place f ON f.deal_id = deals.id
        WHERE {signed} AND f.received_on <= :d"""),
        p,
    ).scalar()
    units = {
        row[0]: (int(row[1]), int(row[2]), int(row[3]))
        for row in connection.execute(
            sa.text(f"""
        SELECT lead_unit_id, COUNT(*), SUM(contract_amount_yuan), SUM(CASE WHEN {started} THEN 1 ELSE 0 END)
        FROM deals WHERE {signed} GROUP BY lead_unit_id"""),
            p,
        )
    }
    monthly = {
        int(row[0]): int(row[1])
        for row in connection.execute(
            sa.text(f"""
        SELECT {_month(dialect, "signed_on")}, SUM(contract_amount_yuan) FROM deals WHERE {signed}
        GROUP BY {_month(dialect, "signed_on")}"""),
            p,
        )
    }
    has_current = "current_status" in {c["name"] for c in sa.inspect(connection).get_columns("fund_applications")}
    status = """CASE WHEN a.current_status_on IS NULL THEN NULL
                     WHEN a.current_status_on <= :d THEN a.current_status
                     ELSE (SELECT c.to_status FROM fund_status_changes c WHERE c.application_id = a.id
                           AND c.effective_on <= :d ORDER BY c.effective_on DESC, c.id DESC LIMIT 1) END"""
    if not has_current:  # the schema before issue 15: the latest change up to D, from the history
        status = """(SELECT c.to_status FROM fund_status_changes c WHERE c.application_id = a.id
                     AND c.effective_on <= :d ORDER BY c.effective_on DESC, c.id DESC LIMIT 1)"""
    channels = {
        row[0]: [int(v or 0) for v in row[1:]]
        for row in connection.execute(
            sa.text(f"""
        SELECT s.channel_id,
          SUM(CASE WHEN s.declared_on IS NOT NULL AND s.declared_on <= :d THEN 1 ELSE 0 END),
          SUM(CASE WHEN s.declared_on IS NOT NULL AND s.declared_on <= :d THEN s.requested_yuan ELSE 0 END),
          SUM(CASE WHEN s.status = '谋划储备' THEN 1 ELSE 0 END),
          SUM(CASE WHEN s.status IN ('已下达', '执行中', '已完成', '未通过') THEN 1 ELSE 0 END),
          SUM(CASE WHEN s.status IN ('已下达', '执行中', '已完成') THEN 1 ELSE 0 END),
          SUM(l.approved), SUM(l.issued), SUM(l.disbursed), SUM(l.spent)
        FROM (SELECT a.id, a.channel_id, a.declared_on, a.requested_yuan, {status} AS status
              FROM fund_applications a WHERE a.year = :year) s
        LEFT JOIN (SELECT application_id,
                     SUM(CASE WHEN kind = '下达' THEN amount_yuan ELSE 0 END) AS approved,
                     SUM(CASE WHEN kind = '发行' THEN amount_yuan ELSE 0 END) AS issued,
                     SUM(CASE WHEN kind = '拨付' THEN amount_yuan ELSE 0 END) AS disbursed,
                     SUM(CASE WHEN kind = '支出' THEN amount_yuan ELSE 0 END) AS spent
                   FROM fund_ledger_entries WHERE entry_on <= :d GROUP BY application_id) l
          ON l.application_id = s.id
        GROUP BY s.channel_id"""),
            p,
        )
    }
    key = f"(key_override = {true} OR (key_override IS NULL AND annual_plan_yuan >= {KEY_PROJECT_THRESHOLD_YUAN}))"
    new_started = "(nature = '新建' AND actual_start_on IS NOT NULL AND actual_start_on <= {due})"
    projects = connection.execute(
        sa.text(f"""
        SELECT COUNT(*), COALESCE(SUM(annual_plan_yuan), 0),
          SUM(CASE WHEN {key} THEN 1 ELSE 0 END), SUM(CASE WHEN {key} THEN annual_plan_yuan ELSE 0 END),
          SUM(CASE WHEN actual_start_on IS NOT NULL AND actual_start_on <= :d THEN 1 ELSE 0 END),
          SUM(CASE WHEN nature = '新建' THEN 1 ELSE 0 END),
          SUM(CASE WHEN {new_started.format(due=":d")} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {new_started.format(due=":q1")} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {new_started.format(due=":h1")} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {new_started.format(due=":q3")} THEN 1 ELSE 0 END),
          (SELECT COALESCE(SUM(i.amount_yuan), 0) FROM project_investments i JOIN projects pr ON pr.id = i.project_id
            WHERE pr.plan_year = :year AND i.period_on >= :y0 AND i.period_on <= :d),
          (SELECT COALESCE(SUM(total_investment_yuan), 0) FROM projects WHERE reserve_status IN ('储备', '前期'))
        FROM projects WHERE plan_year = :year"""),
        p,
    ).one()
    targets = {
        (row[0], row[1]): int(row[2])
        for row in connection.execute(sa.text("SELECT metric, unit_id, value FROM targets WHERE year = :year"), p)
    }
    return {
        "count": count,
        "amount": amount,
        "started_count": started_n,
        "started_amount": started_amount,
        "production_count": production,
        "month_count": month_n,
        "month_amount": month_amount,
        "leads": leads,
        "leads_signed": leads_signed,
        "in_place": int(in_place or 0),
        "units": units,
        "monthly": monthly,
        "channels": channels,
        "projects": [int(v or 0) for v in projects],
        "targets": targets,
    }


def check_against(metrics: dict, floor: dict) -> list[str]:
    """Differences between compute_metrics and the floor on the headline figures (empty when equal)."""
    problems = []

    def same(label, ours, theirs):
        if ours != theirs:
            problems.append(f"{label}: compute_metrics {ours} vs floor {theirs}")

    s, start, funnel = metrics["signed"], metrics["same_year_start"], metrics["funnel"]
    same("signed count", s["count"], floor["count"])
    same("signed amount", s["amount_yuan"], floor["amount"])
    same("month amount", s["month_amount_yuan"], floor["month_amount"])
    same("started", start["started_count"], floor["started_count"])
    same("started amount", start["started_amount_yuan"], floor["started_amount"])
    same("production", funnel["production_count"], floor["production_count"])
    same("leads", (funnel["leads_count"], funnel["leads_signed_count"]), (floor["leads"], floor["leads_signed"]))
    same("in place", metrics["funds_in_place"]["in_place_yuan"], floor["in_place"])
    same("target", s["target_yuan"], floor["targets"].get(("signed_amount", None)))
    same(
        "units",
        sorted(
            (u["unit_id"], u["signed_count"], u["signed_amount_yuan"]) for u in metrics["units"] if u["signed_count"]
        ),
        sorted((k, v[0], v[1]) for k, v in floor["units"].items() if k is not None),
    )
    same(
        "monthly",
        {m["month"]: m["signed_amount_yuan"] for m in metrics["monthly"] if m["signed_amount_yuan"]},
        floor["monthly"],
    )
    total = metrics["funds_total"]
    sums = [sum(v[i] for v in floor["channels"].values()) for i in range(9)]
    same(
        "funds",
        [
            total[k]
            for k in (
                "count",
                "requested_yuan",
                "reserve_count",
                "decided_count",
                "approved_count",
                "approved_yuan",
                "issued_yuan",
                "disbursed_yuan",
                "spent_yuan",
            )
        ],
        sums,
    )
    same(
        "projects",
        (metrics["projects"]["count"], metrics["projects"]["completed_yuan"]),
        (floor["projects"][0], floor["projects"][10]),
    )
    return problems
