"""The organisation as one JSON document, and the chain's PDF report built from it.

As with a team's report, the PDF is always built from the export: the web
download exports the organisation first, and ``selfcheck chain-report ORG.json``
does the same offline, so both give the same report. Each team inside is an
ordinary assessment export (exchange.py), so names never leave an anonymous team.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from . import charts, exchange, scoring
from .chain import ChainResult, TeamInput, compare_chain
from .content import Questionnaire
from .exact import rounded
from .limits import ORGANISATION_MAX, PROBLEMS_SHOWN
from .report import _ascii_slug, _environment, _svg_data_uri, _translations, html_to_pdf

FORMAT = "selfcheck-organisation"
VERSION = 1
MAX_LEVELS = 8
MAX_TEAMS = 200


@dataclass(frozen=True)
class LevelData:
    name_da: str
    name_en: str
    teams: tuple[exchange.AssessmentData, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_da


@dataclass(frozen=True)
class OrganisationData:
    name: str
    language: str
    created_at: str
    levels: tuple[LevelData, ...]

    @property
    def questionnaire(self) -> Questionnaire | None:
        for level in self.levels:
            for team in level.teams:
                return team.questionnaire
        return None


def export_organisation(organisation) -> dict[str, Any]:
    """The organisation (loaded with organisations.load_chain) as a JSON-ready dict.

    The organisation's link must not reveal who answered what, so each team's export here
    carries its answers without names and without comments: enough to rebuild and report the
    chain. A team's full export comes from its own facilitator link.
    """
    return {
        "format": FORMAT,
        "version": VERSION,
        "organisation": {"name": organisation.name, "language": organisation.language,
                         "created_at": organisation.created_at.isoformat()},
        "levels": [{"name_da": level.name_da, "name_en": level.name_en,
                    "teams": [_without_names(exchange.export_assessment(team))
                              for team in level.teams]}
                   for level in organisation.levels],
    }


def _without_names(document: dict[str, Any]) -> dict[str, Any]:
    for member in document["members"]:
        member["name"] = None
        member["comments"] = {}
    return document


def load_organisation_export(document: Any, *, trusted: bool = False) -> OrganisationData:
    """Validate an organisation export, or raise exchange.ExchangeError listing every problem."""
    problems: list[str] = []
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise exchange.ExchangeError([f'format: must be "{FORMAT}"'])
    if document.get("version") != VERSION:
        raise exchange.ExchangeError([f"version: {document.get('version')!r} is not supported "
                                      f"(expected {VERSION})"])
    meta = document.get("organisation")
    if not isinstance(meta, Mapping) or not isinstance(meta.get("name"), str) \
            or not 1 <= len(meta["name"]) <= ORGANISATION_MAX \
            or meta.get("language") not in ("da", "en") \
            or not isinstance(meta.get("created_at"), str):
        problems.append("organisation: needs a name (1–200 characters), language da or en "
                        "and created_at")
    elif not trusted:
        problems += exchange.nul_problems(meta, ("organisation",))
    raw_levels = document.get("levels")
    if not isinstance(raw_levels, list) or not 1 <= len(raw_levels) <= MAX_LEVELS:
        raise exchange.ExchangeError(problems + [f"levels: a list of 1–{MAX_LEVELS} levels"])
    levels, team_count = [], 0
    for i, raw in enumerate(raw_levels):
        path = f"levels[{i}]"
        if not isinstance(raw, Mapping) or not all(
                isinstance(raw.get(k), str) and 1 <= len(raw[k]) <= 100
                for k in ("name_da", "name_en")) or not isinstance(raw.get("teams"), list):
            problems.append(f"{path}: needs name_da, name_en (1–100 characters) and teams")
            continue
        if not trusted:
            problems += exchange.nul_problems({k: raw[k] for k in ("name_da", "name_en")},
                                              ("levels", i))
        team_count += len(raw["teams"])
        if team_count > MAX_TEAMS:
            raise exchange.ExchangeError(problems + [f"{path}.teams: at most {MAX_TEAMS} teams"])
        teams = []
        for j, team in enumerate(raw["teams"]):
            try:
                teams.append(exchange.load_export(team, trusted=trusted))
            except exchange.ExchangeError as exc:
                problems += [f"{path}.teams[{j}].{p}" for p in exc.problems]
        levels.append(LevelData(raw["name_da"], raw["name_en"], tuple(teams)))
    if problems:
        raise exchange.ExchangeError(problems)
    return OrganisationData(meta["name"], meta["language"], meta["created_at"], tuple(levels))


def compare(data: OrganisationData, questionnaire: Questionnaire) -> ChainResult:
    inputs = []
    for index, level in enumerate(data.levels):
        for team in level.teams:
            result = scoring.score_assessment(
                team.questionnaire, [m.answers for m in team.submitted_members], team.consensus)
            inputs.append(TeamInput(team.team, index, team.anonymous, result))
    return compare_chain(len(data.levels), [t.id for t in questionnaire.themes], inputs,
                         questionnaire.chain_gap)


def fmt(value: Fraction | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(rounded(value, digits), format="0." + "0" * digits, locale=lang)


def filename(organisation: str, today: date) -> str:
    return f"selfcheck-kaede-{_ascii_slug(organisation)}-{today.isoformat()}.pdf"


def report_context(data: OrganisationData, questionnaire: Questionnaire, lang: str,
                   today: date, brand: Any = None) -> dict[str, Any]:
    result = compare(data, questionnaire)
    gettext = _translations(lang).gettext
    level_charts = {}
    for theme in questionnaire.themes:
        rows, labels = [], []
        for level_result, level in zip(result.levels, data.levels, strict=True):
            score = level_result.scores[theme.id]
            teams = [t.scores[theme.id] for t in level_result.teams
                     if t.counted and t.scores.get(theme.id) is not None] \
                if level_result.distribution_visible else None
            rows.append((level.name(lang), score, teams))
            labels.append(fmt(score, lang))
        level_charts[theme.id] = _svg_data_uri(charts.levels(
            rows, value_labels=labels,
            title=gettext("%(theme)s by level") % {"theme": theme.title.get(lang)}))
    return {
        "lang": lang, "brand": brand, "data": data, "questionnaire": questionnaire,
        "result": result,
        "level_charts": level_charts, "fmt": lambda value, digits=1: fmt(value, lang, digits),
        "report_date": format_date(today, format="long", locale=lang),
        "threshold": scoring.ANONYMITY_THRESHOLD, "shown": PROBLEMS_SHOWN,
        "band_for": lambda score: scoring.band_for(score, questionnaire.bands),
    }


def render_html(context: dict[str, Any]) -> str:
    return _environment(context["lang"]).get_template("report/chain.html").render(context)


def render_pdf(data: OrganisationData, lang: str, today: date,
               fallback: Questionnaire | None = None, brand: Any = None) -> bytes:
    questionnaire = data.questionnaire or fallback
    if questionnaire is None:
        raise exchange.ExchangeError(["levels: the organisation has no teams yet"])
    return html_to_pdf(render_html(report_context(data, questionnaire, lang, today, brand)))
