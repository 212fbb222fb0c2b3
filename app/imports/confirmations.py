"""Which rows' implausible amounts the official confirmed (我已核对金额) for the import under way.

Unset (the preview): such rows are listed for a tick. Set (commit or the CLI): the rows ticked
are stored with an audited confirmation, any other such row is an error.
"""

import contextvars
from contextlib import contextmanager

_confirmed: contextvars.ContextVar = contextvars.ContextVar("import_amount_confirmations", default=None)
ALL = "all"


def is_confirmed(row_number: int) -> bool | None:
    """None while previewing; else whether the row's amounts were confirmed."""
    confirmed = _confirmed.get()
    if confirmed is None:
        return None
    return confirmed == ALL or row_number in confirmed


@contextmanager
def confirmed_rows(rows):
    """Plan and write inside this block with ``rows`` (row numbers, or ALL) confirmed."""
    token = _confirmed.set(rows if rows == ALL else {int(n) for n in rows})
    try:
        yield
    finally:
        _confirmed.reset(token)
