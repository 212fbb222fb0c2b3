"""Soft, configurable plausibility ceilings on money, confirmed with 我已核对金额 and audited.

999999999 typed into 投资额（万元） is 10 万亿元: possible to store, almost surely a slip. Each
money field may have a ceiling (``MONEY_CEILINGS_YUAN`` in the config overrides the defaults
below); an amount above it is refused until the user ticks 我已核对金额, and the confirmation
is written to the audit log (action ``confirm``) beside the record it confirmed. The hard
bounds that stop overflow live elsewhere; these are about plausibility only.
"""

import contextvars

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from wtforms import BooleanField

from app.core.money import format_wan, format_yi

YI = 100_000_000
# "table.column" → ceiling in yuan.
DEFAULT_CEILINGS_YUAN = {
    "deals.contract_amount_yuan": 100 * YI,
    "fund_applications.requested_yuan": 50 * YI,
    "projects.total_investment_yuan": 500 * YI,
    "projects.annual_plan_yuan": 100 * YI,
    "funds_in_place.amount_yuan": 100 * YI,
    "project_investments.amount_yuan": 50 * YI,
}
CONFIRM_FIELD = "confirm_amount"


def ceiling_for(key: str) -> int | None:
    """The configured ceiling (yuan) for ``table.column``, None when unbounded."""
    configured = current_app.config.get("MONEY_CEILINGS_YUAN") if has_app_context() else None
    ceilings = {**DEFAULT_CEILINGS_YUAN, **(configured or {})}
    return ceilings.get(key)


def _amount_text(yuan: int) -> str:
    return f"{format_wan(yuan)} 万元（约 {format_yi(yuan)} 亿元）"


def implausible(label: str, amount: int | None, ceiling: int | None, *, what: str | None = None) -> str | None:
    """The message for an amount above its ceiling, or None when it is plausible."""
    if amount is None or ceiling is None or amount <= ceiling:
        return None
    limit = what or f"合理上限 {format_wan(ceiling)} 万元（{format_yi(ceiling)} 亿元）"
    return (
        f"{label}为 {_amount_text(amount)}，超过{limit}，可能多输了位数。请核对；如确属实，请勾选“我已核对金额”后再保存"
    )


# ---- forms ------------------------------------------------------------------------------------

_pending: contextvars.ContextVar[list | None] = contextvars.ContextVar("amount_confirmations", default=None)


class AmountCheck:
    """Form mixin: money fields listed in ``amount_checks`` (field name → "table.column") above
    their ceiling need the 我已核对金额 box. A view may set ``amount_ceilings`` (field name →
    (ceiling yuan, description)) for ceilings that depend on a record, e.g. a ledger entry
    above the application's request."""

    amount_checks: dict = {}
    confirm_amount = BooleanField("我已核对金额")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.needs_amount_confirmation = False
        confirmed = []
        overrides = getattr(self, "amount_ceilings", None) or {}
        for name, key in self.amount_checks.items():
            field = self[name]
            if field.errors or not isinstance(field.data, int) or field.data == field.object_data:
                continue  # unparsable, or the amount already stored (an edit of other fields)
            ceiling, what = overrides.get(name, (ceiling_for(key), None))
            message = implausible(str(field.label.text), field.data, ceiling, what=what)
            if message is None:
                continue
            if self.confirm_amount.data:
                confirmed.append((key, field.data))
            else:
                field.errors = [*field.errors, message]
                self.needs_amount_confirmation = True
                valid = False
        if valid and confirmed:
            _pending.set(confirmed)
        return valid

    @property
    def show_amount_confirmation(self) -> bool:
        return bool(getattr(self, "needs_amount_confirmation", False) or self.confirm_amount.data)


def expect_confirmation(key: str, amount: int) -> None:
    """Record outside a form (imports) that ``amount`` for ``table.column`` was confirmed."""
    _pending.set([*(_pending.get() or []), (key, amount)])


def clear_confirmations() -> None:
    _pending.set(None)


def register_plausibility(app) -> None:
    """Forget confirmations a request validated but never stored (threads are reused)."""

    @app.teardown_request
    def forget_amount_confirmations(exc):
        clear_confirmations()


@event.listens_for(Session, "after_flush")
def _audit_confirmations(session: Session, flush_context) -> None:
    """Write a ``confirm`` audit row for each confirmed amount on the record that stored it."""
    pending = _pending.get()
    if not pending:
        return
    from app.core.audit import AuditEntry, current_audit_context
    from app.core.dates import utcnow

    rows = []
    left = list(pending)
    for obj in list(session.new) + list(session.dirty):
        state = inspect(obj)
        table = state.mapper.local_table.name
        for key, amount in list(left):
            entity, column = key.split(".", 1)
            if entity == table and getattr(obj, column, None) == amount and obj.id is not None:
                rows.append(
                    {
                        "entity": table,
                        "record_id": obj.id,
                        "action": "confirm",
                        "field": column,
                        "old_value": None,
                        "new_value": str(amount),
                    }
                )
                left.remove((key, amount))
    if not rows:
        return
    _pending.set(left or None)
    ctx = current_audit_context()
    now = utcnow()
    for row in rows:
        row.update(
            created_at=now,
            user_id=ctx.get("user_id"),
            username=ctx.get("username"),
            source=ctx.get("source", "system"),
            batch_id=ctx.get("batch_id"),
        )
    session.connection().execute(sa.insert(AuditEntry.__table__), rows)
