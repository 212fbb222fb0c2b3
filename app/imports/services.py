"""Ledger import: preview (plans every row, writes only the pending batch), commit (all-or-nothing), undo.

Services never commit (and flush only for ids they need); the view or CLI command commits once. A commit re-reads
the bytes stored with the preview, so what is written is exactly what was previewed.
"""

import json
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.core.audit import audit_context
from app.core.dates import utcnow
from app.core.errors import InputError
from app.extensions import db
from app.imports import recorder
from app.imports.batching import CHUNK_ROWS, ChunkFlushFailed, chunked_writes
from app.imports.mappers import MAPPERS
from app.imports.mappers.base import Lookups, Plan
from app.imports.models import KINDS, ImportBatch, ImportItem
from app.imports.reader import read_table

PREVIEW_HOURS = 24


class AlreadyCommitted(InputError):
    """Another request claimed this preview first (a double click, a second tab): nothing more to do."""


class ImportFailed(InputError):
    """Some rows cannot be imported; nothing was written. ``plan`` holds every row's outcome."""

    def __init__(self, plan: Plan, message: str | None = None):
        errors = plan.count("error")
        super().__init__(message or f"有{errors}行存在错误，未导入任何数据。请修改后重新上传。", field="file")
        self.plan = plan


def build_plan(kind: str, content: bytes, filename: str, *, create_leaders) -> tuple[Plan, Lookups]:
    """Read the ledger and plan every row (no writes). ``create_leaders``: True, False or names to create."""
    if kind not in MAPPERS:
        raise InputError("请选择台账类型", field="kind")
    mapper = MAPPERS[kind]
    table = read_table(content, filename, mapper.FIELDS, mapper.KEY)
    lookups = Lookups(create_leaders)
    rows = mapper.plan_rows(table, lookups)
    unknown: dict[str, list[int]] = {}
    for row in rows:
        for name in row.leaders:
            unknown.setdefault(name, []).append(row.number)
    if not rows:
        raise InputError(f"工作表“{table.sheet}”在表头（第{table.header_row}行）下没有数据行", field="file")
    return Plan(kind, table, rows, unknown), lookups


def store_plan(batch: ImportBatch, plan: Plan) -> None:
    """Keep the preview (every row's outcome) and its counts on the batch."""
    summary = plan.summary()
    batch.total_rows = summary["total"]
    batch.created_count, batch.updated_count = summary["create"], summary["update"]
    batch.unchanged_count, batch.error_count = summary["unchanged"], summary["error"]
    batch.preview_json = json.dumps(
        {
            "sheet": plan.table.sheet,
            "header_row": plan.table.header_row,
            "unknown_headers": plan.table.unknown_headers,
            "skipped": plan.table.skipped,
            "leaders": plan.unknown_leaders,
            "rows": [row.as_dict() for row in plan.rows],
        },
        ensure_ascii=False,
        default=str,
    )


def stored_preview(batch: ImportBatch) -> dict:
    return json.loads(batch.preview_json or "{}")


def start_preview(kind: str, filename: str, content: bytes, *, user) -> ImportBatch:
    """Plan an uploaded ledger and keep it, with the file, as a pending batch keyed by a token."""
    plan, _lookups = build_plan(kind, content, filename, create_leaders=True)
    batch = ImportBatch(
        token=secrets.token_urlsafe(24),
        kind=kind,
        filename=_safe_name(filename),
        status="preview",
        source="web",
        user_id=getattr(user, "id", None),
        file_data=content,
    )
    store_plan(batch, plan)
    db.session.add(batch)
    purge_stale_previews()
    db.session.flush()
    return batch


def _safe_name(filename: str) -> str:
    return (filename or "台账.xlsx").replace("\\", "/").rsplit("/", 1)[-1][:255]


def purge_stale_previews() -> int:
    """Drop pending previews (and their files) older than a day."""
    cutoff = utcnow() - timedelta(hours=PREVIEW_HOURS)
    result = db.session.execute(
        sa.delete(ImportBatch).where(ImportBatch.status == "preview", ImportBatch.created_at < cutoff)
    )
    return result.rowcount or 0


def _claim(batch: ImportBatch) -> None:
    """Move the batch preview → committing with one conditional UPDATE; the loser of a race gets AlreadyCommitted.

    The UPDATE row-locks the batch until this transaction ends: a concurrent commit of the same
    preview waits, then finds the status changed and does nothing.
    """
    claimed = db.session.execute(
        sa.update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == "preview")
        .values(status="committing")
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise AlreadyCommitted("该批次已经导入（或正在由另一个请求导入），未重复写入", field="file")


def lock_kind(kind: str) -> None:
    """Imports of one kind run one at a time, so two ledgers naming the same deal cannot both create it.

    PostgreSQL: a transaction-scoped advisory lock per kind. SQLite: a write statement takes the
    database's single write lock, held to the end of the transaction.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": 160_000 + sorted(KINDS).index(kind)})
    else:
        db.session.execute(sa.update(ImportBatch).where(sa.false()).values(status=ImportBatch.status))


def commit_batch(batch: ImportBatch, *, user, create_leaders) -> ImportBatch:
    """Re-read the pending batch's file and write every row, or nothing (ImportFailed) when any row fails.

    The plan is rebuilt after the claim and the per-kind lock, so it sees what an import that
    finished a moment ago wrote (its deals are then updates, not duplicates).
    """
    if batch.status != "preview":
        raise AlreadyCommitted("该批次已导入或已撤销，未重复写入", field="file")
    _claim(batch)
    lock_kind(batch.kind)
    plan, lookups = build_plan(batch.kind, batch.file_data, batch.filename, create_leaders=create_leaders)
    return _apply(batch, plan, lookups, user)


def import_file(
    kind: str, filename: str, content: bytes, *, user=None, create_leaders: bool = False, dry_run: bool = False
) -> tuple[Plan, ImportBatch | None]:
    """The CLI path: plan, and unless ``dry_run`` or any row fails, write everything as one batch."""
    if not dry_run:
        lock_kind(kind)
    plan, lookups = build_plan(kind, content, filename, create_leaders=create_leaders)
    if dry_run or plan.has_errors:
        return plan, None
    batch = ImportBatch(
        token=secrets.token_urlsafe(24),
        kind=kind,
        filename=_safe_name(filename),
        status="preview",
        source="cli",
        user_id=getattr(user, "id", None),
        file_data=content,
    )
    db.session.add(batch)
    db.session.flush()
    return plan, _apply(batch, plan, lookups, user)


def _apply(batch: ImportBatch, plan: Plan, lookups: Lookups, user) -> ImportBatch:
    if plan.has_errors:
        raise ImportFailed(plan)
    try:
        return _write(batch, plan, lookups, user)
    except ChunkFlushFailed as exc:
        by_number = {row.number: row for row in plan.rows}
        for number in exc.rows:
            by_number[number].action = "error"
            by_number[number].errors.append(("", "—", exc.message))
        raise ImportFailed(plan, f"{exc.message}。未导入任何数据。") from exc


def _write(batch: ImportBatch, plan: Plan, lookups: Lookups, user) -> ImportBatch:
    mapper = MAPPERS[batch.kind]
    with (
        audit_context(source="import", user=user, batch_id=batch.id),
        recorder.recording() as record,
        chunked_writes(db.session()) as writer,
    ):  # one flush per chunk of rows, see batching.py
        prefetch = getattr(mapper, "prefetch", None)
        loaded: list = []
        for index, row in enumerate(plan.rows):
            if prefetch is not None and index % CHUNK_ROWS == 0:  # ORM targets of the next chunk, one load
                loaded = prefetch([r for r in plan.rows[index : index + CHUNK_ROWS] if r.action == "update"])
            if row.action not in ("create", "update"):
                continue
            record.row_number = row.number
            try:
                mapper.apply_row(row, lookups, actor=user)
            except IntegrityError as exc:  # a flush a service needed (an id) met a database constraint
                raise ChunkFlushFailed([*writer.rows, row.number], exc) from exc
            except InputError as exc:
                row.action = "error"
                row.errors.append(("", "—", f"写入时被拒绝：{exc.message}"))
                raise ImportFailed(plan, f"第{row.number}行写入时被拒绝：{exc.message}。未导入任何数据。") from exc
            writer.row_done(row.number)
            # The row's ORM objects (its deal, investor …) are pending in the session until the chunk's
            # flush and needed by nothing after it: let them go, so memory stays one chunk deep.
            row.release()
    del loaded
    if record.items:
        db.session.execute(
            sa.insert(ImportItem.__table__),
            [  # the table: one plain executemany
                {
                    "batch_id": batch.id,
                    "seq": seq,
                    "action": action,
                    "entity": entity,
                    "record_id": record_id,
                    "row_number": number,
                    "before": json.dumps(before, ensure_ascii=False) if before is not None else None,
                }
                for seq, (action, entity, record_id, before, number) in enumerate(record.items, start=1)
            ],
        )
    store_plan(batch, plan)
    batch.status = "committed"
    batch.committed_at = utcnow()
    batch.user_id = getattr(user, "id", None) or batch.user_id
    batch.created_leaders = "、".join(lookups.new_leaders) or None
    db.session.flush()
    return batch


def undo_batch(batch: ImportBatch, *, user) -> None:
    """Take a committed batch back: its creations removed, its updates reverted to the exact prior rows."""
    if batch.status != "committed":
        raise InputError("只有“已导入”的批次可以撤销")
    items = db.session.execute(
        sa.select(ImportItem.__table__)  # plain rows: no ORM object per item
        .where(ImportItem.batch_id == batch.id)
        .order_by(ImportItem.seq)
    ).all()
    problems = recorder.conflicts(batch.id, items)
    if problems:
        more = f"等{len(problems)}处" if len(problems) > 5 else ""
        raise InputError("无法撤销：" + "；".join(problems[:5]) + more + "。请先处理这些记录，或先撤销之后的导入批次。")
    with audit_context(source="import", user=user, batch_id=batch.id):
        recorder.undo(items)
    batch.status = "undone"
    batch.undone_at = utcnow()
    batch.undone_by_id = getattr(user, "id", None)
    db.session.flush()


def kind_label(kind: str) -> str:
    return KINDS.get(kind, kind)
