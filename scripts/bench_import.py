"""Benchmark the ledger import: build a 10,000-row ledger, time preview, commit, re-preview and undo.

    .venv/bin/python scripts/bench_import.py                 # deals, 10,000 rows, SQLite
    .venv/bin/python scripts/bench_import.py --kind all --rows 10000
    .venv/bin/python scripts/bench_import.py --kind all \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test_perf

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
    headers = ["序号", "项目名称", "投资方", "产业类别", "签约额(亿元)", "当前阶段", "线索日期", "签约日期", "开工日期",
               "所在乡镇", "责任单位"]
    start = date(2025, 1, 2)
    rows = []
    for i in range(count):
        signed = start + timedelta(days=i % 150)
        started = signed + timedelta(days=30) if i % 2 else None
        rows.append([i + 1, f"基准招商项目{i:05d}", f"基准投资公司{i:05d}", INDUSTRIES[i % 4], f"{(i % 50 + 1) / 10}",
                     "开工" if started else "签约", (signed - timedelta(days=20)).isoformat(), f"{signed:%Y年%m月%d日}",
                     started.isoformat() if started else None, TOWNSHIPS[i % 6], "投促中心"])
    return _write(headers, rows)


def projects_ledger(count: int) -> bytes:
    headers = ["项目名称", "统一项目代码", "建设性质", "所在乡镇", "总投资（万元）", "年度计划投资（万元）", "计划开工日期",
               "储备状态"]
    rows = [[f"基准项目{i:05d}", f"2501-140525-04-01-{i:06d}", "新建" if i % 3 else "续建", TOWNSHIPS[i % 6],
             10000 + i, 2000 + i % 5000, "2025-03-01", "实施"] for i in range(count)]
    return _write(headers, rows)


def funds_ledger(count: int) -> bytes:
    headers = ["申报项目名称", "资金渠道", "申报年度", "申请金额（万元）", "当前状态", "申报日期", "下达金额（万元）", "下达日期",
               "拨付金额（万元）", "拨付日期"]
    rows = [[f"基准申报{i:05d}", ["专项债", "中央预算内", "两重"][i % 3], 2025, 1000, "执行中", "2025-02-01", 800,
             "2025-04-01", 500, "2025-05-01"] for i in range(count)]
    return _write(headers, rows)


BUILDERS = {"deals": deals_ledger, "projects": projects_ledger, "funds": funds_ledger}


def run(kind: str, rows: int, database_url: str | None = None) -> dict:
    from app import create_app
    from app.extensions import db
    from app.imports import services
    from app.people.seeds import seed_reference_data
    from config import DevelopmentConfig

    path = None
    if database_url is None:
        handle, path = tempfile.mkstemp(prefix=f"bench_import_{kind}_", suffix=".sqlite3")
        os.close(handle)
        database_url = f"sqlite:///{path}"

    class BenchConfig(DevelopmentConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        CRM_TODAY = "2025-12-31"
        SECRET_KEY = __import__("secrets").token_hex(32)  # the app refuses weak keys outside testing

    try:
        app = create_app(BenchConfig)
        with app.app_context():
            db.drop_all()
            db.create_all()
            seed_reference_data()
            db.session.commit()
            content = BUILDERS[kind](rows)
            c0, t0 = time.process_time(), time.perf_counter()
            batch = services.start_preview(kind, f"{kind}.xlsx", content, user=None)
            db.session.commit()
            c1, t1 = time.process_time(), time.perf_counter()
            assert batch.error_count == 0, services.stored_preview(batch)["rows"][:3]
            services.commit_batch(batch, user=None, create_leaders=False)
            db.session.commit()
            c2, t2 = time.process_time(), time.perf_counter()
            plan, _lookups = services.build_plan(kind, content, f"{kind}.xlsx", create_leaders=False)
            t3 = time.perf_counter()
            assert plan.count("unchanged") == rows
            undo_batch = db.session.get(type(batch), batch.id)
            services.undo_batch(undo_batch, user=None)
            db.session.commit()
            t4 = time.perf_counter()
            db.session.remove()
            if path is None:
                db.drop_all()
            db.engine.dispose()
        return {"kind": kind, "rows": rows, "file_kb": len(content) // 1024, "preview": t1 - t0,
                "commit": t2 - t1, "reimport_preview": t3 - t2, "undo": t4 - t3,
                "preview_cpu": c1 - c0, "commit_cpu": c2 - c1}
    finally:
        if path is not None:
            os.remove(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=[*BUILDERS, "all"], default="deals")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", help="a throw-away database (its tables are dropped), e.g. "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test_perf; default: a temporary SQLite file")
    args = parser.parse_args()
    if args.database_url and args.database_url.rstrip("/").endswith("crm.sqlite3"):
        parser.error("refusing to benchmark on instance/crm.sqlite3")
    kinds = list(BUILDERS) if args.kind == "all" else [args.kind]
    print(f"{'kind':<9}{'rows':>7}{'file':>8}{'preview':>10}{'commit':>10}{'re-preview':>12}{'undo':>9}"
          f"{'preview CPU':>13}{'commit CPU':>12}")
    for kind in kinds:
        r = run(kind, args.rows, args.database_url)
        print(f"{r['kind']:<9}{r['rows']:>7}{r['file_kb']:>6}KB{r['preview']:>9.1f}s{r['commit']:>9.1f}s"
              f"{r['reimport_preview']:>11.1f}s{r['undo']:>8.1f}s{r['preview_cpu']:>12.1f}s{r['commit_cpu']:>11.1f}s",
              flush=True)


if __name__ == "__main__":
    main()
