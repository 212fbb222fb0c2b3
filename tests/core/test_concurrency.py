"""Rules that read before they write hold under simultaneous requests (run on PostgreSQL too)."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.deals.models import Deal, DealStageChange
from app.extensions import db
from app.funds.models import FundApplication, FundLedgerEntry
from app.funds.services import add_ledger_entry
from tests.concurrent import post_together


@pytest.fixture
def finance(make, seeded):
    user = make.user("finance")
    db.session.commit()
    return user


def test_two_simultaneous_disbursements_cannot_both_pass_the_approved_ceiling(app, make, finance):
    application = make.application(status="已申报")
    add_ledger_entry(application, kind="下达", entry_on=date(2025, 3, 1), amount_yuan=1_000_000)
    db.session.commit()
    entry = {"kind": "拨付", "entry_on": "2025-04-01", "amount_yuan": "60", "note": "并发拨付"}
    results = post_together(app, finance.username, [(f"/funds/{application.id}/ledger/new", entry)] * 2)
    assert all(status < 500 for status, _ in results), results
    db.session.rollback()
    disbursed = db.session.scalars(
        sa.select(FundLedgerEntry.amount_yuan).where(
            FundLedgerEntry.application_id == application.id, FundLedgerEntry.kind == "拨付"
        )
    ).all()
    assert disbursed == [600_000]
    assert sum("将超过下达金额" in message for _, message in results) == 1, results


def test_simultaneous_stage_moves_leave_one_history_row(app, make, seeded):
    officer = make.user("investment")
    deal = make.deal(stage="已签约")
    db.session.commit()
    move = {"to_stage": "已注册", "effective_on": "2025-04-01"}
    results = post_together(app, officer.username, [(f"/deals/{deal.id}/stage", move)] * 6)
    assert all(status < 500 for status, _ in results), results
    db.session.rollback()
    rows = db.session.scalars(
        sa.select(DealStageChange).where(DealStageChange.deal_id == deal.id, DealStageChange.to_stage == "已注册")
    ).all()
    assert len(rows) == 1
    assert db.session.get(Deal, deal.id).stage == "已注册"


def test_simultaneous_creates_of_one_application_give_one_row_and_messages(app, make, finance):
    channel = make.channel()
    db.session.commit()
    form = {
        "channel_id": str(channel.id),
        "year": "2025",
        "title": "同名申报",
        "status": "谋划储备",
        "effective_on": "2025-03-01",
        "requested_yuan": "100",
        "applicant_unit_id": "0",
        "leader_id": "0",
    }
    results = post_together(app, finance.username, [("/funds/new", form)] * 4)
    assert all(status < 500 for status, _ in results), results
    db.session.rollback()
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(FundApplication).where(FundApplication.title == "同名申报")
    )
    assert count == 1
    assert sum("已有名为" in message for _, message in results) == 3, results
