"""Files the app hands out: one way to send a download, whatever it holds."""

from __future__ import annotations

import io

from flask import Response, send_file

PDF = "application/pdf"


def attachment(body: str | bytes, mimetype: str, name: str) -> Response:
    """``body`` as a download called ``name`` (an ASCII file name, see report.render.ascii_slug);
    text is sent as UTF-8."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=name)
