"""The organisation as one JSON document: export and validated import.

Each team inside is an ordinary assessment export (exchange/team.py), without names and
comments, so the organisation's link never reveals who answered what.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from selfcheck.core.records import HistoryEntry, LevelData, OrganisationData, ReportTexts
from selfcheck.exchange import team as exchange
from selfcheck.exchange.problems import (
    ExchangeError,
    Problem,
    control_problems,
    drop_control_characters,
)
from selfcheck.limits import LEVEL_NAME_MAX, MAX_LEVELS, MAX_TEAMS, ORGANISATION_MAX

FORMAT = "selfcheck-organisation"


VERSION = 1


def export_organisation(organisation, history_of: Callable[[Any], Sequence[HistoryEntry]],
                        report_of: Callable[[Any], ReportTexts] = lambda _target: ReportTexts()
                        ) -> dict[str, Any]:
    """The organisation (loaded with organisations.load_chain) as a JSON-ready dict;
    ``history_of(team)`` gives each team's earlier rounds, ``report_of(team or
    organisation)`` the consultant's texts for its report (services/exports.py).

    The organisation's link must not reveal who answered what, so each team's export here
    carries its answers without names and without comments: enough to rebuild and report the
    chain. A team's full export comes from its own facilitator link.
    """
    return drop_control_characters({
        "format": FORMAT,
        "version": VERSION,
        "organisation": {"name": organisation.name, "language": organisation.language,
                         "created_at": organisation.created_at.isoformat()},
        "levels": [{"name_da": level.name_da, "name_en": level.name_en,
                    "teams": [_without_names(exchange.export_assessment(
                        team, history_of(team), report=report_of(team)))
                              for team in level.teams]}
                   for level in organisation.levels],
        "report": exchange.report_document(report_of(organisation)),
    })


def _without_names(document: dict[str, Any]) -> dict[str, Any]:
    for member in document["members"]:
        member["name"] = None
        member["comments"] = {}
    return document


def load_organisation_export(document: Any, *, trusted: bool = False) -> OrganisationData:
    """Validate an organisation export, or raise ExchangeError listing every problem."""
    problems: list[Problem] = []
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise ExchangeError.one("must_be", ("format",), value=f'"{FORMAT}"')
    if document.get("version") != VERSION:
        raise ExchangeError.one("version", ("version",), value=repr(document.get("version")),
                                expected=VERSION)
    meta = document.get("organisation")
    if not isinstance(meta, Mapping) or not isinstance(meta.get("name"), str) \
            or not 1 <= len(meta["name"]) <= ORGANISATION_MAX \
            or meta.get("language") not in ("da", "en") \
            or not isinstance(meta.get("created_at"), str):
        problems.append(Problem(("organisation",), "organisation_meta",
                                {"max": ORGANISATION_MAX}))
    elif not trusted:
        problems += control_problems(meta, ("organisation",))
    raw_levels = document.get("levels")
    if not isinstance(raw_levels, list) or not 1 <= len(raw_levels) <= MAX_LEVELS:
        raise ExchangeError([*problems, Problem(("levels",), "levels_list", {"max": MAX_LEVELS})])
    levels, team_count = [], 0
    for i, raw in enumerate(raw_levels):
        path = ("levels", i)
        if not isinstance(raw, Mapping) or not all(
                isinstance(raw.get(k), str) and 1 <= len(raw[k]) <= LEVEL_NAME_MAX
                for k in ("name_da", "name_en")) or not isinstance(raw.get("teams"), list):
            problems.append(Problem(path, "level_meta", {"max": LEVEL_NAME_MAX}))
            continue
        if not trusted:
            problems += control_problems({k: raw[k] for k in ("name_da", "name_en")}, path)
        team_count += len(raw["teams"])
        if team_count > MAX_TEAMS:
            raise ExchangeError([*problems, Problem((*path, "teams"), "teams_max",
                                                    {"max": MAX_TEAMS})])
        teams = []
        for j, team in enumerate(raw["teams"]):
            try:
                teams.append(exchange.load_export(team, trusted=trusted))
            except ExchangeError as exc:
                problems += [p.under(*path, "teams", j) for p in exc.problems]
        levels.append(LevelData(raw["name_da"], raw["name_en"], tuple(teams)))
    report = _report(document.get("report"), levels, problems)
    if problems:
        raise ExchangeError(problems)
    return OrganisationData(meta["name"], meta["language"], meta["created_at"], tuple(levels),
                            report)


def _report(raw: Any, levels: Sequence[LevelData], problems: list[Problem]) -> ReportTexts:
    """The organisation's own texts, checked by the rules of an assessment's (its themes
    are its teams' questionnaire's; without a team, no observation can be checked)."""
    theme_ids = next(([t.id for t in team.questionnaire.themes]
                      for level in levels for team in level.teams), [])
    return exchange.read_report(raw, theme_ids, problems)
