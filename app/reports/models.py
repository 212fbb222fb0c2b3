"""Issued monthly reports (发布): the figures and the files exactly as the task force issued them."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dates import utcnow
from app.core.models import Audited
from app.extensions import db


class IssuedReport(Audited, db.Model):
    """One issued version of a month's conversion-rate report; later versions supersede it."""

    __tablename__ = "issued_reports"
    __audit_label__ = "月度报告"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), index=True, info={"label": "报告月份"})
    version: Mapped[int] = mapped_column(info={"label": "版本"})
    as_of: Mapped[date] = mapped_column(info={"label": "数据截至"})
    issued_on: Mapped[date] = mapped_column(info={"label": "发布日期"})
    issued_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "发布时间"})
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), info={"label": "发布人"})
    note: Mapped[str | None] = mapped_column(sa.String(1000), info={"label": "发布或更正说明"})
    # The audit log up to this entry is what the figures saw; later entries explain differences.
    max_audit_id: Mapped[int] = mapped_column(sa.BigInteger, default=0, info={"label": "发布时审计日志位置"})
    is_current: Mapped[bool] = mapped_column(default=True, info={"label": "现行版本"})
    superseded_at: Mapped[datetime | None] = mapped_column(info={"label": "被更正时间"})
    figures: Mapped[dict] = mapped_column(sa.JSON, info={"label": "发布数据", "audit": False})
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary, info={"label": "PDF 文件", "audit": False})
    xlsx: Mapped[bytes] = mapped_column(sa.LargeBinary, info={"label": "Excel 文件", "audit": False})

    issued_by = relationship("User")

    __table_args__ = (sa.UniqueConstraint("month", "version"),)

    @property
    def month_label(self) -> str:
        year, month = self.month.split("-")
        return f"{year}年{int(month)}月"

    def audit_title(self) -> str:
        return f"{self.month_label}月度报告第{self.version}版"

    def __str__(self) -> str:
        return self.audit_title()
