"""The kanban's cards: the most recently active deals of each stage, loaded in one query for all columns."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.permissions import visible
from app.deals import queries
from app.deals.models import ALL_STAGES, Deal
from app.extensions import db


def cards_one_column_at_a_time(filters, user, limit):
    """The board as it was built before: one ordered, limited query per stage."""
    result = {}
    for stage in ALL_STAGES:
        stmt = visible(sa.select(Deal).where(Deal.stage == stage, *filters.conditions(with_stage=False)), Deal, user)
        stmt = stmt.order_by(Deal.last_activity_on.desc().nulls_last(), Deal.id.desc()).limit(limit)
        result[stage] = [deal.id for deal in db.session.scalars(stmt)]
    return result


@pytest.fixture
def board(make, monkeypatch):
    monkeypatch.setattr(queries, "KANBAN_CARDS", 3)
    town, other = make.unit("巴公镇"), make.unit("高都镇")
    activity = {
        "线索甲": date(2025, 3, 1),
        "线索乙": None,
        "线索丙": date(2025, 5, 1),
        "线索丁": date(2025, 3, 1),
        "线索戊": date(2025, 1, 1),
    }
    deals = {}
    for name, last in activity.items():
        deals[name] = make.deal(name, township=town, lead_unit=town)
        deals[name].last_activity_on = last
    for name, stage, unit in (("在谈甲", "在谈", town), ("在谈乙", "在谈", other), ("签约甲", "已签约", other)):
        deals[name] = make.deal(name, stage=stage, township=unit, lead_unit=unit)
    db.session.commit()
    return {"town": town, "other": other, **deals}


def test_each_column_lists_its_latest_deals(board, make):
    user = make.user("taskforce")
    db.session.commit()
    columns = {c.stage: c for c in queries.kanban(queries.DealFilters(), user)}
    # Latest activity first, no date last; 甲 and 丁 share 1 March: the later-created (丁) first. Three shown.
    assert [d.name for d in columns["线索"].deals] == ["线索丙", "线索丁", "线索甲"]
    assert columns["线索"].count == 5
    assert sorted(d.name for d in columns["在谈"].deals) == ["在谈乙", "在谈甲"]
    assert [d.name for d in columns["已签约"].deals] == ["签约甲"]
    assert all(not columns[s].deals for s in ("已注册", "已开工", "已投产", "暂缓", "终止"))
    assert columns["线索"].deals[0].township.name == "巴公镇"  # relations come with the cards


@pytest.mark.parametrize("scope", ["taskforce", "unit", "filtered"])
def test_cards_match_one_query_per_column(board, make, scope):
    user = make.user("unit", unit=board["town"]) if scope == "unit" else make.user("taskforce")
    db.session.commit()
    filters = queries.DealFilters(township_id=board["other"].id) if scope == "filtered" else queries.DealFilters()
    board_cards = {c.stage: [d.id for d in c.deals] for c in queries.kanban(filters, user)}
    assert board_cards == cards_one_column_at_a_time(filters, user, 3)


def test_cards_take_the_same_queries_however_many_columns(board, make):
    user = make.user("taskforce")
    db.session.commit()
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        db.session.expire_all()
        queries.kanban(queries.DealFilters(), user)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    # Counts per stage, the cards of all three columns, then one load per relation of the cards.
    card_queries = [s for s in statements if s.lstrip().startswith("SELECT deals.id, deals.name")]
    assert len(card_queries) == 1
    assert len(statements) <= 8
