"""record versions for optimistic locking, per-user session counter

Revision ID: secure_0001
Revises: entry_0001
Create Date: 2026-12-06 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "secure_0001"
down_revision = "entry_0001"
branch_labels = None
depends_on = None

VERSIONED_TABLES = ("deals", "fund_applications", "problems", "projects")


def upgrade():
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
    for table in reversed(VERSIONED_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
