"""The leadership chain compared: levels × recommendations, and where the chain breaks.

Pure functions over team results from scoring.py (docs/scoring.md, "The chain"):

* A level's score for a recommendation is the mean of its teams' team scores: every
  team counts once, whatever its size.
* A team in anonymous mode counts only with at least the anonymity threshold of
  respondents; a team nobody has answered yet has nothing to count. Both are
  listed as left out, with the reason.
* A level whose counted teams have fewer respondents than the threshold in total
  shows its score but no distribution (the teams' scores within it).
* A break: two adjacent levels (in order, skipping levels with no score for that
  recommendation) whose scores differ by at least the questionnaire's ``chain_gap``,
  decided on exact fractions. Breaks come largest first; ties keep the
  questionnaire's order of recommendations, then the order of the levels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from selfcheck.core.scoring import ANONYMITY_THRESHOLD, AssessmentResult, mean


@dataclass(frozen=True)
class TeamInput:
    """One team of the chain, as the comparison needs it."""

    name: str
    level: int  # index into the levels, top first
    anonymous: bool
    result: AssessmentResult  # its members' results (respondents = submitted members)


@dataclass(frozen=True)
class TeamRow:
    name: str
    respondents: int
    counted: bool
    reason: str | None  # "anonymous_below_threshold" or "no_answers" when not counted
    scores: dict[str, Fraction | None]  # empty when the team is not counted
    consensus: dict[str, Fraction]  # the team's agreed scores, where recorded


@dataclass(frozen=True)
class LevelResult:
    index: int
    teams: tuple[TeamRow, ...]
    scores: dict[str, Fraction | None]  # mean of the counted teams' scores
    respondents: int  # in the counted teams

    @property
    def counted_teams(self) -> int:
        return sum(1 for t in self.teams if t.counted)

    @property
    def distribution_visible(self) -> bool:
        return self.respondents >= ANONYMITY_THRESHOLD


@dataclass(frozen=True)
class Break:
    """Two adjacent levels whose scores for one recommendation lie ``gap`` or more apart."""

    theme_id: str
    upper: int  # level index, the higher level in the chain
    lower: int
    upper_score: Fraction
    lower_score: Fraction

    @property
    def gap(self) -> Fraction:
        return abs(self.upper_score - self.lower_score)


@dataclass(frozen=True)
class ChainResult:
    levels: tuple[LevelResult, ...]
    breaks: tuple[Break, ...]  # largest first

    def level(self, index: int) -> LevelResult:
        return self.levels[index]

    def left_out(self) -> list[tuple[int, TeamRow]]:
        return [(level.index, team) for level in self.levels for team in level.teams
                if not team.counted]


def _team_row(team: TeamInput) -> TeamRow:
    result = team.result
    consensus = result.consensus
    if result.respondents == 0:
        return TeamRow(team.name, 0, False, "no_answers", {}, consensus)
    if team.anonymous and result.respondents < ANONYMITY_THRESHOLD:
        return TeamRow(team.name, result.respondents, False, "anonymous_below_threshold", {},
                       consensus)
    return TeamRow(team.name, result.respondents, True, None,
                   {t.theme_id: t.score for t in result.themes}, consensus)


def compare_chain(level_count: int, theme_ids: Sequence[str], teams: Sequence[TeamInput],
                  chain_gap: Fraction) -> ChainResult:
    """Levels × recommendations for ``teams`` on ``level_count`` levels, and the breaks."""
    rows: list[list[TeamRow]] = [[] for _ in range(level_count)]
    for team in teams:
        rows[team.level].append(_team_row(team))
    levels = []
    for index, team_rows in enumerate(rows):
        counted = [t for t in team_rows if t.counted]
        scores = {theme_id: mean([t.scores[theme_id] for t in counted
                                  if t.scores.get(theme_id) is not None])
                  for theme_id in theme_ids}
        levels.append(LevelResult(index, tuple(team_rows), scores,
                                  sum(t.respondents for t in counted)))
    breaks = []
    for order, theme_id in enumerate(theme_ids):
        scored = [level for level in levels if level.scores[theme_id] is not None]
        for upper, lower in zip(scored, scored[1:], strict=False):
            candidate = Break(theme_id, upper.index, lower.index, upper.scores[theme_id],
                              lower.scores[theme_id])
            if candidate.gap >= chain_gap:
                breaks.append((order, candidate))
    breaks.sort(key=lambda item: (-item[1].gap, item[0], item[1].upper))
    return ChainResult(tuple(levels), tuple(b for _order, b in breaks))
