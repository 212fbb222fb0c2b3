"""fund_applications.current_status/current_status_on follow the status history whatever writes it,
and the status on a date read through them equals the one read from the whole history."""

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.funds.current_status import status_on
from app.funds.models import FundApplication, FundStatusChange
from app.funds.queries import status_as_of
from app.funds.services import change_status

DATES = [
    date(2025, 1, 31),
    date(2025, 2, 1),
    date(2025, 3, 9),
    date(2025, 3, 10),
    date(2025, 4, 30),
    date(2025, 6, 1),
    date(2025, 12, 31),
]


def statuses_via_column(on: date) -> dict:
    return dict(db.session.execute(sa.select(FundApplication.id, status_on(on))).all())


def statuses_via_history(on: date) -> dict:
    history = status_as_of(on)
    return dict(
        db.session.execute(
            sa.select(FundApplication.id, history.c.status).outerjoin(
                history, history.c.application_id == FundApplication.id
            )
        ).all()
    )


def assert_same_everywhere():
    db.session.expire_all()
    for on in DATES:
        assert statuses_via_column(on) == statuses_via_history(on), on


def test_columns_follow_every_kind_of_history_write(seeded, make):
    channel = make.channel()
    plain = make.fund_application(channel_obj=channel)
    moved = make.fund_application(
        channel_obj=channel, steps=[("已申报", date(2025, 3, 10)), ("已下达", date(2025, 4, 30))]
    )
    side = make.fund_application(
        channel_obj=channel, steps=[("已申报", date(2025, 3, 10)), ("未通过", date(2025, 6, 1))]
    )
    db.session.commit()
    assert (moved.current_status, moved.current_status_on) == ("已下达", date(2025, 4, 30))
    assert (plain.current_status, plain.current_status_on) == ("谋划储备", date(2025, 2, 1))
    assert_same_everywhere()

    change_status(plain, "已申报", effective_on=date(2025, 3, 9))  # a service write
    db.session.commit()
    assert_same_everywhere()

    last = db.session.scalar(
        sa.select(FundStatusChange)
        .where(FundStatusChange.application_id == side.id)
        .order_by(FundStatusChange.id.desc())
        .limit(1)
    )
    last.effective_on = date(2025, 3, 10)  # a date correction: ties broken by the order recorded
    db.session.commit()
    assert_same_everywhere()

    db.session.delete(last)  # a removed history row (as an undo does)
    db.session.commit()
    db.session.refresh(side)
    assert side.current_status == "已申报"
    assert_same_everywhere()

    db.session.delete(moved)  # the application with its history
    db.session.commit()
    assert_same_everywhere()
