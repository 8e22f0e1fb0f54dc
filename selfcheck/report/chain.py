"""The chain's PDF report, built from the organisation's export (exchange/organisation.py).

As with a team's report, the web download exports the organisation first, and
``selfcheck chain-report ORG.json`` does the same offline, so both give the same report.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date

from selfcheck.core import scoring
from selfcheck.core.chain import ChainResult, TeamInput, compare_chain
from selfcheck.core.content import Questionnaire
from selfcheck.core.presentation import level_chart
from selfcheck.core.records import OrganisationData
from selfcheck.exchange.problems import ExchangeError
from selfcheck.limits import PROBLEMS_SHOWN
from selfcheck.report.render import ascii_slug, environment, html_to_pdf, svg_data_uri, translations


def compare(data: OrganisationData, questionnaire: Questionnaire) -> ChainResult:
    inputs = []
    for index, level in enumerate(data.levels):
        for team in level.teams:
            result = scoring.score_assessment(
                team.questionnaire, [m.answers for m in team.submitted_members], team.consensus)
            inputs.append(TeamInput(team.team, index, team.anonymous, result))
    return compare_chain(len(data.levels), [t.id for t in questionnaire.themes], inputs,
                         questionnaire.chain_gap)


def filename(organisation: str, today: date) -> str:
    return f"selfcheck-kaede-{ascii_slug(organisation)}-{today.isoformat()}.pdf"


def report_context(data: OrganisationData, questionnaire: Questionnaire, lang: str,
                   today: date, brand: Any = None) -> dict[str, Any]:
    result = compare(data, questionnaire)
    gettext = translations(lang).gettext
    level_names = [level.name(lang) for level in data.levels]
    level_charts = {
        theme.id: svg_data_uri(level_chart(
            result, level_names, theme.id, lang,
            title=gettext("%(theme)s by level") % {"theme": theme.title.get(lang)}))
        for theme in questionnaire.themes}
    return {
        "lang": lang, "brand": brand, "data": data, "questionnaire": questionnaire,
        "result": result,
        "level_charts": level_charts, "level_names": level_names,
        "team_count": sum(len(level.teams) for level in data.levels),
        "report_date": format_date(today, format="long", locale=lang),
        "threshold": scoring.ANONYMITY_THRESHOLD, "shown": PROBLEMS_SHOWN,
        "band_for": lambda score: scoring.band_for(score, questionnaire.bands),
    }


def render_html(context: dict[str, Any]) -> str:
    return environment(context["lang"]).get_template("report/chain.html").render(context)


def render_pdf(data: OrganisationData, lang: str, today: date,
               fallback: Questionnaire | None = None, brand: Any = None) -> bytes:
    questionnaire = data.questionnaire or fallback
    if questionnaire is None:
        raise ExchangeError(["levels: the organisation has no teams yet"])
    return html_to_pdf(render_html(report_context(data, questionnaire, lang, today, brand)))
