"""Channel figures (DOMAIN §4 'Fund figures') on a small dataset computed by hand."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.funds.queries import channel_figures, figures_total
from app.funds.services import change_status
from app.people.models import FundChannel

WAN = 10_000
BOND = "地方政府专项债券"
CENTRAL = "中央预算内投资"


def _channel(name):
    return db.session.scalar(sa.select(FundChannel).where(FundChannel.name == name))


@pytest.fixture
def dataset(make, seeded):
    """Eight applications; the comments give the dates the tests below count with."""
    bond, central = _channel(BOND), _channel(CENTRAL)
    unit_a = make.unit("甲局", kind="县直部门")
    make.fund_application(  # A1: approved bond, issued in two tranches
        "A1",
        channel_obj=bond,
        requested=5000 * WAN,
        start_on=date(2025, 1, 10),
        applicant_unit=unit_a,
        steps=[("已申报", date(2025, 2, 1)), ("审核中", date(2025, 3, 1)), ("已下达", date(2025, 4, 10))],
        ledger=[
            ("下达", date(2025, 4, 10), 4000 * WAN),
            ("发行", date(2025, 5, 1), 3000 * WAN),
            ("拨付", date(2025, 5, 15), 2500 * WAN),
            ("支出", date(2025, 6, 20), 1000 * WAN),
            ("发行", date(2025, 7, 1), 1000 * WAN),
            ("支出", date(2025, 8, 1), 800 * WAN),
        ],
    )
    make.fund_application(  # A2: rejected on 05-20
        "A2",
        channel_obj=bond,
        requested=3000 * WAN,
        start_on=date(2025, 1, 15),
        steps=[("已申报", date(2025, 2, 10)), ("审核中", date(2025, 3, 5)), ("未通过", date(2025, 5, 20))],
    )
    make.fund_application("A3", channel_obj=bond, requested=2000 * WAN, start_on=date(2025, 2, 1))  # reserve
    make.fund_application(  # A4: declared 03-01, withdrawn 06-01 — stays declared, never decided
        "A4",
        channel_obj=bond,
        requested=1000 * WAN,
        start_on=date(2025, 1, 20),
        steps=[("已申报", date(2025, 3, 1)), ("已撤回", date(2025, 6, 1))],
    )
    make.fund_application(  # A5: central budget, approved 03-15, in execution, one negative adjustment
        "A5",
        channel_obj=central,
        requested=8000 * WAN,
        start_on=date(2025, 1, 5),
        steps=[("已申报", date(2025, 1, 20)), ("已下达", date(2025, 3, 15)), ("执行中", date(2025, 5, 1))],
        ledger=[
            ("下达", date(2025, 3, 15), 6000 * WAN),
            ("拨付", date(2025, 4, 1), 3000 * WAN),
            ("支出", date(2025, 5, 10), 1200 * WAN),
            ("拨付", date(2025, 9, 1), 1000 * WAN),
            {
                "kind": "支出",
                "entry_on": date(2025, 10, 1),
                "amount_yuan": -200 * WAN,
                "is_adjustment": True,
                "reason": "退回重复列支",
            },
        ],
    )
    make.fund_application(  # A6: reserve until declared on 07-01
        "A6", channel_obj=central, requested=1500 * WAN, start_on=date(2025, 3, 1), steps=[("已申报", date(2025, 7, 1))]
    )
    make.fund_application(  # A7: a 2024 application whose money arrives in 2025
        "A7",
        channel_obj=central,
        year=2024,
        requested=9999 * WAN,
        start_on=date(2024, 2, 1),
        steps=[("已申报", date(2024, 3, 1)), ("已下达", date(2024, 6, 1))],
        ledger=[("下达", date(2024, 6, 1), 5000 * WAN), ("拨付", date(2025, 2, 1), 2000 * WAN)],
    )
    make.fund_application("A8", channel_obj=bond, requested=700 * WAN, start_on=date(2025, 9, 1))  # reserve from 09-01
    db.session.commit()
    return unit_a


def test_mid_year(dataset):
    figures = channel_figures(2025, date(2025, 6, 30))
    assert list(figures) == [
        "中央预算内投资",
        "超长期特别国债（“两重”）",
        "超长期特别国债（“两新”）",
        "地方政府专项债券",
        "省级预算内投资及前期费",
        "其他竞争性奖补资金",
    ]
    assert figures[BOND] == {
        "is_bond": True,
        "count": 3,
        "requested_yuan": 9000 * WAN,  # A1 A2 A4
        "reserve_count": 1,
        "reserve_yuan": 2000 * WAN,  # A3 (A8 not yet registered)
        "decided_count": 2,
        "approved_count": 1,
        "approval_rate": 0.5,  # A1 approved, A2 rejected
        "approved_yuan": 4000 * WAN,
        "issued_yuan": 3000 * WAN,
        "disbursed_yuan": 2500 * WAN,
        "spent_yuan": 1000 * WAN,
        "spend_progress": pytest.approx(1000 / 3000),  # bond: ÷ issued
    }
    assert figures[CENTRAL] == {
        "is_bond": False,
        "count": 1,
        "requested_yuan": 8000 * WAN,  # A5 (A6 declared 07-01, A7 is 2024)
        "reserve_count": 1,
        "reserve_yuan": 1500 * WAN,  # A6
        "decided_count": 1,
        "approved_count": 1,
        "approval_rate": 1.0,
        "approved_yuan": 6000 * WAN,
        "issued_yuan": 0,
        "disbursed_yuan": 3000 * WAN,
        "spent_yuan": 1200 * WAN,
        "spend_progress": 0.4,  # ÷ disbursed
    }
    empty = figures["省级预算内投资及前期费"]
    assert empty["count"] == 0 and empty["approval_rate"] is None and empty["spend_progress"] is None


def test_year_end(dataset):
    figures = channel_figures(2025, date(2025, 12, 31))
    bond, central = figures[BOND], figures[CENTRAL]
    assert (bond["count"], bond["requested_yuan"]) == (3, 9000 * WAN)
    assert (bond["reserve_count"], bond["reserve_yuan"]) == (2, 2700 * WAN)  # A3 + A8
    assert (bond["decided_count"], bond["approved_count"]) == (2, 1)
    assert (bond["approved_yuan"], bond["issued_yuan"], bond["disbursed_yuan"], bond["spent_yuan"]) == (
        4000 * WAN,
        4000 * WAN,
        2500 * WAN,
        1800 * WAN,
    )
    assert bond["spend_progress"] == pytest.approx(0.45)
    assert (central["count"], central["requested_yuan"], central["reserve_count"]) == (2, 9500 * WAN, 0)
    assert (central["disbursed_yuan"], central["spent_yuan"]) == (4000 * WAN, 1000 * WAN)  # 1200 − 200 adjustment
    assert central["spend_progress"] == pytest.approx(0.25)
    total = figures_total(figures)
    assert total["count"] == 5 and total["requested_yuan"] == 18500 * WAN
    assert (total["reserve_count"], total["reserve_yuan"]) == (2, 2700 * WAN)
    assert (total["decided_count"], total["approved_count"]) == (3, 2)
    assert total["approval_rate"] == pytest.approx(2 / 3)
    assert (total["approved_yuan"], total["issued_yuan"], total["disbursed_yuan"], total["spent_yuan"]) == (
        10000 * WAN,
        4000 * WAN,
        6500 * WAN,
        2800 * WAN,
    )
    assert total["spend_progress"] == pytest.approx(2800 / 8000)  # bond ÷ issued 4000 + central ÷ disbursed 4000
    assert "is_bond" not in total


def test_early_date_has_no_decisions(dataset):
    figures = channel_figures(2025, date(2025, 3, 10))
    bond, central = figures[BOND], figures[CENTRAL]
    assert (bond["count"], bond["reserve_count"], bond["decided_count"]) == (3, 1, 0)  # A1 A2 still 审核中
    assert bond["approval_rate"] is None and bond["spend_progress"] is None
    assert (central["count"], central["reserve_count"], central["decided_count"]) == (1, 1, 0)  # A5 已申报
    assert central["approved_yuan"] == 0


def test_other_year_and_ledger_across_years(dataset):
    at_2024_end = channel_figures(2024, date(2024, 12, 31))[CENTRAL]
    assert (at_2024_end["count"], at_2024_end["requested_yuan"], at_2024_end["approved_count"]) == (1, 9999 * WAN, 1)
    assert (at_2024_end["approved_yuan"], at_2024_end["disbursed_yuan"]) == (5000 * WAN, 0)
    later = channel_figures(2024, date(2025, 6, 30))[CENTRAL]
    assert later["disbursed_yuan"] == 2000 * WAN  # disbursed in 2025, still counted for the 2024 batch


def test_reopened_application_counts_as_reserve_again(dataset):
    from app.funds.models import FundApplication

    rejected = db.session.scalar(sa.select(FundApplication).where(FundApplication.title == "A2"))
    change_status(rejected, "谋划储备", effective_on=date(2025, 8, 1), note="下一批次重新申报")
    db.session.commit()
    before = channel_figures(2025, date(2025, 6, 30))[BOND]
    after = channel_figures(2025, date(2025, 12, 31))[BOND]
    assert (before["decided_count"], before["reserve_count"]) == (2, 1)  # history still says 未通过 then
    assert (after["decided_count"], after["reserve_count"], after["count"]) == (1, 3, 2)


def test_scoped_to_a_unit_user(dataset, make):
    user = make.user("unit", unit=dataset)
    db.session.commit()
    figures = channel_figures(2025, date(2025, 12, 31), user=user)
    assert figures[BOND]["count"] == 1 and figures[BOND]["approved_yuan"] == 4000 * WAN
    assert figures[CENTRAL]["count"] == 0
