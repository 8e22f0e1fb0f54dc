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
import re
import secrets

TOKEN_BYTES = 32

#: Short join codes are typed from a projector: no look-alikes (0/O/D/Q, 1/I/L/7, 2/Z, 5/S,
#: 8/B, 6/G, U/V). 19 symbols, 8 places: 19⁸ ≈ 1.7 × 10¹⁰ codes. A code only joins an open
#: assessment, and wrong guesses are rate limited per client (web/answer/routes.py).
JOIN_CODE_ALPHABET = "ACEFHJKMNPRTWXY3489"
JOIN_CODE_LENGTH = 8


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def join_token_for(facilitator_token: str) -> str:
    digest = hmac.new(facilitator_token.encode("utf-8"), b"selfcheck join link", hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")


def join_code_for(facilitator_token: str, attempt: int = 0) -> str:
    """The short join code, derived like the join token so it is never stored in clear.

    ``attempt`` picks another code when the first one is already taken by an open
    assessment (the attempt number is stored; the code is not).
    """
    message = f"selfcheck join code {attempt}".encode("ascii")
    number = int.from_bytes(hmac.new(facilitator_token.encode("utf-8"), message,
                                     hashlib.sha256).digest(), "big")
    symbols = []
    for _ in range(JOIN_CODE_LENGTH):
        number, index = divmod(number, len(JOIN_CODE_ALPHABET))
        symbols.append(JOIN_CODE_ALPHABET[index])
    return "".join(symbols)


def normalise_code(typed: str) -> str | None:
    """A typed code as stored (upper case, no spaces or dashes), or None if it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in code):
        return None
    return code


def show_code(code: str) -> str:
    """A code as people read it aloud: two groups of four (ACEF 3489)."""
    return f"{code[:4]} {code[4:]}"


def matches(token: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented token with a stored hash."""
    return hmac.compare_digest(hash_token(token), stored_hash)


def _sealing_key(secret_key: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"selfcheck sealed tokens").derive(secret_key.encode("utf-8"))
    return base64.urlsafe_b64encode(key)


def seal(token: str, secret_key: str) -> str:
    """``token`` encrypted with a key derived from the app's secret key (Fernet).

    Only for links held by an account: the workspace must show an assessment's join
    link and code again, and those derive from the facilitator token. A copy of the
    database without the secret key still opens nothing.
    """
    from cryptography.fernet import Fernet

    return Fernet(_sealing_key(secret_key)).encrypt(token.encode("utf-8")).decode("ascii")


def unseal(sealed: str | None, secret_key: str) -> str | None:
    """The token inside ``sealed``, or None if there is none or the secret key changed."""
    from cryptography.fernet import Fernet, InvalidToken

    if not sealed:
        return None
    try:
        return Fernet(_sealing_key(secret_key)).decrypt(sealed.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        return None


#: A key ``a<id>`` in a facilitator or organisation URL (/f/a12): it opens the page only for a
#: logged-in account with access, and says nothing secret. At most 19 characters, so it can
#: never be a 43-character link token.
ACCOUNT_KEY = re.compile(r"a([1-9][0-9]{0,17})")
