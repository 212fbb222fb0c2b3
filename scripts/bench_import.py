"""Benchmark the ledger import: build a 10,000-row ledger, time preview, commit, re-preview and undo.

    .venv/bin/python scripts/bench_import.py                 # deals, 10,000 rows, SQLite
    .venv/bin/python scripts/bench_import.py --kind all --rows 10000
    .venv/bin/python scripts/bench_import.py --kind all \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test_perf

Each phase runs in a fresh process and reports its wall and CPU time and how far the
process's peak RSS (VmHWM) rose above its RSS at the start of the phase.

Uses a throw-away SQLite file (never instance/crm.sqlite3), or with ``--database-url`` a
throw-away database whose tables are dropped and re-created for each kind. Each row of the
deals ledger is signed (and half of them started), so a commit writes the deal, its investor
and 3–5 stage-history rows per row; each funds row an application, 4 status rows and 2 ledger
entries; all through the services, audited.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TOWNSHIPS = ["巴公", "南村", "高都", "金村", "大阳", "周村"]
INDUSTRIES = ["新材料", "新能源", "数字经济", "现代物流"]


def _write(headers: list[str], rows: list[list]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("台账")
    sheet.write(0, 0, "泽州县台账（基准测试）")
    sheet.write_row(1, 0, headers)
    for index, row in enumerate(rows, start=2):
        sheet.write_row(index, 0, row)
    book.close()
    return buffer.getvalue()


def deals_ledger(count: int) -> bytes:
    headers = [
        "序号",
        "项目名称",
        "投资方",
        "产业类别",
        "签约额(亿元)",
        "当前阶段",
        "线索日期",
        "签约日期",
        "开工日期",
        "所在乡镇",
        "责任单位",
    ]
    start = date(2025, 1, 2)
    rows = []
    for i in range(count):
        signed = start + timedelta(days=i % 150)
        started = signed + timedelta(days=30) if i % 2 else None
        rows.append(
            [
                i + 1,
                f"基准招商项目{i:05d}",
                f"基准投资公司{i:05d}",
                INDUSTRIES[i % 4],
                f"{(i % 50 + 1) / 10}",
                "开工" if started else "签约",
                (signed - timedelta(days=20)).isoformat(),
                f"{signed:%Y年%m月%d日}",
                started.isoformat() if started else None,
                TOWNSHIPS[i % 6],
                "投促中心",
            ]
        )
    return _write(headers, rows)


def projects_ledger(count: int) -> bytes:
    headers = [
        "项目名称",
        "统一项目代码",
        "建设性质",
        "所在乡镇",
        "总投资（万元）",
        "年度计划投资（万元）",
        "计划开工日期",
        "储备状态",
    ]
    rows = [
        [
            f"基准项目{i:05d}",
            f"2501-140525-04-01-{i:06d}",
            "新建" if i % 3 else "续建",
            TOWNSHIPS[i % 6],
            10000 + i,
            2000 + i % 5000,
            "2025-03-01",
            "实施",
        ]
        for i in range(count)
    ]
    return _write(headers, rows)


def funds_ledger(count: int) -> bytes:
    headers = [
        "申报项目名称",
        "资金渠道",
        "申报年度",
        "申请金额（万元）",
        "当前状态",
        "申报日期",
        "下达金额（万元）",
        "下达日期",
        "拨付金额（万元）",
        "拨付日期",
    ]
    rows = [
        [
            f"基准申报{i:05d}",
            ["专项债", "中央预算内", "两重"][i % 3],
            2025,
            1000,
            "执行中",
            "2025-02-01",
            800,
            "2025-04-01",
            500,
            "2025-05-01",
        ]
        for i in range(count)
    ]
    return _write(headers, rows)


BUILDERS = {"deals": deals_ledger, "projects": projects_ledger, "funds": funds_ledger}


PHASES = ("preview", "commit", "reimport_preview", "undo")


def _rss_kib(field: str) -> int:
    """VmRSS / VmHWM (peak) of this process from /proc/self/status, in KiB (0 where there is no /proc)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _phase(kind: str, phase: str, database_url: str, ledger: str) -> dict:
    """One phase in this (fresh) process: its wall/CPU time and how far the peak RSS rose above the start."""
    from app import create_app
    from app.extensions import db
    from app.imports import services
    from app.imports.models import ImportBatch
    from app.people.seeds import seed_reference_data
    from config import DevelopmentConfig

    class BenchConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        CRM_TODAY = "2025-12-31"
        SECRET_KEY = __import__("secrets").token_hex(32)  # the app refuses weak keys outside testing

    app = create_app(BenchConfig)
    with app.app_context():
        if phase == "setup":
            db.drop_all()
            db.create_all()
            seed_reference_data()
            db.session.commit()
            Path(ledger).write_bytes(BUILDERS[kind](int(os.environ["BENCH_ROWS"])))
            return {}
        if phase == "drop":
            db.drop_all()
            return {}
        content = Path(ledger).read_bytes()
        batch = db.session.scalar(sa_select_last_batch(ImportBatch))
        db.session.commit()
        base = _rss_kib("VmRSS")
        c0, t0 = time.process_time(), time.perf_counter()
        if phase == "preview":
            batch = services.start_preview(kind, f"{kind}.xlsx", content, user=None)
            db.session.commit()
            assert batch.error_count == 0, services.stored_preview(batch)["rows"][:3]
        elif phase == "commit":
            services.commit_batch(batch, user=None, create_leaders=False)
            db.session.commit()
        elif phase == "reimport_preview":
            plan, _lookups = services.build_plan(kind, content, f"{kind}.xlsx", create_leaders=False)
            assert plan.count("unchanged") == plan.summary()["total"]
        elif phase == "undo":
            services.undo_batch(batch, user=None)
            db.session.commit()
        c1, t1 = time.process_time(), time.perf_counter()
        db.session.remove()
        db.engine.dispose()
    return {"time": t1 - t0, "cpu": c1 - c0, "rss_start": base, "rss_peak": _rss_kib("VmHWM")}


def sa_select_last_batch(model):
    import sqlalchemy as sa

    return sa.select(model).order_by(model.id.desc()).limit(1)


def _run_phase(kind: str, phase: str, database_url: str, ledger: str, rows: int) -> dict:
    import json
    import subprocess

    env = {**os.environ, "BENCH_ROWS": str(rows)}
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            phase,
            "--kind",
            kind,
            "--database-url",
            database_url,
            "--ledger",
            ledger,
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(kind: str, rows: int, database_url: str | None = None) -> dict:
    """Every phase in a fresh process, so each peak RSS is its own (a worker serving that one request)."""
    path = None
    if database_url is None:
        handle, path = tempfile.mkstemp(prefix=f"bench_import_{kind}_", suffix=".sqlite3")
        os.close(handle)
        database_url = f"sqlite:///{path}"
    handle, ledger = tempfile.mkstemp(prefix=f"bench_import_{kind}_", suffix=".xlsx")
    os.close(handle)
    try:
        _run_phase(kind, "setup", database_url, ledger, rows)
        result = {"kind": kind, "rows": rows, "file_kb": os.path.getsize(ledger) // 1024}
        for phase in PHASES:
            result[phase] = _run_phase(kind, phase, database_url, ledger, rows)
        if path is None:
            _run_phase(kind, "drop", database_url, ledger, rows)
        return result
    finally:
        os.remove(ledger)
        if path is not None:
            os.remove(path)


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=[*BUILDERS, "all"], default="deals")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        help="a throw-away database (its tables are dropped), e.g. "
        "postgresql+psycopg://postgres@127.0.0.1:5432/test_perf; default: a temporary SQLite file",
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)  # internal: run one phase in this process
    parser.add_argument("--ledger", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.database_url and args.database_url.rstrip("/").endswith("crm.sqlite3"):
        parser.error("refusing to benchmark on instance/crm.sqlite3")
    if args.phase:
        print(json.dumps(_phase(args.kind, args.phase, args.database_url, args.ledger)))
        return
    kinds = list(BUILDERS) if args.kind == "all" else [args.kind]
    print("seconds (CPU) and peak RSS growth of the process above its start, MiB")
    print(f"{'kind':<9}{'rows':>7}{'file':>8}" + "".join(f"{p:>24}" for p in PHASES))
    for kind in kinds:
        r = run(kind, args.rows, args.database_url)
        cells = "".join(
            f"{r[p]['time']:>8.1f}s ({r[p]['cpu']:>4.1f}) {(r[p]['rss_peak'] - r[p]['rss_start']) // 1024:>4} MiB"
            for p in PHASES
        )
        print(f"{r['kind']:<9}{r['rows']:>7}{r['file_kb']:>6}KB{cells}", flush=True)


if __name__ == "__main__":
    main()
