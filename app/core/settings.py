"""The alert thresholds (DOMAIN.md §5): their keys, defaults and bounds, and the one way to read them.

Stored as text in the settings table; every reader (the dashboard alerts, the fund deadline and
problem reminders) gets them from here, so an unset or unreadable value falls back to the same
default everywhere.
"""

import sqlalchemy as sa

from app.core.models import Setting, get_setting
from app.extensions import db

# Setting key -> (Chinese label, default, minimum, maximum, help).
THRESHOLDS = {
    "alert.signed_not_started_days": ("签约未开工预警天数", 90, 1, 730, "签约后超过该天数仍未开工的项目列入预警"),
    "alert.year_end_risk_month": (
        "年末开工率风险提示起始月份",
        10,
        1,
        12,
        "自该月起，当年开工率低于目标时提示年末风险",
    ),
    "alert.stale_days": ("线索/在谈久未更新天数", 30, 1, 365, "线索或在谈项目超过该天数无任何更新即预警"),
    "alert.fund_deadline_days": ("申报截止提前提醒天数", 7, 0, 90, "申报截止日期在该天数以内的谋划储备项目提醒申报"),
    "alert.problem_deadline_days": ("问题办结临期提醒天数", 3, 0, 60, "办结时限在该天数以内的问题提醒，逾期的建议督办"),
    "alert.progress_yellow_points": (
        "进度落后黄色预警（百分点）",
        10,
        1,
        100,
        "签约进度落后序时进度达到该百分点显示黄色",
    ),
    "alert.progress_red_points": ("进度落后红色预警（百分点）", 30, 1, 100, "签约进度落后序时进度达到该百分点显示红色"),
    # Automatic escalation of overdue problems (the problems feature computes the level from these).
    "alert.problem_level2_days": (
        "问题超期自动升为2级督办天数",
        7,
        1,
        365,
        "问题超过办结时限达到该天数，自动升为2级督办（分管县领导）",
    ),
    "alert.problem_level3_days": (
        "问题超期自动升为3级督办天数",
        30,
        1,
        730,
        "问题超过办结时限达到该天数，自动升为3级督办（县政府主要领导），须大于2级天数",
    ),
}


def threshold(key: str) -> int:
    """An alert threshold from the settings table, falling back to its default when unset or unreadable."""
    return _threshold_value(key, get_setting(key))


def read_thresholds() -> dict[str, int]:
    """Every alert threshold (as ``threshold`` gives it) in one query.

    Read once per computation and pass the dict along; it is never kept across requests, so an
    admin's edit of the thresholds applies to the next page at once.
    """
    stored = dict(db.session.execute(sa.select(Setting.key, Setting.value).where(Setting.key.in_(THRESHOLDS))).all())
    return {key: _threshold_value(key, stored.get(key)) for key in THRESHOLDS}


def _threshold_value(key: str, raw) -> int:
    _label, default, low, high, _help = THRESHOLDS[key]
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default
