"""index the foreign keys that pages look up (members and actions of an assessment, follow-ups)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 05:20:00
"""

from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_participant_assessment_id'), 'participant', ['assessment_id'],
                    unique=False)
    op.create_index(op.f('ix_action_assessment_id'), 'action', ['assessment_id'], unique=False)
    op.create_index(op.f('ix_assessment_previous_id'), 'assessment', ['previous_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_assessment_previous_id'), table_name='assessment')
    op.drop_index(op.f('ix_action_assessment_id'), table_name='action')
    op.drop_index(op.f('ix_participant_assessment_id'), table_name='participant')
