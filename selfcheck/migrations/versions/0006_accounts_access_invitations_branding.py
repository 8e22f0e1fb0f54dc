"""accounts, access, invitations, branding, sealed tokens

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 05:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('branding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_type', sa.String(length=20), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('session_secret', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('branding_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['branding_id'], ['branding.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_branding_id'), ['branding_id'], unique=False)

    op.create_table('access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('covers_teams', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'facilitator')", name='access_role'),
    sa.CheckConstraint('(assessment_id IS NULL) <> (organisation_id IS NULL)', name='access_one_target'),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id', 'assessment_id'),
    sa.UniqueConstraint('account_id', 'organisation_id')
    )
    with op.batch_alter_table('access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('covers_teams', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'facilitator')", name='invitation_role'),
    sa.CheckConstraint('(assessment_id IS NULL) <> (organisation_id IS NULL)', name='invitation_one_target'),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['account.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facilitator_token_sealed', sa.String(length=300), nullable=True))

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_sealed', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('branding_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organisation_branding_id'), ['branding_id'], unique=False)
        batch_op.create_foreign_key('fk_organisation_branding_id', 'branding', ['branding_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_constraint('fk_organisation_branding_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organisation_branding_id'))
        batch_op.drop_column('branding_id')
        batch_op.drop_column('token_sealed')

    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('facilitator_token_sealed')

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_assessment_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_access_assessment_id'))
        batch_op.drop_index(batch_op.f('ix_access_account_id'))

    op.drop_table('access')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_branding_id'))

    op.drop_table('account')
    op.drop_table('branding')
