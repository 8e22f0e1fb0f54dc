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


@bp.post("/f/<token>/close")
def close(token: str):
    assessment = assessment_for_facilitator(token)
    assessments.set_open(get_session(), assessment, False)
    flash(_("The self-assessment is closed. Answers can no longer change."), "info")
    return redirect(url_for("facilitate.results", token=token))


@bp.post("/f/<token>/reopen")
def reopen(token: str):
    assessment = assessment_for_facilitator(token)
    assessments.set_open(get_session(), assessment, True)
    flash(_("The self-assessment is open again. Members can change their answers."), "info")
    return redirect(url_for("facilitate.results", token=token))
