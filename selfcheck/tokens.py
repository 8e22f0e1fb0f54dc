"""Capability links: random tokens, stored only as hashes.

A link is the only key to an assessment, so tokens carry 256 random bits from
``secrets`` and the database keeps only their SHA-256: a copy of the database
opens nothing. The join token is derived from the facilitator token with HMAC,
so the facilitator's page can always show the join link again without it ever
being stored, while the join link does not reveal the facilitator link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def join_token_for(facilitator_token: str) -> str:
    digest = hmac.new(facilitator_token.encode("utf-8"), b"selfcheck join link", hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")


def matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(hash_token(token), stored_hash)
