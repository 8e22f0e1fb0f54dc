"""The "Rapport" page: the consultant writes their own words into a report and chooses its
sections, for one assessment (``/f/<token>/report``) or one organisation
(``/o/<token>/report``).

The same rights as the results page and the organisation's page: whoever opens those (a
link, or an account with access) writes the report; each blueprint uses its area's loader,
so no view looks the assessment or organisation up itself. The page works without
JavaScript (POST, redirect, a confirmation); report.js saves as the user types, to
``/report/autosave``, which answers JSON. Writing stays possible after answering has
closed: the report is written after the workshop. The preview is the report's own HTML
(report/team.py, report/chain.py), the one the PDF is printed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from selfcheck.core.content import Questionnaire
from selfcheck.core.records import REFLECTION_IDS, REPORT_SECTIONS
from selfcheck.db import get_session
from selfcheck.exchange import chain as chain_json
from selfcheck.exchange import team as team_json
from selfcheck.exchange.problems import ExchangeError, message
from selfcheck.limits import OBSERVATION_MAX, REPORT_TEXT_MAX
from selfcheck.report import chain as chain_report
from selfcheck.report import team as team_report
from selfcheck.report.render import FONT_DIR, STATIC_DIR
from selfcheck.services import assessments, exports, organisations, report_texts
from selfcheck.services.accounts.branding import brand_for_assessment, brand_for_organisation
from selfcheck.web.context import current_document
from selfcheck.web.guards import prefix_facilitator_pages, row_only
from selfcheck.web.organisations.routes import add_token, load_organisation
from selfcheck.web.report.forms import (
    CHAIN_SECTIONS,
    OBSERVATION,
    REFLECTION,
    REFLECTION_QUESTIONS,
    SECTION_NAMES,
    errors_by_field,
    texts_from_form,
    values_of,
)

bp = Blueprint("report_page", __name__, url_prefix="/f/<token>")
prefix_facilitator_pages(bp)

org = Blueprint("organisation_report", __name__, url_prefix="/o/<token>")
org.url_value_preprocessor(load_organisation)
org.url_defaults(add_token)

#: What the report page's preview may load: the report's own inline style, its data: images
#: and the app's fonts, nothing else; no script runs in it, and only this site may frame it.
PREVIEW_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                  "font-src 'self'; base-uri 'none'; form-action 'none'; "
                  "frame-ancestors 'self'")


@dataclass(frozen=True)
class Target:
    """What a report page is about: an assessment ("team") or an organisation ("chain")."""

    kind: str
    row: Any  # models.Assessment or models.Organisation
    questionnaire: Questionnaire
    sections: tuple[str, ...]  # the sections its report has, to choose from
    blueprint: str

    @property
    def theme_ids(self) -> list[str]:
        return [t.id for t in self.questionnaire.themes]

    def url(self, view: str) -> str:
        return url_for(f"{self.blueprint}.{view}")


def _team() -> Target:
    assessment = g.assessment
    return Target("team", assessment, assessments.questionnaire_of(assessment),
                  REPORT_SECTIONS, "report_page")


def _chain() -> Target:
    organisation = g.organisation
    return Target("chain", organisation, organisations.questionnaire_for(
        organisation, current_app.extensions["questionnaire"]), CHAIN_SECTIONS,
        "organisation_report")


# ----------------------------------------------------------------------------- the page


@bp.route("/report", methods=["GET", "POST"])
def page():
    return _page(_team())


@org.route("/report", methods=["GET", "POST"])
def organisation_page():
    return _page(_chain())


def _page(target: Target):
    """The page; a POST (the Save button without JavaScript) saves, then shows it again."""
    if request.method == "POST":
        typed = texts_from_form(request.form, target.sections, report_texts.read(target.row))
        try:
            report_texts.save(get_session(), target.row, typed, target.theme_ids)
        except ExchangeError as exc:
            return _render(target, values_of(request.form.to_dict()), typed.sections,
                           errors_by_field(exc.problems, lambda p: message(p, _))), 400
        flash(_("The report's texts are saved."), "success")
        return redirect(target.url("page" if target.kind == "team" else "organisation_page"))
    stored = report_texts.read(target.row)
    return _render(target, values_of(stored), stored.sections, {})


def _render(target: Target, values: dict[str, str], sections, errors: dict[str, list[str]]):
    lang = str(get_locale())
    chain = target.kind == "chain"
    return render_template(
        "report_page/page.html",
        kind=target.kind,
        target=target.row,
        questionnaire=target.questionnaire,
        lang=lang,
        values=values,
        errors=errors,
        chosen=set(sections),
        sections=[(s, SECTION_NAMES[s]) for s in target.sections],
        reflections=[(r, REFLECTION_QUESTIONS[r]) for r in REFLECTION_IDS],
        observation_prefix=OBSERVATION,
        reflection_prefix=REFLECTION,
        text_max=REPORT_TEXT_MAX,
        observation_max=OBSERVATION_MAX,
        save_url=target.url("organisation_page" if chain else "page"),
        autosave_url=target.url("organisation_autosave" if chain else "autosave"),
        preview_url=target.url("organisation_preview" if chain else "preview"),
        back_url=url_for("organisation.page") if chain else url_for("facilitate.results"),
        closed=not chain and not target.row.is_open,
    )


# ----------------------------------------------------------------------------- saving as typed


@bp.post("/report/autosave")
@row_only  # the texts and the questionnaire's themes: no members, answers or actions
def autosave():
    return _autosave(_team())


@org.post("/report/autosave")
def organisation_autosave():
    return _autosave(_chain())


def _autosave(target: Target):
    """What report.js sends as the user types: the whole form, saved as the Save button
    saves it. JSON: ``saved``, a ``message`` for the page's status line, and on a refusal
    each problem as a line naming its field."""
    typed = texts_from_form(request.form, target.sections, report_texts.read(target.row))
    try:
        report_texts.save(get_session(), target.row, typed, target.theme_ids)
    except ExchangeError as exc:
        labels = _labels(target)
        errors = errors_by_field(exc.problems, lambda p: message(p, _))
        lines = [f"{labels[field]}: {text}" if field in labels else text
                 for field, texts in errors.items() for text in texts]
        return jsonify(saved=False, message=_("Not saved."), errors=errors, lines=lines), 400
    return jsonify(saved=True, message=_("Saved"))


def _labels(target: Target) -> dict[str, str]:
    """Field name → what the page calls it, for a problem's line."""
    lang = str(get_locale())
    labels = {"conclusion": _("The consultant's assessment"),
              "next_steps": _("Recommended next steps")}
    labels.update({OBSERVATION + t.id: t.title.get(lang) for t in target.questionnaire.themes})
    labels.update({REFLECTION + r: str(REFLECTION_QUESTIONS[r]) for r in REFLECTION_IDS})
    return labels


# ----------------------------------------------------------------------------- the preview


@bp.get("/report/preview")
def preview():
    """The report as HTML, from the same export and templates the PDF is printed from."""
    assessment = g.assessment
    session = get_session()
    data = team_json.load_export(exports.export_assessment(assessment), trusted=True)
    html = team_report.render_html(team_report.report_context(
        data, str(get_locale()), date.today(), brand_for_assessment(session, assessment)))
    return _preview_response(html)


@org.get("/report/preview")
def organisation_preview():
    session = get_session()
    document = exports.export_chain(session, g.organisation,
                                    current_app.extensions["questionnaire"], current_document())
    data = chain_json.load_chain_export(document, trusted=True)
    html = chain_report.render_html(chain_report.report_context(
        data, str(get_locale()), date.today(), brand_for_organisation(session, g.organisation)))
    return _preview_response(html)


def _preview_response(html: str):
    # The report names its fonts as files for WeasyPrint; a browser fetches the same files
    # from the app's static folder.
    fonts = url_for("static", filename=str(FONT_DIR.relative_to(STATIC_DIR)))
    response = make_response(html.replace(FONT_DIR.as_uri(), fonts))
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response
