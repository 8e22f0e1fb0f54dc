"""A leadership chain's comparison as one JSON document (``format: "selfcheck-chain"``).

This is what the organisation's "Eksport (JSON)" gives, and what the chain's PDF is built
from, on the web and offline (``selfcheck chain-report``). It holds the comparison exactly
as the organisation's page shows it (core/chain.py): levels, the scores they may show,
the teams' scores where a level may show them, which statements each pair of levels was
compared on, and the breaks. It holds no member's answers, names or comments, and nothing
the page hides, so its holder cannot recover what the anonymity rules protect
(docs/organisations.md). Scores are exact fractions written as strings ("13/3").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any

from selfcheck.core.chain import (
    LEVEL_SCORE_MIN,
    Break,
    ChainResult,
    Comparison,
    ExpectedDifference,
    LevelResult,
    TeamRow,
)
from selfcheck.core.content import Questionnaire, document_hash
from selfcheck.core.records import ChainData, ChainLevel, ReportTexts
from selfcheck.core.scoring import ANONYMITY_THRESHOLD
from selfcheck.exchange.problems import ExchangeError, Problem, _short, drop_control_characters
from selfcheck.exchange.team import read_report, report_document, schema_problems, snapshot_of

FORMAT = "selfcheck-chain"
VERSION = 1
SCHEMA = "docs/chain-export-schema.json"


def _exact(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def export_chain(*, name: str, language: str, created_at: datetime,
                 levels: Sequence[tuple[str, str, Sequence[str] | None]],
                 questionnaire_document: Mapping[str, Any], result: ChainResult,
                 exported_at: datetime | None = None,
                 report: ReportTexts | None = None) -> dict[str, Any]:
    """The comparison ``result`` of the chain with ``levels`` (Danish and English names and
    conditions, top first) as a JSON-ready dict, with the consultant's texts for the
    organisation's report (``report``)."""
    document: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if exported_at is not None:
        document["exported_at"] = exported_at.isoformat()
    document.update({
        "organisation": {"name": name, "language": language,
                         "created_at": created_at.isoformat()},
        "questionnaire_hash": document_hash(questionnaire_document),
        "questionnaire": questionnaire_document,
        "levels": [_level(level, names) for level, names in zip(result.levels, levels,
                                                                strict=True)],
        "comparisons": [{
            "theme_id": c.theme_id, "upper": c.upper, "lower": c.lower,
            "compared": list(c.compared), "asked_of_one": list(c.asked_of_one),
            "expected": list(c.expected), "upper_score": _exact(c.upper_score),
            "lower_score": _exact(c.lower_score)} for c in result.comparisons],
        "breaks": [{"theme_id": b.theme_id, "question_id": b.question_id, "upper": b.upper,
                    "lower": b.lower, "upper_score": _exact(b.upper_score),
                    "lower_score": _exact(b.lower_score)} for b in result.breaks],
        "expected_differences": [{
            "theme_id": e.theme_id, "question_id": e.question_id, "upper": e.upper,
            "lower": e.lower, "upper_score": _exact(e.upper_score),
            "lower_score": _exact(e.lower_score)} for e in result.expected],
        "report": report_document(report or ReportTexts()),
    })
    return drop_control_characters(document)


def _level(level: LevelResult, names: tuple[str, str, Sequence[str] | None]) -> dict[str, Any]:
    name_da, name_en, conditions = names
    return {
        "name_da": name_da, "name_en": name_en,
        "conditions": None if conditions is None else sorted(conditions),
        "respondents": level.respondents,
        "themes": [{"theme_id": theme_id, "score": _exact(score),
                    "n": level.theme_n.get(theme_id, 0)}
                   for theme_id, score in level.scores.items()],
        "teams": [{"name": team.name, "counted": team.counted, "reason": team.reason,
                   "respondents": team.respondents,
                   "scores": {t: str(s) for t, s in team.scores.items() if s is not None},
                   "consensus": {t: str(s) for t, s in team.consensus.items()}}
                  for team in level.teams],
    }


# ----------------------------------------------------------------------------- reading


def load_chain_export(document: Any, *, trusted: bool = False) -> ChainData:
    """Validate a chain document, or raise :class:`ExchangeError` naming every problem.

    First docs/chain-export-schema.json (shapes, types, sizes), then the rules a schema
    cannot say: the questionnaire inside is valid and matches its hash, themes and
    statements exist, scores lie on the scale, levels are in range, and no team score
    stands where the level may not show one. ``trusted``: a document just built in this
    process (the web report); the schema check is skipped, the rules still run.
    """
    problems = [] if trusted else schema_problems(document, SCHEMA)
    if problems:
        raise ExchangeError(problems)
    digest, questionnaire = snapshot_of(document)
    if digest != document["questionnaire_hash"]:
        raise ExchangeError([Problem(("questionnaire_hash",), "hash_mismatch")])
    rules = _Rules(questionnaire, len(document["levels"]))
    levels = [rules.level(raw, ("levels", i)) for i, raw in enumerate(document["levels"])]
    comparisons = [rules.comparison(raw, ("comparisons", i))
                   for i, raw in enumerate(document["comparisons"])]
    breaks = [rules.brk(raw, ("breaks", i)) for i, raw in enumerate(document["breaks"])]
    expected = [rules.expected(raw, ("expected_differences", i))
                for i, raw in enumerate(document["expected_differences"])]
    for key in ("created_at",):
        if not _is_datetime(document["organisation"][key]):
            rules.add(("organisation", key), "not_datetime",
                      value=_short(document["organisation"][key]))
    report = read_report(document.get("report"), rules.theme_ids, rules.problems)
    if rules.problems:
        raise ExchangeError(rules.problems)
    meta = document["organisation"]
    return ChainData(
        meta["name"], meta["language"], meta["created_at"],
        tuple(ChainLevel(raw["name_da"], raw["name_en"],
                         None if raw["conditions"] is None else tuple(raw["conditions"]))
              for raw in document["levels"]),
        questionnaire,
        ChainResult(tuple(levels), tuple(breaks), tuple(comparisons), tuple(expected)),
        report)


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


class _Rules:
    """The checks across fields of a chain document whose shape the schema has checked."""

    def __init__(self, questionnaire: Questionnaire, level_count: int):
        self.questionnaire = questionnaire
        self.theme_ids = [t.id for t in questionnaire.themes]
        self.statements = {q.id: q.theme_id for q in questionnaire.questions}
        self.conditions = {c.id for c in questionnaire.conditions}
        self.scale = questionnaire.scale
        self.level_count = level_count
        self.problems: list[Problem] = []

    def add(self, path: tuple, code: str, **params: Any) -> None:
        self.problems.append(Problem(path, code, params))

    def score(self, value: str | None, path: tuple) -> Fraction | None:
        if value is None:
            return None
        try:
            number = Fraction(value)
        except (ValueError, ZeroDivisionError):
            self.add(path, "off_score", value=_short(value), min=self.scale.min,
                     max=self.scale.max)
            return None
        if not self.scale.min <= number <= self.scale.max:
            self.add(path, "off_score", value=_short(value), min=self.scale.min,
                     max=self.scale.max)
        return number

    def theme(self, theme_id: str, path: tuple) -> bool:
        if theme_id not in self.theme_ids:
            self.add(path, "not_a_recommendation", value=_short(theme_id))
            return False
        return True

    def statement_list(self, ids: list[str], theme_id: str, path: tuple) -> tuple[str, ...]:
        for j, statement in enumerate(ids):
            if self.statements.get(statement) != theme_id:
                self.add((*path, j), "unknown_statement")
        return tuple(ids)

    def pair(self, raw: Mapping[str, Any], path: tuple) -> None:
        if not raw["upper"] < raw["lower"] < self.level_count:
            self.add((*path, "lower"), "level_pair", upper=raw["upper"], lower=raw["lower"])

    def level(self, raw: Mapping[str, Any], path: tuple) -> LevelResult:
        for j, name in enumerate(raw["conditions"] or ()):
            if name not in self.conditions:
                self.add((*path, "conditions", j), "unknown_condition", name=_short(name))
        if [t["theme_id"] for t in raw["themes"]] != self.theme_ids:
            self.add((*path, "themes"), "themes_in_order", themes=", ".join(self.theme_ids))
        theme_n = {t["theme_id"]: t["n"] for t in raw["themes"]}
        scores = {}
        for j, t in enumerate(raw["themes"]):
            score = self.score(t["score"], (*path, "themes", j, "score"))
            if score is not None and t["n"] < LEVEL_SCORE_MIN:
                self.add((*path, "themes", j, "score"), "hidden_score")
            scores[t["theme_id"]] = score
        teams = []
        for j, team in enumerate(raw["teams"]):
            at = (*path, "teams", j)
            shown = {}
            for key in ("scores", "consensus"):
                values = {}
                for theme_id, value in team[key].items():
                    if not self.theme(theme_id, (*at, key, theme_id)):
                        continue
                    if theme_n.get(theme_id, 0) < ANONYMITY_THRESHOLD or not team["counted"]:
                        self.add((*at, key, theme_id), "hidden_score")
                    values[theme_id] = self.score(value, (*at, key, theme_id))
                shown[key] = values
            teams.append(TeamRow(team["name"], team["respondents"], team["counted"],
                                 team["reason"], shown["scores"], shown["consensus"]))
        return LevelResult(path[1], tuple(teams), scores, raw["respondents"], theme_n)

    def comparison(self, raw: Mapping[str, Any], path: tuple) -> Comparison:
        self.theme(raw["theme_id"], (*path, "theme_id"))
        self.pair(raw, path)
        lists = [self.statement_list(raw[key], raw["theme_id"], (*path, key))
                 for key in ("compared", "asked_of_one", "expected")]
        return Comparison(raw["theme_id"], raw["upper"], raw["lower"], *lists,
                          self.score(raw["upper_score"], (*path, "upper_score")),
                          self.score(raw["lower_score"], (*path, "lower_score")))

    def brk(self, raw: Mapping[str, Any], path: tuple) -> Break:
        self.theme(raw["theme_id"], (*path, "theme_id"))
        self.pair(raw, path)
        if raw["question_id"] is not None:
            self.statement_list([raw["question_id"]], raw["theme_id"], (*path, "question_id"))
        return Break(raw["theme_id"], raw["upper"], raw["lower"],
                     self.score(raw["upper_score"], (*path, "upper_score")) or Fraction(0),
                     self.score(raw["lower_score"], (*path, "lower_score")) or Fraction(0),
                     raw["question_id"])

    def expected(self, raw: Mapping[str, Any], path: tuple) -> ExpectedDifference:
        self.theme(raw["theme_id"], (*path, "theme_id"))
        self.pair(raw, path)
        self.statement_list([raw["question_id"]], raw["theme_id"], (*path, "question_id"))
        return ExpectedDifference(raw["theme_id"], raw["question_id"], raw["upper"],
                                  raw["lower"],
                                  self.score(raw["upper_score"], (*path, "upper_score"))
                                  or Fraction(0),
                                  self.score(raw["lower_score"], (*path, "lower_score"))
                                  or Fraction(0))
