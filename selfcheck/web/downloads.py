"""Files the app hands out: one way to send a download, whatever it holds."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import Response, current_app, send_file
from flask_babel import get_locale

PDF = "application/pdf"


def attachment(body: str | bytes, mimetype: str, name: str) -> Response:
    """``body`` as a download called ``name`` (an ASCII file name, see report.render.ascii_slug);
    text is sent as UTF-8."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=name)


def cached_report(scope: str, revision: str, kind: str, name: str, mimetype: str,
                  extension: str, render: Callable[[str, date], bytes]) -> Response:
    """A report of ``kind`` (report/pool.RENDERERS) in the page's language, from the cache
    (report/cache.py) when one was rendered for the same ``revision`` today, else
    ``render(lang, today)`` kept there. ``X-Report-Cache`` says which."""
    from selfcheck.report.cache import ReportCache

    lang, today = str(get_locale()), date.today()
    cache = ReportCache(Path(current_app.config["REPORT_CACHE_DIR"]))
    key = cache.key(scope, f"{kind} {revision}", lang, today, extension=extension)
    body, hit = cache.get_or_render(key, lambda: render(lang, today))
    response = attachment(body, mimetype, name)
    response.headers["X-Report-Cache"] = "hit" if hit else "miss"
    return response
