"""The status workflow, the ledger rules and as-of sums of one application."""

from datetime import date

import pytest

from app.core.errors import InputError
from app.extensions import db
from app.funds.models import FundLedgerEntry, FundStatusChange
from app.funds.services import (
    add_ledger_entry,
    add_review,
    change_status,
    create_application,
    ledger_sums,
    record_ledger_entry,
    update_application,
)

WAN = 10_000


@pytest.fixture
def bond(make):
    return make.channel("地方政府专项债券", is_bond=True)


@pytest.fixture
def central(make):
    return make.channel("中央预算内投资", is_bond=False)


def test_create_records_first_history_row_and_initial_status(make, bond):
    project = make.project("城东供热管网")
    app_ = create_application(
        {
            "title": " 供热管网专项债 ",
            "channel_id": bond.id,
            "year": 2025,
            "requested_yuan": 3000 * WAN,
            "projects": [project],
            "status": "已申报",
        },
        effective_on=date(2025, 3, 1),
    )
    db.session.commit()
    assert app_.title == "供热管网专项债" and app_.status == "已申报" and app_.projects == [project]
    assert [(c.from_status, c.to_status, c.effective_on) for c in app_.status_changes] == [
        (None, "谋划储备", date(2025, 3, 1)),
        ("谋划储备", "已申报", date(2025, 3, 1)),
    ]
    assert app_.declared_on == date(2025, 3, 1) and app_.decided_on is None


def test_create_refuses_bad_input(make, bond):
    base = {"title": "甲", "channel_id": bond.id, "year": 2025, "requested_yuan": WAN}
    make.fund_application("甲", channel_obj=bond)
    cases = [
        ({**base, "title": "  "}, "title"),
        ({**base, "channel_id": None}, "channel_id"),
        ({**base, "year": None}, "year"),
        ({**base, "requested_yuan": -1}, "requested_yuan"),
        (base, "title"),
        ({**base, "title": "乙", "status": "办理中"}, "status"),
    ]
    for data, field in cases:
        with pytest.raises(InputError) as err:
            create_application(data, effective_on=date(2025, 1, 1))
        assert err.value.field == field, data
    with pytest.raises(InputError, match="不能晚于今天"):
        create_application({**base, "title": "丙"}, effective_on=date(2999, 1, 1))


def test_full_forward_path_sets_dates(make, bond):
    app_ = make.fund_application(channel_obj=bond, start_on=date(2025, 1, 5))
    for status, on in [
        ("已申报", date(2025, 2, 1)),
        ("审核中", date(2025, 3, 1)),
        ("已下达", date(2025, 4, 1)),
        ("执行中", date(2025, 5, 1)),
        ("已完成", date(2025, 11, 30)),
    ]:
        change_status(app_, status, effective_on=on)
    assert app_.declared_on == date(2025, 2, 1) and app_.decided_on == date(2025, 4, 1)
    assert [c.to_status for c in app_.status_changes] == ["谋划储备", "已申报", "审核中", "已下达", "执行中", "已完成"]
    with pytest.raises(InputError, match="已完成的申报不能再变更状态"):
        change_status(app_, "执行中", effective_on=date(2025, 12, 1))
    with pytest.raises(InputError, match="已完成的申报不能再变更状态"):
        change_status(app_, "已撤回", effective_on=date(2025, 12, 1))


def test_skipping_steps_still_dates_declaration_and_decision(make, bond):
    app_ = make.fund_application(channel_obj=bond, start_on=date(2025, 1, 5))
    change_status(app_, "执行中", effective_on=date(2025, 3, 3))
    assert (app_.declared_on, app_.decided_on) == (date(2025, 3, 3), date(2025, 3, 3))


def test_refused_moves(make, bond):
    app_ = make.fund_application(
        channel_obj=bond, start_on=date(2025, 1, 5), steps=[("已申报", date(2025, 2, 1)), ("审核中", date(2025, 3, 1))]
    )
    for to_status, on, message in [
        ("已申报", date(2025, 3, 2), "不能从“审核中”退回“已申报”"),
        ("审核中", date(2025, 3, 2), "已处于“审核中”"),
        ("已下达", date(2025, 2, 20), "不能早于上一次状态变更（2025-03-01）"),
        ("已下达", date(2999, 1, 1), "不能为空或晚于今天"),
        ("作废", date(2025, 3, 2), "不存在"),
    ]:
        with pytest.raises(InputError, match=message):
            change_status(app_, to_status, effective_on=on)
    assert app_.status == "审核中" and len(app_.status_changes) == 3
    fresh = make.fund_application(channel_obj=bond, start_on=date(2025, 1, 5))
    with pytest.raises(InputError, match="尚未申报"):
        change_status(fresh, "未通过", effective_on=date(2025, 2, 1))


def test_side_statuses_and_reopening(make, bond):
    app_ = make.fund_application(
        channel_obj=bond, start_on=date(2025, 1, 5), steps=[("已申报", date(2025, 2, 1)), ("未通过", date(2025, 4, 1))]
    )
    assert (app_.declared_on, app_.decided_on) == (date(2025, 2, 1), date(2025, 4, 1))
    with pytest.raises(InputError, match="只能重新进入“谋划储备”"):
        change_status(app_, "已申报", effective_on=date(2025, 5, 1))
    change_status(app_, "谋划储备", effective_on=date(2025, 5, 1), note="下一批次重新申报")
    assert app_.declared_on is None and app_.decided_on is None
    change_status(app_, "已申报", effective_on=date(2025, 6, 1))
    change_status(app_, "已撤回", effective_on=date(2025, 6, 15))
    assert app_.status == "已撤回" and app_.declared_on == date(2025, 6, 1)
    history = [(c.from_status, c.to_status) for c in app_.status_changes]
    assert history[-3:] == [("未通过", "谋划储备"), ("谋划储备", "已申报"), ("已申报", "已撤回")]
    assert app_.status_changes[-4].note is None and app_.status_changes[-3].note == "下一批次重新申报"


def test_review_steps(make, bond):
    app_ = make.fund_application(channel_obj=bond)
    add_review(app_, level="县", decision="通过", decided_on=date(2025, 2, 10), opinion="材料齐全")
    add_review(app_, level="省", decision="退回", decided_on=date(2025, 3, 10), opinion=" 补充用地手续 ")
    assert [(r.level, r.decision, r.opinion) for r in app_.reviews] == [
        ("县", "通过", "材料齐全"),
        ("省", "退回", "补充用地手续"),
    ]
    for kwargs, field in [
        ({"level": "乡"}, "level"),
        ({"decision": "同意"}, "decision"),
        ({"decided_on": date(2999, 1, 1)}, "decided_on"),
    ]:
        with pytest.raises(InputError) as err:
            add_review(app_, **{"level": "市", "decision": "通过", "decided_on": date(2025, 4, 1), **kwargs})
        assert err.value.field == field


def _ledger(app_):
    return [(e.kind, e.entry_on, e.amount_yuan) for e in app_.ledger]


def test_ledger_refuses_disbursing_more_than_approved(make, central):
    app_ = make.fund_application(channel_obj=central, ledger=[("下达", date(2025, 4, 1), 1000 * WAN)])
    add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 5, 1), amount_yuan=600 * WAN)
    with pytest.raises(InputError, match="截至2025-06-01拨付金额将超过下达金额") as err:
        add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 6, 1), amount_yuan=400 * WAN + 1)
    assert err.value.field == "amount_yuan"
    add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 6, 1), amount_yuan=400 * WAN)  # exactly approved: fine
    # Before the approval date nothing was approved yet: refused even though the total would fit later.
    other = make.fund_application(channel_obj=central, ledger=[("下达", date(2025, 4, 1), 1000 * WAN)])
    with pytest.raises(InputError, match="截至2025-03-01拨付金额将超过下达金额"):
        add_ledger_entry(other, kind="拨付", entry_on=date(2025, 3, 1), amount_yuan=100 * WAN)
    assert _ledger(other) == [("下达", date(2025, 4, 1), 1000 * WAN)]
    assert db.session.query(FundLedgerEntry).count() == 4  # the refused entries were never added


def test_ledger_refuses_spending_more_than_disbursed_at_any_later_date(make, central):
    app_ = make.fund_application(
        channel_obj=central,
        ledger=[
            ("下达", date(2025, 4, 1), 1000 * WAN),
            ("拨付", date(2025, 5, 1), 500 * WAN),
            ("支出", date(2025, 7, 1), 500 * WAN),
        ],
    )
    # A back-dated spend fits on its own date (1 ≤ 500) but breaks the later 07-01 sums.
    with pytest.raises(InputError, match="截至2025-07-01支出金额将超过拨付金额"):
        add_ledger_entry(app_, kind="支出", entry_on=date(2025, 6, 1), amount_yuan=1)
    with pytest.raises(InputError, match="支出金额将超过拨付金额"):
        add_ledger_entry(app_, kind="支出", entry_on=date(2025, 8, 1), amount_yuan=1)


def test_adjustment_with_reason_may_break_the_rules(make, central):
    app_ = make.fund_application(
        channel_obj=central, ledger=[("下达", date(2025, 4, 1), 1000 * WAN), ("拨付", date(2025, 5, 1), 1000 * WAN)]
    )
    with pytest.raises(InputError, match="必须填写调整原因") as err:
        add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 6, 1), amount_yuan=50 * WAN, is_adjustment=True)
    assert err.value.field == "reason"
    with pytest.raises(InputError, match="负数金额"):
        add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 6, 1), amount_yuan=-50 * WAN)
    add_ledger_entry(
        app_,
        kind="拨付",
        entry_on=date(2025, 6, 1),
        amount_yuan=50 * WAN,
        is_adjustment=True,
        reason="省厅追加配套资金，下达文件待补",
    )
    add_ledger_entry(
        app_, kind="下达", entry_on=date(2025, 7, 1), amount_yuan=-100 * WAN, is_adjustment=True, reason="收回结余资金"
    )
    assert ledger_sums(app_) == {"approved": 900 * WAN, "issued": 0, "disbursed": 1050 * WAN, "spent": 0}
    entry = app_.ledger[-1]
    assert entry.is_adjustment and entry.reason == "收回结余资金"
    # Disbursed now exceeds approved through adjustments; a spend within disbursed is still accepted …
    add_ledger_entry(app_, kind="支出", entry_on=date(2025, 8, 1), amount_yuan=1000 * WAN)
    # … while a further disbursement is still refused, naming both sums.
    with pytest.raises(InputError, match="下达累计 900 万元，拨付累计将达 1,060 万元"):
        add_ledger_entry(app_, kind="拨付", entry_on=date(2025, 8, 1), amount_yuan=10 * WAN)


def test_issued_only_for_bonds_and_not_above_approved(make, bond, central):
    plain = make.fund_application(channel_obj=central, ledger=[("下达", date(2025, 4, 1), 1000 * WAN)])
    with pytest.raises(InputError, match="只适用于债券类") as err:
        add_ledger_entry(plain, kind="发行", entry_on=date(2025, 5, 1), amount_yuan=100 * WAN)
    assert err.value.field == "kind"
    bond_app = make.fund_application(channel_obj=bond, ledger=[("下达", date(2025, 4, 1), 1000 * WAN)])
    add_ledger_entry(bond_app, kind="发行", entry_on=date(2025, 5, 1), amount_yuan=1000 * WAN)
    with pytest.raises(InputError, match="发行金额将超过下达金额"):
        add_ledger_entry(bond_app, kind="发行", entry_on=date(2025, 6, 1), amount_yuan=1)
    for kwargs, field in [
        ({"kind": "退款"}, "kind"),
        ({"amount_yuan": 0}, "amount_yuan"),
        ({"entry_on": date(2999, 1, 1)}, "entry_on"),
    ]:
        with pytest.raises(InputError) as err:
            add_ledger_entry(bond_app, **{"kind": "下达", "entry_on": date(2025, 6, 1), "amount_yuan": WAN, **kwargs})
        assert err.value.field == field


def test_sums_as_of_any_date(make, bond):
    app_ = make.fund_application(
        channel_obj=bond,
        ledger=[
            ("下达", date(2025, 3, 31), 2000 * WAN),
            ("发行", date(2025, 4, 15), 1200 * WAN),
            ("拨付", date(2025, 4, 30), 1000 * WAN),
            ("支出", date(2025, 5, 31), 300 * WAN),
            ("发行", date(2025, 6, 15), 800 * WAN),
            ("拨付", date(2025, 6, 30), 900 * WAN),
            ("支出", date(2025, 6, 30), 700 * WAN),
            ("下达", date(2025, 9, 1), 500 * WAN),
        ],
    )
    db.session.commit()
    assert ledger_sums(app_, date(2025, 3, 30)) == {"approved": 0, "issued": 0, "disbursed": 0, "spent": 0}
    assert ledger_sums(app_, date(2025, 3, 31)) == {"approved": 2000 * WAN, "issued": 0, "disbursed": 0, "spent": 0}
    assert ledger_sums(app_, date(2025, 5, 31)) == {
        "approved": 2000 * WAN,
        "issued": 1200 * WAN,
        "disbursed": 1000 * WAN,
        "spent": 300 * WAN,
    }
    assert ledger_sums(app_, date(2025, 6, 30)) == {
        "approved": 2000 * WAN,
        "issued": 2000 * WAN,
        "disbursed": 1900 * WAN,
        "spent": 1000 * WAN,
    }
    assert ledger_sums(app_) == {
        "approved": 2500 * WAN,
        "issued": 2000 * WAN,
        "disbursed": 1900 * WAN,
        "spent": 1000 * WAN,
    }
    # The SQL per-application sums agree.
    from app.funds.queries import sums_by_application

    assert sums_by_application([app_.id])[app_.id] == {
        "approved_yuan": 2500 * WAN,
        "issued_yuan": 2000 * WAN,
        "disbursed_yuan": 1900 * WAN,
        "spent_yuan": 1000 * WAN,
    }


def test_record_ledger_entry_can_move_the_status(make, central):
    app_ = make.fund_application(
        channel_obj=central,
        start_on=date(2025, 1, 5),
        steps=[("已申报", date(2025, 2, 1)), ("审核中", date(2025, 3, 1))],
    )
    record_ledger_entry(
        app_, {"kind": "下达", "entry_on": date(2025, 4, 1), "amount_yuan": 800 * WAN}, sync_status=True
    )
    assert app_.status == "已下达" and app_.decided_on == date(2025, 4, 1)
    assert app_.status_changes[-1].note == "登记下达金额时同步更新"
    record_ledger_entry(
        app_, {"kind": "拨付", "entry_on": date(2025, 5, 1), "amount_yuan": 300 * WAN}, sync_status=False
    )
    assert app_.status == "已下达"
    record_ledger_entry(
        app_, {"kind": "拨付", "entry_on": date(2025, 6, 1), "amount_yuan": 300 * WAN}, sync_status=True
    )
    assert app_.status == "执行中"
    record_ledger_entry(
        app_, {"kind": "下达", "entry_on": date(2025, 7, 1), "amount_yuan": 100 * WAN}, sync_status=True
    )  # never moves backwards
    assert app_.status == "执行中" and db.session.query(FundStatusChange).count() == 5


def test_update_application(make, bond, central):
    project = make.project("项目甲")
    app_ = make.fund_application(
        "原名", channel_obj=bond, ledger=[("下达", date(2025, 4, 1), 100 * WAN), ("发行", date(2025, 4, 2), 100 * WAN)]
    )
    make.fund_application("已占用", channel_obj=bond)
    db.session.commit()
    update_application(app_, {"title": "新名", "requested_yuan": 200 * WAN, "projects": [project]})
    assert app_.title == "新名" and app_.projects == [project]
    with pytest.raises(InputError, match="已有名为“已占用”"):
        update_application(app_, {"title": "已占用"})
    db.session.rollback()
    with pytest.raises(InputError, match="只能选择债券类") as err:
        update_application(app_, {"channel_id": central.id})
    assert err.value.field == "channel_id"
    db.session.rollback()
    with pytest.raises(InputError, match="不能直接修改"):
        update_application(app_, {"status": "已完成"})
