"""``/healthz``: whether this instance can serve, for a proxy's or an orchestrator's checks.

It answers 200 when the database answers, and 503 when it does not. The body is one word:
no version, no token, no stack trace, nothing an outsider could learn from. It needs no
session, so it sets no cookie, and it is never rate limited (a proxy checks every second).
"""

from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from selfcheck.ratelimit import limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        with current_app.extensions["db_engine"].connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.warning("Health check: the database does not answer")
        return _plain("unavailable", 503)
    return _plain("ok", 200)


def _plain(word: str, status: int):
    return word + "\n", status, {"Content-Type": "text/plain; charset=utf-8",
                                 "Cache-Control": "no-store"}
