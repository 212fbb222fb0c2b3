"""perf: data version, fund application current status, list/follow-up indexes, pg_trgm search

Revision ID: perf_0001
Revises: crm_0001
Create Date: 2026-12-06 12:50:00

- ``data_version``: one row, raised by every committed write (app/core/cache.py keys the figures cache).
- ``fund_applications.current_status`` / ``current_status_on``: the latest status change, backfilled
  from ``fund_status_changes`` (app/funds/current_status.py keeps them in step).
- indexes for the deal list / kanban sort, open follow-ups (partial) and the status on a date.
- PostgreSQL only: ``pg_trgm`` and GIN trigram indexes for substring search (``ILIKE '%…%'``);
  SQLite keeps its plain scans.
"""
from alembic import op
import sqlalchemy as sa


revision = "perf_0001"
down_revision = "crm_0001"
branch_labels = None
depends_on = None

# (index, table, column) searched with ILIKE '%…%'
TRGM_INDEXES = [  # the same as app/core/search.py at this revision
    ("ix_deals_name_trgm", "deals", "name"),
    ("ix_investors_name_trgm", "investors", "name"),
    ("ix_projects_name_trgm", "projects", "name"),
    ("ix_fund_applications_title_trgm", "fund_applications", "title"),
    ("ix_problems_description_trgm", "problems", "description"),
]


def upgrade():
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )
    op.execute("INSERT INTO data_version (id, value) VALUES (1, 1)")

    with op.batch_alter_table("fund_applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("current_status", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("current_status_on", sa.Date(), nullable=True))
    latest = (
        "(SELECT c.{col} FROM fund_status_changes c WHERE c.application_id = fund_applications.id "
        "ORDER BY c.effective_on DESC, c.id DESC LIMIT 1)"
    )
    op.execute(
        "UPDATE fund_applications SET current_status = " + latest.format(col="to_status")
        + ", current_status_on = " + latest.format(col="effective_on")
    )

    with op.batch_alter_table("fund_status_changes", schema=None) as batch_op:
        batch_op.create_index("ix_fund_status_changes_app_effective", ["application_id", "effective_on"],
                              unique=False)
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.create_index("ix_deals_last_activity", ["last_activity_on", "id"], unique=False)
        batch_op.create_index("ix_deals_stage_activity", ["stage", "last_activity_on"], unique=False)
    with op.batch_alter_table("negotiations", schema=None) as batch_op:
        batch_op.create_index("ix_negotiations_open_follow_up", ["next_follow_up_on"], unique=False,
                              postgresql_where=sa.text("follow_up_done IS false"),
                              sqlite_where=sa.text("follow_up_done IS 0"))  # as the queries spell it

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in TRGM_INDEXES:
            op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, _table, _column in TRGM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
        # the extension stays: other databases objects may use it, and dropping needs its owner

    with op.batch_alter_table("negotiations", schema=None) as batch_op:
        batch_op.drop_index("ix_negotiations_open_follow_up")
    with op.batch_alter_table("deals", schema=None) as batch_op:
        batch_op.drop_index("ix_deals_stage_activity")
        batch_op.drop_index("ix_deals_last_activity")
    with op.batch_alter_table("fund_status_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_fund_status_changes_app_effective")
    with op.batch_alter_table("fund_applications", schema=None) as batch_op:
        batch_op.drop_column("current_status_on")
        batch_op.drop_column("current_status")
    op.drop_table("data_version")
