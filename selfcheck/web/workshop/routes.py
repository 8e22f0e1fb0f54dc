"""Workshop: the team goes through the recommendations together on a projector.

Themes come in discussion-agenda order (most disagreement first). For each the
facilitator records the team's agreed score, a note or "agreed to disagree",
and builds the action plan from the suggestions or from scratch. A closing page
sums up; the presenter view (``/present``) shows the same on the shared screen,
large and without controls, and follows the facilitator's current page.

Closing the assessment stops members' answers, never the workshop: decisions
and actions can be recorded after answering has closed.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from selfcheck.core import charts, scoring
from selfcheck.core.presentation import actions_by_theme
from selfcheck.db import get_session
from selfcheck.services import assessments
from selfcheck.services import results as result_service
from selfcheck.services import workshop as workshop_service
from selfcheck.web import qr
from selfcheck.web.fields import EmptyForm
from selfcheck.web.guards import prefix_facilitator_pages, safe_next
from selfcheck.web.links import join_details, short_code_address
from selfcheck.web.workshop.forms import ActionForm, DecisionForm, SuggestionPickForm

bp = Blueprint("workshop", __name__, url_prefix="/f/<token>")
prefix_facilitator_pages(bp)


def _theme_at(assessment, position: int, result=None):
    """The theme at ``position`` (1-based) of the discussion agenda, with the results
    (scored here unless the caller has them already: one scoring per request)."""
    questionnaire = assessments.questionnaire_of(assessment)
    result = result or result_service.results(assessment)
    if not 1 <= position <= len(result.agenda):
        abort(404)
    theme = questionnaire.theme(result.agenda[position - 1])
    return questionnaire, result, theme


def theme_number(questionnaire, theme) -> int:
    """The recommendation's own number (its place in the questionnaire), not its agenda place."""
    return [t.id for t in questionnaire.themes].index(theme.id) + 1


@bp.get("/workshop")
def start():
    return redirect(url_for("workshop.theme", position=1))


@bp.get("/workshop/<int:position>")
def theme(position: int):
    return _theme_page(position)


def _theme_page(position: int, *, action_form: ActionForm | None = None,
                status: int = 200):
    """The workshop page of one recommendation; a refused action form is shown with its errors."""
    assessment = g.assessment
    questionnaire, result, theme = _theme_at(assessment, position)
    decision = workshop_service.decision_for(assessment, theme.id)
    decision_form = DecisionForm(
        formdata=None,
        data={"consensus": f"{decision.consensus:g}" if decision and decision.consensus else "",
              "note": decision.note if decision else "",
              "agreed_to_disagree": decision.agreed_to_disagree if decision else False}
    )
    theme_result = result.theme(theme.id)
    visible = scoring.distributions_visible(assessment.anonymous, result.respondents)
    return render_template(
        "workshop/theme.html",
        assessment=assessment,
        questionnaire=questionnaire,
        result=result,
        theme=theme,
        theme_result=theme_result,
        position=position,
        decision=decision,
        decision_form=decision_form,
        action_form=action_form or ActionForm(formdata=None),
        pick_form=SuggestionPickForm(formdata=None),
        actions=actions_by_theme(assessment.actions).get(theme.id, []),
        picked={a.suggestion_id for a in assessment.actions if a.suggestion_id},
        widest=scoring.widest_spread(theme_result),
        comments=result_service.comments_by_theme(assessment).get(theme.id, []) if visible
        else [],
        visible=visible,
        threshold=scoring.ANONYMITY_THRESHOLD,
        charts=charts,
        number=theme_number(questionnaire, theme),
        current_form=EmptyForm(formdata=None),
    ), status


@bp.post("/workshop/<int:position>/current")
def make_current(position: int):
    """Show this recommendation on the presenter view (workshop.js posts it on page load)."""
    assessment = g.assessment
    _questionnaire, _result, theme = _theme_at(assessment, position)
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form's security check failed. Reload the page."))
    workshop_service.set_workshop_theme(get_session(), assessment, theme.id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(position=position)
    flash(_("The shared screen now shows this theme."), "success:decision")
    return _back_to_theme(position)


@bp.get("/workshop/end")
def end():
    """The closing page: agreed and members' scores side by side, the plan, what is open."""
    assessment = g.assessment
    questionnaire = assessments.questionnaire_of(assessment)
    result = result_service.results(assessment)
    return render_template(
        "workshop/end.html", assessment=assessment, questionnaire=questionnaire,
        result=result, decisions={d.theme_id: d for d in assessment.decisions},
        actions=assessment.actions, presenting=False)


def _current_position(assessment, result) -> int:
    if assessment.workshop_theme_id in result.agenda:
        return result.agenda.index(assessment.workshop_theme_id) + 1
    return 1


@bp.get("/present")
@bp.get("/present/<int:position>")
def present(position: int | None = None):
    """The shared screen. Without a position it follows the facilitator (reload or JS)."""
    assessment = g.assessment
    result = result_service.results(assessment)
    following = position is None
    if following:
        position = _current_position(assessment, result)
    questionnaire, result, theme = _theme_at(assessment, position, result)
    theme_result = result.theme(theme.id)
    visible = scoring.distributions_visible(assessment.anonymous, result.respondents)
    return render_template(
        "workshop/present.html", assessment=assessment, questionnaire=questionnaire,
        result=result, theme=theme, theme_result=theme_result, position=position,
        number=theme_number(questionnaire, theme), following=following, visible=visible,
        threshold=scoring.ANONYMITY_THRESHOLD, decision=workshop_service.decision_for(
            assessment, theme.id),
        actions=actions_by_theme(assessment.actions).get(theme.id, []),
        widest=scoring.widest_spread(theme_result), charts=charts)


@bp.get("/present/state")
def present_state():
    """Where the facilitator is, for the presenter view's script."""
    assessment = g.assessment
    result = result_service.results(assessment)
    latest = max([assessment.created_at, *(d.updated_at for d in assessment.decisions),
                  *(a.updated_at for a in assessment.actions)])
    return jsonify(position=_current_position(assessment, result),
                   changed=f"{latest.isoformat()}/{len(assessment.actions)}/{result.respondents}")


def _changeable_theme(position: int, *, adds_action: bool = False):
    """The assessment and the theme at ``position``, for a POST that changes the workshop.

    Open or closed for answers makes no difference: the team decides after answering.
    """
    assessment = g.assessment
    if adds_action:
        workshop_service.check_room_for_action(assessment)  # before the form: 409, not 400
    _questionnaire, _result, theme = _theme_at(assessment, position)
    return assessment, theme


def _form_errors(form) -> str:
    """Every error of a form as one sentence (messages may be lazy translations)."""
    return "; ".join(f"{form[name].label.text}: {' '.join(str(e) for e in errors)}"
                     for name, errors in form.errors.items())


def _back_to_theme(position: int, anchor: str = ""):
    return redirect(url_for("workshop.theme", position=position) + anchor)


@bp.post("/workshop/<int:position>/decision")
def decision(position: int):
    assessment, theme = _changeable_theme(position)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400, description=_form_errors(form))
    workshop_service.save_decision(
        get_session(), assessment, theme.id, consensus=form.consensus_value(),
        note=form.note.data or "", agreed_to_disagree=form.agreed_to_disagree.data)
    flash(_("The team's view is saved."), "success:decision")
    return _back_to_theme(position, "#decision")


@bp.post("/workshop/<int:position>/actions")
def add_action(position: int):
    assessment, theme = _changeable_theme(position, adds_action=True)
    form = ActionForm()
    if not form.validate_on_submit():
        return _theme_page(position, action_form=form, status=400)
    workshop_service.add_action(get_session(), assessment, theme.id, text=form.text.data,
                           owner=form.owner.data or "", due_date=form.due_date.data,
                           status=form.status.data)
    flash(_("The action is added to the plan."), "success:actions")
    return _back_to_theme(position, "#actions")


@bp.post("/workshop/<int:position>/suggestions")
def pick_suggestion(position: int):
    assessment, theme = _changeable_theme(position, adds_action=True)
    form = SuggestionPickForm()
    suggestion = next((s for s in theme.suggestions if s.id == form.suggestion_id.data), None)
    if not form.validate_on_submit() or suggestion is None:
        abort(400, description=_("Unknown suggestion."))
    lang = str(get_locale())
    workshop_service.add_action(get_session(), assessment, theme.id,
                           text=f"{suggestion.title.get(lang)}. {suggestion.text.get(lang)}",
                           suggestion_id=suggestion.id)
    flash(_("The suggestion is added to the plan. Add an owner and a due date."),
          "success:actions")
    return _back_to_theme(position, "#actions")


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
def edit_action(action_id: int):
    assessment = g.assessment
    action = workshop_service.find_action(assessment, action_id)
    if action is None:
        abort(404)
    fallback = url_for("facilitate.results") + "#plan"
    back = safe_next(request.values.get("next", ""), fallback)
    form = ActionForm(obj=action)
    if request.method == "POST" and form.validate_on_submit():
        workshop_service.update_action(get_session(), action, text=form.text.data,
                                  owner=form.owner.data or "", due_date=form.due_date.data,
                                  status=form.status.data)
        flash(_("The action is saved."), "success")
        return redirect(back)
    questionnaire = assessments.questionnaire_of(assessment)
    return render_template(
        "workshop/action.html", assessment=assessment, action=action, form=form, back=back,
        theme=questionnaire.theme(action.theme_id), delete_form=EmptyForm(),
    ), 400 if form.errors else 200


@bp.post("/actions/<int:action_id>/delete")
def delete_action(action_id: int):
    assessment = g.assessment
    action = workshop_service.find_action(assessment, action_id)
    if action is None:
        abort(404)
    fallback = url_for("facilitate.results") + "#plan"
    back = safe_next(request.form.get("next", ""), fallback)  # decided before anything changes
    workshop_service.delete_action(get_session(), assessment, action)
    flash(_("The action is deleted."), "info")
    return redirect(back)


@bp.post("/<any(reveal, hide):action>")
def reveal(action: str):
    assessment = g.assessment
    workshop_service.set_revealed(get_session(), assessment, action == "reveal")
    if action == "reveal":
        flash(_("Members can now see the team's results."), "success")
    else:
        flash(_("The team's results are hidden from members again."), "info")
    return redirect(url_for("facilitate.results"))


@bp.get("/invite")
def invite():
    """The join code, the short address and the QR code, large enough for a projector."""
    assessment = g.assessment
    join_url, code = join_details(assessment, g.opened.token)
    return render_template(
        "workshop/invite.html", assessment=assessment, join_url=join_url,
        code=code, code_address=short_code_address(),
        qr_code=qr.qr_svg(join_url, _("QR code with the join link")) if join_url else None,
        participation=result_service.participation(assessment),
    )
