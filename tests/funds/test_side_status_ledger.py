"""Money cannot be recorded against an application that failed or was withdrawn, except as an adjustment."""

from datetime import date

import pytest

from app.core.errors import InputError
from app.funds.services import add_ledger_entry, change_status


@pytest.mark.parametrize("side_status", ["未通过", "已撤回"])
def test_no_amounts_on_a_closed_application(make, side_status):
    app_ = make.application(start_on=date(2025, 2, 1))
    change_status(app_, "已申报", effective_on=date(2025, 2, 10))
    change_status(app_, side_status, effective_on=date(2025, 3, 10))
    with pytest.raises(InputError, match=side_status):
        add_ledger_entry(app_, kind="下达", entry_on=date(2025, 3, 20), amount_yuan=1_000_000)
    assert app_.ledger == []
    entry = add_ledger_entry(
        app_, kind="下达", entry_on=date(2025, 3, 20), amount_yuan=-1, is_adjustment=True, reason="更正误录"
    )
    assert entry.is_adjustment and len(app_.ledger) == 1
