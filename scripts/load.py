"""Load test with locust (headless): 50 users logged in with their CSRF tokens, the issue-15 mix.

    # a server on a filled database, e.g. the one scripts/bench.py --database-url … leaves behind:
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_perf CRM_ENV=production SECRET_KEY=… \\
      CRM_TODAY=2025-11-20 .venv/bin/gunicorn -c gunicorn.conf.py 'app:create_app()'
    LOAD_USERS=bench_taskforce LOAD_PASSWORD=Bench-2025-pass \\
      .venv/bin/locust -f scripts/load.py --headless -u 50 -r 10 -t 3m --host http://127.0.0.1:8000 \\
      --only-summary --csv /tmp/load

Mix (weights): 驾驶舱 10, deal list 30, deal page 30, kanban 10, funds list 10, POST 洽谈记录 10; each user
thinks 5 s (±1 s) between requests. At the end it prints p50/p95/p99 and errors per endpoint (locust's
own table and ``--csv`` files have them too). Deal ids come from the deal list pages the users read;
every POST sends back all hidden inputs of the form it was given (CSRF token, one-time form tokens).
Requests are named by endpoint, not URL, so the table has one row per endpoint.
"""

import os
import random
import re
from datetime import date

from locust import HttpUser, between, events, task

USERS = [name for name in os.environ.get("LOAD_USERS", "bench_taskforce").split(",") if name]
PASSWORD = os.environ.get("LOAD_PASSWORD", "Bench-2025-pass")
TODAY = os.environ.get("LOAD_TODAY", "2025-11-20")
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
ATTR = re.compile(r'(name|value)="([^"]*)"')
DEAL_LINK = re.compile(r'href="/deals/(\d+)"')


def hidden_fields(html: str) -> dict:
    """Every hidden input of a page (CSRF token, one-time form token …) as form data."""
    fields = {}
    for tag in HIDDEN.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


class CountyUser(HttpUser):
    wait_time = between(4, 6)  # 5 s think time

    def on_start(self):
        self.deal_ids: list[int] = []
        name = random.choice(USERS)
        page = self.client.get("/login", name="GET /login")
        data = {**hidden_fields(page.text), "username": name, "password": PASSWORD}
        with self.client.post(
            "/login", data=data, name="POST /login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {name}: {response.status_code}")
        self._read_deal_list(random.randint(1, 5))

    def _read_deal_list(self, page_number: int = 1):
        with self.client.get(f"/deals/?page={page_number}", name="GET /deals/", catch_response=True) as response:
            ids = [int(i) for i in DEAL_LINK.findall(response.text)]
            if ids:
                self.deal_ids = ids
            elif response.status_code == 200:
                response.failure("no deals on the list page")

    @task(10)
    def dashboard(self):
        self.client.get("/dashboard", name="GET /dashboard")

    @task(30)
    def deal_list(self):
        self._read_deal_list(random.randint(1, 20))

    @task(30)
    def deal_page(self):
        if self.deal_ids:
            self.client.get(f"/deals/{random.choice(self.deal_ids)}", name="GET /deals/{id}")

    @task(10)
    def kanban(self):
        self.client.get("/deals/board", name="GET /deals/board")

    @task(10)
    def funds_list(self):
        self.client.get("/funds/", name="GET /funds/")

    @task(10)
    def add_negotiation(self):
        if not self.deal_ids:
            return
        deal_id = random.choice(self.deal_ids)
        form = self.client.get(f"/deals/{deal_id}/negotiations/new", name="GET /deals/{id}/negotiations/new")
        data = {
            **hidden_fields(form.text),
            "held_on": TODAY,
            "kind": "电话视频",
            "content": "负载测试洽谈记录",
            "our_participants": "投促中心",
            "next_step": "跟进",
            "next_follow_up_on": str(date.fromisoformat(TODAY)),
        }
        with self.client.post(
            f"/deals/{deal_id}/negotiations/new",
            data=data,
            allow_redirects=False,
            name="POST /deals/{id}/negotiations/new",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"negotiation not saved: {response.status_code}")


@events.quitting.add_listener
def print_percentiles(environment, **_kwargs):
    stats = environment.stats
    print("\n| endpoint | requests | errors | p50 ms | p95 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        print(
            f"| {entry.method} {entry.name.removeprefix(entry.method + ' ')} | {entry.num_requests} | "
            f"{entry.num_failures} | {entry.get_response_time_percentile(0.5):.0f} | "
            f"{entry.get_response_time_percentile(0.95):.0f} | {entry.get_response_time_percentile(0.99):.0f} |"
        )
    total = stats.total
    print(
        f"| all | {total.num_requests} | {total.num_failures} | {total.get_response_time_percentile(0.5):.0f} | "
        f"{total.get_response_time_percentile(0.95):.0f} | {total.get_response_time_percentile(0.99):.0f} |"
    )
