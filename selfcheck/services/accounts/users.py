"""Accounts: creating them, checking a password, changing it, logging out everywhere.

A login session is tied to the account's ``session_secret`` (web/auth/routes.py puts it in
the session's user id), so setting a new secret ends every session of that account at
once: after a password change, a reset, or "log out everywhere". Each login also has its
row (models.LoginSession, found by the hash of the session's ``sid``): logging out deletes
it, so a copy of the cookie taken before is worth nothing after.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from selfcheck.core.tokens import hash_token, new_token
from selfcheck.exchange.problems import ExchangeError
from selfcheck.models import Account, LoginSession, utcnow
from selfcheck.services.accounts.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)

EMAIL_MAX = 254
#: Unicode categories that show nothing: controls, format characters (zero-width, bidi),
#: surrogates, private use, unassigned, and separators other than the plain space.
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
#: Good enough to catch typing mistakes; the address is only ever an identifier here.
_EMAIL = re.compile(r"[^@\s\x00-\x1f]{1,64}@[^@\s\x00-\x1f.]+(\.[^@\s\x00-\x1f.]+)+")


def normalise_email(typed: str) -> str | None:
    """The address as stored (trimmed, NFC, lower case), or None if it cannot be one.

    NFC makes the two spellings of "å" (one character, or "a" and a ring) one address, so
    nobody can open a second account that looks identical. An invisible character (a
    control or format character such as a zero-width space or a right-to-left override)
    is refused: it makes an address that looks like another one."""
    email = unicodedata.normalize("NFC", (typed or "").strip()).lower()
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        return None
    if any(unicodedata.category(character) in INVISIBLE for character in email):
        return None
    return email


def find_by_email(session: Session, typed: str) -> Account | None:
    email = normalise_email(typed)
    if email is None:
        return None
    return session.scalars(select(Account).where(func.lower(Account.email) == email)).first()


def create_account(session: Session, typed_email: str, password: str) -> Account:
    """A new account; raises ExchangeError with one problem: the ``email`` ("email",
    "taken") or the ``password`` (passwords.password_problem)."""
    email = normalise_email(typed_email)
    if email is None:
        raise ExchangeError.one("email", ("email",))
    problem = password_problem(password, email)
    if problem:
        raise ExchangeError([problem])
    if find_by_email(session, email) is not None:
        raise ExchangeError.one("taken", ("email",))
    account = Account(email=email, password_hash=hash_password(password),
                      session_secret=secrets.token_hex(16))
    session.add(account)
    session.commit()
    return account


def authenticate(session: Session, typed_email: str, password: str) -> Account | None:
    """The account if the password is right; the same work is done for unknown addresses."""
    account = find_by_email(session, typed_email)
    if account is None or len(password) > 1024:
        verify_password(DUMMY_HASH, password[:1024])
        return None
    if not verify_password(account.password_hash, password):
        return None
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    account.last_login_at = utcnow()
    session.commit()
    return account


def set_password(session: Session, account: Account, password: str) -> None:
    """A new password, which also logs the account out everywhere; ExchangeError if the
    password cannot be used."""
    problem = password_problem(password, account.email)
    if problem:
        raise ExchangeError([problem])
    account.password_hash = hash_password(password)
    _end_every_login(session, account)
    session.commit()


def log_out_everywhere(session: Session, account: Account) -> None:
    _end_every_login(session, account)
    session.commit()


def _end_every_login(session: Session, account: Account) -> None:
    account.session_secret = secrets.token_hex(16)
    session.execute(delete(LoginSession).where(LoginSession.account_id == account.id))


#: How long a login is kept on the server: as long as Flask keeps a permanent session.
LOGIN_DAYS = 31


def start_login(session: Session, account: Account) -> str:
    """A new login of ``account``: its ``sid`` for the session cookie, stored hashed. The
    account's logins older than LOGIN_DAYS are forgotten on the way. One commit."""
    from datetime import timedelta

    session.execute(delete(LoginSession).where(
        LoginSession.account_id == account.id,
        LoginSession.created_at < utcnow() - timedelta(days=LOGIN_DAYS)))
    sid = new_token()
    session.add(LoginSession(account_id=account.id, sid_hash=hash_token(sid)))
    session.commit()
    return sid


def end_login(session: Session, sid: str | None) -> None:
    """Log out this login only: every copy of its cookie stops working. One commit."""
    if sid and len(sid) <= 100:
        session.execute(delete(LoginSession).where(LoginSession.sid_hash == hash_token(sid)))
        session.commit()


def from_session_id(session: Session, value: str, sid: str | None) -> Account | None:
    """The account a login session belongs to, if its secret is still the current one and
    its login (``sid``) has not been logged out."""
    number, _, secret = (value or "").partition(":")
    if not number.isdigit() or len(number) > 18 or not secret or not sid or len(sid) > 100:
        return None
    account = session.get(Account, int(number))
    if account is None or not secrets.compare_digest(account.session_secret, secret):
        return None
    login = session.scalar(select(LoginSession.id).where(
        LoginSession.sid_hash == hash_token(sid), LoginSession.account_id == account.id))
    return account if login is not None else None


def reset_token(account: Account, secret_key: str) -> str:
    """A signed, timed token for a password reset; it stops working once the password
    changes, because it carries a fingerprint of the current hash (one use)."""
    from itsdangerous import URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(secret_key, salt="selfcheck password reset")
    return serializer.dumps([account.id, account.password_hash[-16:]])


RESET_MAX_AGE = 60 * 60  # an hour


def account_for_reset(session: Session, token: str, secret_key: str) -> Account | None:
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(secret_key, salt="selfcheck password reset")
    try:
        number, fingerprint = serializer.loads(token[:500], max_age=RESET_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(number, int) or not isinstance(fingerprint, str):
        return None
    account = session.get(Account, number)
    if account is None or not secrets.compare_digest(account.password_hash[-16:], fingerprint):
        return None
    return account
