"""Forms of the dashboard: the alert thresholds."""

from wtforms import StringField

from app.core.forms import ChineseForm
from app.dashboard.metrics.periods import THRESHOLDS


def field_name(key: str) -> str:
    """Setting key ``alert.stale_days`` → form field ``stale_days``."""
    return key.split(".", 1)[1]


class AlertSettingsForm(ChineseForm):
    """One text field per threshold; the service parses and range-checks them (Chinese messages)."""


for _key, (_label, _default, _low, _high, _help) in THRESHOLDS.items():
    setattr(AlertSettingsForm, field_name(_key), StringField(_label, description=_help))
