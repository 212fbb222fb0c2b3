"""A small, hand-computed county for the metrics tests (year 2025).

Counted deals (amounts in yuan; U1 = 甲镇, U2 = 乙局, U3 = 丙镇 has a target but no deals):

    deal  unit  lead        signed      started     production  other
    A     U1    2025-01-05  2025-02-10  2025-04-01  2025-06-15  200_000_000, leader L1, in place 50M (05-01) + 30M (07-10)
    B     U1    2025-01-20  2025-03-31  2025-07-15              100_000_000
    C     U2    2024-11-01  2025-05-20                          150_000_000, leader L1, terminated 2025-06-10
    D     U2    2024-10-01  2024-12-15  2025-03-01              300_000_000  (signed LAST year)
    F     —     2025-02-01  2025-06-05                           50_000_000
    G     U2    2025-03-01  (在谈 only)                                       negotiation follow-up 2025-06-28
    H     U1    2025-04-01  2025-07-05                          100_000_000
    E     U1    2025-01-10  2025-02-01                          500_000_000, NOT counted, leader L1, in place 100M (03-01)

Targets 2025: county signed amount 1_000_000_000, start rate 40%; U1 400M, U2 200M, U3 100M.
"""

from datetime import date
from types import SimpleNamespace

import pytest

from app.deals.services import add_funds_in_place, add_negotiation, create_deal, move_deal_to_stage
from app.extensions import db
from app.people.models import Target
from tests import factories

MILLION = 1_000_000


def walk(name, *, amount, lead_on, steps=(), unit=None, leader=None, counted=True, **kw):
    """A deal created on ``lead_on`` and moved through ``steps`` [(stage, date), ...]."""
    data = {
        "name": name,
        "contract_amount_yuan": amount,
        "is_counted": counted,
        "lead_unit_id": unit.id if unit else None,
        "leader_id": leader.id if leader else None,
        **kw,
    }
    if not counted:
        data["exclusion_reason"] = "框架协议，不计入考核"
    deal = create_deal(data, effective_on=lead_on)
    for stage, on in steps:
        move_deal_to_stage(deal, stage, effective_on=on, reason="项目方撤资" if stage == "终止" else None)
    return deal


def set_target(year, metric, value, unit=None):
    db.session.add(Target(year=year, metric=metric, value=value, unit_id=unit.id if unit else None))


@pytest.fixture
def county():
    u1 = factories.unit("甲镇", kind="乡镇", short_name="甲")
    u2 = factories.unit("乙局", kind="县直部门", short_name="乙")
    u3 = factories.unit("丙镇", kind="乡镇", short_name="丙")
    l1 = factories.leader("李包联")
    l2 = factories.leader("王副县")
    set_target(2025, "signed_amount", 1_000 * MILLION)
    set_target(2025, "same_year_start_rate", 4000)
    set_target(2025, "signed_amount", 400 * MILLION, u1)
    set_target(2025, "signed_amount", 200 * MILLION, u2)
    set_target(2025, "signed_amount", 100 * MILLION, u3)
    a = walk(
        "甲-新材料项目",
        amount=200 * MILLION,
        lead_on=date(2025, 1, 5),
        unit=u1,
        leader=l1,
        steps=[("已签约", date(2025, 2, 10)), ("已开工", date(2025, 4, 1)), ("已投产", date(2025, 6, 15))],
    )
    add_funds_in_place(a, received_on=date(2025, 5, 1), amount_yuan=50 * MILLION)
    add_funds_in_place(a, received_on=date(2025, 7, 10), amount_yuan=30 * MILLION)
    b = walk(
        "甲-装备项目",
        amount=100 * MILLION,
        lead_on=date(2025, 1, 20),
        unit=u1,
        steps=[("已签约", date(2025, 3, 31)), ("已开工", date(2025, 7, 15))],
    )
    c = walk(
        "乙-终止项目",
        amount=150 * MILLION,
        lead_on=date(2024, 11, 1),
        unit=u2,
        leader=l1,
        steps=[("已签约", date(2025, 5, 20)), ("终止", date(2025, 6, 10))],
    )
    d = walk(
        "乙-去年签约项目",
        amount=300 * MILLION,
        lead_on=date(2024, 10, 1),
        unit=u2,
        steps=[("已签约", date(2024, 12, 15)), ("已开工", date(2025, 3, 1))],
    )
    f = walk("无单位项目", amount=50 * MILLION, lead_on=date(2025, 2, 1), steps=[("已签约", date(2025, 6, 5))])
    g = walk("乙-在谈项目", amount=80 * MILLION, lead_on=date(2025, 3, 1), unit=u2, steps=[("在谈", date(2025, 4, 1))])
    add_negotiation(
        g,
        {
            "held_on": date(2025, 6, 1),
            "kind": "来访",
            "content": "商谈选址",
            "next_step": "提供用地方案",
            "next_follow_up_on": date(2025, 6, 28),
        },
    )
    h = walk(
        "甲-七月签约项目", amount=100 * MILLION, lead_on=date(2025, 4, 1), unit=u1, steps=[("已签约", date(2025, 7, 5))]
    )
    e = walk(
        "甲-不计入项目",
        amount=500 * MILLION,
        lead_on=date(2025, 1, 10),
        unit=u1,
        leader=l1,
        counted=False,
        steps=[("已签约", date(2025, 2, 1))],
    )
    add_funds_in_place(e, received_on=date(2025, 3, 1), amount_yuan=100 * MILLION)
    # Activity dates are "today" when recorded; pin them to the story's dates.
    for deal in (a, b, c, d, f, h, e):
        deal.last_activity_on = deal.signed_on
    g.last_activity_on = date(2025, 5, 1)
    db.session.commit()
    return SimpleNamespace(u1=u1, u2=u2, u3=u3, l1=l1, l2=l2, a=a, b=b, c=c, d=d, e=e, f=f, g=g, h=h)
