"""assessment.conditions and level.conditions: which statements a team is asked

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 18:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conditions', sa.JSON(), nullable=True))
    with op.batch_alter_table('level', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conditions', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('level', schema=None) as batch_op:
        batch_op.drop_column('conditions')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('conditions')
