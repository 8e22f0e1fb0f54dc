"""The PDF report: context from the scores, HTML from templates/report/, PDF by WeasyPrint.

The report is built from an :class:`~selfcheck.exchange.AssessmentData` (the
export document), never from the database directly, so the web download and
``selfcheck report FILE.json`` produce the same PDF. Its numbers come from
``scoring.score_assessment``, the same call the results page makes.

Rendering is safe with untrusted text: templates escape everything, and
:class:`SafeURLFetcher` lets WeasyPrint read only ``data:`` URLs and files inside
the package's static folder (checked after resolving the real path).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from selfcheck.core import charts, scoring
from selfcheck.core.presentation import (
    action_text,
    actions_by_theme,
    comments_by_theme,
    format_score,
    planned_suggestions,
)
from selfcheck.core.progress import build_progress
from selfcheck.core.records import REFLECTION_IDS, AssessmentData
from selfcheck.dates import format_long_day
from selfcheck.report.render import ascii_slug, environment, html_to_pdf, svg_data_uri, translations

# Every text in the PDF's radar is this size in its 660-unit viewBox; report.css prints the
# chart 132 mm wide, so the text is 15 × 132 mm / 660 = 8.5 pt (≥ 8 pt, issue 10).
RADAR_FONT_SIZE = 15

# A plan of at most this many actions, with at most this many characters of text in all,
# prints larger, to be read from a step or two away on the wall (.plan-large in report.css).
SHORT_PLAN_ACTIONS = 5
SHORT_PLAN_CHARACTERS = 800


def is_short_plan(actions) -> bool:
    return (len(actions) <= SHORT_PLAN_ACTIONS
            and sum(len(a.text) for a in actions) <= SHORT_PLAN_CHARACTERS)


def report_context(data: AssessmentData, lang: str, today: date,
                   brand: Any = None) -> dict[str, Any]:
    """Everything the report template shows; numbers from scoring.score_assessment.

    ``brand`` (accounts.branding.Brand) puts a consultant's or organisation's name and
    logo on the cover and in the page header."""
    questionnaire = data.questionnaire
    submitted = data.submitted_members
    result = scoring.score_assessment(questionnaire, [m.answers for m in submitted],
                                      data.consensus)
    visible = scoring.distributions_visible(data.anonymous, result.respondents)

    comments = comments_by_theme(((m.name, m.comments.items()) for m in submitted),
                                 data.anonymous)

    gettext = translations(lang).gettext
    titles = [t.title.get(lang) for t in questionnaire.themes]
    agreed = [t.consensus for t in result.themes]
    has_agreed = any(a is not None for a in agreed)

    def radar_label(theme) -> str:
        label = format_score(theme.score, lang)
        if theme.consensus is not None:
            label += " · " + gettext("agreed %(score)s") % {
                "score": format_score(theme.consensus, lang)}
        return label

    # As on the results page: no scores of any kind below the anonymity threshold.
    progress = build_progress(questionnaire, result, data.history) if visible else None
    # A follow-up's radar is its before/after chart: last time's team scores dashed.
    shows_progress = progress is not None and data.report.shows("progress")
    radar = charts.radar(
        titles, [t.score for t in result.themes],
        value_labels=[radar_label(t) for t in result.themes],
        title=gettext("Team score per recommendation, on a scale from 1 to 5"),
        scale_font_size=RADAR_FONT_SIZE,
        agreed=agreed if has_agreed else None,
        previous=[row.change.before for row in progress.rows] if shows_progress else None,
    )
    distributions = {
        t.theme_id: svg_data_uri(charts.distribution(t.member_scores, t.score, title="",
                                                     agreed=t.consensus))
        for t in result.themes if t.n
    }
    texts = data.report
    reflections = [(rid, texts.reflections.get(rid, "")) for rid in REFLECTION_IDS
                   if texts.reflections.get(rid, "").strip()]
    return {
        "lang": lang,
        "brand": brand,
        "data": data,
        "questionnaire": questionnaire,
        "result": result,
        "visible": visible,
        "threshold": scoring.ANONYMITY_THRESHOLD,
        "comments": comments if visible else {},
        "radar_uri": svg_data_uri(radar),
        "distribution_uris": distributions,
        "report_date": format_long_day(today, lang),
        "decisions": {d.theme_id: d for d in data.decisions},
        "progress": progress,
        "progress_by_theme": {row.theme_id: row for row in progress.rows} if progress else {},
        # The earlier round's respondents, where the history carries them (exports made
        # before it was carried do not: the report then says only today's number).
        "respondents_then": data.history[-1].respondents
        if data.history else None,
        "has_agreed": has_agreed,
        "actions": data.actions,
        "actions_by_theme": actions_by_theme(data.actions),
        "short_plan": is_short_plan(data.actions),
        # An action taken unchanged from a suggestion prints in the report's language, and
        # the suggestion prints once, marked "in the plan" (core/presentation.py).
        "action_text": lambda action: action_text(questionnaire, action, lang),
        "planned": planned_suggestions(data.actions),
        # The consultant's words (core/records.ReportTexts) and the parts the report holds.
        "texts": texts,
        "reflections": reflections,
        "numbers": {t.id: number for number, t in enumerate(questionnaire.themes, 1)},
        "weighted": [(question, question.weight) for question in questionnaire.questions
                     if question.weight != 1],
    }


def render_html(context: dict[str, Any]) -> str:
    return environment(context["lang"]).get_template("report/report.html").render(context)


def render_pdf(data: AssessmentData, lang: str, today: date, brand: Any = None) -> bytes:
    return html_to_pdf(render_html(report_context(data, lang, today, brand)))


def filename(organisation: str, team: str, today: date) -> str:
    """``selfcheck-<organisation>-<team>-<date>.pdf``, ASCII-safe."""
    return f"selfcheck-{ascii_slug(organisation)}-{ascii_slug(team)}-{today.isoformat()}.pdf"
