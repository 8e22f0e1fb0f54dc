"""Finding what a secret opens: a link token or a join code, stored only as its hash.

Every secret is looked up the same way: by its SHA-256 hash (an index), then compared in
constant time, and anything longer than a token could be is not looked up at all.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from selfcheck.core.tokens import hash_token, matches


def find_by_secret(session: Session, model, column, secret: str, options=()):
    """The ``model`` row whose ``column`` holds the hash of ``secret``, or None."""
    if not secret or len(secret) > 100:
        return None
    found = session.scalars(select(model).where(column == hash_token(secret))
                            .options(*options)).first()
    if found is None or not matches(secret, getattr(found, column.key)):
        return None
    return found
