"""join code and the workshop's current recommendation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 04:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_code_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('join_code_attempt', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('workshop_theme_id', sa.String(length=100),
                                      nullable=True))
        batch_op.create_unique_constraint('uq_assessment_join_code_hash', ['join_code_hash'])


def downgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint('uq_assessment_join_code_hash', type_='unique')
        batch_op.drop_column('workshop_theme_id')
        batch_op.drop_column('join_code_attempt')
        batch_op.drop_column('join_code_hash')
