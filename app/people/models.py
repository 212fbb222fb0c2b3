"""Reference data: units, county leaders, fund channels, industries, yearly targets."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Audited, TimestampMixin
from app.core.money import format_wan
from app.extensions import db

UNIT_KINDS = ["乡镇", "县直部门", "国有企业", "金融机构"]
TASKFORCE_ROLES = ["组长", "副组长", "成员"]


class Unit(Audited, TimestampMixin, db.Model):
    """A responsible unit (责任单位): township, county department, enterprise or bank."""

    __tablename__ = "units"
    __audit_label__ = "单位"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True, info={"label": "名称"})
    short_name: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "简称"})
    kind: Mapped[str] = mapped_column(sa.String(20), info={"label": "类别"})
    sort_order: Mapped[int] = mapped_column(default=0, info={"label": "排序"})
    is_active: Mapped[bool] = mapped_column(default=True, info={"label": "启用"})

    @property
    def is_township(self) -> bool:
        return self.kind == "乡镇"

    def __str__(self) -> str:
        return self.name


class Leader(Audited, TimestampMixin, db.Model):
    """A county-level leader (县级领导) who takes responsibility (包联) for work."""

    __tablename__ = "leaders"
    __audit_label__ = "县级领导"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True, info={"label": "姓名"})
    title: Mapped[str | None] = mapped_column(sa.String(100), info={"label": "职务"})
    taskforce_role: Mapped[str | None] = mapped_column(sa.String(20), info={"label": "专班职务"})
    sort_order: Mapped[int] = mapped_column(default=0, info={"label": "排序"})
    is_active: Mapped[bool] = mapped_column(default=True, info={"label": "启用"})

    def __str__(self) -> str:
        return self.name


class FundChannel(Audited, TimestampMixin, db.Model):
    """A superior-fund channel (资金渠道)."""

    __tablename__ = "fund_channels"
    __audit_label__ = "资金渠道"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True, info={"label": "名称"})
    short_name: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "简称"})
    is_bond: Mapped[bool] = mapped_column(default=False, info={"label": "债券类"})
    sort_order: Mapped[int] = mapped_column(default=0, info={"label": "排序"})
    is_active: Mapped[bool] = mapped_column(default=True, info={"label": "启用"})

    def __str__(self) -> str:
        return self.name


class Industry(Audited, TimestampMixin, db.Model):
    """An industry category (产业类别)."""

    __tablename__ = "industries"
    __audit_label__ = "产业类别"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True, info={"label": "名称"})
    sort_order: Mapped[int] = mapped_column(default=0, info={"label": "排序"})
    is_active: Mapped[bool] = mapped_column(default=True, info={"label": "启用"})

    def __str__(self) -> str:
        return self.name


# metric key -> (Chinese label, kind). Kinds: amount (integer yuan), count, rate (basis points, 4000 = 40%).
TARGET_METRICS = {
    "signed_amount": ("招商引资签约额", "amount"),
    "signed_count": ("招商引资签约项目数", "count"),
    "same_year_start_rate": ("签约项目当年开工率", "rate"),
    "fixed_asset_investment": ("固定资产投资", "amount"),
    "project_count": ("推进项目数", "count"),
    "annual_plan_investment": ("年度计划投资", "amount"),
    "key_project_count": ("重点项目数", "count"),
    "key_project_plan_investment": ("重点项目年度计划投资", "amount"),
    "reserve_total": ("项目储备库总投资", "amount"),
}


class Target(Audited, TimestampMixin, db.Model):
    """A yearly target, county-wide (unit empty) or for one unit."""

    __tablename__ = "targets"
    __audit_label__ = "目标"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(info={"label": "年度"})
    metric: Mapped[str] = mapped_column(
        sa.String(40), info={"label": "指标", "display": lambda raw: TARGET_METRICS.get(raw, (raw, ""))[0]}
    )
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), info={"label": "单位"})
    value: Mapped[int] = mapped_column(sa.BigInteger, info={"label": "目标值"})
    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("year", "metric", "unit_id"),)

    @property
    def metric_label(self) -> str:
        return TARGET_METRICS.get(self.metric, (self.metric, ""))[0]

    @property
    def kind(self) -> str:
        return TARGET_METRICS.get(self.metric, ("", "count"))[1]

    def audit_title(self) -> str:
        return f"{self.year}年{self.metric_label}"

    def value_text(self, value: int | None = None) -> str:
        """The stored integer (this target's value unless given) as a person reads it: 万元, %, or a count."""
        value = self.value if value is None else value
        if self.kind == "amount":
            return f"{format_wan(value)} 万元"
        if self.kind == "rate":
            return f"{value / 100:g}%"
        return str(value)

    def audit_value(self, field: str, raw: str) -> str | None:
        """Timelines read the value in the metric's unit, not as stored yuan or hundredths."""
        if field != "value" or not raw.lstrip("-").isdigit():
            return None
        return self.value_text(int(raw))
