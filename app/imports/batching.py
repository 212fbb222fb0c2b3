"""Write a ledger in chunks of rows: one flush per chunk, autoflush off in between.

The services flush only where they need a generated id, so a ledger row's writes stay pending
in the session. Through an import of 10,000 rows a flush per service call would be some 60,000
flushes, each running the unit of work, the audit hook and the import recorder. Inside
``chunked_writes`` autoflush is off (``Session.no_autoflush``): the import calls ``row_done()``
after each ledger row and the writer flushes after every ``CHUNK_ROWS`` rows, at once after a
row that changed or deleted stored records (so the recorder reads their prior values and
credits them to that row), and at the end.

Nothing is lost by waiting: the flush writes, audits and records every object the chunk
created (each credited to the row that added it, see recorder.py), and nothing reads them
back from the database before. What the services check in memory (stage-history order,
ledger sums) sees the pending objects; a lookup that needs an id (a leader created on the
fly) flushes itself. The audit log gets one entry per record and changed field per flush: a
deal created by a row is logged once with its final stage, beside its stage-history rows,
rather than created at 线索 and then moved.

When the database refuses a flush (a unique constraint, say), ``ChunkFlushFailed`` names the
ledger rows of the chunk, since any of them may have written the offending record.
"""

from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.errors import InputError
from app.core.models import Audited
from app.imports.recorder import changed

CHUNK_ROWS = 250


class ChunkFlushFailed(InputError):
    """The database refused the writes of a chunk of ledger rows; ``rows`` are their numbers."""

    def __init__(self, rows: list[int], error: IntegrityError):
        self.rows = rows
        self.error = error
        super().__init__(f"{_rows_text(rows)}写入数据库时被拒绝（{_reason(error)}）", field="file")


def _rows_text(rows: list[int]) -> str:
    if len(rows) == 1:
        return f"第{rows[0]}行"
    if rows == list(range(rows[0], rows[-1] + 1)):
        return f"第{rows[0]}–{rows[-1]}行中的某一行"
    return f"第{'、'.join(map(str, rows))}行中的某一行"


def _reason(error: IntegrityError) -> str:
    text = str(getattr(error, "orig", error)).lower()
    if "unique" in text or "duplicate" in text:
        return "与已有记录重复"
    if "foreign key" in text:
        return "引用的记录不存在"
    if "not null" in text or "null value" in text:
        return "缺少必填内容"
    return "数据不符合数据库约束"


def touches_stored_rows(session: Session) -> bool:
    """Are records that exist in the database changed or deleted, and not flushed yet?"""
    if session.deleted:
        return True
    return any(isinstance(obj, Audited) and changed(obj) for obj in session.dirty)


class ChunkWriter:
    """Flushes ``session`` once per chunk of ledger rows, remembering which rows a flush writes."""

    def __init__(self, session: Session):
        self.session = session
        self.rows: list[int] = []

    def row_done(self, number: int) -> None:
        """Ledger row ``number`` has been applied: flush when the chunk is full or stored records changed."""
        self.rows.append(number)
        if len(self.rows) >= CHUNK_ROWS or touches_stored_rows(self.session):
            self.flush()

    def flush(self) -> None:
        """Write the chunk; a refusal by the database names the chunk's rows."""
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise ChunkFlushFailed(list(self.rows), exc) from exc
        self.rows = []


@contextmanager
def chunked_writes(session: Session):
    """Autoflush off and one flush per chunk of ledger rows; flush the rest at the end of the block."""
    with session.no_autoflush:
        writer = ChunkWriter(session)
        yield writer
        writer.flush()
