"""The leadership chain: an organisation's levels and teams, and their comparison.

Everything under ``/o/<token>`` is loaded once by the URL value preprocessor, as the
Flask docs' URL processors pattern does, so no view looks the organisation up itself.
The organisation's link shows aggregates, join links and codes; it never opens a
team's facilitator page or a member's answers (services/organisations.py).
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from selfcheck.core.presentation import level_chart
from selfcheck.core.scoring import ANONYMITY_THRESHOLD, band_for
from selfcheck.core.tokens import show_code
from selfcheck.db import get_session
from selfcheck.exchange import CSV, JSON, XLSX, tables
from selfcheck.exchange import chain as chain_json
from selfcheck.exchange import team as team_json
from selfcheck.exchange.problems import ExchangeError, lines, message, shown
from selfcheck.limits import LEVEL_NAME_MAX
from selfcheck.report import chain as chain_report
from selfcheck.report import pool as render_pool
from selfcheck.services import exports, organisations
from selfcheck.services import results as result_service
from selfcheck.services.accounts.branding import brand_for_organisation
from selfcheck.web.context import current_document
from selfcheck.web.downloads import PDF, attachment
from selfcheck.web.fields import EmptyForm
from selfcheck.web.guards import login_first, open_organisation, view_of
from selfcheck.web.links import public_url
from selfcheck.web.organisations.forms import LevelForm, OrganisationForm, TeamForm, TeamListForm
from selfcheck.web.workspace.routes import (
    hold_if_logged_in,
    hold_link,
    role_name,
    team_pages_for,
    workspace_panel,
)

bp = Blueprint("organisations", __name__)
org = Blueprint("organisation", __name__, url_prefix="/o/<token>")


@bp.route("/o/new", methods=["GET", "POST"])
def new():
    form = OrganisationForm()
    if form.validate_on_submit():
        questionnaire = current_app.extensions["questionnaire"]
        organisation, token = organisations.create_organisation(
            get_session(), name=form.name.data, language=form.language.data,
            levels=organisations.default_levels(questionnaire))
        hold_if_logged_in(organisation, token)
        flash(_("The organisation is ready. Save its link: it is the key to the comparison."),
              "success")
        return redirect(url_for("organisation.page", token=token))
    return render_template("organisations/new.html", form=form), 400 if form.errors else 200


@org.url_value_preprocessor
def load_organisation(endpoint, values):
    key = values.pop("token")
    view_of(endpoint)  # a login first, where the view asks for it
    found, g.opened = open_organisation(key)
    if g.opened.token is None:
        abort(409, description=_("The organisation's link cannot be read, because the app's "
                                 "secret key has changed. Open the organisation once with "
                                 "its link."))
    g.organisation_key = key  # in the URL: the link's token, or a<id> for an account
    g.organisation_token = g.opened.token  # the real token, from which team links derive
    g.organisation = organisations.load_chain(get_session(), found.id)
    g.assessment_lang = g.organisation.language


@org.url_defaults
def add_token(endpoint, values):
    if "token" not in values and g.get("organisation_key"):
        values["token"] = g.organisation_key


def _page(*, team_form=None, list_form=None, level_form=None, status=200):
    organisation = g.organisation
    lang = str(get_locale())
    questionnaire = organisations.questionnaire_for(organisation,
                                                    current_app.extensions["questionnaire"])
    result = organisations.compare(get_session(), organisation, questionnaire)
    levels = organisation.levels
    team_form = team_form or TeamForm(formdata=None)
    team_form.level.choices = [(level.position, level.name(lang)) for level in levels]
    level_names = [level.name(lang) for level in levels]
    theme_charts = {
        theme.id: level_chart(result, level_names, theme.id, lang,
                              title=_("%(theme)s by level", theme=theme.title.get(lang)))
        for theme in questionnaire.themes}
    changes = None
    if organisation.previous_id is not None:
        earlier = organisations.load_chain(get_session(), organisation.previous_id)
        changes = organisations.changes_since(
            organisations.compare(get_session(), earlier, questionnaire), result,
            [t.id for t in questionnaire.themes])
    return render_template(
        "organisations/page.html", organisation=organisation, questionnaire=questionnaire,
        changes=changes,
        result=result, levels=levels, team_form=team_form,
        list_form=list_form or TeamListForm(formdata=None),
        level_form=level_form or LevelForm(formdata=None), form=EmptyForm(formdata=None),
        theme_charts=theme_charts, lang=lang,
        links={link.team.id: link for link in organisations.team_links(
            organisation, g.organisation_token)},
        organisation_url=None if g.opened.by_account else public_url("organisation.page"),
        workspace=workspace_panel(organisation, g.opened),
        team_pages=team_pages_for(organisation),
        level_names=level_names,
        participation={team.id: (len(result_service.submitted(team)), len(team.participants))
                       for level in levels for team in level.teams},
        band_of=lambda score: band_for(score, questionnaire.bands),
        threshold=ANONYMITY_THRESHOLD,
        level_name_max=LEVEL_NAME_MAX,  # the rename fields are written in the template
    ), status


@org.get("")
def page():
    return _page()


def _created_page(created):
    for team in created:  # teams made while logged in belong to the account, one by one
        hold_if_logged_in(team.assessment, team.facilitator_token)
    lang = str(get_locale())
    rows = [(team, public_url("facilitate.results", token=team.facilitator_token),
             public_url("answer.join", token=team.join_token),
             show_code(team.code) if team.code else "") for team in created]
    return render_template("organisations/created.html", organisation=g.organisation,
                           rows=rows, lang=lang)


@org.post("/teams")
def add_team():
    form = TeamForm()
    form.level.choices = [(level.position, level.name_da) for level in g.organisation.levels]
    if not form.validate_on_submit():
        return _page(team_form=form, status=400)
    try:
        created = organisations.add_teams(
            get_session(), g.organisation, g.organisation_token, current_document(),
            [organisations.NewTeam(form.level.data, form.team.data,
                                   form.answers.data == "anonymous", g.organisation.language)])
    except ExchangeError as exc:
        form.team.errors.extend(message(p, _) for p in exc.problems)
        return _page(team_form=form, status=400)
    return _created_page(created)


@org.post("/team-list")
def add_team_list():
    form = TeamListForm()
    if form.validate_on_submit():
        try:
            teams = organisations.parse_team_list(form.teams.data, g.organisation.levels,
                                                  str(get_locale()))
            created = organisations.add_teams(
                get_session(), g.organisation, g.organisation_token, current_document(),
                [organisations.NewTeam(level, name, form.list_answers.data == "anonymous",
                                       g.organisation.language) for level, name in teams])
        except ExchangeError as exc:  # each line that cannot be read, "Linje 8: …"
            form.teams.errors.extend(lines(shown(exc.problems), _))
        else:
            return _created_page(created)
    return _page(list_form=form, status=400)


@org.post("/levels")
def add_level():
    form = LevelForm()
    if form.validate_on_submit():
        try:
            organisations.add_level(get_session(), g.organisation, form.name_da.data,
                                    form.name_en.data or "")
        except ExchangeError as exc:
            form.name_da.errors.extend(message(p, _) for p in exc.problems)
        else:
            flash(_("The level is added."), "success:levels")
            return redirect(url_for("organisation.page") + "#levels")
    return _page(level_form=form, status=400)


def _level(level_id: int):
    level = next((lv for lv in g.organisation.levels if lv.id == level_id), None)
    if level is None:
        abort(404)
    return level


@org.post("/levels/<int:level_id>")
def change_level(level_id: int):
    """Rename, move up or down, or remove a level (the button pressed says which)."""
    level = _level(level_id)
    action = request.form.get("action", "")
    session = get_session()
    form = LevelForm()
    try:
        if action in ("up", "down"):
            if not EmptyForm().validate_on_submit():
                abort(400)
            organisations.move_level(session, g.organisation, level, -1 if action == "up" else 1)
        elif action == "delete":
            if not EmptyForm().validate_on_submit():
                abort(400)
            organisations.delete_level(session, g.organisation, level)
        elif action == "rename" and form.validate_on_submit():
            organisations.rename_level(session, level, form.name_da.data, form.name_en.data or "")
        else:
            abort(400, description=_("Write the level's name."))
    except ExchangeError as exc:
        abort(409, description=" ".join(message(p, _) for p in exc.problems))
    flash(_("The levels are saved."), "success:levels")
    return redirect(url_for("organisation.page") + "#levels")


@org.post("/hold")
@login_first
def hold():
    """An old link opened while logged in: the organisation joins the account's workspace."""
    role = hold_link(g.organisation, g.organisation_key)
    flash(_("The organisation is in your workspace, as %(role)s.", role=role_name(role)),
          "success")
    return redirect(url_for("organisation.page"))


@org.post("/follow-up")
def follow_up():
    """Start the next round for the whole chain; answering closes on this one."""
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form's security check failed. Reload the page."))
    new, token = organisations.start_follow_up(get_session(), g.organisation,
                                               g.organisation_token, current_document())
    hold_if_logged_in(new, token)
    flash(_("The follow-up of the whole chain is ready: every team has a new self-assessment "
            "that follows up its own. Save this organisation's new link, and send the teams "
            "their new join links and codes."), "success")
    return redirect(url_for("organisation.page", token=token))


@org.get("/links.<any(csv, xlsx):kind>")
def links(kind: str):
    """Every team's join link and code, to send out; never a facilitator link."""
    lang = str(get_locale())
    rows = [[link.level.name(lang), link.team.team,
             public_url("answer.join", token=link.join_token),
             show_code(link.code) if link.code else "", public_url("code.enter")]
            for link in organisations.team_links(g.organisation, g.organisation_token)]
    columns = [_("Level"), _("Team"), _("Join link"), _("Join code"), _("Address for the code")]
    stem = chain_report.filename(g.organisation.name, date.today())[:-4] + "-links"
    if kind == "csv":
        return attachment(tables.to_csv(columns, rows), CSV, f"{stem}.csv")
    return attachment(tables.rows_to_xlsx(_("Links"), columns, rows), XLSX, f"{stem}.xlsx")


def _export_document() -> dict:
    return exports.export_chain(get_session(), g.organisation,
                                current_app.extensions["questionnaire"], current_document())


@org.get("/report.pdf")
def report_pdf():
    data = chain_json.load_chain_export(_export_document(), trusted=True)
    pdf = render_pool.render_chain_report(
        data, str(get_locale()), date.today(),
        brand_for_organisation(get_session(), g.organisation),
        in_pool=bool(current_app.config.get("REPORT_RENDER_POOL")))
    return attachment(pdf, PDF, chain_report.filename(g.organisation.name, date.today()))


@org.get("/export.json")
def export():
    """The chain's comparison as shown on the page (exchange/chain.py): no member's answers,
    names or comments, and nothing the page hides."""
    name = chain_report.filename(g.organisation.name, date.today())[:-4]
    return attachment(team_json.dumps(_export_document()), JSON, f"{name}.json")
