"""Chunked writes: one flush per chunk of rows with autoflush off, and nothing is lost or misattributed."""

import gc
import json
from collections import Counter
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.errors import InputError
from app.deals.models import Deal, Investor
from app.deals.services import create_deal, move_deal_to_stage
from app.extensions import db
from app.imports import batching, services
from app.imports.mappers import deals as mappers_deals
from app.imports.models import ImportItem
from tests.imports.test_deals_import import CODE_1, ROWS, deals_file


@pytest.fixture
def county(seeded, make):
    make.leader("卫明哲")  # the leader named in ROWS
    db.session.commit()


def items_of(batch) -> Counter:
    return Counter(
        (i.action, i.entity, i.row_number)
        for i in db.session.scalars(sa.select(ImportItem).where(ImportItem.batch_id == batch.id))
    )


def test_a_chunk_credits_every_record_to_its_row_and_audits_it_once(county, monkeypatch):
    monkeypatch.setattr(batching, "CHUNK_ROWS", 2)  # rows 4+5 in one flush, rows 6+7 in the next
    _plan, batch = services.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()

    assert "flush" not in vars(db.session())  # the session flushes normally again
    assert gc.isenabled()
    # 高纯硅基 (row 4) went 线索→在谈→已签约→已注册→已开工: 5 history rows; 储能 (5) and 康养 (7) to 已签约: 3;
    # 智慧物流 (6) to 在谈: 2. Each row also created its deal and its investor.
    assert items_of(batch) == Counter(
        {
            ("create", "investors", 4): 1,
            ("create", "deals", 4): 1,
            ("create", "deal_stage_changes", 4): 5,
            ("create", "investors", 5): 1,
            ("create", "deals", 5): 1,
            ("create", "deal_stage_changes", 5): 3,
            ("create", "investors", 6): 1,
            ("create", "deals", 6): 1,
            ("create", "deal_stage_changes", 6): 2,
            ("create", "investors", 7): 1,
            ("create", "deals", 7): 1,
            ("create", "deal_stage_changes", 7): 3,
        }
    )
    deal_rows = {
        i.record_id: i.row_number
        for i in db.session.scalars(
            sa.select(ImportItem).where(ImportItem.batch_id == batch.id, ImportItem.entity == "deals")
        )
    }
    names = {d.id: d.name for d in db.session.scalars(sa.select(Deal))}
    assert {names[i]: n for i, n in deal_rows.items()} == {row[1]: number for number, row in enumerate(ROWS, start=4)}

    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.batch_id == batch.id)).all()
    assert {(e.source, e.action) for e in entries} == {("import", "create")}
    assert len(entries) == 21  # one per record written: 4 investors, 4 deals, 13 history rows
    silicon = db.session.scalar(sa.select(Deal).where(Deal.name == "高纯硅基材料项目"))
    created = next(e for e in entries if e.entity == "deals" and e.record_id == silicon.id)
    values = json.loads(created.new_value)
    assert (values["stage"], values["signed_on"], values["started_on"]) == ("已开工", "2025-03-01", "2025-05-01")


def test_rows_that_change_stored_records_are_credited_to_their_row(county):
    services.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()
    rows = [list(r) for r in ROWS]
    rows[0][12] = "2025-03-05"  # row 4: 签约日期 corrected on the deal and its history row
    rows[1][10], rows[1][13] = "已开工", "2025年6月1日"  # row 5: 已签约 → 已开工 (已注册 recorded on the way)
    rows[2][16] = "邵景川"  # row 6: a leader created on commit
    rows.append(
        [
            5,
            "新增冷链项目",
            "汇通冷链有限公司",
            None,
            "县外",
            "现代物流",
            0.5,
            "正式合同",
            "是",
            None,
            "签约",
            None,
            "2025-05-20",
            None,
            "金村",
            "投促中心",
            None,
            None,
        ]
    )  # row 8
    plan, batch = services.import_file("deals", "台账-6月.xlsx", deals_file(rows), create_leaders=True)
    db.session.commit()

    assert plan.summary() == {"total": 5, "create": 1, "update": 3, "unchanged": 1, "error": 0}
    assert items_of(batch) == Counter(
        {
            ("update", "deals", 4): 1,
            ("update", "deal_stage_changes", 4): 1,
            ("update", "deals", 5): 1,
            ("create", "deal_stage_changes", 5): 2,
            ("create", "leaders", 6): 1,
            ("update", "deals", 6): 1,
            ("create", "investors", 8): 1,
            ("create", "deals", 8): 1,
            ("create", "deal_stage_changes", 8): 3,
        }
    )


def test_a_refused_row_leaves_the_session_flushing_normally(county, monkeypatch):
    def refuse(deal, stage, **kw):
        raise InputError("测试拒绝")

    monkeypatch.setattr("app.imports.mappers.deals.move_deal_to_stage", refuse)
    with pytest.raises(services.ImportFailed, match="第4行写入时被拒绝：测试拒绝"):
        services.import_file("deals", "台账.xlsx", deals_file())
    db.session.rollback()
    assert "flush" not in vars(db.session())
    assert gc.isenabled()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 0


def test_moves_not_flushed_yet_still_bound_the_next_move(county):
    with batching.chunked_writes(db.session()):
        deal = create_deal({"name": "未落库项目"}, effective_on=date(2025, 1, 10))
        move_deal_to_stage(deal, "已签约", effective_on=date(2025, 3, 1))
        assert deal.id is None  # nothing written yet
        # 暂缓 sets no stage date, so only the previous move's date (still unflushed) can refuse it.
        with pytest.raises(InputError, match="不能早于上一次阶段变更“在谈→已签约”的日期（2025-03-01）"):
            move_deal_to_stage(deal, "暂缓", effective_on=date(2025, 2, 1))
    db.session.rollback()


@pytest.fixture
def racing_registration(monkeypatch):
    """Another user stores row 4's company (CODE_1) after the import's credit-code check, before its flush."""
    create_investor = mappers_deals.create_investor

    def create_while_someone_else_registers_it(data, **kw):
        investor = create_investor(data, **kw)
        if data.get("credit_code") == CODE_1:
            db.session.execute(
                sa.insert(Investor.__table__).values(
                    name="另一用户登记的公司",
                    credit_code=CODE_1,
                    created_at=datetime(2025, 6, 1),
                    updated_at=datetime(2025, 6, 1),
                )
            )
        return investor

    monkeypatch.setattr(mappers_deals, "create_investor", create_while_someone_else_registers_it)


def test_a_unique_clash_at_a_chunk_flush_names_the_rows_of_the_chunk(county, racing_registration, monkeypatch):
    monkeypatch.setattr(batching, "CHUNK_ROWS", 2)  # rows 4+5 are written by one flush
    with pytest.raises(services.ImportFailed) as info:
        services.import_file("deals", "台账.xlsx", deals_file())
    message = "第4–5行中的某一行写入数据库时被拒绝（与已有记录重复）"
    assert info.value.message == f"{message}。未导入任何数据。"
    assert [(row.number, row.action, row.errors) for row in info.value.plan.rows[:3]] == [
        (4, "error", [("", "—", message)]),
        (5, "error", [("", "—", message)]),
        (6, "create", []),
    ]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Deal)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Investor)) == 0


def test_a_clash_in_a_chunk_of_one_row_names_that_row(county, racing_registration, monkeypatch):
    monkeypatch.setattr(batching, "CHUNK_ROWS", 1)
    with pytest.raises(services.ImportFailed, match="^第4行写入数据库时被拒绝（与已有记录重复）。未导入任何数据。$"):
        services.import_file("deals", "台账.xlsx", deals_file())
    db.session.rollback()
