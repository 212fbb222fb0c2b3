"""The figures cache (app/core/cache.py): read a figure, write, read again → the write shows.

Every kind of write raises the data version (deal stage, ledger entry, target edit, threshold edit,
import, undo, a raw statement), without the write path knowing about the cache.
"""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.cache import cache, data_version
from app.dashboard.metrics import alert_groups, compute_metrics
from app.dashboard.metrics.periods import THRESHOLDS
from app.dashboard.services import save_alert_thresholds
from app.deals.models import Deal
from app.deals.services import move_deal_to_stage
from app.extensions import db
from app.funds.services import add_ledger_entry
from app.imports import services as imports
from app.people.models import Target
from app.people.services import save_target
from tests.imports.test_deals_import import deals_file

YEAR, AS_OF = 2025, date(2025, 6, 30)


def figures() -> dict:
    return compute_metrics(YEAR, AS_OF)


class Statements:
    """Counts the SQL statements run inside the block."""

    def __enter__(self):
        self.count = 0
        sa.event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def _count(self, *args):
        self.count += 1

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self._count)


def test_a_second_read_comes_from_the_cache(seeded, make):
    make.deal(stage="已签约")
    db.session.commit()
    first = figures()
    with Statements() as run:
        again = figures()
    assert again == first
    assert run.count == 1  # the data version only


def test_a_deal_stage_move_shows(seeded, make):
    deal = make.deal(stage="在谈")
    db.session.commit()
    assert figures()["signed"]["count"] == 0
    move_deal_to_stage(deal, "已签约", effective_on=date(2025, 3, 1))
    db.session.commit()
    assert figures()["signed"]["count"] == 1


def test_a_ledger_entry_shows(seeded, make):
    channel = make.channel()
    app_ = make.fund_application(
        channel_obj=channel, steps=[("已申报", date(2025, 2, 10)), ("已下达", date(2025, 4, 1))]
    )
    db.session.commit()
    assert figures()["funds_total"]["approved_yuan"] == 0
    add_ledger_entry(app_, kind="下达", entry_on=date(2025, 4, 1), amount_yuan=5_000_000)
    db.session.commit()
    assert figures()["funds_total"]["approved_yuan"] == 5_000_000


def test_a_target_edit_shows(seeded):
    before = figures()["signed"]["target_yuan"]
    target = db.session.scalar(
        sa.select(Target).where(Target.year == YEAR, Target.metric == "signed_amount", Target.unit_id.is_(None))
    )
    save_target(target, year=YEAR, metric="signed_amount", unit_id=None, text="200亿")
    db.session.commit()
    after = figures()["signed"]["target_yuan"]
    assert after == 20_000_000_000 and after != before


def test_a_threshold_edit_shows(seeded, make):
    make.deal(stage="已签约", dates={"已签约": date(2025, 3, 1)}, amount=1_000_000)
    db.session.commit()
    assert figures()["signed"]["gap_level"] == "red"  # far behind 序时进度 with the default thresholds
    values = {key: str(spec[1]) for key, spec in THRESHOLDS.items()}
    values.update({"alert.progress_yellow_points": "40", "alert.progress_red_points": "60"})
    save_alert_thresholds(values)
    db.session.commit()
    assert figures()["signed"]["gap_level"] == "yellow"


def test_an_import_and_its_undo_show(seeded, make):
    make.leader("卫明哲")
    db.session.commit()
    assert figures()["signed"]["count"] == 0
    _plan, batch = imports.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()
    signed = figures()["signed"]["count"]
    assert signed > 0
    imports.undo_batch(batch, user=None)
    db.session.commit()
    assert figures()["signed"]["count"] == 0


def test_a_raw_statement_through_the_session_shows(seeded, make):
    make.deal(stage="已签约", amount=100_000_000)
    db.session.commit()
    assert figures()["signed"]["amount_yuan"] == 100_000_000
    db.session.execute(sa.update(Deal).values(contract_amount_yuan=300_000_000))
    db.session.commit()
    assert figures()["signed"]["amount_yuan"] == 300_000_000


def test_uncommitted_writes_are_computed_not_cached(seeded, make):
    make.deal(stage="已签约")
    db.session.commit()
    assert figures()["signed"]["count"] == 1
    make.deal(stage="已签约")  # flushed, not committed: this session sees it, nobody caches it
    assert figures()["signed"]["count"] == 2
    db.session.rollback()
    assert figures()["signed"]["count"] == 1


def test_a_rolled_back_write_keeps_the_version(seeded, make):
    version = data_version()
    make.deal(stage="已签约")
    db.session.rollback()
    db.session.commit()
    assert data_version() == version


def test_alert_counts_are_cached_per_scope(seeded, make):
    unit = make.unit("测试镇")
    other = make.unit("别的镇")
    make.deal(stage="已签约", lead_unit_id=unit.id)
    mine = make.user("unit", username="mine", unit=unit)
    theirs = make.user("unit", username="theirs", unit=other)
    db.session.commit()
    today = date(2025, 11, 20)

    def count(user):
        return sum(g["count"] for g in alert_groups(YEAR, today, user=user, limit_per_kind=0))

    def uncached(user):
        return sum(g["count"] for g in alert_groups.uncached(YEAR, today, user=user, limit_per_kind=0))

    assert count(mine) == uncached(mine)
    assert count(theirs) == uncached(theirs)  # a different scope: its own entry, not the first user's
    assert count(mine) > count(theirs)


def test_redis_backend_when_cache_url_is_set():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    from flask import Flask

    from app.core.cache import init_cache

    probe = Flask("probe")
    probe.config["CACHE_URL"] = "redis://127.0.0.1:6379/15"
    probe.config["CACHE_KEY_PREFIX"] = "crm-test:"
    init_cache(probe)
    assert probe.config["CACHE_TYPE"] == "RedisCache"
    with probe.app_context():
        cache.set("probe", {"signed": 1})
        assert cache.get("probe") == {"signed": 1}
        cache.delete("probe")
