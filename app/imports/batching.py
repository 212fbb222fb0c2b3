"""Write a ledger in chunks of rows: the services' flushes inside a chunk are postponed to one flush.

The deals and funds services flush after every step, so a form gets ids at once. Through an
import of 10,000 rows that is some 60,000 flushes, each running the unit of work, the audit
hook and the import recorder, and it made a commit take most of a minute. Inside
``chunked_writes`` a ``session.flush()`` (a service's or an autoflush) does nothing; the
import calls ``row_done()`` after each ledger row and the writer flushes after every
``CHUNK_ROWS`` rows, at once after a row that changed or deleted stored records (so the
recorder reads their prior values and credits them to that row), and at the end.

Nothing is lost by waiting: the flush writes, audits and records every object the chunk
created (each credited to the row that added it, see recorder.py), and nothing reads them
back from the database before. What the services check in memory (stage-history order,
ledger sums) sees the pending objects; a lookup that needs an id (a leader created on the
fly) calls ``flush_now``. The audit log gets one entry per record and changed field per
flush: a deal created by a row is logged once with its final stage, beside its stage-history
rows, rather than created at 线索 and then moved.

Parents and children point at each other (application ↔ status changes), so written rows
become garbage only for the cycle collector. Left to run on its own thresholds it re-scans
every live object again and again as the import allocates, which cost as much as the writing;
``paused_gc`` stops it, and the writer collects the youngest generation once per chunk.
"""

import gc
from contextlib import contextmanager

from sqlalchemy.orm import Session

from app.core.models import Audited
from app.imports.recorder import changed

CHUNK_ROWS = 250


def _postponed(objects=None) -> None:
    """``Session.flush`` inside ``chunked_writes``: the writer flushes at the end of the chunk."""


def flush_now(session: Session) -> None:
    """Flush for real, inside ``chunked_writes`` or not."""
    type(session).flush(session)


def touches_stored_rows(session: Session) -> bool:
    """Are records that exist in the database changed or deleted, and not flushed yet?"""
    if session.deleted:
        return True
    return any(isinstance(obj, Audited) and changed(obj) for obj in session.dirty)


@contextmanager
def paused_gc():
    """No automatic cycle collection inside the block, one collection of what it allocated at the end.

    A ledger of thousands of rows keeps many objects alive (cells, row plans, written records);
    the collector's own thresholds make it re-scan them again and again while more are allocated.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        gc.collect(0)


class ChunkWriter:
    def __init__(self, session: Session):
        self.session = session
        self.waiting = 0

    def row_done(self) -> None:
        """A ledger row has been applied: flush when the chunk is full or stored records changed."""
        self.waiting += 1
        if self.waiting >= CHUNK_ROWS or touches_stored_rows(self.session):
            self.flush()

    def flush(self) -> None:
        flush_now(self.session)
        self.waiting = 0
        gc.collect(0)  # the chunk's objects: garbage now, or kept (the plan) and not scanned again


@contextmanager
def chunked_writes(session: Session):
    """Postpone the flushes of ``session`` to chunks of ledger rows; flush the rest at the end of the block."""
    session.flush = _postponed  # shadows Session.flush for this session object only
    try:
        with paused_gc():
            writer = ChunkWriter(session)
            yield writer
            writer.flush()
    finally:
        del session.flush
