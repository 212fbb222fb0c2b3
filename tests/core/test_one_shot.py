"""One-shot forms: the same create form posted twice (one after the other, or at the same time)
stores one record, and the second post is shown the record the first one created."""

import threading
import urllib.parse
import urllib.request
from datetime import date
from http.cookiejar import CookieJar

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.core.once import TOKEN_FIELD, FormSubmission, new_token
from app.deals.models import Deal, FundsInPlace, Investor, Negotiation
from app.extensions import db
from app.funds.models import FundApplication, FundLedgerEntry
from app.people.models import Unit
from app.problems.models import Problem
from app.projects.models import Project
from tests.factories import PASSWORD


def _count(model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def world(make, seeded):
    admin = make.user("admin", username="admin1")
    channel = make.channel("中央预算内投资", is_bond=False)
    app_ = make.fund_application(
        "东区管网改造",
        channel_obj=channel,
        requested=50_000_000,
        steps=[("已申报", date(2025, 3, 1)), ("已下达", date(2025, 4, 1))],
        ledger=[("下达", date(2025, 4, 1), 40_000_000)],
    )
    deal = make.deal("新能源电池", stage="已签约")
    project = make.project("城区供热")
    unit = make.unit("住建局", kind="部门")
    db.session.commit()
    return {"unit": unit, "admin": admin, "application": app_, "deal": deal, "project": project, "channel": channel}


def test_form_renders_a_token(client, login, world):
    login(world["admin"])
    page = client.get(f"/funds/{world['application'].id}/ledger/new").data.decode()
    assert f'name="{TOKEN_FIELD}"' in page


def test_second_post_with_same_token_creates_nothing_and_shows_first_record(client, login, world):
    login(world["admin"])
    app_id = world["application"].id
    data = {"kind": "拨付", "entry_on": "2025-05-01", "amount_yuan": "1000", TOKEN_FIELD: new_token()}
    first = client.post(f"/funds/{app_id}/ledger/new", data=data)
    second = client.post(f"/funds/{app_id}/ledger/new", data=data)
    assert first.status_code == 302 and second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"] == f"/funds/{app_id}"
    assert _count(FundLedgerEntry) == 2  # the 下达 of the fixture and one 拨付
    followed = client.get(second.headers["Location"]).data.decode()
    assert "该表单已提交过" in followed


def test_refused_post_keeps_the_token_usable(client, login, world):
    login(world["admin"])
    app_id = world["application"].id
    token = new_token()
    refused = client.post(
        f"/funds/{app_id}/ledger/new",
        data={"kind": "拨付", "entry_on": "2025-05-01", "amount_yuan": "99999", TOKEN_FIELD: token},
    )
    assert refused.status_code == 200  # 拨付 above 下达: the form again
    assert db.session.get(FormSubmission, token) is None
    ok = client.post(
        f"/funds/{app_id}/ledger/new",
        data={"kind": "拨付", "entry_on": "2025-05-01", "amount_yuan": "1000", TOKEN_FIELD: token},
    )
    assert ok.status_code == 302
    assert _count(FundLedgerEntry) == 2


def test_posts_without_token_are_unchanged(client, login, world):
    login(world["admin"])
    app_id = world["application"].id
    for _ in range(2):
        client.post(f"/funds/{app_id}/ledger/new", data={"kind": "拨付", "entry_on": "2025-05-01", "amount_yuan": "10"})
    assert _count(FundLedgerEntry) == 3


# ---- concurrent double posts against a served app --------------------------------------------


@pytest.fixture
def served(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _opener(base: str, username: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD}).encode()
    opener.open(base + "/login", body).read()
    return opener


def _race(base: str, opener, path: str, data: dict) -> list[int]:
    """POST the same form (same token) from two threads released together."""
    payload = urllib.parse.urlencode({**data, TOKEN_FIELD: new_token()}, doseq=True).encode()
    barrier = threading.Barrier(2)
    statuses: list = []

    def post():
        barrier.wait()
        try:
            with opener.open(base + path, payload) as response:
                statuses.append(response.status)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            statuses.append(repr(exc))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


def _cases(world):
    deal_id, app_id = world["deal"].id, world["application"].id
    return [
        (
            "deals",
            "/deals/new",
            {"name": "双击测试项目", "contract_amount_yuan": "5000", "lead_on": "2025-06-01", "is_counted": "y"},
            Deal,
        ),
        ("investors", "/deals/investors/new", {"name": "双击测试投资方"}, Investor),
        (
            "negotiations",
            f"/deals/{deal_id}/negotiations/new",
            {"held_on": "2025-06-01", "kind": "来访", "content": "洽谈厂房"},
            Negotiation,
        ),
        (
            "funds in place",
            f"/deals/{deal_id}/funds/new",
            {"received_on": "2025-06-01", "amount_yuan": "100", "kind": "固定资产"},
            FundsInPlace,
        ),
        (
            "ledger entries",
            f"/funds/{app_id}/ledger/new",
            {"kind": "拨付", "entry_on": "2025-05-01", "amount_yuan": "1000"},
            FundLedgerEntry,
        ),
        (
            "applications",
            "/funds/new",
            {
                "channel_id": world["channel"].id,
                "year": "2025",
                "title": "双击测试申报",
                "requested_yuan": "100",
                "status": "谋划储备",
                "effective_on": "2025-06-01",
                "applicant_unit_id": "0",
                "leader_id": "0",
            },
            FundApplication,
        ),
        (
            "problems",
            "/problems/new",
            {
                "project_id": world["project"].id,
                "description": "用地手续未办",
                "found_on": "2025-06-01",
                "escalation_level": "1",
            },
            Problem,
        ),
        (
            "users",
            "/admin/users/new",
            {
                "username": "twice",
                "role": "investment",
                "active": "y",
                "password": "Quiet-Orchard-58",
                "unit_id": "0",
                "leader_id": "0",
            },
            None,
        ),
        (
            "units",
            "/admin/reference/units/new",
            {"name": "双击测试单位", "kind": "乡镇", "sort_order": "0", "is_active": "y"},
            Unit,
        ),
        (
            "projects",
            "/projects/new",
            {
                "name": "双击测试库项目",
                "plan_year": "2025",
                "total_investment_yuan": "1000",
                "key_choice": "auto",
                "reserve_status": "储备",
                "nature": "新建",
                "lead_unit_id": world["unit"].id,
                "industry_id": "0",
                "township_id": "0",
                "leader_id": "0",
            },
            Project,
        ),
    ]


def test_concurrent_double_posts_create_one_record_each(served, world):
    from app.auth.models import User

    opener = _opener(served, "admin1")
    for name, path, data, model in _cases(world):
        model = model or User
        before = _count(model)
        statuses = _race(served, opener, path, data)
        assert statuses == [200, 200], (name, statuses)
        assert _count(model) == before + 1, f"{name}: {_count(model) - before} records from two posts"
