"""The chain's PDF report, built from the chain's comparison document (exchange/chain.py).

The web download builds that document first, and ``selfcheck chain-report FILE`` reads it
from the file (or computes it from an older organisation export with answers), so both give
the same report, and neither can print what the organisation's page hides.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from selfcheck.core import scoring
from selfcheck.core.chain import ChainResult, TeamInput, compare_chain
from selfcheck.core.content import Questionnaire
from selfcheck.core.presentation import level_chart
from selfcheck.core.records import REFLECTION_IDS, ChainData, ChainLevel, OrganisationData
from selfcheck.dates import format_long_day
from selfcheck.exchange.problems import ExchangeError
from selfcheck.limits import PROBLEMS_SHOWN
from selfcheck.report.render import ascii_slug, environment, html_to_pdf, svg_data_uri, translations


def compare(data: OrganisationData, questionnaire: Questionnaire) -> ChainResult:
    """The comparison of an organisation export with answers (exchange/organisation.py)."""
    inputs = [TeamInput(team.team, index, team.anonymous, team.questionnaire,
                        tuple(m.answers for m in team.submitted_members), team.consensus)
              for index, level in enumerate(data.levels) for team in level.teams]
    return compare_chain(len(data.levels), questionnaire, inputs)


def chain_data(data: OrganisationData) -> ChainData:
    """An organisation export with answers, read as its comparison."""
    questionnaire = data.questionnaire
    if questionnaire is None:
        raise ExchangeError.one("organisation_empty", ("levels",))
    return ChainData(data.name, data.language, data.created_at,
                     tuple(ChainLevel(level.name_da, level.name_en, None)
                           for level in data.levels),
                     questionnaire, compare(data, questionnaire))


def filename(organisation: str, today: date) -> str:
    return f"selfcheck-kaede-{ascii_slug(organisation)}-{today.isoformat()}.pdf"


def report_context(data: ChainData, lang: str, today: date, brand: Any = None
                   ) -> dict[str, Any]:
    result, questionnaire = data.result, data.questionnaire
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
        "team_count": sum(len(level.teams) for level in result.levels),
        "report_date": format_long_day(today, lang),
        "threshold": scoring.ANONYMITY_THRESHOLD, "shown": PROBLEMS_SHOWN,
        "band_for": lambda score: scoring.band_for(score, questionnaire.bands),
        "reflections": [(rid, data.report.reflections.get(rid, "")) for rid in REFLECTION_IDS
                        if data.report.reflections.get(rid, "").strip()],
    }


def render_html(context: dict[str, Any]) -> str:
    return environment(context["lang"]).get_template("report/chain.html").render(context)


def render_pdf(data: ChainData, lang: str, today: date, brand: Any = None) -> bytes:
    return html_to_pdf(render_html(report_context(data, lang, today, brand)))
