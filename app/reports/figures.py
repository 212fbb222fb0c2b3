"""The report's figures: one call into the metrics module per section, never a figure computed here.

A report month ``YYYY-MM`` is computed as of its last day (or as of today while the
month is still running). The result is normalised through JSON so the live figures and
the figures stored with an issued report compare key by key.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.core.cache import cached_figures
from app.core.dates import month_end, parse_month, today
from app.core.errors import InputError

FIRST_YEAR = 2000


@dataclass(frozen=True)
class ReportMonth:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str | None) -> "ReportMonth":
        """``2025-06`` (or 2025年6月) to a month not after the current one, else InputError."""
        year, month = parse_month(text or "", what="报告月份")
        value = cls(year, month)
        if year < FIRST_YEAR:
            raise InputError(f"报告月份“{text}”过早，请选择 {FIRST_YEAR} 年以后的月份", field="month")
        current = today()
        if (year, month) > (current.year, current.month):
            raise InputError(f"报告月份“{value.key}”还未到，请选择本月或以前的月份", field="month")
        return value

    @classmethod
    def latest_complete(cls) -> "ReportMonth":
        """The last month that has ended: what the task force reports on by default."""
        current = today()
        if current == month_end(current.year, current.month):
            return cls(current.year, current.month)
        if current.month == 1:
            return cls(current.year - 1, 12)
        return cls(current.year, current.month - 1)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def last_day(self) -> date:
        return month_end(self.year, self.month)

    @property
    def is_complete(self) -> bool:
        return self.last_day <= today()

    @property
    def as_of(self) -> date:
        """The month's last day, or today while the month runs."""
        return min(self.last_day, today())


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def normalise(figures: dict) -> dict:
    """The figures as they read back from a JSON column (tuples to lists, dates to text)."""
    return json.loads(json.dumps(figures, ensure_ascii=False, default=_plain))


@cached_figures("report_figures")
def collect_figures(month: ReportMonth) -> dict:
    """Everything the report shows for ``month``, from app.dashboard.metrics only."""
    from app.dashboard import metrics

    as_of = month.as_of
    return normalise(
        {
            "month": month.key,
            "as_of": as_of,
            "metrics": metrics.compute_metrics(month.year, as_of),
            "signed_not_started": metrics.signed_not_started(month.year, as_of),
            "overdue_problems": metrics.overdue_problems(as_of),
            "leader_summary": metrics.leader_summary(month.year, as_of),
        }
    )


@dataclass(frozen=True)
class Edition:
    """What a copy says about itself: issued on a date as version N, or a live draft (version None)."""

    on: date
    version: int | None = None
    note: str | None = None

    @property
    def is_issued(self) -> bool:
        return self.version is not None

    @property
    def note_label(self) -> str:
        return "更正说明" if (self.version or 0) > 1 else "发布说明"

    @property
    def label(self) -> str:
        """``发布日期：2025年7月3日（第1版）`` or ``生成日期：…（实时数据，未发布）``."""
        day = f"{self.on.year}年{self.on.month}月{self.on.day}日"
        if self.is_issued:
            return f"发布日期：{day}（第{self.version}版）"
        return f"生成日期：{day}（实时数据，未发布）"


def chinese_date(value: str | date) -> str:
    """``2025-06-30`` → ``2025年6月30日``."""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return f"{value.year}年{value.month}月{value.day}日"
