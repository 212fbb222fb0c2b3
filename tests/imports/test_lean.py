"""Imports lean: the planner reads plain rows, the commit and the undo keep one chunk of ORM objects."""

import gc

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.deals.models import Deal, DealStageChange, Investor
from app.extensions import db
from app.imports import batching, recorder, services
from app.imports.models import ImportBatch
from tests.imports.test_deals_import import ROWS, deals_file


@pytest.fixture
def county(seeded, make):
    make.leader("卫明哲")  # the leader named in ROWS
    db.session.commit()


def deals_in_session() -> list:
    gc.collect()
    return [obj for obj in db.session.identity_map.values() if isinstance(obj, (Deal, DealStageChange, Investor))]


def test_the_planner_loads_no_orm_deals_and_the_commit_keeps_none(county):
    services.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()
    db.session.expunge_all()

    plan, _lookups = services.build_plan("deals", deals_file(), "台账.xlsx", create_leaders=False)
    assert plan.summary()["unchanged"] == 4
    assert deals_in_session() == []  # plain rows: nothing in the identity map

    changed = [list(row) for row in ROWS]
    changed[0][17] = "改为重点推进"  # 备注 of 高纯硅基 and 储能: two updates
    changed[1][17] = "新备注"
    _plan, batch = services.import_file("deals", "台账.xlsx", deals_file(changed))
    db.session.commit()
    assert (batch.updated_count, batch.unchanged_count) == (2, 2)
    notes = dict(db.session.execute(sa.select(Deal.name, Deal.notes)).all())
    assert notes[ROWS[0][1]] == "改为重点推进" and notes[ROWS[1][1]] == "新备注"
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.batch_id == batch.id)).all()
    assert sorted((e.action, e.field, e.new_value) for e in entries) == [
        ("update", "notes", "改为重点推进"),
        ("update", "notes", "新备注"),
    ]
    db.session.expunge_all()
    batch = db.session.get(ImportBatch, batch.id)
    services.undo_batch(batch, user=None)
    db.session.commit()
    assert dict(db.session.execute(sa.select(Deal.name, Deal.notes)).all())[ROWS[0][1]] == "重点推进"


def test_the_commit_releases_each_rows_objects(county, monkeypatch):
    monkeypatch.setattr(batching, "CHUNK_ROWS", 1)
    plan, batch = services.import_file("deals", "台账.xlsx", deals_file())
    assert all(row.target is None and row.data == {} for row in plan.rows)  # the outcome stays, the objects go
    assert [row.as_dict()["a"] for row in plan.rows] == ["create"] * 4
    db.session.flush()
    assert deals_in_session() == []


def test_undo_in_chunks_deletes_children_first_and_audits_every_record(county, monkeypatch):
    monkeypatch.setattr(recorder, "CHUNK", 2)  # 4 investors, 4 deals, 13 history rows: several chunks per table
    _plan, batch = services.import_file("deals", "台账.xlsx", deals_file())
    db.session.commit()
    created = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.batch_id == batch.id)).all()
    assert len(created) == 21
    db.session.expunge_all()

    services.undo_batch(db.session.get(ImportBatch, batch.id), user=None)
    db.session.commit()
    for model in (Deal, DealStageChange, Investor):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
    deleted = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.batch_id == batch.id, AuditEntry.action == "delete")
    ).all()
    assert sorted((e.entity, e.record_id) for e in deleted) == sorted((e.entity, e.record_id) for e in created)


@pytest.fixture
def projects_county(seeded, make):
    make.project("巴公园区污水处理厂", code="2501-140525-04-01-200001")
    make.project("城区供水管网改造工程")
    db.session.commit()


def test_the_funds_and_projects_planners_load_no_orm_records(projects_county):
    from app.funds.models import FundApplication, FundLedgerEntry, FundStatusChange
    from app.projects.models import Project
    from tests.imports.test_funds_import import funds_file
    from tests.imports.test_projects_import import projects_file

    services.import_file("funds", "争资台账.xlsx", funds_file())
    services.import_file("projects", "项目台账.xlsx", projects_file())
    db.session.commit()
    db.session.expunge_all()
    plan, _lookups = services.build_plan("funds", funds_file(), "争资台账.xlsx", create_leaders=False)
    assert plan.summary()["unchanged"] == 4, [r.changes for r in plan.rows]
    plan, _lookups = services.build_plan("projects", projects_file(), "项目台账.xlsx", create_leaders=False)
    assert plan.summary()["unchanged"] == plan.summary()["total"] > 0
    gc.collect()
    kinds = (FundApplication, FundStatusChange, FundLedgerEntry, Project)
    assert [o for o in db.session.identity_map.values() if isinstance(o, kinds)] == []
