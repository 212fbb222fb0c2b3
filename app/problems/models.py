"""Problems (问题) found in projects or deals, and their closed-loop history."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dates import utcnow
from app.core.models import Audited, TimestampMixin, Versioned
from app.deals.models import Deal
from app.extensions import db
from app.people.models import Leader, Unit
from app.projects.models import Project

STATUSES = ["待交办", "已交办", "督办中", "已销号"]
SIDE_STATUSES = ["退回"]
ESCALATION_LEVELS = {1: "责任单位", 2: "分管县领导", 3: "县政府主要领导"}


def _level_label(raw: str) -> str:
    """Stored level (“2”) as a timeline reads it: 2级（分管县领导）."""
    return f"{raw}级（{ESCALATION_LEVELS[int(raw)]}）" if raw.isdigit() and int(raw) in ESCALATION_LEVELS else raw


class Problem(Versioned, Audited, TimestampMixin, db.Model):
    """A problem blocking a project or deal, assigned, supervised and closed (销号)."""

    __tablename__ = "problems"
    __audit_label__ = "问题"
    __scope_units__ = ("unit_id",)
    __scope_leaders__ = ("leader_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True, info={"label": "关联项目"})
    deal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("deals.id"), index=True, info={"label": "关联招商项目"})
    description: Mapped[str] = mapped_column(sa.Text, info={"label": "问题描述"})
    found_on: Mapped[date] = mapped_column(info={"label": "发现日期"})
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True, info={"label": "责任单位"})
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leaders.id"), index=True, info={"label": "包联领导"})
    deadline_on: Mapped[date | None] = mapped_column(index=True, info={"label": "办结时限"})
    status: Mapped[str] = mapped_column(sa.String(10), default="待交办", index=True, info={"label": "状态"})
    escalation_level: Mapped[int] = mapped_column(default=1, info={"label": "督办层级", "display": _level_label})
    resolution: Mapped[str | None] = mapped_column(sa.Text, info={"label": "办结情况"})
    resolved_on: Mapped[date | None] = mapped_column(info={"label": "销号日期"})
    return_reason: Mapped[str | None] = mapped_column(sa.String(1000), info={"label": "退回原因"})

    project: Mapped[Project | None] = relationship()
    deal: Mapped[Deal | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    leader: Mapped[Leader | None] = relationship()
    status_changes: Mapped[list["ProblemStatusChange"]] = relationship(
        back_populates="problem", cascade="all, delete-orphan", order_by="ProblemStatusChange.id"
    )

    @classmethod
    def scope_clause(cls, *, unit_id=None, leader_id=None):
        """A unit sees the problems it owns and those of projects or deals located in it (a township
        reads what happens on its ground); a leader his or her 包联 problems."""
        if unit_id is not None:
            in_place = sa.or_(
                cls.project_id.in_(sa.select(Project.id).where(Project.township_id == unit_id)),
                cls.deal_id.in_(sa.select(Deal.id).where(Deal.township_id == unit_id)),
            )
            return sa.or_(cls.unit_id == unit_id, in_place)
        if leader_id is not None:
            return cls.leader_id == leader_id
        return sa.false()

    def audit_title(self) -> str:
        return (self.description or "")[:30]

    def __str__(self) -> str:
        return self.audit_title() or f"问题#{self.id}"


class ProblemStatusChange(Audited, db.Model):
    """One status change of a problem."""

    __tablename__ = "problem_status_changes"
    __audit_label__ = "问题状态变更"
    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(sa.ForeignKey("problems.id"), index=True, info={"label": "问题"})
    from_status: Mapped[str | None] = mapped_column(sa.String(10), info={"label": "原状态"})
    to_status: Mapped[str] = mapped_column(sa.String(10), info={"label": "新状态"})
    effective_on: Mapped[date] = mapped_column(info={"label": "日期"})
    note: Mapped[str | None] = mapped_column(sa.String(1000), info={"label": "说明"})
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), info={"label": "操作人"})
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "记录时间", "audit": False})

    problem: Mapped[Problem] = relationship(back_populates="status_changes")

    def audit_title(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
