"""Benchmark the read side (metrics, alerts, monthly report, key pages) on a large generated dataset.

    .venv/bin/python scripts/bench.py                                  # temp SQLite file, 20,000 deals
    .venv/bin/python scripts/bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python scripts/bench.py --deals 5000 --repeat 3

The database is the script's own: a throw-away SQLite file by default, or the PostgreSQL database
named by --database-url, which is EMPTIED first (its name must contain "bench"). The dataset
(scripts/bench_data.py) is written with bulk core inserts, audit rows generated alongside, scaled
from --deals: projects = deals/10 with monthly investments, fund applications = deals*3/20 with
status history, reviews and ledgers, problems = deals/20. Deal date columns mirror the stage
history rows, which the script checks before timing. Each figure is timed with
time.perf_counter over --repeat runs after one warm-up run; pages go through the Flask test
client logged in as a task-force user and as a unit user (巴公镇). Results print as Markdown.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402
from bench_data import PASSWORD, build_dataset, check_consistency, dataset_sizes  # noqa: E402


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *args):
        self.count += 1


def measure(fn, repeat: int, counter: QueryCounter) -> dict:
    """Warm up once, then time ``repeat`` runs; queries are those of the last run."""
    result = fn()
    times = []
    for _ in range(repeat):
        counter.count = 0
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return {"median": statistics.median(times), "max": max(times), "queries": counter.count, "result": result}


def time_functions(app, repeat: int, counter: QueryCounter, today: date) -> list[tuple[str, dict]]:
    from app.dashboard.metrics import alert_counts, alert_groups, alerts, compute_metrics, signed_not_started
    from app.extensions import db
    from app.reports.excel import build_xlsx
    from app.reports.figures import Edition, ReportMonth, collect_figures
    from app.reports.pdf import build_pdf

    month = ReportMonth(today.year, today.month - 1) if today.month > 1 else ReportMonth(today.year - 1, 12)
    results = []
    with app.app_context():
        figures = collect_figures(month)

        def fresh(fn):
            def run():
                db.session.remove()  # no identity-map carry-over between runs
                return fn()
            return run

        cases = [
            (f"compute_metrics({today.year}, {today.isoformat()})", lambda: compute_metrics(today.year, today)),
            ("alerts() county-wide", lambda: alerts(today.year, today)),
            ("alert_counts() county-wide", lambda: alert_counts(today.year, today)),
            ("alert_groups(50 per kind) county-wide", lambda: alert_groups(today.year, today, limit_per_kind=50)),
            ("signed_not_started()", lambda: signed_not_started(today.year, today)),
            (f"report collect_figures({month.key})", lambda: collect_figures(month)),
            ("report build_pdf", lambda: build_pdf(figures, Edition(today))),
            ("report build_xlsx", lambda: build_xlsx(figures, Edition(today))),
        ]
        for label, fn in cases:
            results.append((label, measure(fresh(fn), repeat, counter)))
    return results


def page_list(app) -> tuple[list[tuple[str, str | None, str | None]], dict]:
    """(label, taskforce URL, unit URL) of the pages to time, and what they point at."""
    from app.deals.models import Deal, Negotiation
    from app.extensions import db
    from app.people.models import Unit
    from app.projects.models import Project

    with app.app_context():
        unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.name == "巴公镇"))
        busiest = (sa.select(Deal.id).join(Negotiation, Negotiation.deal_id == Deal.id)
                   .where(Deal.stage == "已投产").group_by(Deal.id).order_by(sa.func.count(Negotiation.id).desc(), Deal.id))
        deal_id = db.session.scalar(busiest.limit(1))
        unit_deal_id = db.session.scalar(busiest.where(Deal.lead_unit_id == unit_id).limit(1))
        leader_id = db.session.scalar(sa.select(Deal.leader_id).group_by(Deal.leader_id)
                                      .order_by(sa.func.count().desc(), Deal.leader_id).limit(1))
        project_id = db.session.scalar(sa.select(Deal.project_id).where(Deal.project_id.is_not(None))
                                       .group_by(Deal.project_id).order_by(sa.func.count().desc(), Deal.project_id).limit(1))
        unit_project_id = db.session.scalar(sa.select(Project.id).where(Project.township_id == unit_id)
                                            .order_by(Project.id).limit(1))
    pages = [
        ("/ (home)", "/", "/"),
        ("/dashboard", "/dashboard", "/dashboard"),
        ("/api/metrics", "/api/metrics", "/api/metrics"),
        ("/deals/", "/deals/", "/deals/"),
        ("/deals/board (kanban)", "/deals/board", "/deals/board"),
        ("/deals/{id}", f"/deals/{deal_id}", f"/deals/{unit_deal_id}"),
        ("/funds/", "/funds/", "/funds/"),
        ("/funds/summary", "/funds/summary", "/funds/summary"),
        ("/projects/", "/projects/", "/projects/"),
        ("/projects/{id}", f"/projects/{project_id}", f"/projects/{unit_project_id}"),
        ("/problems/", "/problems/", "/problems/"),
        ("/portfolios/leaders/{id}", f"/portfolios/leaders/{leader_id}", None),
        ("/portfolios/units/{id}", f"/portfolios/units/{unit_id}", f"/portfolios/units/{unit_id}"),
        ("/reports/", "/reports/", None),
        ("/deals/export.xlsx (all deals)", "/deals/export.xlsx", "/deals/export.xlsx"),
        ("/funds/export (all applications)", "/funds/export", "/funds/export"),
        ("/projects/export", "/projects/export", "/projects/export"),
    ]
    return pages, {"deal": deal_id, "unit_deal": unit_deal_id, "leader": leader_id, "unit": unit_id}


def _getter(client, url: str, role: str):
    def get():
        response = client.get(url)
        assert response.status_code == 200, f"{url} as {role}: {response.status_code}"
        return len(response.data)
    return get


def time_pages(app, users: dict, repeat: int, counter: QueryCounter) -> list[tuple[str, dict, dict | None]]:
    pages, _ = page_list(app)
    results: dict[str, dict] = {"taskforce": {}, "unit": {}}
    for role, column in (("taskforce", 1), ("unit", 2)):
        client = app.test_client()
        response = client.post("/login", data={"username": users[role], "password": PASSWORD})
        assert response.status_code == 302, f"login as {role} failed"
        for page in pages:
            url = page[column]
            if url is None:
                continue

            results[role][page[0]] = measure(_getter(client, url, role), repeat, counter)
    return [(label, results["taskforce"].get(label), results["unit"].get(label)) for label, *_ in pages]


def _cells(m: dict | None) -> str:
    if m is None:
        return "— | — | —"
    return f"{m['median']:.0f} | {m['max']:.0f} | {m['queries']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL of a database to EMPTY and fill (name must contain 'bench')")
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--today", default="2025-11-20", help="pinned 'today' (CRM_TODAY); the year measured is its year")
    args = parser.parse_args()
    today = date.fromisoformat(args.today)

    path = None
    if args.database_url:
        url = sa.engine.make_url(args.database_url)
        if "bench" not in (url.database or ""):
            parser.error("the database is emptied first: its name must contain 'bench'")
        database_url = args.database_url
    else:
        handle, path = tempfile.mkstemp(prefix="bench_", suffix=".sqlite3")
        os.close(handle)
        database_url = f"sqlite:///{path}"

    from app import create_app
    from app.extensions import db
    from config import DevelopmentConfig

    class BenchConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        CRM_TODAY = today.isoformat()
        SECRET_KEY = __import__("secrets").token_hex(32)  # the app refuses weak keys outside testing
        WTF_CSRF_ENABLED = False
        LOGIN_SLOW_SECONDS = 0.0

    load_before = os.getloadavg()[0]
    try:
        app = create_app(BenchConfig)
        with app.app_context():
            db.drop_all()
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            db.create_all()
            started = time.perf_counter()
            users = build_dataset(args.deals, today)
            build_seconds = time.perf_counter() - started
            check_consistency()
            sizes = dataset_sizes()
            backend = f"{db.engine.dialect.name} {'.'.join(map(str, db.engine.dialect.server_version_info or ()))}"
            db.session.remove()
            counter = QueryCounter(db.engine)
        functions = time_functions(app, args.repeat, counter, today)
        pages = time_pages(app, users, args.repeat, counter)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        if path:
            os.remove(path)

    print(f"## {backend.strip()}: {args.deals:,} deals, today {today.isoformat()}, {args.repeat} runs after a warm-up\n")
    print(f"1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (`nproc` {os.cpu_count()})\n")
    print(f"Dataset built in {build_seconds:.1f} s: " + ", ".join(f"{name} {count:,}" for name, count in sizes) + "\n")
    print("| function | median ms | max ms | queries |\n|---|---:|---:|---:|")
    for label, m in functions:
        print(f"| {label} | {_cells(m)} |")
    print("\n| page | taskforce median ms | max ms | queries | unit (巴公镇) median ms | max ms | queries |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, tf, unit in pages:
        print(f"| {label} | {_cells(tf)} | {_cells(unit)} |")


if __name__ == "__main__":
    main()
