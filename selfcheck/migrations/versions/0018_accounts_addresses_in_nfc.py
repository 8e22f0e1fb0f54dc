"""Account addresses stored before they were normalised: rewritten in NFC, lower case

Revision ID: 0018
Revises: 0011
Create Date: 2026-12-04 05:10:00

Since migration 0011's release, an address is stored as users.normalise_email makes it (NFC,
lower case), and a login looks it up that way. An account made earlier with the decomposed
spelling of "å" ("a" and a combining ring) could then no longer log in. This rewrites each such
address. Where the NFC spelling already belongs to another account (a look-alike second
account, which the fix now prevents), both are left as they are and the log names the two ids,
so the host can decide; the look-alike cannot log in.
"""

import logging
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0011'
branch_labels = None
depends_on = None

log = logging.getLogger("selfcheck.migrations")


def upgrade() -> None:
    connection = op.get_bind()
    account = sa.table("account", sa.column("id", sa.Integer), sa.column("email", sa.String))
    rows = connection.execute(sa.select(account.c.id, account.c.email)).all()
    taken = {email: account_id for account_id, email in rows}
    for account_id, email in rows:
        stored = unicodedata.normalize("NFC", email).lower()
        if stored == email:
            continue
        if stored in taken:
            log.warning("account %s has a second spelling of account %s's address; "
                        "left as it is", account_id, taken[stored])
            continue
        connection.execute(account.update().where(account.c.id == account_id)
                           .values(email=stored))
        del taken[email]
        taken[stored] = account_id


def downgrade() -> None:
    """Nothing to undo: the NFC spelling is the same address."""
