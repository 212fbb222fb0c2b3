"""Browser tests: the app served on 127.0.0.1 in a thread, driven by Debian's Chromium via Playwright.

Every page a test opens is watched: any request to a host other than the app fails the test
(county intranets are offline). Without Chromium the tests skip locally, but fail under CI.
"""

import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

from app import create_app
from config import TestingConfig

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(database_url, app):
    """The app with CSRF on, serving the test database on a free local port."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = True
        ATTACHMENTS_DIR = app.config["ATTACHMENTS_DIR"]

    server_app = create_app(Config)
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: browser tests must run in CI")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser page; asserts afterwards that every request went to the app itself."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    app_host = urlparse(live_server).netloc
    outside: list[str] = []
    failed: list[str] = []
    page.on(
        "request",
        lambda req: (
            outside.append(req.url)
            if urlparse(req.url).scheme in ("http", "https") and urlparse(req.url).netloc != app_host
            else None
        ),
    )
    page.on(
        "response",
        lambda res: (
            failed.append(f"{res.status} {res.url}")
            if res.status >= 400 and urlparse(res.url).path.startswith("/static/")
            else None
        ),
    )
    page.requests_outside = outside
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-failure.png"), full_page=True)
    context.close()
    assert outside == [], f"requests left the app: {outside}"
    assert failed == [], f"static assets failed to load: {failed}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def browser_login(page):
    """browser_login(user) signs the page in through the real login form."""
    from tests.factories import PASSWORD

    def do_login(user, password: str = PASSWORD):
        page.goto("/login")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        return page

    return do_login


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
