"""The web views: one blueprint per role (DESIGN.md §3)."""

from __future__ import annotations

import re

from flask import Flask, abort, current_app, g

from ..models import Assessment


def init_app(app: Flask) -> None:
    from . import (
        answer,
        auth,
        code,
        errors,
        facilitate,
        organisations,
        start,
        workshop,
        workspace,
    )

    auth.init_app(app)
    for module in (start, answer, code, facilitate, workshop, organisations, errors, auth,
                   workspace):
        app.register_blueprint(module.bp)
    app.register_blueprint(organisations.org)


def current_document() -> dict:
    """The questionnaire file as plain data, snapshotted into each new assessment."""
    return current_app.extensions["questionnaire_document"]


def use_assessment_language(assessment: Assessment) -> None:
    """Pages inside an assessment speak its language unless the visitor switched."""
    g.assessment_lang = assessment.language


def assessment_for_facilitator(token: str) -> Assessment:
    """The assessment the facilitator key opens (guards.open_assessment); how it was opened
    (role, real token) is kept in ``g.opened`` for the page."""
    from .guards import open_assessment

    assessment, g.opened = open_assessment(token)
    use_assessment_language(assessment)
    return assessment


#: A same-site path: "/" then printable ASCII, never "//" or a backslash (which
#: browsers read as another host), never whitespace or control characters (a
#: browser drops a tab, so "/\t/evil.example" would become "//evil.example").
_SAME_SITE_PATH = re.compile(r"/(?![/\\])[\x21-\x5b\x5d-\x7e]*")


def safe_next(target: object, fallback: str) -> str:
    """The redirect target if it is a path on this site, otherwise ``fallback``.

    Every redirect to a user-given place goes through here (no open redirect).
    """
    if isinstance(target, str) and len(target) <= 2000 and _SAME_SITE_PATH.fullmatch(target):
        return target
    return fallback


def require_open(assessment: Assessment) -> None:
    """Nothing changes in a closed assessment until the facilitator reopens it."""
    if not assessment.is_open:
        from flask_babel import gettext as _

        abort(409, description=_(
            "This self-assessment is closed. Open it again to make changes."))
