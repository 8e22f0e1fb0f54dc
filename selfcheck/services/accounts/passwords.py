"""Password rules and hashing (argon2id through argon2-cffi).

The rules are the ones people meet elsewhere (NIST SP 800-63B): at least 12
characters, no upper limit worth noticing, no forced mix of symbols, but not a
password found on a list of common ones, nor one built from such a word with a
year or a few digits (zxcvbn's guess estimate, with Danish words added).
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from selfcheck.exchange.problems import Problem
from selfcheck.limits import has_control_character

PASSWORD_MIN = 12
PASSWORD_MAX = 256
#: zxcvbn refuses (ValueError) to estimate a longer password; a longer one is judged by its
#: first 72 characters, which must hold the strength on their own.
ESTIMATED_LENGTH = 72

#: Words a Danish leadership team's password is often built from, beside zxcvbn's own lists.
DANISH_WORDS = (
    "kodeord", "adgangskode", "password", "selfcheck", "selvevaluering", "målstyring",
    "ledelse", "direktion", "kommune", "region", "danmark", "sommer", "vinter", "forår",
    "efterår", "velkommen", "hemmelig", "januar", "februar", "december", "mandag", "fredag",
)

_hasher = PasswordHasher()


@cache
def common_passwords() -> frozenset[str]:
    """The 30 000 most common passwords from zxcvbn's frequency lists, lower case."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str = "") -> Problem | None:
    """Why ``password`` cannot be used (its path is the ``password`` field); None when it can.

    The caller shows the problem's message in its language (exchange/problems.py).
    """
    if len(password) < PASSWORD_MIN:
        return _problem("too_short", min=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _problem("too_long", max=PASSWORD_MAX)
    if has_control_character(password):
        return _problem("control")
    lowered = password.lower()
    if lowered in common_passwords():
        return _problem("common")
    if email and lowered.strip() == email.lower():
        return _problem("guessable")  # the one thing everybody near the account knows
    from zxcvbn import zxcvbn

    hints = [*DANISH_WORDS, *[part for part in email.lower().replace("@", ".").split(".")
                              if len(part) >= 3]]
    if email:
        hints.append(email.lower())
    if zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=hints)["score"] < 3:
        return _problem("guessable")
    return None


def _problem(code: str, **params: int) -> Problem:
    return Problem(("password",), code, params)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


#: Time spent on a login for an unknown e-mail address, so the answer time does not tell
#: which addresses have an account.
DUMMY_HASH = _hasher.hash("selfcheck: no such account")
