"""Front page: what this is and how to start."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from ..content import LANGUAGES

bp = Blueprint("start", __name__)


@bp.get("/")
def index():
    questionnaire = current_app.extensions["questionnaire"]
    return render_template("start/index.html", questionnaire=questionnaire)


@bp.post("/language")
def set_language():
    """Remember the visitor's language choice and go back to the page they were on."""
    lang = request.form.get("lang", "")
    if lang not in LANGUAGES:
        abort(400, description=_("Unknown language."))
    session["lang"] = lang
    return redirect(_safe_next(request.form.get("next", "")))


def _safe_next(target: str) -> str:
    """Only follow a local path, never another site (no open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("start.index")
