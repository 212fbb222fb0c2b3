"""Investment deals (招商项目), investors, stage history, negotiations, funds in place."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dates import utcnow
from app.core.models import Audited, TimestampMixin, Versioned
from app.deals.stages import (  # noqa: F401 - stage names re-exported for the modules that import them from here
    ALL_STAGES,
    SIDE_STATES,
    STAGE_DATE_FIELDS,
    STAGES,
    Stage,
    key_date_column,
    main_stage,
)
from app.extensions import db
from app.people.models import Industry, Leader, Unit
from app.projects.models import Project

ORIGINS = ["省外", "市外", "县外", "本地"]
AGREEMENT_TYPES = ["意向协议", "框架协议", "正式合同"]
NEGOTIATION_KINDS = ["来访", "外出拜访", "电话视频", "推介会", "签约仪式"]
FUNDS_KINDS = ["固定资产", "流动资金"]

deal_co_units = sa.Table(
    "deal_co_units",
    db.metadata,
    sa.Column("deal_id", sa.ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id"), primary_key=True),
)


class Investor(Audited, TimestampMixin, db.Model):
    """An investing company (投资方)."""

    __tablename__ = "investors"
    __audit_label__ = "投资方"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True, info={"label": "名称"})
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True, info={"label": "统一社会信用代码"})
    origin: Mapped[str | None] = mapped_column(sa.String(10), info={"label": "来源"})
    region: Mapped[str | None] = mapped_column(sa.String(100), info={"label": "所在地"})
    notes: Mapped[str | None] = mapped_column(sa.Text, info={"label": "备注"})

    contacts: Mapped[list["InvestorContact"]] = relationship(
        back_populates="investor", cascade="all, delete-orphan", order_by="InvestorContact.id"
    )
    deals: Mapped[list["Deal"]] = relationship(back_populates="investor")

    def __str__(self) -> str:
        return self.name


class InvestorContact(Audited, TimestampMixin, db.Model):
    """A contact person at an investor."""

    __tablename__ = "investor_contacts"
    __audit_label__ = "联系人"
    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(sa.ForeignKey("investors.id"), index=True, info={"label": "投资方"})
    name: Mapped[str] = mapped_column(sa.String(50), info={"label": "姓名"})
    title: Mapped[str | None] = mapped_column(sa.String(100), info={"label": "职务"})
    phone: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "电话"})

    investor: Mapped[Investor] = relationship(back_populates="contacts")


class Deal(Versioned, Audited, TimestampMixin, db.Model):
    """A deal in the investment pipeline. Stage dates mirror the stage history rows."""

    __tablename__ = "deals"
    __audit_label__ = "招商项目"
    __scope_leaders__ = ("leader_id",)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True, info={"label": "项目名称"})
    investor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("investors.id"), index=True, info={"label": "投资方"})
    industry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("industries.id"), info={"label": "产业类别"})
    contract_amount_yuan: Mapped[int] = mapped_column(
        sa.BigInteger, default=0, info={"label": "签约金额", "money": True}
    )
    agreement_type: Mapped[str | None] = mapped_column(sa.String(10), info={"label": "协议类型"})
    is_counted: Mapped[bool] = mapped_column(default=True, info={"label": "计入考核"})
    exclusion_reason: Mapped[str | None] = mapped_column(sa.String(500), info={"label": "不计入原因"})
    lead_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("units.id"), index=True, info={"label": "招商责任单位"}
    )
    township_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True, info={"label": "所在乡镇"})
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("leaders.id"), index=True, info={"label": "包联领导"})
    project_id: Mapped[int | None] = mapped_column(sa.ForeignKey("projects.id"), index=True, info={"label": "关联项目"})
    stage: Mapped[str] = mapped_column(sa.String(10), default=Stage.LEAD, index=True, info={"label": "阶段"})
    stage_before_hold: Mapped[str | None] = mapped_column(sa.String(10), info={"label": "暂缓前阶段"})
    lead_on: Mapped[date | None] = mapped_column(index=True, info={"label": "线索日期"})
    negotiating_on: Mapped[date | None] = mapped_column(info={"label": "洽谈日期"})
    signed_on: Mapped[date | None] = mapped_column(index=True, info={"label": "签约日期"})
    registered_on: Mapped[date | None] = mapped_column(info={"label": "注册日期"})
    started_on: Mapped[date | None] = mapped_column(info={"label": "开工日期"})
    production_on: Mapped[date | None] = mapped_column(info={"label": "投产日期"})
    terminated_on: Mapped[date | None] = mapped_column(info={"label": "终止日期"})
    termination_reason: Mapped[str | None] = mapped_column(sa.String(500), info={"label": "终止原因"})
    contact_name: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "对接人"})
    contact_phone: Mapped[str | None] = mapped_column(sa.String(50), info={"label": "对接电话"})
    notes: Mapped[str | None] = mapped_column(sa.Text, info={"label": "备注"})
    last_activity_on: Mapped[date | None] = mapped_column(info={"label": "最近更新", "audit": False})
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True, info={"label": "承办人"})

    investor: Mapped[Investor | None] = relationship(back_populates="deals")
    industry: Mapped[Industry | None] = relationship()
    lead_unit: Mapped[Unit | None] = relationship(foreign_keys=[lead_unit_id])
    township: Mapped[Unit | None] = relationship(foreign_keys=[township_id])
    leader: Mapped[Leader | None] = relationship()
    project: Mapped[Project | None] = relationship()
    owner = relationship("User", foreign_keys=[owner_id])
    co_units: Mapped[list[Unit]] = relationship(secondary=deal_co_units, info={"label": "协同单位"})
    stage_changes: Mapped[list["DealStageChange"]] = relationship(
        back_populates="deal",
        cascade="all, delete-orphan",
        order_by="(DealStageChange.effective_on, DealStageChange.id)",
    )
    negotiations: Mapped[list["Negotiation"]] = relationship(
        back_populates="deal", cascade="all, delete-orphan", order_by="Negotiation.held_on.desc()"
    )
    funds_in_place: Mapped[list["FundsInPlace"]] = relationship(
        back_populates="deal", cascade="all, delete-orphan", order_by="FundsInPlace.received_on"
    )

    @classmethod
    def scope_clause(cls, *, unit_id=None, leader_id=None):
        """Unit users see deals they lead, sit in, or co-own; leaders their 包联 deals."""
        if unit_id is not None:
            co = sa.select(deal_co_units.c.deal_id).where(deal_co_units.c.unit_id == unit_id)
            return sa.or_(cls.lead_unit_id == unit_id, cls.township_id == unit_id, cls.id.in_(co))
        if leader_id is not None:
            return cls.leader_id == leader_id
        return sa.false()

    @property
    def main_stage(self) -> str:
        """The main stage the deal stands at (on 暂缓, the stage it will resume)."""
        return main_stage(self.stage, self.stage_before_hold)

    @property
    def is_on_hold(self) -> bool:
        return self.stage == Stage.ON_HOLD

    @property
    def is_terminated(self) -> bool:
        return self.stage == Stage.TERMINATED

    @property
    def key_date(self) -> date | None:
        """The date a kanban card shows: of signing onwards, or of termination."""
        column = key_date_column(self.stage)
        return getattr(self, column) if column else None

    @property
    def terminated_date_unknown(self) -> bool:
        """终止 recorded from a ledger without its date (日期未填)."""
        return any(c.to_stage == Stage.TERMINATED and c.date_unknown for c in self.stage_changes)

    def __str__(self) -> str:
        return self.name

    # The list's default sort and the kanban's cards per stage, both by last activity.
    __table_args__ = (
        sa.Index("ix_deals_last_activity", "last_activity_on", "id"),
        sa.Index("ix_deals_stage_activity", "stage", "last_activity_on"),
    )


class DealStageChange(Audited, db.Model):
    """One stage move of a deal with its official effective date."""

    __tablename__ = "deal_stage_changes"
    __audit_label__ = "阶段变更"
    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(sa.ForeignKey("deals.id"), index=True, info={"label": "招商项目"})
    from_stage: Mapped[str | None] = mapped_column(sa.String(10), info={"label": "原阶段"})
    to_stage: Mapped[str] = mapped_column(sa.String(10), info={"label": "新阶段"})
    effective_on: Mapped[date] = mapped_column(info={"label": "生效日期"})
    note: Mapped[str | None] = mapped_column(sa.String(1000), info={"label": "说明/佐证"})
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), info={"label": "操作人"})
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "记录时间", "audit": False})
    # The ledger never held the date (日期未填): effective_on is then the ledger's/import's date.
    date_unknown: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), info={"label": "日期未填"})

    deal: Mapped[Deal] = relationship(back_populates="stage_changes")
    actor = relationship("User")

    def audit_title(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"


class Negotiation(Audited, TimestampMixin, db.Model):
    """A negotiation/contact record (洽谈记录)."""

    __tablename__ = "negotiations"
    __audit_label__ = "洽谈记录"
    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(sa.ForeignKey("deals.id"), index=True, info={"label": "招商项目"})
    held_on: Mapped[date] = mapped_column(info={"label": "洽谈日期"})
    kind: Mapped[str] = mapped_column(sa.String(10), info={"label": "方式"})
    our_participants: Mapped[str | None] = mapped_column(sa.String(500), info={"label": "我方人员"})
    their_participants: Mapped[str | None] = mapped_column(sa.String(500), info={"label": "对方人员"})
    content: Mapped[str] = mapped_column(sa.Text, info={"label": "洽谈内容"})
    result: Mapped[str | None] = mapped_column(sa.Text, info={"label": "洽谈结果"})
    next_step: Mapped[str | None] = mapped_column(sa.String(1000), info={"label": "下一步"})
    next_follow_up_on: Mapped[date | None] = mapped_column(index=True, info={"label": "下次跟进日期"})
    follow_up_done: Mapped[bool] = mapped_column(default=False, info={"label": "已跟进"})
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), info={"label": "记录人"})
    follow_up_note: Mapped[str | None] = mapped_column(sa.String(500), info={"label": "跟进情况"})
    follow_up_done_at: Mapped[datetime | None] = mapped_column(info={"label": "跟进完成时间", "audit": False})
    deleted_at: Mapped[datetime | None] = mapped_column(info={"label": "删除时间"})
    delete_reason: Mapped[str | None] = mapped_column(sa.String(500), info={"label": "删除原因"})

    deal: Mapped[Deal] = relationship(back_populates="negotiations")
    actor = relationship("User", foreign_keys=[actor_id])

    # 我的跟进 and the follow-up alerts look for open follow-ups by date.
    __table_args__ = (
        sa.Index("ix_negotiations_follow_up", "follow_up_done", "next_follow_up_on"),
        # Open follow-ups by date: a small partial index instead of all 洽谈记录.
        sa.Index(
            "ix_negotiations_open_follow_up",
            "next_follow_up_on",
            postgresql_where=sa.text("follow_up_done IS false"),
            sqlite_where=sa.text("follow_up_done IS 0"),
        ),
    )

    def audit_title(self) -> str:
        return f"{self.held_on} {self.kind}"


class FundsInPlace(Audited, TimestampMixin, db.Model):
    """Money actually invested (到位资金) on a date."""

    __tablename__ = "funds_in_place"
    __audit_label__ = "到位资金"
    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(sa.ForeignKey("deals.id"), index=True, info={"label": "招商项目"})
    received_on: Mapped[date] = mapped_column(info={"label": "到位日期"})
    amount_yuan: Mapped[int] = mapped_column(sa.BigInteger, info={"label": "到位金额", "money": True})
    kind: Mapped[str] = mapped_column(sa.String(10), default="固定资产", info={"label": "类别"})
    evidence: Mapped[str | None] = mapped_column(sa.String(1000), info={"label": "佐证说明"})

    deal: Mapped[Deal] = relationship(back_populates="funds_in_place")

    def audit_title(self) -> str:
        return f"{self.received_on} 到位资金"
