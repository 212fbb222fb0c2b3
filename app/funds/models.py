"""Superior-fund applications (争资争项): status history, review steps, amount ledger."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dates import utcnow
from app.core.models import Audited, TimestampMixin, Versioned
from app.extensions import db
from app.people.models import FundChannel, Leader, Unit
from app.projects.models import Project

STATUSES = ["谋划储备", "已申报", "审核中", "已下达", "执行中", "已完成"]
SIDE_STATUSES = ["未通过", "已撤回"]
ALL_STATUSES = STATUSES + SIDE_STATUSES
# The statuses an application passes through after 谋划储备 to reach each status, in order
# (未通过 after review, 已撤回 straight after declaring): for generated demo and benchmark data.
STATUS_PATHS = {
    **{status: STATUSES[1 : STATUSES.index(status) + 1] for status in STATUSES},
    "未通过": ["已申报", "审核中", "未通过"],
    "已撤回": ["已申报", "已撤回"],
}
REVIEW_LEVELS = ["县", "市", "省", "国家"]
REVIEW_DECISIONS = ["通过", "退回", "未通过"]
LEDGER_KINDS = {"下达": "approved", "发行": "issued", "拨付": "disbursed", "支出": "spent"}

fund_application_projects = sa.Table(
    "fund_application_projects",
    db.metadata,
    sa.Column("application_id", sa.ForeignKey("fund_applications.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("project_id", sa.ForeignKey("projects.id"), primary_key=True),
)


class FundApplication(Versioned, Audited, TimestampMixin, db.Model):
    """One application for superior funds through one channel."""

    __tablename__ = "fund_applications"
    __audit_label__ = "资金申报"
    __scope_units__ = ("applicant_unit_id",)
    __scope_leaders__ = ("leader_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("fund_channels.id"), index=True, info={"label": "资金渠道"})
    year: Mapped[int] = mapped_column(index=True, info={"label": "申报年度"})
    batch: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "申报批次"})
    title: Mapped[str] = mapped_column(sa.String(200), info={"label": "申报项目名称"})
    applicant_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id"), index=True, info={"label": "申报单位"}
    )
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leaders.id"), index=True, info={"label": "包联领导"})
    requested_yuan: Mapped[int] = mapped_column(sa.BigInteger, default=0, info={"label": "申请金额", "money": True})
    deadline_on: Mapped[date | None] = mapped_column(info={"label": "申报截止日期"})
    declared_on: Mapped[date | None] = mapped_column(info={"label": "申报日期"})
    decided_on: Mapped[date | None] = mapped_column(info={"label": "结果日期"})
    status: Mapped[str] = mapped_column(sa.String(10), default="谋划储备", index=True, info={"label": "状态"})
    notes: Mapped[str | None] = mapped_column(sa.Text, info={"label": "备注"})
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True, info={"label": "承办人"})
    # Derived from the status history after every flush (app/funds/current_status.py); not audited.
    current_status: Mapped[str | None] = mapped_column(sa.String(10), info={"audit": False})
    current_status_on: Mapped[date | None] = mapped_column(info={"audit": False})

    channel: Mapped[FundChannel] = relationship()
    owner = relationship("User", foreign_keys=[owner_id])
    applicant_unit: Mapped[Unit | None] = relationship()
    leader: Mapped[Leader | None] = relationship()
    projects: Mapped[list[Project]] = relationship(secondary=fund_application_projects, info={"label": "关联项目"})
    status_changes: Mapped[list["FundStatusChange"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="(FundStatusChange.effective_on, FundStatusChange.id)",
    )
    reviews: Mapped[list["FundReview"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="FundReview.decided_on"
    )
    ledger: Mapped[list["FundLedgerEntry"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="(FundLedgerEntry.entry_on, FundLedgerEntry.id)",
    )

    __table_args__ = (sa.UniqueConstraint("channel_id", "year", "title"),)

    @property
    def batch_label(self) -> str:
        """``2025年第1批`` — the year once, whether or not the batch text repeats it."""
        year = f"{self.year}年"
        batch = (self.batch or "").strip()
        if not batch:
            return year
        return batch if batch.startswith(year) or batch.startswith(str(self.year)) else f"{year} {batch}"

    def __str__(self) -> str:
        return self.title


class FundStatusChange(Audited, db.Model):
    """One status change of an application with its effective date."""

    __tablename__ = "fund_status_changes"
    __audit_label__ = "状态变更"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fund_applications.id"), index=True, info={"label": "资金申报"}
    )
    from_status: Mapped[str | None] = mapped_column(sa.String(10), info={"label": "原状态"})
    to_status: Mapped[str] = mapped_column(sa.String(10), info={"label": "新状态"})
    effective_on: Mapped[date] = mapped_column(info={"label": "生效日期"})
    note: Mapped[str | None] = mapped_column(sa.String(1000), info={"label": "说明"})
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), info={"label": "操作人"})
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "记录时间", "audit": False})
    # The ledger never held the date (日期未填): effective_on is then the ledger's/import's date.
    date_unknown: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), info={"label": "日期未填"})

    application: Mapped[FundApplication] = relationship(back_populates="status_changes")
    actor = relationship("User")

    # The status on a date: the latest change up to it, per application.
    __table_args__ = (sa.Index("ix_fund_status_changes_app_effective", "application_id", "effective_on"),)

    def audit_title(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class FundReview(Audited, TimestampMixin, db.Model):
    """A review step at county, city, province or national level."""

    __tablename__ = "fund_reviews"
    __audit_label__ = "审核环节"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fund_applications.id"), index=True, info={"label": "资金申报"}
    )
    level: Mapped[str] = mapped_column(sa.String(10), info={"label": "审核层级"})
    decision: Mapped[str] = mapped_column(sa.String(10), info={"label": "审核结果"})
    decided_on: Mapped[date] = mapped_column(info={"label": "审核日期"})
    opinion: Mapped[str | None] = mapped_column(sa.Text, info={"label": "审核意见"})

    application: Mapped[FundApplication] = relationship(back_populates="reviews")

    def audit_title(self) -> str:
        return f"{self.level}级审核 {self.decision}"


class FundLedgerEntry(Audited, TimestampMixin, db.Model):
    """A dated amount: 下达 (approved), 发行 (issued), 拨付 (disbursed) or 支出 (spent)."""

    __tablename__ = "fund_ledger_entries"
    __audit_label__ = "资金台账"
    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fund_applications.id"), index=True, info={"label": "资金申报"}
    )
    kind: Mapped[str] = mapped_column(sa.String(10), info={"label": "类别"})
    entry_on: Mapped[date] = mapped_column(index=True, info={"label": "日期"})
    amount_yuan: Mapped[int] = mapped_column(sa.BigInteger, info={"label": "金额", "money": True})
    is_adjustment: Mapped[bool] = mapped_column(default=False, info={"label": "调整"})
    reason: Mapped[str | None] = mapped_column(sa.String(500), info={"label": "调整原因"})
    note: Mapped[str | None] = mapped_column(sa.String(500), info={"label": "说明"})
    # A void is its own row: the opposite amount on the void's date, pointing at the entry voided.
    void_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fund_ledger_entries.id"), unique=True, info={"label": "作废的记录"}
    )

    application: Mapped[FundApplication] = relationship(back_populates="ledger")
    void_of: Mapped["FundLedgerEntry | None"] = relationship(remote_side=[id], back_populates="voided_by")
    voided_by: Mapped["FundLedgerEntry | None"] = relationship(back_populates="void_of", uselist=False)

    def audit_title(self) -> str:
        return f"{self.entry_on} {self.kind}"


from app.funds import current_status  # noqa: E402,F401  (keeps current_status in step with the history)
