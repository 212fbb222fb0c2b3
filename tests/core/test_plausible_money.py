"""Soft money ceilings: the 10 万亿 slip is refused until 我已核对金额 is ticked, and the tick is audited."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.deals.models import Deal
from app.extensions import db
from app.funds.models import FundApplication, FundLedgerEntry


@pytest.fixture
def admin(make, login, seeded):
    user = make.user("admin")
    db.session.commit()
    login(user)
    return user


def _deal_form(**extra):
    return {
        "name": "某电池材料项目",
        "contract_amount_yuan": "999999999",
        "lead_on": "2025-06-01",
        "is_counted": "y",
        "investor_id": "0",
        "industry_id": "0",
        "lead_unit_id": "0",
        "township_id": "0",
        "leader_id": "0",
        "agreement_type": "",
        **extra,
    }


def test_ten_wan_yi_slip_is_refused_without_confirmation(client, admin):
    page = client.post("/deals/new", data=_deal_form())
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "超过合理上限" in body and "我已核对金额" in body and 'data-testid="amount-confirmation"' in body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 0


def test_confirmed_amount_is_saved_and_audited(client, admin):
    response = client.post("/deals/new", data=_deal_form(contract_amount_yuan="150亿", confirm_amount="y"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    deal = db.session.scalar(sa.select(Deal))
    assert deal.contract_amount_yuan == 15_000_000_000
    confirm = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "confirm"))
    assert (confirm.entity, confirm.record_id, confirm.field, confirm.new_value) == (
        "deals",
        deal.id,
        "contract_amount_yuan",
        "15000000000",
    )
    assert confirm.username == admin.username
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert "核对金额" in page


def test_plausible_amount_needs_no_confirmation(client, admin):
    response = client.post("/deals/new", data=_deal_form(contract_amount_yuan="5亿"))
    assert response.status_code == 302
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "confirm")) == 0
    )


def test_ceiling_is_configurable(app, client, admin, monkeypatch):
    monkeypatch.setitem(app.config, "MONEY_CEILINGS_YUAN", {"deals.contract_amount_yuan": 100_000_000})
    page = client.post("/deals/new", data=_deal_form(contract_amount_yuan="2亿"))
    assert page.status_code == 200 and "合理上限 10,000 万元" in page.get_data(as_text=True)


def test_application_above_fifty_yi_needs_confirmation(client, admin, make):
    channel = make.channel("中央预算内投资", is_bond=False)
    db.session.commit()
    data = {
        "channel_id": channel.id,
        "year": "2025",
        "title": "巨额申报",
        "requested_yuan": "60亿",
        "applicant_unit_id": "0",
        "leader_id": "0",
        "effective_on": "2025-03-01",
        "status": "谋划储备",
    }
    assert client.post("/funds/new", data=data).status_code == 200
    assert client.post("/funds/new", data={**data, "confirm_amount": "y"}).status_code == 302
    assert db.session.scalar(sa.select(FundApplication.requested_yuan)) == 6_000_000_000


def test_ledger_entry_above_the_request_needs_confirmation(client, admin, make):
    channel = make.channel("中央预算内投资", is_bond=False)
    app_ = make.fund_application(channel_obj=channel, requested=10_000_000, steps=[("已申报", date(2025, 3, 1))])
    db.session.commit()
    url = f"/funds/{app_.id}/ledger/new"
    page = client.post(url, data={"kind": "下达", "entry_on": "2025-04-01", "amount_yuan": "1500"})
    assert page.status_code == 200 and "申请金额 1,000 万元" in page.get_data(as_text=True)
    ok = client.post(url, data={"kind": "下达", "entry_on": "2025-04-01", "amount_yuan": "1500", "confirm_amount": "y"})
    assert ok.status_code == 302
    assert db.session.scalar(sa.select(FundLedgerEntry.amount_yuan)) == 15_000_000


def test_zero_and_negative_are_errors_where_impossible(client, admin, make):
    deal = make.deal(stage="已签约")
    db.session.commit()
    zero = client.post(
        f"/deals/{deal.id}/funds/new", data={"received_on": "2025-06-01", "amount_yuan": "0", "kind": "固定资产"}
    )
    negative = client.post(
        f"/deals/{deal.id}/funds/new", data={"received_on": "2025-06-01", "amount_yuan": "-5", "kind": "固定资产"}
    )
    assert zero.status_code == 200 and negative.status_code == 200
    assert "须大于0" in zero.get_data(as_text=True)
    assert "负数" in negative.get_data(as_text=True)


def test_editing_other_fields_of_a_confirmed_amount_needs_no_new_tick(client, admin):
    client.post("/deals/new", data=_deal_form(contract_amount_yuan="150亿", confirm_amount="y"))
    deal = db.session.scalar(sa.select(Deal))
    edit = client.post(
        f"/deals/{deal.id}/edit", data=_deal_form(name="某电池材料项目（一期）", contract_amount_yuan="1500000")
    )
    assert edit.status_code == 302, edit.get_data(as_text=True)[:2000]
    raised = client.post(
        f"/deals/{deal.id}/edit", data=_deal_form(name="某电池材料项目（一期）", contract_amount_yuan="160亿")
    )
    assert raised.status_code == 200 and "我已核对金额" in raised.get_data(as_text=True)
