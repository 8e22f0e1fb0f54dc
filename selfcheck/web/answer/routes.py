"""Answer: a member joins by the team's link and walks one step per recommendation.

Each step is saved when the member presses Next (or Back); the resume link
brings them back to where they were. Values off the scale, unknown statements
and other tampered posts get a 400 page and change nothing.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from selfcheck.core import charts, scoring
from selfcheck.core.content import Questionnaire
from selfcheck.core.tokens import normalise_code
from selfcheck.db import get_session
from selfcheck.models import Participant
from selfcheck.ratelimit import WRONG_CODES, limiter, wrong_code
from selfcheck.services import answers as answer_service
from selfcheck.services import assessments
from selfcheck.services import results as result_service
from selfcheck.web.answer.forms import (
    DONT_KNOW,
    CodeForm,
    JoinForm,
    allowed_step_keys,
    field_name,
    step_form_class,
)
from selfcheck.web.context import use_assessment_language
from selfcheck.web.fields import EmptyForm
from selfcheck.web.guards import require_open
from selfcheck.web.links import public_url

bp = Blueprint("answer", __name__)

SESSION_KEY = "members"  # assessment id → this browser's resume token


@bp.route("/j/<token>", methods=["GET", "POST"])
def join(token: str):
    assessment = assessments.find_by_join_token(get_session(), token)
    if assessment is None:
        abort(404)
    return join_page(assessment, url_for("answer.join", token=token))


def join_page(assessment, action_url: str):
    """Join by link or by short code: a name (named mode) or one button, then the steps."""
    db = get_session()
    use_assessment_language(assessment)
    form = EmptyForm() if assessment.anonymous else JoinForm()
    known = session.get(SESSION_KEY, {}).get(str(assessment.id))
    returning = assessments.find_participant(db, known) if known else None
    if returning is not None and returning.assessment_id != assessment.id:
        returning = None
    if request.method == "POST":
        require_open(assessment)
        answer_service.check_room_for_member(assessment)  # before the form: 409, not 400
        if form.validate_on_submit():
            name = None if assessment.anonymous else form.display_name.data
            _participant, resume = answer_service.join(db, assessment, name)
            members = dict(session.get(SESSION_KEY, {}))
            members[str(assessment.id)] = resume
            session[SESSION_KEY] = members
            return redirect(url_for("answer.welcome", token=resume))
    status = 400 if form.errors else 200
    return render_template(
        "answer/join.html",
        assessment=assessment,
        questionnaire=assessments.questionnaire_of(assessment),
        form=form,
        action_url=action_url,
        returning_token=known if returning else None,
    ), status


def _participant(token: str) -> tuple[Participant, Questionnaire]:
    participant = assessments.find_participant(get_session(), token)
    if participant is None:
        abort(404)
    use_assessment_language(participant.assessment)
    return participant, assessments.questionnaire_of(participant.assessment)


def _progress(participant: Participant, questionnaire: Questionnaire) -> list[bool]:
    answers = answer_service.answers_of(participant)
    return [answer_service.theme_complete(answers, theme) for theme in questionnaire.themes]


@bp.get("/p/<token>/")
def welcome(token: str):
    participant, questionnaire = _participant(token)
    progress = _progress(participant, questionnaire)
    next_step = next((i for i, done in enumerate(progress, 1) if not done), None)
    return render_template(
        "answer/welcome.html",
        participant=participant,
        assessment=participant.assessment,
        questionnaire=questionnaire,
        token=token,
        personal_url=public_url("answer.welcome", token=token),
        progress=progress,
        next_step=next_step,
    )


def _check_raw_step_post(theme) -> None:
    """Reject what no honest browser sends: unknown fields, repeated fields, off-scale values."""
    allowed = allowed_step_keys(theme)
    for key in request.form:
        values = request.form.getlist(key)
        if key not in allowed:
            if key.startswith("q_"):
                abort(400, description=_("Unknown statement: %(id)s.", id=key[2:][:100]))
            abort(400, description=_("Unknown field: %(name)s.", name=key[:100]))
        if len(values) > 1:
            abort(400, description=_("The field %(name)s was sent more than once.", name=key))


@bp.route("/p/<token>/step/<int:number>", methods=["GET", "POST"])
def step(token: str, number: int):
    participant, questionnaire = _participant(token)
    if not 1 <= number <= len(questionnaire.themes):
        abort(404)
    assessment = participant.assessment
    theme = questionnaire.themes[number - 1]
    form_class = step_form_class(theme, questionnaire.scale, str(get_locale()))
    answers = answer_service.answers_of(participant)
    from_review = request.args.get("from") == "review"  # "Change" on the review page
    if request.method == "POST":
        require_open(assessment)
        _check_raw_step_post(theme)
        allowed_values = {str(v) for v in questionnaire.scale.values} | {DONT_KNOW}
        for question in theme.questions:
            value = request.form.get(field_name(question.id))
            if value is not None and value not in allowed_values:
                abort(400, description=_(
                    "“%(value)s” is not an answer on the scale.", value=value[:20]))
        form = form_class()
        going_back = request.form.get("nav") == "back"
        form.require_all = not going_back
        if form.validate_on_submit():
            answer_service.save_step(get_session(), participant, theme, form.values(),
                                  form.comment.data)
            if going_back:
                target = url_for("answer.step", token=token, number=number - 1) if number > 1 \
                    else url_for("answer.welcome", token=token)
            elif from_review:
                target = url_for("answer.review", token=token)
            elif number < len(questionnaire.themes):
                target = url_for("answer.step", token=token, number=number + 1)
            else:
                target = url_for("answer.review", token=token)
            return redirect(target)
        status = 400
    else:
        data = {field_name(qid): (DONT_KNOW if value is None else str(value))
                for qid, value in answers.items()}
        data["comment"] = answer_service.comment_of(participant, theme.id)
        form = form_class(data=data)
        status = 200
    return render_template(
        "answer/step.html",
        participant=participant,
        assessment=assessment,
        questionnaire=questionnaire,
        theme=theme,
        number=number,
        form=form,
        token=token,
        from_review=from_review,
        progress=_progress(participant, questionnaire),
    ), status


@bp.get("/p/<token>/review")
def review(token: str):
    participant, questionnaire = _participant(token)
    return render_template(
        "answer/review.html",
        participant=participant,
        assessment=participant.assessment,
        questionnaire=questionnaire,
        answers=answer_service.answers_of(participant),
        comments={t.id: answer_service.comment_of(participant, t.id) for t in questionnaire.themes},
        progress=_progress(participant, questionnaire),
        token=token,
        form=EmptyForm(),
    )


@bp.post("/p/<token>/review")
def submit(token: str):
    participant, questionnaire = _participant(token)
    require_open(participant.assessment)
    if not all(_progress(participant, questionnaire)):
        abort(400, description=_("Answer every step before you submit."))
    answer_service.submit(get_session(), participant)
    return redirect(url_for("answer.done", token=token))


@bp.get("/p/<token>/done")
def done(token: str):
    participant, questionnaire = _participant(token)
    if participant.submitted_at is None:
        return redirect(url_for("answer.review", token=token))
    return render_template(
        "answer/done.html",
        participant=participant,
        assessment=participant.assessment,
        questionnaire=questionnaire,
        token=token,
    )


@bp.get("/p/<token>/results")
def team_results(token: str):
    """The team's results as a member sees them: only once submitted and revealed."""
    participant, questionnaire = _participant(token)
    assessment = participant.assessment
    shown = result_service.member_sees_team_results(participant)
    result = result_service.results(assessment) if shown else None
    visible = bool(result) and scoring.distributions_visible(assessment.anonymous,
                                                             result.respondents)
    return render_template(
        "answer/results.html",
        participant=participant,
        assessment=assessment,
        questionnaire=questionnaire,
        shown=shown,
        visible=visible,
        threshold=scoring.ANONYMITY_THRESHOLD,
        result=result,
        answers=answer_service.answers_of(participant),
        own_scores=result_service.own_scores(participant, questionnaire),
        actions=assessment.actions if shown else [],
        charts=charts,
        token=token,
    )


# ----------------------------------------------------------------------------- the short code
# Members type it at /kode instead of a long link. A code only joins an open assessment (it
# opens nothing else), and wrong codes are rate limited per client (ratelimit.py).
# ``/kode/<code>`` is the join page for the code, so a member who typed it can share that
# address in the room.

code_bp = Blueprint("code", __name__)


@code_bp.route("/kode", methods=["GET", "POST"])
@limiter.limit(WRONG_CODES, deduct_when=wrong_code, methods=["POST"])
def enter():
    """The code from the projector; spaces and case do not matter."""
    form = CodeForm()
    if form.validate_on_submit():
        if assessments.find_by_join_code(get_session(), form.code.data) is not None:
            return redirect(url_for("code.join", code=normalise_code(form.code.data)))
        form.code.errors.append(_("No open self-assessment has that code. Check the code on "
                                  "the screen and try again."))
        return render_template("answer/code.html", form=form), 404
    return render_template("answer/code.html", form=form), 400 if form.errors else 200


@code_bp.route("/kode/<code>", methods=["GET", "POST"], endpoint="join")
@limiter.limit(WRONG_CODES, deduct_when=wrong_code)
def join_by_code(code: str):
    assessment = assessments.find_by_join_code(get_session(), code)
    if assessment is None:
        abort(404)
    return join_page(assessment, url_for("code.join", code=code))
