"""Friendly error pages in both languages; no input may end in a bare 500."""

from __future__ import annotations

import sys

from flask import Blueprint, current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from selfcheck.exchange.problems import ExchangeError, lines

bp = Blueprint("errors", __name__)

TITLES = {
    400: lambda: _("Something in the request was wrong"),
    403: lambda: _("This is not allowed"),
    404: lambda: _("Page not found"),
    405: lambda: _("That is not possible here"),
    409: lambda: _("This cannot be changed now"),
    413: lambda: _("Too much data was sent"),
    429: lambda: _("Too many attempts"),
    503: lambda: _("Try again in a moment"),
    500: lambda: _("Something went wrong on our side"),
}

EXPLANATIONS = {
    404: lambda: _("The link may be mistyped or incomplete. Check that you copied the whole link."),
    413: lambda: _("A file can be at most 1 MB. Save it smaller and try again."),
    429: lambda: _("Wait a few minutes and try again. Check the code on the screen carefully."),
    500: lambda: _("Nothing you did caused this. Try again in a moment."),
}


def render_error(code: int, description: str | None):
    title = TITLES.get(code, TITLES[400])()
    if request_ctx.url_adapter is None:
        # The request's Host is not one of SELFCHECK_ALLOWED_HOSTS: no address can be built
        # for it, so the page is one line of text, with no links.
        return f"{code} {title}\n", code, {"Content-Type": "text/plain; charset=utf-8"}
    explanation = EXPLANATIONS.get(code, lambda: None)()
    if code == 429 and request.blueprint == "auth":
        explanation = _("Too many failed attempts to log in. Wait a few minutes and try again, "
                        "or ask the administrator to set a new password.")
    from selfcheck.logs import request_id

    return render_template(
        "errors/error.html", code=code, title=title, description=description,
        explanation=explanation, request_id=request_id() if code >= 500 else None,
    ), code


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return render_error(400, _(
        "The form's security check failed: it is missing or has expired. "
        "Go back, reload the page and try again."))


@bp.app_errorhandler(ExchangeError)
def refused(error: ExchangeError):
    """A service refused (a full plan, a follow-up of an open assessment …): 409 with every
    reason, in the page's language. Forms that can show the reasons beside their fields
    catch the error themselves."""
    return render_error(409, " ".join(lines(error.problems, _)))


@bp.app_errorhandler(DBAPIError)
def database_error(error: DBAPIError):
    """The database went away (a restart, a failover, a dropped connection): 503 and "try
    again", since nothing was saved and the next request reconnects (db.py pings first).
    Any other database error is a fault of ours: 500, logged with its traceback."""
    if isinstance(error, OperationalError) or error.connection_invalidated:
        from flask import g

        from selfcheck.db import discard_session

        discard_session()  # its connection is dead; the next request's is pinged first
        g.database_down = True  # the error page asks nothing of it (auth.load_account)
        return render_error(503, _("The database did not answer, so nothing was saved. "
                                   "Wait a moment and try again."))
    current_app.log_exception(sys.exc_info())
    return render_error(500, None)


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    # Werkzeug's default descriptions are English only: show only ours (translated).
    custom = error.description != type(error).description and error.code != 429
    return render_error(error.code or 500, error.description if custom else None)


@bp.app_errorhandler(InternalServerError)
def server_error(error: InternalServerError):
    return render_error(500, None)
