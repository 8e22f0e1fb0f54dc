"""The leadership chain: an organisation's levels and teams, and their comparison.

Everything under ``/o/<token>`` is loaded once by the URL value preprocessor, as the
Flask docs' URL processors pattern does, so no view looks the organisation up itself.
The organisation's link shows aggregates, join links and codes; it never opens a
team's facilitator page or a member's answers (services/organisations.py).
"""

from __future__ import annotations

from dataclasses import dataclass
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
from sqlalchemy import select

from selfcheck.core.content import MAX_CONDITIONS
from selfcheck.core.presentation import level_chart
from selfcheck.core.scoring import ANONYMITY_THRESHOLD, band_for
from selfcheck.core.tokens import show_code
from selfcheck.db import get_session
from selfcheck.exchange import CSV, DOCX, JSON, XLSX, tables
from selfcheck.exchange import chain as chain_json
from selfcheck.exchange import team as team_json
from selfcheck.exchange.problems import ExchangeError, lines, message, shown
from selfcheck.limits import LEVEL_NAME_MAX, MAX_LEVELS, MAX_TEAMS
from selfcheck.models import Assessment, team_ids
from selfcheck.report import chain as chain_report
from selfcheck.report import pool as render_pool
from selfcheck.report.cache import ReportCache
from selfcheck.services import exports, organisations
from selfcheck.services import results as result_service
from selfcheck.services.accounts import access, sharing
from selfcheck.services.accounts.branding import brand_for_organisation
from selfcheck.web.context import current_document
from selfcheck.web.downloads import PDF, attachment, cached_report
from selfcheck.web.fields import EmptyForm
from selfcheck.web.guards import (
    creates,
    current_account,
    login_first,
    open_organisation,
    row_only,
    view_of,
)
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
@creates
def new():
    form = OrganisationForm()
    if form.validate_on_submit():
        questionnaire = current_app.extensions["questionnaire"]
        organisation, token = organisations.create_organisation(
            get_session(), name=form.name.data, language=form.language.data,
            levels=organisations.default_levels(questionnaire))
        hold_if_logged_in(organisation, token)
        flash(_("The organisation is ready. Save its link: it is the key to the comparison."),
              "success:link")  # shown in the link's own panel, or at the top without one
        return redirect(url_for("organisation.page", token=token))
    return render_template("organisations/new.html", form=form), 400 if form.errors else 200


@org.url_value_preprocessor
def load_organisation(endpoint, values):
    key = values.pop("token")
    view = view_of(endpoint)  # a login first, where the view asks for it
    found, g.opened = open_organisation(key)
    if g.opened.token is None:
        abort(409, description=_("The organisation's link cannot be read, because the app's "
                                 "secret key has changed. Open the organisation once with "
                                 "its link."))
    g.organisation_key = key  # in the URL: the link's token, or a<id> for an account
    g.organisation_token = g.opened.token  # the real token, from which team links derive
    # A view that reads only the organisation's row (a cached PDF) loads the chain itself,
    # when it needs it.
    g.organisation = found if getattr(view, "row_only", False) else \
        organisations.load_chain(get_session(), found.id)
    g.assessment_lang = g.organisation.language


@org.url_defaults
def add_token(endpoint, values):
    if "token" not in values and g.get("organisation_key"):
        values["token"] = g.organisation_key


@dataclass(frozen=True)
class Rename:
    """A level's rename form that was refused: what was typed, and why, shown at that level."""

    level_id: int
    name_da: str
    name_en: str
    errors: list[str]


def _page(*, team_form=None, list_form=None, rename: Rename | None = None,
          level_error: str | None = None, status=200):
    organisation = g.organisation
    lang = str(get_locale())
    questionnaire = organisations.questionnaire_for(organisation,
                                                    current_app.extensions["questionnaire"])
    result = organisations.compare(get_session(), organisation, questionnaire)
    levels = organisation.levels
    team_form = team_form or TeamForm(formdata=None)
    team_form.level.choices = [(level.position, level.name(lang)) for level in levels]
    list_form = list_form or TeamListForm(formdata=None)
    level_names = [level.name(lang) for level in levels]
    list_form.teams.description = _(  # the example names a level the organisation has
        "Write the level, a semicolon and the team, for example “%(level)s; Chefgruppen for "
        "Social og Sundhed”. A line without a level goes on the top level. The levels are: "
        "%(levels)s.", level=level_names[min(1, len(level_names) - 1)],
        levels=", ".join(level_names))
    participation = {team.id: (len(result_service.submitted(team)), len(team.participants))
                     for level in levels for team in level.teams}
    # Until a level has a score the page says nothing about breaks: no heat map, no charts and
    # no "no break", which would be a claim about data that is not there. It leads with the
    # next task instead: adding teams, or sending them their links.
    scored = result.has_scores
    theme_charts = {
        theme.id: level_chart(result, level_names, theme.id, lang,
                              title=_("%(theme)s by level", theme=theme.title.get(lang)))
        for theme in questionnaire.themes} if scored else {}
    changes = None
    if scored and organisation.previous_id is not None:
        earlier = organisations.load_chain(get_session(), organisation.previous_id)
        changes = organisations.changes_since(
            organisations.compare(get_session(), earlier, questionnaire), result,
            [t.id for t in questionnaire.themes])
    return render_template(
        "organisations/page.html", organisation=organisation, questionnaire=questionnaire,
        changes=changes,
        result=result, levels=levels, team_form=team_form, list_form=list_form,
        rename=rename, level_error=level_error, form=EmptyForm(formdata=None),
        theme_charts=theme_charts, lang=lang,
        scored=scored,
        has_teams=bool(participation),
        answered=any(submitted for submitted, _started in participation.values()),
        levels_full=len(levels) >= MAX_LEVELS, max_levels=MAX_LEVELS,
        new_level_name=organisations.default_level_names(organisation)[lang != "da"],
        links={link.team.id: link for link in organisations.team_links(
            organisation, g.organisation_token)},
        organisation_url=None if g.opened.by_account else public_url("organisation.page"),
        workspace=workspace_panel(organisation, g.opened),
        team_pages=team_pages_for(organisation),
        can_follow_up=_opens_teams(),
        level_names=level_names,
        participation=participation,
        band_of=lambda score: band_for(score, questionnaire.bands),
        threshold=ANONYMITY_THRESHOLD,
        level_name_max=LEVEL_NAME_MAX,  # the rename fields are written in the template
    ), status


@org.get("")
def page():
    return _page()


def _sees_team_secrets() -> bool:
    return access.sees_team_secrets(g.opened.role, by_link=not g.opened.by_account)


def _created_page(created):
    for team in created:  # teams made while logged in belong to the account, one by one
        hold_if_logged_in(team.assessment, team.facilitator_token)
    lang = str(get_locale())
    secrets = _sees_team_secrets()
    rows = [(team, public_url("facilitate.results", token=team.facilitator_token)
             if secrets else None,
             public_url("answer.join", token=team.join_token),
             show_code(team.code) if team.code else "") for team in created]
    return render_template("organisations/created.html", organisation=g.organisation,
                           rows=rows, lang=lang, secrets=secrets, form=EmptyForm(formdata=None),
                           tokens=[team.facilitator_token for team in created] if secrets
                           else [])


@org.post("/teams")
def add_team():
    form = TeamForm()
    form.level.choices = [(level.position, level.name(str(get_locale())))
                          for level in g.organisation.levels]
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
    """One click: a level at the bottom, named "Niveau 5" until the user renames it."""
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form's security check failed. Reload the page."))
    try:
        level = organisations.add_level(get_session(), g.organisation)
    except ExchangeError as exc:
        return _page(level_error=" ".join(message(p, _) for p in exc.problems), status=409)
    flash(_("The level “%(name)s” is added at the bottom. Give it its own name here.",
            name=level.name(str(get_locale()))), f"success:level-{level.id}")
    return redirect(url_for("organisation.page") + f"#level-{level.id}-edit")  # its form, open


def _level(level_id: int):
    level = next((lv for lv in g.organisation.levels if lv.id == level_id), None)
    if level is None:
        abort(404)
    return level


@org.post("/levels/<int:level_id>")
def change_level(level_id: int):
    """Rename, move up or down, or remove a level, or say which conditions hold for its teams
    (the button pressed says which)."""
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
        elif action == "rename":
            if not form.validate_on_submit():
                return _renamed_wrong(level, form, [*form.name_da.errors,
                                                    *form.name_en.errors])
            organisations.rename_level(session, level, form.name_da.data, form.name_en.data or "")
        elif action == "conditions":
            if not EmptyForm().validate_on_submit():
                abort(400)
            chosen = request.form.getlist("conditions")
            if len(chosen) > MAX_CONDITIONS:
                abort(400)
            questionnaire = organisations.questionnaire_for(
                g.organisation, current_app.extensions["questionnaire"])
            organisations.set_level_conditions(session, level, chosen, questionnaire)
        else:
            abort(400, description=_("Write the level's name."))
    except ExchangeError as exc:
        if action == "rename":
            return _renamed_wrong(level, form, [message(p, _) for p in exc.problems])
        abort(409, description=" ".join(message(p, _) for p in exc.problems))
    flash(_("The levels are saved."), "success:levels")
    return redirect(url_for("organisation.page") + "#levels")


def _renamed_wrong(level, form: LevelForm, errors: list[str]):
    """The page again, the level's rename form open with what was typed and why not."""
    return _page(rename=Rename(level.id, form.name_da.data or "", form.name_en.data or "",
                               [str(e) for e in errors]), status=400)


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
    if not _opens_teams():
        abort(404)  # the teams' pages answer 404 to this visitor too
    new, token = organisations.start_follow_up(get_session(), g.organisation,
                                               g.organisation_token, current_document())
    sharing.carry_access(get_session(), g.organisation, new, current_account(), token,
                         current_app.config["SECRET_KEY"])
    flash(_("The follow-up of the whole chain is ready: every team has a new self-assessment "
            "that follows up its own. Save this organisation's new link, and send the teams "
            "their new join links and codes."), "success")
    return redirect(url_for("organisation.page", token=token))


def _opens_teams() -> bool:
    """Whether this visitor may open the teams' pages: by the organisation's own link, or
    by an account's access that covers the teams. Starting a follow-up of the chain needs
    the same right, because the new round's teams are opened by whoever starts it."""
    if not g.opened.by_account:
        return True
    return sharing.covers_teams(get_session(), current_account(), g.organisation)


def _links_file(kind: str, rows: list[list[str]], *, secrets: bool, suffix: str):
    """The teams' links as CSV or XLSX: level, team, join link, code, the code's address,
    and (``secrets``) the facilitator link."""
    columns = [_("Level"), _("Team"), _("Join link"), _("Join code"), _("Address for the code")]
    if secrets:
        columns.append(_("Facilitator link (secret)"))
    stem = chain_report.filename(g.organisation.name, date.today())[:-4] + suffix
    if kind == "csv":
        return attachment(tables.to_csv(columns, rows), CSV, f"{stem}.csv")
    return attachment(tables.rows_to_xlsx(_("Links"), columns, rows), XLSX, f"{stem}.xlsx")


def _link_row(level, team, join_token: str, code: str | None) -> list[str]:
    return [level.name(str(get_locale())), team.team, public_url("answer.join", token=join_token),
            show_code(code) if code else "", public_url("code.enter")]


@org.get("/links.<any(csv, xlsx):kind>")
def links(kind: str):
    """Every team's join link and code, to send out; never a facilitator link."""
    rows = [_link_row(link.level, link.team, link.join_token, link.code)
            for link in organisations.team_links(g.organisation, g.organisation_token)]
    return _links_file(kind, rows, secrets=False, suffix="-links")


@org.post("/new-teams.<any(csv, xlsx):kind>")
def new_team_links(kind: str):
    """The teams just created, with their facilitator links, for the owner who created them.

    The page shown after creating them sends back the facilitator links it shows (a link is
    the proof of holding it); the organisation's key alone never gives a team's link.
    """
    if not EmptyForm().validate_on_submit():
        abort(400, description=_("The form's security check failed. Reload the page."))
    if not _sees_team_secrets():
        abort(403, description=_("Only the organisation's owners get the teams' facilitator "
                                 "links."))
    tokens = request.form.getlist("team")
    created = organisations.created_teams(g.organisation, tokens) \
        if 0 < len(tokens) <= MAX_TEAMS else None
    if created is None:
        abort(400, description=_("The list of new teams cannot be read. The teams' links are "
                                 "on the page shown when they were created."))
    rows = [[*_link_row(team.assessment.level, team.assessment, team.join_token, team.code),
             public_url("facilitate.results", token=team.facilitator_token)]
            for team in created]
    return _links_file(kind, rows, secrets=True, suffix="-new-teams")


def _export_document() -> dict:
    return exports.export_chain(get_session(), g.organisation,
                                current_app.extensions["questionnaire"], current_document())


def chain_revision(organisation) -> str:
    """What the chain's PDF is keyed on: the organisation's revision (its name, levels and
    texts) and each team's (everything a team's report shows, revisions.py), in one
    statement. A team added or removed changes it too."""
    teams = get_session().execute(
        select(Assessment.id, Assessment.revision)
        .where(Assessment.id.in_(team_ids(organisation.id))).order_by(Assessment.id)).all()
    return f"revision {organisation.revision} teams " + " ".join(
        f"{team_id}:{revision}" for team_id, revision in teams)


@org.get("/report.pdf")
@row_only
def report_pdf():
    """The chain's PDF in the page's language; rendered once per revision of the chain, then
    served from the cache, as a team's PDF is (facilitate.report_pdf)."""
    return _chain_download("chain", chain_report.filename)


@org.get("/summary.pdf")
@row_only
def summary_pdf():
    """The chain's two-page summary (report/summary.py), cached like the full report."""
    return _chain_download("chain_summary", _summary_filename)


@org.get("/report.docx")
@row_only
def report_docx():
    """The chain's report as an editable Word document (report/docx.py)."""
    return _chain_download("chain_docx", _docx_filename, DOCX, "docx")


def _summary_filename(name: str, today: date) -> str:
    return chain_report.filename(name, today).removesuffix(".pdf") + "-resume.pdf"


def _docx_filename(name: str, today: date) -> str:
    return chain_report.filename(name, today).removesuffix(".pdf") + ".docx"


def _chain_download(kind: str, filename, mimetype: str = PDF, extension: str = "pdf"):
    """A report of ``kind`` (report/pool.RENDERERS) of the chain. Only the organisation's row
    is loaded for a cached download; the whole chain only when it must be rendered."""
    organisation = g.organisation

    def render(lang: str, today: date) -> bytes:
        g.organisation = organisations.load_chain(get_session(), organisation.id)
        data = chain_json.load_chain_export(_export_document(), trusted=True)
        return render_pool.render(
            kind, data, lang, today, brand_for_organisation(get_session(), g.organisation),
            in_pool=bool(current_app.config.get("REPORT_RENDER_POOL")))

    return cached_report(ReportCache.organisation_scope(organisation.id),
                         chain_revision(organisation), kind,
                         filename(organisation.name, date.today()), mimetype, extension, render)


@org.get("/export.json")
def export():
    """The chain's comparison as shown on the page (exchange/chain.py): no member's answers,
    names or comments, and nothing the page hides."""
    name = chain_report.filename(g.organisation.name, date.today())[:-4]
    return attachment(team_json.dumps(_export_document()), JSON, f"{name}.json")
