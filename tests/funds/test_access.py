"""Who may open and change which application: the role matrix on the record pages, and scoping by URL."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.permissions import MATRIX, ROLES
from app.extensions import db
from app.funds.models import FundApplication, FundLedgerEntry, FundReview, FundStatusChange

WAN = 10_000
READ_PAGES = ["/funds/{id}"]
EDIT_PAGES = ["/funds/{id}/edit", "/funds/{id}/status", "/funds/{id}/reviews/new", "/funds/{id}/ledger/new"]


@pytest.fixture
def world(make):
    ch = make.channel("地方政府专项债券", is_bond=True)
    mine, other = make.unit("甲镇"), make.unit("乙镇")
    me, them = make.leader("甲领导"), make.leader("乙领导")
    own = make.fund_application(
        "甲镇申报",
        channel_obj=ch,
        applicant_unit=mine,
        leader=me,
        requested=1000 * WAN,
        steps=[("已申报", date(2025, 2, 10))],
        ledger=[("下达", date(2025, 3, 1), 800 * WAN)],
    )
    foreign = make.fund_application(
        "乙镇申报",
        channel_obj=ch,
        applicant_unit=other,
        leader=them,
        requested=2000 * WAN,
        steps=[("已申报", date(2025, 2, 10))],
        ledger=[("下达", date(2025, 3, 1), 900 * WAN)],
    )
    db.session.commit()
    return {"channel": ch, "mine": mine, "other": other, "me": me, "them": them, "own": own, "foreign": foreign}


def _user_for(make, role, world):
    return make.user(
        role, unit=world["mine"] if role == "unit" else None, leader=world["me"] if role == "leader" else None
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_record_pages_follow_the_matrix(client, login, make, world, role):
    user = _user_for(make, role, world)
    db.session.commit()
    login(user)
    allowed = MATRIX["funds"].get(role)
    for page in READ_PAGES:
        expected = 200 if allowed else 403
        assert client.get(page.format(id=world["own"].id)).status_code == expected, (role, page)
    for page in [*EDIT_PAGES, "/funds/new"]:
        expected = 200 if allowed == "edit" else 403
        assert client.get(page.format(id=world["own"].id)).status_code == expected, (role, page)
    detail = client.get(f"/funds/{world['own'].id}").get_data(as_text=True)
    listing = client.get("/funds/").get_data(as_text=True)
    assert ('data-testid="btn-status"' in detail) == (allowed == "edit")
    assert ("登记申报" in listing) == (allowed == "edit")


@pytest.mark.parametrize("role", ["unit", "leader"])
def test_scoped_users_see_only_their_applications(client, login, make, world, role):
    login(_user_for(make, role, world))
    listing = client.get("/funds/").get_data(as_text=True)
    assert "甲镇申报" in listing and "乙镇申报" not in listing and "合计 1 项" in listing
    export = client.get("/funds/export").data
    import io

    import openpyxl

    titles = [r[0] for r in openpyxl.load_workbook(io.BytesIO(export)).active.iter_rows(min_row=3, values_only=True)]
    assert titles == ["甲镇申报", "合计 1 项"]
    summary = client.get("/funds/summary?year=2025&as_of=2025-12-31").get_data(as_text=True)
    row = summary[summary.index('data-channel="地方政府专项债券"') :]
    assert 'data-key="approved">800<' in row[: row.index("</tr>")]
    for page in READ_PAGES:
        assert client.get(page.format(id=world["foreign"].id)).status_code == 404, page
    for page in EDIT_PAGES:  # leaders are refused any edit page before the record is even looked up
        expected = 404 if role == "unit" else 403
        assert client.get(page.format(id=world["foreign"].id)).status_code == expected, page


def test_unit_user_cannot_change_another_units_application_by_url(client, login, make, world):
    login(_user_for(make, "unit", world))
    foreign = world["foreign"]
    before = [
        db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (FundStatusChange, FundReview, FundLedgerEntry)
    ]
    posts = {
        f"/funds/{foreign.id}/status": {"to_status": "审核中", "effective_on": "2025-03-01"},
        f"/funds/{foreign.id}/reviews/new": {"level": "县", "decision": "通过", "decided_on": "2025-03-01"},
        f"/funds/{foreign.id}/ledger/new": {"kind": "拨付", "entry_on": "2025-03-02", "amount_yuan": "100"},
        f"/funds/{foreign.id}/edit": {
            "title": "改名",
            "channel_id": world["channel"].id,
            "year": 2025,
            "applicant_unit_id": world["mine"].id,
            "requested_yuan": "1",
        },
    }
    for url, form in posts.items():
        assert client.post(url, data=form).status_code == 404, url
    db.session.expire_all()
    assert foreign.title == "乙镇申报" and foreign.status == "已申报"
    assert before == [
        db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (FundStatusChange, FundReview, FundLedgerEntry)
    ]
    # Its own application it may change.
    ok = client.post(f"/funds/{world['own'].id}/status", data={"to_status": "审核中", "effective_on": "2025-03-05"})
    assert ok.status_code == 302


def test_unit_user_files_only_for_its_own_unit(client, login, make, world):
    login(_user_for(make, "unit", world))
    form = {
        "title": "新申报",
        "channel_id": world["channel"].id,
        "year": 2025,
        "applicant_unit_id": world["other"].id,
        "leader_id": 0,
        "requested_yuan": "300",
        "status": "谋划储备",
        "effective_on": "2025-04-01",
    }
    refused = client.post("/funds/new", data=form)
    assert refused.status_code == 200 and "不是有效的选择" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(FundApplication).where(FundApplication.title == "新申报")) is None
    page = client.get("/funds/new").get_data(as_text=True)
    assert "乙镇" not in page
    assert client.post("/funds/new", data={**form, "applicant_unit_id": world["mine"].id}).status_code == 302
    created = db.session.scalar(sa.select(FundApplication).where(FundApplication.title == "新申报"))
    assert created.applicant_unit_id == world["mine"].id


@pytest.mark.parametrize("role", ["leader", "investment"])
def test_read_only_roles_cannot_post(client, login, make, world, role):
    login(_user_for(make, role, world))
    own = world["own"]
    assert (
        client.post(f"/funds/{own.id}/status", data={"to_status": "审核中", "effective_on": "2025-03-01"}).status_code
        == 403
    )
    assert (
        client.post(
            f"/funds/{own.id}/ledger/new", data={"kind": "拨付", "entry_on": "2025-03-02", "amount_yuan": "100"}
        ).status_code
        == 403
    )
    assert client.post("/funds/new", data={"title": "x"}).status_code == 403
    db.session.expire_all()
    assert own.status == "已申报" and len(own.ledger) == 1


def test_anonymous_users_are_sent_to_login(client, world):
    for page in READ_PAGES + EDIT_PAGES:
        response = client.get(page.format(id=world["own"].id))
        assert response.status_code == 302 and "/login" in response.location
