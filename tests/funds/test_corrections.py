"""Fund records are correctable like deals: 登记日期 and status dates (with a reason, audited),
back-dated registration, ledger voids, and 拨付 ≤ 发行 on bond channels."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.errors import InputError
from app.extensions import db
from app.funds import corrections, queries
from app.funds.models import FundApplication, FundLedgerEntry
from app.funds.services import add_ledger_entry, ledger_sums


@pytest.fixture(autouse=True)
def december(app, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_TODAY", "2025-12-10")


def test_bond_disbursement_may_not_exceed_issue(make):
    bond = make.channel("地方政府专项债券", is_bond=True)
    app_ = make.fund_application(
        channel_obj=bond,
        steps=[("已申报", date(2025, 3, 1)), ("已下达", date(2025, 4, 1))],
        ledger=[("下达", date(2025, 4, 1), 80_000_000), ("发行", date(2025, 5, 1), 40_000_000)],
    )
    with pytest.raises(InputError) as refused:  # 拨付 45 > 发行 40 although ≤ 下达 80
        add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 6, 1), amount_yuan=45_000_000)
    assert "发行" in refused.value.message and refused.value.field == "amount_yuan"
    add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 6, 1), amount_yuan=40_000_000)
    with pytest.raises(InputError):  # a 拨付 dated before the 发行 breaks the rule on its own date
        add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 4, 15), amount_yuan=1)
    adjusted = add_ledger_entry(
        app_,
        kind="拨付",
        entry_on=date(2025, 6, 2),
        amount_yuan=5_000_000,
        is_adjustment=True,
        reason="省财政先行拨付，债券下月发行",
    )
    db.session.flush()  # services flush only when they need an id
    assert adjusted.id
    figures = queries.channel_figures(2025, date(2025, 6, 30))["地方政府专项债券"]
    assert figures["spend_progress"] == 0  # 支出 0 ÷ 发行 40: never above 100% from a slip


def test_non_bond_channel_keeps_only_approved_ceiling(make):
    plain = make.channel("中央预算内投资", is_bond=False)
    app_ = make.fund_application(
        channel_obj=plain,
        steps=[("已申报", date(2025, 3, 1)), ("已下达", date(2025, 4, 1))],
        ledger=[("下达", date(2025, 4, 1), 80_000_000)],
    )
    add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 6, 1), amount_yuan=80_000_000)


def test_back_dated_application_created_with_march_dates(client, login, make):
    admin = make.user("admin")
    channel = make.channel("中央预算内投资", is_bond=False)
    db.session.commit()
    login(admin)
    response = client.post(
        "/funds/new",
        data={
            "channel_id": channel.id,
            "year": "2025",
            "title": "三月已申报的管网项目",
            "requested_yuan": "3000",
            "applicant_unit_id": "0",
            "leader_id": "0",
            "effective_on": "2025-03-02",
            "status": "已申报",
            "status_on": "2025-03-10",
        },
    )
    assert response.status_code == 302, response.data.decode()[:3000]
    app_ = db.session.scalar(sa.select(FundApplication))
    history = [(c.to_status, c.effective_on) for c in app_.status_changes]
    assert history == [("谋划储备", date(2025, 3, 2)), ("已申报", date(2025, 3, 10))]
    assert app_.declared_on == date(2025, 3, 10)
    assert queries.channel_figures(2025, date(2025, 3, 31))["中央预算内投资"]["count"] == 1
    assert queries.channel_figures(2025, date(2025, 3, 5))["中央预算内投资"]["count"] == 0


def test_status_before_registration_is_refused(make):
    channel = make.channel("中央预算内投资", is_bond=False)
    with pytest.raises(InputError) as refused:
        corrections.register_application(
            {"title": "倒序", "channel_id": channel.id, "year": 2025},
            registered_on=date(2025, 3, 10),
            status="已申报",
            status_on=date(2025, 3, 1),
        )
    assert refused.value.field == "status_on"


def test_registration_and_status_dates_are_correctable_with_reason(client, login, make):
    admin = make.user("admin")
    app_ = make.fund_application(start_on=date(2025, 12, 1), steps=[("已申报", date(2025, 12, 5))])
    db.session.commit()
    login(admin)
    first, declared = sorted(app_.status_changes, key=lambda c: c.id)
    no_reason = client.post(f"/funds/{app_.id}/status-changes/{first.id}/correct", data={"effective_on": "2025-03-01"})
    assert no_reason.status_code == 200 and "请填写更正原因" in no_reason.data.decode()
    ok = client.post(
        f"/funds/{app_.id}/status-changes/{first.id}/correct",
        data={"effective_on": "2025-03-01", "note": "三月已登记，十二月补录"},
    )
    assert ok.status_code == 302
    ok = client.post(
        f"/funds/{app_.id}/status-changes/{declared.id}/correct",
        data={"effective_on": "2025-03-15", "note": "按申报回执"},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    app_ = db.session.get(FundApplication, app_.id)
    assert [c.effective_on for c in app_.status_changes] == [date(2025, 3, 1), date(2025, 3, 15)]
    assert app_.declared_on == date(2025, 3, 15)
    audited = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.entity == "fund_status_changes", AuditEntry.field == "effective_on")
    ).all()
    assert {(a.old_value, a.new_value) for a in audited} == {("2025-12-01", "2025-03-01"), ("2025-12-05", "2025-03-15")}
    # order is kept: the registration may not move past the declaration
    too_late = client.post(
        f"/funds/{app_.id}/status-changes/{app_.status_changes[0].id}/correct",
        data={"effective_on": "2025-04-01", "note": "x"},
    )
    assert "不能晚于后一次变更" in too_late.data.decode()
    page = client.get(f"/funds/{app_.id}").data.decode()
    assert "更正登记日期" in page and "三月已登记，十二月补录" in page


def test_voided_entry_counts_before_the_void_date_only(client, login, make):
    admin = make.user("admin")
    channel = make.channel("中央预算内投资", is_bond=False)
    app_ = make.fund_application(
        channel_obj=channel,
        steps=[("已申报", date(2025, 3, 1)), ("已下达", date(2025, 4, 1))],
        ledger=[
            ("下达", date(2025, 4, 1), 30_000_000),
            ("拨付", date(2025, 5, 1), 10_000_000),
            ("拨付", date(2025, 5, 2), 10_000_000),
        ],
    )
    db.session.commit()
    login(admin)
    duplicate = max(app_.ledger, key=lambda e: e.id)
    response = client.post(
        f"/funds/{app_.id}/ledger/{duplicate.id}/void", data={"voided_on": "2025-07-01", "reason": "重复登记"}
    )
    assert response.status_code == 302, response.data.decode()[:2000]
    db.session.expire_all()
    app_ = db.session.get(FundApplication, app_.id)
    assert len(app_.ledger) == 4  # nothing deleted: the void is a row of its own
    assert ledger_sums(app_, date(2025, 6, 30))["disbursed"] == 20_000_000
    assert ledger_sums(app_, date(2025, 7, 1))["disbursed"] == 10_000_000
    assert queries.channel_figures(2025, date(2025, 6, 30))["中央预算内投资"]["disbursed_yuan"] == 20_000_000
    assert queries.channel_figures(2025, date(2025, 7, 1))["中央预算内投资"]["disbursed_yuan"] == 10_000_000
    void = db.session.scalar(sa.select(FundLedgerEntry).where(FundLedgerEntry.void_of_id == duplicate.id))
    assert void.amount_yuan == -10_000_000 and "重复登记" in void.reason
    assert db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.entity == "fund_ledger_entries", AuditEntry.record_id == void.id, AuditEntry.action == "create"
        )
    )
    again = client.post(
        f"/funds/{app_.id}/ledger/{duplicate.id}/void", data={"voided_on": "2025-07-02", "reason": "再次"}
    )
    assert "已于 2025-07-01 作废" in again.data.decode()
    page = client.get(f"/funds/{app_.id}").data.decode()
    assert 'data-testid="voided"' in page


def test_void_date_rules(make):
    app_ = make.fund_application(
        steps=[("已申报", date(2025, 3, 1)), ("已下达", date(2025, 4, 1))],
        ledger=[("下达", date(2025, 4, 1), 30_000_000)],
    )
    entry = app_.ledger[0]
    with pytest.raises(InputError):
        corrections.void_ledger_entry(entry, voided_on=date(2025, 3, 1), reason="早于原记录")
    with pytest.raises(InputError):
        corrections.void_ledger_entry(entry, voided_on=date(2025, 5, 1), reason="  ")


def test_bond_ledger_without_issuance_is_not_held_to_it(make):
    bond = make.channel("地方政府专项债券", is_bond=True)
    app_ = make.fund_application(
        channel_obj=bond,
        steps=[("已申报", date(2025, 3, 1)), ("已下达", date(2025, 4, 1))],
        ledger=[("下达", date(2025, 4, 1), 80_000_000)],
    )
    add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 6, 1), amount_yuan=30_000_000)
    with pytest.raises(InputError):  # recording the issuance now: 发行 20 < 拨付 30 already out
        add_ledger_entry(app_, kind="发行", entry_on=date(2025, 6, 2), amount_yuan=20_000_000)
    add_ledger_entry(app_, kind="发行", entry_on=date(2025, 6, 2), amount_yuan=30_000_000)
