"""owners (承办人) on deals and fund applications, attachments, 批示, editable negotiations

Revision ID: crm_0001
Revises: da76a77a6a99
Create Date: 2026-12-06 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "crm_0001"
down_revision = "da76a77a6a99"
branch_labels = None
depends_on = None


def _backfill_owner(table: str) -> None:
    """The owner of an existing row is the user who created it (from the audit log), when still there."""
    op.execute(sa.text(
        f"UPDATE {table} SET owner_id = (SELECT MIN(a.user_id) FROM audit_entries a "
        f"JOIN users u ON u.id = a.user_id WHERE a.entity = '{table}' AND a.action = 'create' "
        f"AND a.record_id = {table}.id) WHERE owner_id IS NULL"
    ))


def upgrade():
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.Column("delete_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["deleted_by_id"], ["users.id"], name=op.f("fk_attachments_deleted_by_id_users")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"], name=op.f("fk_attachments_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index("ix_attachments_record", ["record_type", "record_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_sha256"), ["sha256"], unique=False)

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_comments_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comments_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_comments_record", ["record_type", "record_id"], unique=False)

    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_deals_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_deals_owner_id_users"), "users", ["owner_id"], ["id"])

    with op.batch_alter_table("fund_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_fund_applications_owner_id"), ["owner_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_fund_applications_owner_id_users"), "users", ["owner_id"], ["id"])

    with op.batch_alter_table("negotiations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("follow_up_note", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("follow_up_done_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("delete_reason", sa.String(length=500), nullable=True))

    _backfill_owner("deals")
    _backfill_owner("fund_applications")


def downgrade():
    with op.batch_alter_table("negotiations", schema=None) as batch_op:
        batch_op.drop_column("delete_reason")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("follow_up_done_at")
        batch_op.drop_column("follow_up_note")

    with op.batch_alter_table("fund_applications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_fund_applications_owner_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_fund_applications_owner_id"))
        batch_op.drop_column("owner_id")

    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_deals_owner_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_deals_owner_id"))
        batch_op.drop_column("owner_id")

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index("ix_comments_record")
        batch_op.drop_index(batch_op.f("ix_comments_author_id"))
    op.drop_table("comments")

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_sha256"))
        batch_op.drop_index("ix_attachments_record")
    op.drop_table("attachments")
