"""Projects (项目库) and their monthly completed-investment entries."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Audited, TimestampMixin, Versioned
from app.extensions import db
from app.people.models import Industry, Leader, Unit

NATURES = ["新建", "续建"]
RESERVE_STATUSES = ["储备", "前期", "实施", "完成"]
KEY_PROJECT_THRESHOLD_YUAN = 50_000_000  # 年度计划投资 ≥ 5000万元


class Project(Versioned, Audited, TimestampMixin, db.Model):
    """A construction/investment project that deals and fund applications link to."""

    __tablename__ = "projects"
    __audit_label__ = "项目"
    __scope_units__ = ("township_id", "lead_unit_id")
    __scope_leaders__ = ("leader_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True, info={"label": "项目名称"})
    code: Mapped[str | None] = mapped_column(sa.String(50), unique=True, info={"label": "统一项目代码"})
    nature: Mapped[str] = mapped_column(sa.String(10), default="新建", info={"label": "建设性质"})
    plan_year: Mapped[int] = mapped_column(index=True, info={"label": "计划年度"})
    industry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("industries.id"), info={"label": "产业类别"})
    township_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True, info={"label": "所在乡镇"})
    lead_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True, info={"label": "责任单位"})
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leaders.id"), index=True, info={"label": "包联领导"})
    total_investment_yuan: Mapped[int] = mapped_column(
        sa.BigInteger, default=0, info={"label": "总投资", "money": True}
    )
    annual_plan_yuan: Mapped[int] = mapped_column(
        sa.BigInteger, default=0, info={"label": "年度计划投资", "money": True}
    )
    key_override: Mapped[bool | None] = mapped_column(info={"label": "重点项目（人工认定）"})
    reserve_status: Mapped[str] = mapped_column(sa.String(10), default="储备", info={"label": "储备状态"})
    planned_start_on: Mapped[date | None] = mapped_column(info={"label": "计划开工日期"})
    actual_start_on: Mapped[date | None] = mapped_column(info={"label": "实际开工日期"})
    planned_completion_on: Mapped[date | None] = mapped_column(info={"label": "计划竣工日期"})
    actual_completion_on: Mapped[date | None] = mapped_column(info={"label": "实际竣工日期"})
    stats_registered_on: Mapped[date | None] = mapped_column(info={"label": "入库纳统日期"})
    notes: Mapped[str | None] = mapped_column(sa.Text, info={"label": "备注"})

    industry: Mapped[Industry | None] = relationship()
    township: Mapped[Unit | None] = relationship(foreign_keys=[township_id])
    lead_unit: Mapped[Unit | None] = relationship(foreign_keys=[lead_unit_id])
    leader: Mapped[Leader | None] = relationship()
    investments: Mapped[list["ProjectInvestment"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectInvestment.period_on"
    )

    @property
    def is_key(self) -> bool:
        """Key project: manual override when set, else annual plan ≥ 5000万元."""
        if self.key_override is not None:
            return self.key_override
        return (self.annual_plan_yuan or 0) >= KEY_PROJECT_THRESHOLD_YUAN

    @classmethod
    def is_key_clause(cls):
        """SQL form of ``is_key`` for aggregate queries."""
        return sa.or_(
            cls.key_override.is_(True),
            sa.and_(cls.key_override.is_(None), cls.annual_plan_yuan >= KEY_PROJECT_THRESHOLD_YUAN),
        )

    def __str__(self) -> str:
        return self.name


def _month_label(raw: str) -> str:
    """A month stored as its last day (2025-06-30) as a timeline reads it: 2025年6月."""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return raw
    return f"{day.year}年{day.month}月"


class ProjectInvestment(Audited, TimestampMixin, db.Model):
    """Completed investment of a project in one month (dated by the month's last day)."""

    __tablename__ = "project_investments"
    __audit_label__ = "完成投资"
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True, info={"label": "项目"})
    period_on: Mapped[date] = mapped_column(info={"label": "月份", "display": _month_label})
    amount_yuan: Mapped[int] = mapped_column(sa.BigInteger, info={"label": "完成投资", "money": True})
    note: Mapped[str | None] = mapped_column(sa.String(500), info={"label": "说明"})

    project: Mapped[Project] = relationship(back_populates="investments")

    __table_args__ = (sa.UniqueConstraint("project_id", "period_on"),)

    def audit_title(self) -> str:
        return f"{self.period_on:%Y年%m月}完成投资"
