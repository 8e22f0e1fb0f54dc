"""questionnaire_snapshot: each distinct questionnaire stored once, keyed by its hash

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 06:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    snapshot = op.create_table(
        'questionnaire_snapshot',
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('hash'),
    )
    connection = op.get_bind()
    assessment = sa.table('assessment', sa.column('id', sa.Integer()),
                          sa.column('questionnaire_hash', sa.String()),
                          sa.column('questionnaire', sa.JSON()))
    hashes = [row[0] for row in connection.execute(
        sa.select(assessment.c.questionnaire_hash).distinct())]
    for value in hashes:  # one row per hash; JSON has no equality for DISTINCT on PostgreSQL
        document = connection.execute(
            sa.select(assessment.c.questionnaire)
            .where(assessment.c.questionnaire_hash == value).limit(1)).scalar()
        connection.execute(snapshot.insert().values(hash=value, document=document))
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('questionnaire')
        batch_op.create_index(batch_op.f('ix_assessment_questionnaire_hash'),
                              ['questionnaire_hash'], unique=False)
        batch_op.create_foreign_key('fk_assessment_questionnaire_hash',
                                    'questionnaire_snapshot', ['questionnaire_hash'], ['hash'])


def downgrade() -> None:
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questionnaire', sa.JSON(), nullable=True))
    connection = op.get_bind()
    assessment = sa.table('assessment', sa.column('questionnaire_hash', sa.String()),
                          sa.column('questionnaire', sa.JSON()))
    snapshot = sa.table('questionnaire_snapshot', sa.column('hash', sa.String()),
                        sa.column('document', sa.JSON()))
    for value, document in connection.execute(sa.select(snapshot.c.hash, snapshot.c.document)):
        connection.execute(assessment.update().where(assessment.c.questionnaire_hash == value)
                           .values(questionnaire=document))
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint('fk_assessment_questionnaire_hash', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_assessment_questionnaire_hash'))
        batch_op.alter_column('questionnaire', nullable=False)
    op.drop_table('questionnaire_snapshot')
