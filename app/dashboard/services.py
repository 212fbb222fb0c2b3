"""Writes of the dashboard: the alert thresholds (settings alert.*). Flush only."""

import re

from app.core.errors import InputError
from app.core.models import set_setting
from app.core.money import normalize_text
from app.dashboard.metrics.periods import THRESHOLDS


def save_alert_thresholds(values: dict[str, str]) -> dict[str, int]:
    """Validate every threshold (whole number within its range, red beyond yellow) and store them all."""
    parsed = {}
    for key, (label, _default, low, high, _help) in THRESHOLDS.items():
        raw = values.get(key)
        text = normalize_text("" if raw is None else str(raw))
        if text == "":
            raise InputError(f"请填写{label}", field=key)
        if not re.fullmatch(r"\d+", text):
            raise InputError(f"{label}须为整数，不能是“{raw}”", field=key)
        value = int(text)
        if not low <= value <= high:
            raise InputError(f"{label}须在 {low} 到 {high} 之间（填写的是 {value}）", field=key)
        parsed[key] = value
    if parsed["alert.progress_red_points"] <= parsed["alert.progress_yellow_points"]:
        raise InputError("红色预警的落后百分点须大于黄色预警的百分点", field="alert.progress_red_points")
    if parsed["alert.problem_level3_days"] <= parsed["alert.problem_level2_days"]:
        raise InputError("问题超期自动升为3级督办的天数须大于升为2级的天数", field="alert.problem_level3_days")
    for key, value in parsed.items():
        set_setting(key, str(value))
    return parsed
