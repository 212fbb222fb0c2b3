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


def _cache():
    """The figures cache, or a stand-in where the code has none (to measure the code before it)."""
    try:
        from app.core.cache import cache
    except ImportError:

        class NoCache:
            def clear(self):
                return None

        return NoCache()
    return cache


def time_functions(app, repeat: int, counter: QueryCounter, today: date) -> list[tuple[str, dict]]:
    from bench_floor import check_against, floor_figures

    from app.dashboard.metrics import alert_counts, alert_groups, alerts, compute_metrics, signed_not_started
    from app.extensions import db
    from app.reports.excel import build_xlsx
    from app.reports.figures import Edition, ReportMonth, collect_figures
    from app.reports.pdf import build_pdf

    cache = _cache()
    # Without the cache (the code before issue 15) both names are the plain functions.
    metrics_uncached = getattr(compute_metrics, "uncached", compute_metrics)
    groups_uncached = getattr(alert_groups, "uncached", alert_groups)
    month = ReportMonth(today.year, today.month - 1) if today.month > 1 else ReportMonth(today.year - 1, 12)
    results = []
    with app.app_context():
        figures = collect_figures(month)
        problems = check_against(
            metrics_uncached(today.year, today), floor_figures(db.session.connection(), today.year, today)
        )
        if problems:
            raise SystemExit("the SQL floor and compute_metrics differ:\n" + "\n".join(problems))

        def fresh(fn):
            def run():
                db.session.remove()  # no identity-map carry-over between runs
                return fn()

            return run

        def cold(fn):
            def run():
                cache.clear()  # a cache miss: the first read after a write
                return fn()

            return run

        def report_total():
            cache.clear()
            data = collect_figures(month)
            return len(build_pdf(data, Edition(today))) + len(build_xlsx(data, Edition(today)))

        def floor():
            with db.engine.connect() as connection:
                return floor_figures(connection, today.year, today)

        cases = [
            ("SQL floor (hand-written, same headline figures)", floor),
            (
                f"compute_metrics({today.year}, {today.isoformat()}) cache miss",
                lambda: metrics_uncached(today.year, today),
            ),
            ("compute_metrics cache hit", lambda: compute_metrics(today.year, today)),
            ("alerts() county-wide", lambda: alerts(today.year, today)),
            ("alert_counts() county-wide", lambda: alert_counts(today.year, today)),
            (
                "alert_groups(50 per kind) county-wide, cache miss",
                lambda: groups_uncached(today.year, today, limit_per_kind=50),
            ),
            ("signed_not_started()", lambda: signed_not_started(today.year, today)),
            (f"report collect_figures({month.key}) cache miss", cold(lambda: collect_figures(month))),
            ("report build_pdf", lambda: build_pdf(figures, Edition(today))),
            ("report build_xlsx", lambda: build_xlsx(figures, Edition(today))),
            ("report figures + PDF + Excel (cache miss)", report_total),
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
        busiest = (
            sa.select(Deal.id)
            .join(Negotiation, Negotiation.deal_id == Deal.id)
            .where(Deal.stage == "已投产")
            .group_by(Deal.id)
            .order_by(sa.func.count(Negotiation.id).desc(), Deal.id)
        )
        deal_id = db.session.scalar(busiest.limit(1))
        unit_deal_id = db.session.scalar(busiest.where(Deal.lead_unit_id == unit_id).limit(1)) or db.session.scalar(
            sa.select(Deal.id).where(Deal.lead_unit_id == unit_id).order_by(Deal.id)
        )
        leader_id = db.session.scalar(
            sa.select(Deal.leader_id).group_by(Deal.leader_id).order_by(sa.func.count().desc(), Deal.leader_id).limit(1)
        )
        project_id = db.session.scalar(
            sa.select(Deal.project_id)
            .where(Deal.project_id.is_not(None))
            .group_by(Deal.project_id)
            .order_by(sa.func.count().desc(), Deal.project_id)
            .limit(1)
        )
        unit_project_id = db.session.scalar(
            sa.select(Project.id).where(Project.township_id == unit_id).order_by(Project.id).limit(1)
        )
    pages = [
        ("/ (home)", "/", "/"),
        ("/dashboard", "/dashboard", "/dashboard"),
        ("/dashboard cache miss", "/dashboard#cold", "/dashboard#cold"),
        ("/api/metrics", "/api/metrics", "/api/metrics"),
        ("/deals/", "/deals/", "/deals/"),
        # One match at every scale (名称 基准招商项目00123 / 基准项目00123): the cost of finding it.
        ("/deals/?q= (search)", "/deals/?q=招商项目00123", "/deals/?q=招商项目00123"),
        ("/api/search/projects?q=", "/api/search/projects?q=项目00123", "/api/search/projects?q=项目00123"),
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


def _getter(app, client, url: str, role: str):
    cold = url.endswith("#cold")
    url = url.removesuffix("#cold")

    def get():
        if cold:
            with app.app_context():
                _cache().clear()
        response = client.get(url)
        assert response.status_code == 200, f"{url} as {role}: {response.status_code}"
        return len(response.data)

    return get


def time_pages(
    app, users: dict, repeat: int, counter: QueryCounter, *, exports: bool = True
) -> list[tuple[str, dict, dict | None]]:
    pages, _ = page_list(app)
    if not exports:
        pages = [page for page in pages if "export" not in page[0]]
    results: dict[str, dict] = {"taskforce": {}, "unit": {}}
    for role, column in (("taskforce", 1), ("unit", 2)):
        client = app.test_client()
        response = client.post("/login", data={"username": users[role], "password": PASSWORD})
        assert response.status_code == 302, f"login as {role} failed"
        for page in pages:
            url = page[column]
            if url is None:
                continue

            if client.get(url.removesuffix("#cold")).status_code == 404:
                continue  # a page this version does not have (e.g. /api/search before issue 15)
            results[role][page[0]] = measure(_getter(app, client, url, role), repeat, counter)
    return [(label, results["taskforce"].get(label), results["unit"].get(label)) for label, *_ in pages]


def _cells(m: dict | None) -> str:
    if m is None:
        return "— | — | —"
    return f"{m['median']:.0f} | {m['max']:.0f} | {m['queries']}"


def run_scale(database_url: str, args, today: date, n_deals: int, *, small: bool = False) -> dict:
    """Build one dataset (emptying the database) and time functions and pages on it."""
    from app import create_app
    from app.extensions import db
    from config import DevelopmentConfig

    class BenchConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        CRM_TODAY = today.isoformat()
        WTF_CSRF_ENABLED = False
        LOGIN_SLOW_SECONDS = 0.0
        CACHE_TYPE = "SimpleCache"
        SECRET_KEY = __import__("secrets").token_hex(32)  # the app refuses weak keys outside testing

    scale = n_deals / args.deals
    app = create_app(BenchConfig)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        started = time.perf_counter()
        users = build_dataset(
            n_deals,
            today,
            negotiations=args.negotiations and int(args.negotiations * scale),
            projects=args.projects and int(args.projects * scale),
            applications=args.applications and int(args.applications * scale),
        )
        build_seconds = time.perf_counter() - started
        check_consistency()
        sizes = dataset_sizes()
        backend = f"{db.engine.dialect.name} {'.'.join(map(str, db.engine.dialect.server_version_info or ()))}"
        db.session.remove()
        counter = QueryCounter(db.engine)
    functions = [] if small else time_functions(app, args.repeat, counter, today)
    pages = time_pages(app, users, args.repeat, counter, exports=args.exports and not small)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {
        "deals": n_deals,
        "backend": backend.strip(),
        "build": build_seconds,
        "sizes": sizes,
        "functions": functions,
        "pages": pages,
    }


def _median(rows, label, column=1):
    for row in rows:
        if row[0] == label and row[column] is not None:
            return row[column]["median"]
    return None


def print_ratios(main_run: dict, small_run: dict | None) -> None:
    functions = dict(main_run["functions"])
    floor = functions["SQL floor (hand-written, same headline figures)"]["median"]
    print("\n### Ratios (same run)\n")
    print("| figure | goal | measured |\n|---|---|---:|")
    pairs = [
        (
            "compute_metrics cache miss ÷ SQL floor",
            "≤ 2×",
            functions[next(k for k in functions if k.startswith("compute_metrics(") and k.endswith("miss"))]["median"],
        ),
        ("compute_metrics cache hit ÷ SQL floor", "≤ 2×", functions["compute_metrics cache hit"]["median"]),
        ("GET /dashboard (taskforce) ÷ SQL floor", "≤ 2×", _median(main_run["pages"], "/dashboard")),
        ("GET /dashboard cache miss (taskforce) ÷ SQL floor", "—", _median(main_run["pages"], "/dashboard cache miss")),
    ]
    for label, goal, value in pairs:
        if value is not None:
            print(f"| {label} | {goal} | {value / floor:.1f}× ({value:.0f} / {floor:.0f} ms) |")
    total = functions["report figures + PDF + Excel (cache miss)"]["median"]
    print(f"| monthly report figures + PDF + Excel | < 2 s | {total / 1000:.2f} s |")
    if small_run:
        for label in (
            "/funds/",
            "/deals/",
            "/deals/?q= (search)",
            "/api/search/projects?q=",
            "/deals/board (kanban)",
            "/projects/",
        ):
            big, little = _median(main_run["pages"], label), _median(small_run["pages"], label)
            if big and little:
                print(
                    f"| {label} at {main_run['deals']:,} vs {small_run['deals']:,} deals (taskforce) | flat | "
                    f"{big / little:.1f}× ({big:.0f} / {little:.0f} ms) |"
                )


def print_run(run: dict, args, today: date, load_before: float) -> None:
    print(
        f"## {run['backend']}: {run['deals']:,} deals, today {today.isoformat()}, {args.repeat} runs after a warm-up\n"
    )
    print(
        f"1-minute load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (`nproc` {os.cpu_count()})\n"
    )
    print(
        f"Dataset built in {run['build']:.1f} s: "
        + ", ".join(f"{name} {count:,}" for name, count in run["sizes"])
        + "\n"
    )
    if run["functions"]:
        print("| function | median ms | max ms | queries |\n|---|---:|---:|---:|")
        for label, m in run["functions"]:
            print(f"| {label} | {_cells(m)} |")
    print("\n| page | taskforce median ms | max ms | queries | unit (巴公镇) median ms | max ms | queries |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, tf, unit in run["pages"]:
        print(f"| {label} | {_cells(tf)} | {_cells(unit)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", help="PostgreSQL URL of a database to EMPTY and fill (name must contain 'bench')"
    )
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--negotiations", type=int, help="洽谈记录 in all (default 1–4 a deal); e.g. 200000")
    parser.add_argument("--projects", type=int, help="projects (default deals/10); e.g. 3000")
    parser.add_argument("--applications", type=int, help="fund applications (default deals×3/20); e.g. 5000")
    parser.add_argument(
        "--compare-deals",
        type=int,
        help="also time the pages on a smaller county first (same proportions), for the 'flat' ratios",
    )
    parser.add_argument("--no-exports", dest="exports", action="store_false", help="skip the full Excel exports")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--today", default="2025-11-20", help="pinned 'today' (CRM_TODAY); the year measured is its year"
    )
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

    load_before = os.getloadavg()[0]
    small_run = None
    try:
        if args.compare_deals:
            small_run = run_scale(database_url, args, today, args.compare_deals, small=True)
        main_run = run_scale(database_url, args, today, args.deals)
    finally:
        if path:
            os.remove(path)
    print_run(main_run, args, today, load_before)
    if small_run:
        print(
            f"\nSmaller county for the scale ratios: {small_run['deals']:,} deals, built in {small_run['build']:.1f} s: "
            + ", ".join(f"{name} {count:,}" for name, count in small_run["sizes"])
        )
        print("\n| page | taskforce median ms | max ms | queries | unit (巴公镇) median ms | max ms | queries |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for label, tf, unit in small_run["pages"]:
            print(f"| {label} | {_cells(tf)} | {_cells(unit)} |")
    print_ratios(main_run, small_run)


if __name__ == "__main__":
    main()
