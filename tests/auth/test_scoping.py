"""Scoped roles see only their own records: lists filtered, other records 404 by URL."""

import sqlalchemy as sa

from app.core.permissions import can_see, visible
from app.deals.models import Deal
from app.extensions import db
from app.funds.models import FundApplication
from app.problems.models import Problem
from app.projects.models import Project


def test_unit_user_sees_only_own_unit(make):
    mine, other = make.unit("甲镇"), make.unit("乙镇")
    user = make.user("unit", unit=mine)
    own_deal = make.deal("本镇项目", township=mine)
    co_deal = make.deal("协同项目", township=other)
    co_deal.co_units.append(mine)
    make.deal("他镇项目", township=other)
    own_project = make.project("本镇工程", township=mine)
    make.project("他镇工程", township=other)
    ch = make.channel()
    make.application("本镇申报", channel_obj=ch, applicant_unit=mine)
    make.application("他镇申报", channel_obj=ch, applicant_unit=other)
    make.problem(unit=mine, project=own_project)
    make.problem(unit=other)
    db.session.commit()

    names = set(db.session.scalars(visible(sa.select(Deal.name), Deal, user)))
    assert names == {"本镇项目", "协同项目"}
    assert set(db.session.scalars(visible(sa.select(Project.name), Project, user))) == {"本镇工程"}
    assert set(db.session.scalars(visible(sa.select(FundApplication.title), FundApplication, user))) == {"本镇申报"}
    assert len(db.session.scalars(visible(sa.select(Problem), Problem, user)).all()) == 1
    assert can_see(own_deal, user)


def test_leader_sees_only_own_baolian(make):
    me, other = make.leader("甲领导"), make.leader("乙领导")
    user = make.user("leader", leader=me)
    mine = make.deal("我的项目", leader=me)
    theirs = make.deal("别人的项目", leader=other)
    db.session.commit()
    assert can_see(mine, user) and not can_see(theirs, user)


def test_unscoped_roles_see_everything(make):
    deal = make.deal()
    for role in ("admin", "taskforce", "investment", "finance"):
        assert can_see(deal, make.user(role))
