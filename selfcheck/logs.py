"""Request logs without secrets.

Links are keys: ``/f/<token>``, ``/j/<token>``, ``/p/<token>``, ``/o/<token>``, an invitation
or a reset link, a join code. gunicorn's access log would write them into log files that
operators copy and keep, so `selfcheck serve` turns it off and the app logs each request
itself, to stdout, with those parts replaced by "…".

Every answer with a 5xx status is logged once as an error, with the request's id
(``X-Request-Id``), which the error page shows, so a facilitator can quote it to the host.
An exception's log names the path with its key left out, never the key.
"""

from __future__ import annotations

import logging
import re
import secrets
import sys
import time

from flask import Flask, g, request

from selfcheck.core.tokens import ACCOUNT_KEY

#: The first path segment after these prefixes is a secret.
SECRET_PATH = re.compile(r"^/(f|j|p|o|invite|reset|kode)/[^/?#]+")

logger = logging.getLogger("selfcheck.access")


def redact(path: str) -> str:
    """``path`` with its secret segment replaced, e.g. /f/…/report.pdf; account keys
    (/f/a12) say nothing secret and stay."""
    def replace(match: re.Match) -> str:
        segment = match.group(0).split("/", 2)[2]
        if ACCOUNT_KEY.fullmatch(segment):
            return match.group(0)
        return f"/{match.group(1)}/…"

    return SECRET_PATH.sub(replace, path)


def request_id() -> str:
    """This request's id: short, random, and in the log beside the error it names."""
    if "request_id" not in g:
        g.request_id = secrets.token_hex(6)
    return g.request_id


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_clock() -> None:
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def _log(response):
        started = g.get("request_started")
        took = (time.perf_counter() - started) * 1000 if started else 0.0
        logger.info("%s %s %s %.0f ms", request.method, redact(request.path),
                    response.status_code, took)
        if response.status_code >= 500 and not g.get("error_logged"):
            g.error_logged = True
            app.logger.error("%s %s answered %s (request %s)", request.method,
                             redact(request.path), response.status_code, request_id())
        response.headers["X-Request-Id"] = request_id()
        return response

    def log_exception(exc_info) -> None:
        """Flask's own log of an unhandled exception names the whole path (its key too)."""
        g.error_logged = True
        app.logger.error("%s %s failed (request %s)", request.method, redact(request.path),
                         request_id(), exc_info=exc_info)

    app.log_exception = log_exception


def to_stdout() -> None:
    """Send the request log to stdout (for `selfcheck serve`), and Flask-Limiter's word that
    its storage (Redis) went away, so it counts in memory, and that it came back."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    limits = logging.getLogger("flask-limiter")
    limits.addHandler(handler)
    limits.setLevel(logging.INFO)  # "… falling back to in-memory storage", "… recovered"
    limits.propagate = False
