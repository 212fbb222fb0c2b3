"""entry: one-time form tokens, ledger voids, unknown status dates

Revision ID: entry_0001
Revises: perf_0001
Create Date: 2026-12-06 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "entry_0001"
down_revision = "perf_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submissions',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('endpoint', sa.String(length=100), nullable=True),
    sa.Column('result_url', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_submissions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_form_submissions'))
    )
    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_submissions_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('fund_ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('void_of_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_fund_ledger_entries_void_of_id'), ['void_of_id'])
        batch_op.create_foreign_key(batch_op.f('fk_fund_ledger_entries_void_of_id_fund_ledger_entries'),
                                    'fund_ledger_entries', ['void_of_id'], ['id'])

    with op.batch_alter_table('fund_status_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date_unknown', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('deal_stage_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date_unknown', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('deal_stage_changes', schema=None) as batch_op:
        batch_op.drop_column('date_unknown')

    with op.batch_alter_table('fund_status_changes', schema=None) as batch_op:
        batch_op.drop_column('date_unknown')

    with op.batch_alter_table('fund_ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_fund_ledger_entries_void_of_id_fund_ledger_entries'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_fund_ledger_entries_void_of_id'), type_='unique')
        batch_op.drop_column('void_of_id')

    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_submissions_created_at'))

    op.drop_table('form_submissions')
