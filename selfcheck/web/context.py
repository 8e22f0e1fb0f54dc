"""What a request works with: the app's questionnaire and the page's language.
"""

from __future__ import annotations

from flask import current_app, g

from selfcheck.models import Assessment


def current_document() -> dict:
    """The questionnaire file as plain data, snapshotted into each new assessment."""
    return current_app.extensions["questionnaire_document"]


def use_assessment_language(assessment: Assessment) -> None:
    """Pages inside an assessment speak its language unless the visitor switched."""
    g.assessment_lang = assessment.language
