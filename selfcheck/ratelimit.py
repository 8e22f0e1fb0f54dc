"""Rate limits (Flask-Limiter): wrong join codes per client.

A join code has 8 characters from 19 symbols. Counting only wrong guesses, per
client address (behind a trusted proxy, the real client: security.py), 10 a
minute and 60 an hour means a meeting-long attack tries a few hundred of the
1.7 × 10¹⁰ codes. Counters live in ``SELFCHECK_RATELIMIT_STORAGE``: memory by
default with SQLite; a ``redis://`` URL when several app processes must share them.
With a database server the setting is required (config.check_shared); ``memory://``
set on purpose there is allowed but logged, because each process then counts alone.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

WRONG_CODES = "10 per minute; 60 per hour"

limiter = Limiter(key_func=get_remote_address)


def wrong_code(response) -> bool:
    """Only a refused code counts against the limit; joining and typing errors do not."""
    return response.status_code == 404


def init_app(app: Flask) -> None:
    from selfcheck.config import is_server

    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://") and \
            is_server(app.config["DATABASE_URL"]):
        app.logger.warning("SELFCHECK_RATELIMIT_STORAGE is memory://: each app process counts "
                           "wrong join codes on its own; use redis:// with several processes")
    limiter.init_app(app)
