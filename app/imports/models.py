"""Import batches (台账导入批次) and what each committed batch created or changed, for undo."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.dates import utcnow
from app.extensions import db

KINDS = {"deals": "招商项目", "projects": "项目库", "funds": "资金申报"}
# preview → committing (claimed by one conditional UPDATE, inside the writing transaction) → committed → undone
BATCH_STATUSES = {"preview": "待确认", "committing": "导入中", "committed": "已导入", "undone": "已撤销"}


class ImportBatch(db.Model):
    """One uploaded ledger: a pending preview (file kept, keyed by token) until committed, then a record.

    Not audited itself: the changes it makes are, with source "import" and this batch's id.
    """

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, info={"label": "令牌"})
    kind: Mapped[str] = mapped_column(sa.String(16), info={"label": "台账类型"})
    filename: Mapped[str] = mapped_column(sa.String(255), info={"label": "文件名"})
    status: Mapped[str] = mapped_column(sa.String(16), default="preview", index=True, info={"label": "状态"})
    source: Mapped[str] = mapped_column(sa.String(16), default="web", info={"label": "来源"})
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), info={"label": "导入人"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True, info={"label": "上传时间"})
    committed_at: Mapped[datetime | None] = mapped_column(info={"label": "导入时间"})
    undone_at: Mapped[datetime | None] = mapped_column(info={"label": "撤销时间"})
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), info={"label": "撤销人"})
    total_rows: Mapped[int] = mapped_column(default=0, info={"label": "数据行数"})
    created_count: Mapped[int] = mapped_column(default=0, info={"label": "新建"})
    updated_count: Mapped[int] = mapped_column(default=0, info={"label": "更新"})
    unchanged_count: Mapped[int] = mapped_column(default=0, info={"label": "未变"})
    error_count: Mapped[int] = mapped_column(default=0, info={"label": "错误"})
    created_leaders: Mapped[str | None] = mapped_column(sa.String(1000), info={"label": "新建县级领导"})
    file_data: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True, info={"label": "原文件"})
    preview_json: Mapped[str | None] = mapped_column(sa.Text, deferred=True, info={"label": "预览结果"})

    user = relationship("User", foreign_keys=[user_id])
    undone_by = relationship("User", foreign_keys=[undone_by_id])
    items: Mapped[list["ImportItem"]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="ImportItem.seq", lazy="raise_on_sql"
    )

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return BATCH_STATUSES.get(self.status, self.status)

    @property
    def who(self) -> str:
        return self.user.name if self.user else "命令行"


class ImportItem(db.Model):
    """One record a committed batch created, updated (with its full prior row) or deleted."""

    __tablename__ = "import_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        sa.ForeignKey("import_batches.id", ondelete="CASCADE"), index=True, info={"label": "批次"}
    )
    seq: Mapped[int] = mapped_column(info={"label": "顺序"})
    action: Mapped[str] = mapped_column(sa.String(10), info={"label": "操作"})
    entity: Mapped[str] = mapped_column(sa.String(64), info={"label": "表"})
    record_id: Mapped[int] = mapped_column(info={"label": "记录"})
    row_number: Mapped[int | None] = mapped_column(info={"label": "台账行号"})
    before: Mapped[str | None] = mapped_column(sa.Text, info={"label": "修改前"})

    batch: Mapped[ImportBatch] = relationship(back_populates="items")
