"""Facilitate: the facilitator's results page, and closing or reopening the assessment."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import assessments, charts, scoring
from ..db import get_session
from ..forms import EmptyForm
from ..tokens import join_token_for
from . import assessment_for_facilitator

bp = Blueprint("facilitate", __name__)


@bp.get("/f/<token>")
def results(token: str):
    assessment = assessment_for_facilitator(token)
    questionnaire = assessments.questionnaire_of(assessment)
    result = assessments.results(assessment)
    visible = scoring.distributions_visible(assessment.anonymous, result.respondents)
    return render_template(
        "facilitate/results.html",
        assessment=assessment,
        questionnaire=questionnaire,
        result=result,
        visible=visible,
        threshold=scoring.ANONYMITY_THRESHOLD,
        comments=assessments.comments_by_theme(assessment) if visible else {},
        participants=assessment.participants,
        token=token,
        join_token=join_token_for(token),
        charts=charts,
        form=EmptyForm(),
    )


@bp.post("/f/<token>/<any(close, reopen):action>")
def set_status(token: str, action: str):
    """Close the assessment (no more changes) or open it again."""
    assessment = assessment_for_facilitator(token)
    is_open = action == "reopen"
    assessments.set_open(get_session(), assessment, is_open)
    if is_open:
        flash(_("The self-assessment is open again. Members can change their answers."), "info")
    else:
        flash(_("The self-assessment is closed. Answers can no longer change."), "info")
    return redirect(url_for("facilitate.results", token=token))
