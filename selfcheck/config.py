"""Configuration: defaults, ``SELFCHECK_*`` environment variables, the secret key.

One place decides every setting, so an operator reads one file to know what can
be set. The secret key is never a hard-coded default: it is generated once into
the instance folder and reused after that.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any

from selfcheck.resources import default_questions_file

#: Environment variables the app reads, and the config keys they set.
ENVIRONMENT = {
    "SELFCHECK_SECRET_KEY": "SECRET_KEY",
    "SELFCHECK_DATABASE_URL": "DATABASE_URL",
    "SELFCHECK_QUESTIONS": "QUESTIONS_FILE",
    "SELFCHECK_TRUSTED_PROXIES": "TRUSTED_PROXIES",
    "SELFCHECK_PUBLIC_URL": "PUBLIC_URL",
    "SELFCHECK_ALLOWED_HOSTS": "TRUSTED_HOSTS",
    "SELFCHECK_RATELIMIT_STORAGE": "RATELIMIT_STORAGE_URI",
    "SELFCHECK_REPORT_CACHE_DIR": "REPORT_CACHE_DIR",
    "SELFCHECK_SIGNUP": "SIGNUP",
    "SELFCHECK_CREATE": "CREATE",
    "SELFCHECK_SMTP_URL": "SMTP_URL",
    "SELFCHECK_MAIL_FROM": "MAIL_FROM",
    "SELFCHECK_RETENTION_DAYS": "RETENTION_DAYS",
}

#: Settings that are whole numbers, with their allowed range.
WHOLE_NUMBERS = {"TRUSTED_PROXIES": (0, 5), "RETENTION_DAYS": (1, 36500)}

#: Settings that take one of a few words.
CHOICES = {"SIGNUP": ("open", "closed"), "CREATE": ("anyone", "accounts")}


class ConfigError(Exception):
    """A setting has a value the app cannot use; the message names the variable."""


def defaults(instance_path: str) -> dict[str, Any]:
    """Settings used when nothing else is given."""
    return {
        "QUESTIONS_FILE": str(default_questions_file()),
        "DATABASE_URL": "sqlite:///" + str(Path(instance_path) / "selfcheck.sqlite"),
        "REPORT_CACHE_DIR": str(Path(instance_path) / "report-cache"),
        "BABEL_DEFAULT_LOCALE": "da",
        # How often the facilitator's page checks for new answers (seconds).
        "DASHBOARD_POLL_SECONDS": 10,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        # Needs a Referer, which Referrer-Policy: no-referrer never sends; security.py
        # checks the Origin header instead.
        "WTF_CSRF_SSL_STRICT": False,
        # X-Forwarded-* headers are believed only from this many proxies (0: none).
        "TRUSTED_PROXIES": 0,
        # Where members reach the app (https://selfcheck.example.dk); unset: the address the
        # facilitator's browser used.
        "PUBLIC_URL": None,
        # RATELIMIT_STORAGE_URI (Flask-Limiter's storage) has no default here: unset, it is
        # a SQLite file beside the embedded database (ratelimit.py), and refused with a
        # database server (check_shared).
        # Whether anyone may create an account ("open"), or only an administrator with
        # `selfcheck user add` ("closed"). `make run` opens it.
        "SIGNUP": "closed",
        # Who may create assessments and organisations: "anyone" (a laptop, a team's own
        # install) or only logged-in "accounts" (a hosted service). Web/guards.creates.
        "CREATE": "anyone",
        # Where password reset links are sent from; unset: an administrator resets passwords.
        "SMTP_URL": None,
        "MAIL_FROM": "selfcheck@localhost",
        # `selfcheck purge` deletes assessments closed longer ago than this; unset: never.
        "RETENTION_DAYS": None,
    }


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """The settings given as ``SELFCHECK_*`` environment variables."""
    environ = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    for name, key in ENVIRONMENT.items():
        value = environ.get(name)
        if not value:
            continue
        if key in WHOLE_NUMBERS:
            low, high = WHOLE_NUMBERS[key]
            if not (value.strip().isdigit() and low <= int(value) <= high):
                raise ConfigError(f"{name} must be a whole number from {low} to {high}, "
                                  f"not {value[:40]!r}")
            settings[key] = int(value)
        elif key in CHOICES:
            if value.strip() not in CHOICES[key]:
                raise ConfigError(f"{name} must be one of {', '.join(CHOICES[key])}, "
                                  f"not {value[:40]!r}")
            settings[key] = value.strip()
        elif key == "SMTP_URL":
            from selfcheck.services.accounts.mail import check_url

            problem = check_url(value.strip())
            if problem:
                raise ConfigError(f"{name} {problem}")
            settings[key] = value.strip()
        elif key == "PUBLIC_URL":
            settings[key] = _public_url(name, value)
        elif key == "TRUSTED_HOSTS":
            settings[key] = _hosts(name, value)
        else:
            settings[key] = value
    return settings


def is_server(database_url: str) -> bool:
    """Whether the database is a server that several app instances may share (not SQLite)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(database_url).get_backend_name() != "sqlite"
    except ArgumentError:  # the value may hold a password: never repeat it
        raise ConfigError("SELFCHECK_DATABASE_URL is not a database URL such as "
                          "postgresql+psycopg://user@host/selfcheck") from None


def check_shared(settings: dict[str, Any]) -> None:
    """With a database server, refuse settings that would live in one process or on one disk.

    Several instances behind a proxy must sign sessions with one key, count wrong join codes
    in one place and find each other's PDFs. A key generated into one instance folder would
    log members out whenever the proxy picks another instance, so it is refused, with every
    missing variable named in one line. ``memory://`` counters are allowed only when set on
    purpose (one process: ratelimit.py logs a warning).
    """
    url = settings.get("DATABASE_URL")
    if not url or not is_server(url):
        return
    needed = {"SECRET_KEY": "SELFCHECK_SECRET_KEY",
              "RATELIMIT_STORAGE_URI": "SELFCHECK_RATELIMIT_STORAGE (e.g. redis://host:6379)",
              "REPORT_CACHE_DIR": "SELFCHECK_REPORT_CACHE_DIR (a directory every instance shares)"}
    missing = [name for key, name in needed.items() if not settings.get(key)]
    if missing:
        raise ConfigError("SELFCHECK_DATABASE_URL names a database server, so every instance "
                          "must share its settings: set " + ", ".join(missing))
    if settings.get("SIGNUP") == "open":
        # Open sign-up answers "already exists" for a known address: on one computer that
        # tells its owner nothing new, on a hosted service it tells anyone who has an account.
        raise ConfigError("SELFCHECK_SIGNUP=open is for one computer: a hosted service would "
                          "tell anyone which addresses have an account. Create accounts with "
                          "`selfcheck user add` or share by invitation")


def _public_url(name: str, value: str) -> str:
    """An absolute http(s) address without query or fragment, without a trailing slash."""
    from urllib.parse import urlsplit

    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment:
        raise ConfigError(f"{name} must be an address such as https://selfcheck.example.dk, "
                          f"not {value[:60]!r}")
    return value.strip().rstrip("/")


def _hosts(name: str, value: str) -> list[str]:
    """Host names (with an optional port) separated by commas, as Flask's TRUSTED_HOSTS."""
    hosts = [host.strip().lower() for host in value.split(",") if host.strip()]
    pattern = re.compile(r"\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?"
                         r"|\[[0-9a-f:.]+\](:[0-9]{1,5})?")
    if not hosts or not all(pattern.fullmatch(host) for host in hosts):
        raise ConfigError(f"{name} must be host names separated by commas, such as "
                          f"selfcheck.example.dk,www.selfcheck.example.dk, not {value[:60]!r}")
    return hosts


def instance_secret_key(instance_path: str) -> str:
    """Read the secret key from the instance folder, creating it on first run."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
