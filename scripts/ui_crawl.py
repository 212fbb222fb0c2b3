"""Walk the running app as each demo role and screenshot every page reachable from the menus.

Usage (app running on a demo database, see README):
    .venv/bin/python scripts/ui_crawl.py [BASE_URL] [ROLES] [OUT_DIR]
    e.g. scripts/ui_crawl.py http://127.0.0.1:5301 admin,zhuanban,touzu,caizheng,bagong,lingdao /tmp/crawl

For each role it opens the home page, the menus, and up to two pages of every URL pattern linked
from them (a deal, an investor, a project, an application, a problem, leader and unit pages …),
saves full-page screenshots, and prints console errors, failed requests, statuses >= 400 and
pages slower than one second. Downloads (.xlsx, .pdf) and logout are skipped.
"""

import json
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlparse

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5301"
ROLES = (sys.argv[2] if len(sys.argv) > 2 else "admin,zhuanban,touzu,caizheng,bagong,lingdao").split(",")
OUT = Path(sys.argv[3] if len(sys.argv) > 3 else "test-artifacts/crawl")
PASSWORD = os.environ.get("DEMO_PASSWORD", "Zezhou2025")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
MAX_PAGES = 150
SKIP = re.compile(r"/logout|\.xlsx|\.pdf|/export|/file$|/template/")


def pattern(path: str, query: str) -> str:
    """/deals/12/edit?page=2&sort=x → /deals/{id}/edit?sort (one visit or two per pattern is enough)."""
    keys = sorted({part.split("=")[0] for part in query.split("&") if part} - {"page"})
    return re.sub(r"/\d+", "/{id}", path) + ("?" + "&".join(keys) if keys else "")


def crawl(browser, role: str) -> dict:
    context = browser.new_context(base_url=BASE, locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text} @ {page.url}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e} @ {page.url}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"status {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto("/login")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    host = urlparse(BASE).netloc
    queue = ["/"] + [a.get_attribute("href") for a in page.query_selector_all("nav a[href^='/']")]
    seen: dict[str, int] = {}
    visited: set[str] = set()
    timings = []
    while queue and len(timings) < MAX_PAGES:
        url = urlparse(queue.pop(0))
        path = url.path + (f"?{url.query}" if url.query else "")
        key = pattern(url.path, url.query)
        if path in visited or SKIP.search(path) or seen.get(key, 0) >= 2:
            continue
        seen[key] = seen.get(key, 0) + 1
        visited.add(path)
        start = time.monotonic()
        response = page.goto(path, wait_until="load")
        timings.append((round(time.monotonic() - start, 2), path, response.status if response else None))
        name = f"{role}__{len(timings):03d}_" + re.sub(r"[^A-Za-z0-9]+", "_", path)[:80]
        page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
        for link in page.query_selector_all("main a[href], nav a[href]"):
            href = link.get_attribute("href") or ""
            if href.startswith(("#", "javascript")):
                continue
            target = urlparse(urljoin(BASE + path, href))
            if target.netloc != host:
                problems.append(f"link leaves the app: {href} on {path}")
            else:
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    context.close()
    return {"problems": sorted(set(problems)), "slow": [t for t in timings if t[0] > 1.0], "pages": timings}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        report = {role: crawl(browser, role) for role in ROLES}
        browser.close()
    (OUT / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    for role, result in report.items():
        print(
            f"== {role}: {len(result['pages'])} pages, {len(result['problems'])} problems, {len(result['slow'])} slow"
        )
        for line in result["problems"] + [f"slow {s}" for s in result["slow"]]:
            print("  ", line)


if __name__ == "__main__":
    main()
