"""organisations: a leadership chain of levels and teams

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 04:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['previous_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index(op.f('ix_organisation_previous_id'), 'organisation', ['previous_id'],
                    unique=False)
    op.create_table('level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_da', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_level_organisation_id'), 'level', ['organisation_id'], unique=False)
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('team_nonce', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_assessment_level_id'), ['level_id'], unique=False)
        batch_op.create_foreign_key('fk_assessment_level_id', 'level', ['level_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_assessment_level_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_assessment_level_id'))
        batch_op.drop_column('team_nonce')
        batch_op.drop_column('level_id')
    op.drop_index(op.f('ix_level_organisation_id'), table_name='level')
    op.drop_table('level')
    op.drop_index(op.f('ix_organisation_previous_id'), table_name='organisation')
    op.drop_table('organisation')
