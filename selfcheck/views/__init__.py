"""The web views: one blueprint per role (DESIGN.md §3)."""

from __future__ import annotations

from flask import Flask, abort, current_app, g

from .. import assessments
from ..db import get_session
from ..models import Assessment


def init_app(app: Flask) -> None:
    from . import answer, errors, facilitate, start, workshop

    for module in (start, answer, facilitate, workshop, errors):
        app.register_blueprint(module.bp)


def current_document() -> dict:
    """The questionnaire file as plain data, snapshotted into each new assessment."""
    return current_app.extensions["questionnaire_document"]


def use_assessment_language(assessment: Assessment) -> None:
    """Pages inside an assessment speak its language unless the visitor switched."""
    g.assessment_lang = assessment.language


def assessment_for_facilitator(token: str) -> Assessment:
    assessment = assessments.find_by_facilitator_token(get_session(), token)
    if assessment is None:
        abort(404)
    use_assessment_language(assessment)
    return assessment


def safe_next(target: str, fallback: str) -> str:
    """Only follow a local path, never another site (no open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback


def require_open(assessment: Assessment) -> None:
    """Nothing changes in a closed assessment until the facilitator reopens it."""
    if not assessment.is_open:
        from flask_babel import gettext as _

        abort(409, description=_(
            "This self-assessment is closed. Open it again to make changes."))
