"""The leadership chain compared: levels × themes, and where the chain breaks.

Pure functions over the teams' submitted answers (docs/scoring.md, "The chain"; the rules
for who counts are in docs/organisations.md):

* A **respondent** is a submitted member with at least one scored answer. A member who
  answered "Ved ikke" to every statement has given nothing to count, and counts nowhere.
* A team's score for a theme is its members' mean (scoring.py); a **level's score** is the
  mean of its counted teams' scores, every team counting once.
* A team in anonymous mode counts only with at least the anonymity threshold of
  respondents; a team with no respondent has nothing to count. Both are listed as left
  out, with the reason.
* **Small numbers.** For each theme, a level's *n* is the number of members of its counted
  teams with a score in that theme. With fewer than :data:`LEVEL_SCORE_MIN` (a single
  member) the level shows no score for the theme, since it would be that person's own; with
  fewer than the anonymity threshold it shows its score but none of its teams' scores or
  agreed scores for the theme. What is hidden is not in the result at all, so no page,
  chart, PDF or export can show it.
* **Like with like.** Two adjacent levels (in order, skipping levels without a score for
  the theme) are compared on the theme's statements that both were asked (a statement
  that does not apply to a team, ``Question.applies_if``, is not asked of it) and that have
  no expected direction. Where those are fewer than the theme's statements, both levels'
  scores are computed again on the compared statements alone. A theme with no statement
  both were asked cannot be compared, and says so.
* A **break**: the compared scores differ by at least the questionnaire's ``chain_gap``,
  decided on exact fractions.
* A statement with an expected direction (``Question.chain_expected``, from the source) is
  compared on its own, on its mean counted value (reverse statements mirrored): a
  difference of at least the gap in the expected direction is an *expected difference*,
  in the other direction a break.
* Breaks come largest first; ties keep the questionnaire's order of themes (a theme
  before its statements, the statements in order), then the order of the levels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from selfcheck.core.content import Question, Questionnaire, Theme
from selfcheck.core.scoring import (
    ANONYMITY_THRESHOLD,
    Answers,
    AssessmentResult,
    counted_value,
    mean,
    member_theme_score,
    score_assessment,
)

#: A level's score for a theme is shown from this many members with a score in it.
LEVEL_SCORE_MIN = 2


def is_respondent(answers: Answers) -> bool:
    """A submitted member counts as a respondent with at least one scored answer."""
    return any(value is not None for value in answers.values())


@dataclass(frozen=True)
class TeamInput:
    """One team of the chain, as the comparison needs it."""

    name: str
    level: int  # index into the levels, top first
    anonymous: bool
    questionnaire: Questionnaire  # as the team answers it: only its statements
    members: tuple[Answers, ...]  # the submitted members' answers
    consensus: Mapping[str, Fraction] = field(default_factory=dict)  # agreed, per theme

    @cached_property
    def respondents(self) -> tuple[Answers, ...]:
        return tuple(m for m in self.members if is_respondent(m))

    @cached_property
    def result(self) -> AssessmentResult:
        return score_assessment(self.questionnaire, self.respondents, self.consensus)

    def asked(self, theme_id: str) -> tuple[Question, ...]:
        for theme in self.questionnaire.themes:
            if theme.id == theme_id:
                return theme.questions
        return ()


@dataclass(frozen=True)
class TeamRow:
    name: str
    respondents: int
    counted: bool
    reason: str | None  # "anonymous_below_threshold" or "no_answers" when not counted
    scores: dict[str, Fraction | None]  # only the themes the level may show its teams for
    consensus: dict[str, Fraction]  # the team's agreed scores, likewise


@dataclass(frozen=True)
class LevelResult:
    index: int
    teams: tuple[TeamRow, ...]
    scores: dict[str, Fraction | None]  # mean of the counted teams' scores; None if hidden
    respondents: int  # in the counted teams
    theme_n: dict[str, int] = field(default_factory=dict)  # members with a score, per theme

    @property
    def counted_teams(self) -> int:
        return sum(1 for t in self.teams if t.counted)

    def teams_visible(self, theme_id: str) -> bool:
        """Whether the level shows its teams' scores for the theme."""
        return self.theme_n.get(theme_id, 0) >= ANONYMITY_THRESHOLD

    def hidden(self, theme_id: str) -> str | None:
        """Why the level shows less than it has for the theme: "score" (no score: a single
        member), "teams" (no team scores), or None."""
        n = self.theme_n.get(theme_id, 0)
        if 0 < n < LEVEL_SCORE_MIN:
            return "score"
        if self.counted_teams and n < ANONYMITY_THRESHOLD:
            return "teams"
        return None

    @property
    def distribution_visible(self) -> bool:
        """Whether the level shows its teams' scores for every theme."""
        return all(self.teams_visible(theme_id) for theme_id in self.scores)


@dataclass(frozen=True)
class Break:
    """Two adjacent levels whose compared scores for a theme (or, with ``question_id``, for
    one statement with an expected direction) lie ``gap`` or more apart."""

    theme_id: str
    upper: int  # level index, the higher level in the chain
    lower: int
    upper_score: Fraction
    lower_score: Fraction
    question_id: str | None = None

    @property
    def gap(self) -> Fraction:
        return abs(self.upper_score - self.lower_score)

    @property
    def direction(self) -> str:
        """Which level scored higher (content.CHAIN_DIRECTIONS)."""
        return "upper_higher" if self.upper_score > self.lower_score else "lower_higher"


@dataclass(frozen=True)
class Comparison:
    """How two adjacent levels were compared on one theme."""

    theme_id: str
    upper: int
    lower: int
    compared: tuple[str, ...]  # statement ids the scores rest on
    asked_of_one: tuple[str, ...]  # statements only one of the two levels was asked
    expected: tuple[str, ...]  # statements with an expected direction, compared on their own
    upper_score: Fraction | None  # on the compared statements; None if not comparable
    lower_score: Fraction | None

    @property
    def comparable(self) -> bool:
        return self.upper_score is not None and self.lower_score is not None

    @property
    def partial(self) -> bool:
        """Whether the scores rest on fewer statements than the theme has."""
        return bool(self.asked_of_one or self.expected)


@dataclass(frozen=True)
class ExpectedDifference:
    """A difference of at least the gap on a statement, in the direction the source expects."""

    theme_id: str
    question_id: str
    upper: int
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
    comparisons: tuple[Comparison, ...] = ()  # by theme, then top first
    expected: tuple[ExpectedDifference, ...] = ()

    def level(self, index: int) -> LevelResult:
        return self.levels[index]

    def left_out(self) -> list[tuple[int, TeamRow]]:
        return [(level.index, team) for level in self.levels for team in level.teams
                if not team.counted]

    def not_comparable(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.comparable]

    def partial(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.comparable and c.partial]

    def outcome(self, comparison: Comparison, question_id: str) -> str | None:
        """How a statement with an expected direction came out for the comparison's pair:
        "expected", "break", or None (a difference under the gap)."""
        pair = (comparison.theme_id, comparison.upper, comparison.lower, question_id)
        if any((e.theme_id, e.upper, e.lower, e.question_id) == pair for e in self.expected):
            return "expected"
        if any((b.theme_id, b.upper, b.lower, b.question_id) == pair for b in self.breaks):
            return "break"
        return None

    @property
    def has_scores(self) -> bool:
        return any(s is not None for level in self.levels for s in level.scores.values())


def _counted(team: TeamInput) -> tuple[bool, str | None]:
    respondents = len(team.respondents)
    if respondents == 0:
        return False, "no_answers"
    if team.anonymous and respondents < ANONYMITY_THRESHOLD:
        return False, "anonymous_below_threshold"
    return True, None


def _team_score(team: TeamInput, theme: Theme, statement_ids: frozenset[str],
                scale) -> tuple[Fraction | None, int]:
    """The team's score for ``theme`` on ``statement_ids`` alone, and how many members it
    rests on."""
    part = Theme(theme.id, theme.title, theme.summary, theme.intro,
                 tuple(q for q in team.asked(theme.id) if q.id in statement_ids), ())
    scores = [s for s in (member_theme_score(part, m, scale) for m in team.respondents)
              if s is not None]
    return mean(scores), len(scores)


def _statement_score(team: TeamInput, question: Question, scale) -> tuple[Fraction | None, int]:
    values = [Fraction(v) for v in (counted_value(question, m.get(question.id), scale)
                                    for m in team.respondents) if v is not None]
    return mean(values), len(values)


def _level_score(parts: list[tuple[Fraction | None, int]]) -> Fraction | None:
    """The mean of the teams' scores, or None where fewer than LEVEL_SCORE_MIN members."""
    if sum(n for _score, n in parts) < LEVEL_SCORE_MIN:
        return None
    return mean([score for score, _n in parts if score is not None])


class _Chain:
    """The comparison being built: the counted teams per level and what they were asked."""

    def __init__(self, level_count: int, questionnaire: Questionnaire,
                 teams: Sequence[TeamInput]):
        self.questionnaire = questionnaire
        self.scale = questionnaire.scale
        self.counted: list[list[TeamInput]] = [[] for _ in range(level_count)]
        self.teams = teams
        for team in teams:
            if _counted(team)[0]:
                self.counted[team.level].append(team)

    def asked(self, level: int, theme_id: str) -> frozenset[str]:
        """The theme's statements every counted team of the level was asked."""
        sets = [frozenset(q.id for q in team.asked(theme_id)) for team in self.counted[level]]
        return frozenset.intersection(*sets) if sets else frozenset()

    def score(self, level: int, theme: Theme, statement_ids: frozenset[str]) -> Fraction | None:
        return _level_score([_team_score(t, theme, statement_ids, self.scale)
                             for t in self.counted[level]])

    def statement_score(self, level: int, question: Question) -> Fraction | None:
        return _level_score([_statement_score(t, question, self.scale)
                             for t in self.counted[level]
                             if any(q.id == question.id for q in t.asked(question.theme_id))])

    def asked_exactly(self, levels: Sequence[int], theme_id: str,
                      statement_ids: frozenset[str]) -> bool:
        """Whether every counted team of ``levels`` was asked just ``statement_ids``, so that
        the levels' own scores are already the scores on them."""
        return all(frozenset(q.id for q in team.asked(theme_id)) == statement_ids
                   for level in levels for team in self.counted[level])


def _level_result(index: int, teams: Sequence[TeamInput], theme_ids: Sequence[str]
                  ) -> LevelResult:
    counted = [t for t in teams if _counted(t)[0]]
    theme_n = {theme_id: sum(t.result.theme(theme_id).n for t in counted
                             if _has_theme(t.result, theme_id))
               for theme_id in theme_ids}
    scores: dict[str, Fraction | None] = {}
    for theme_id in theme_ids:
        values = [t.result.theme(theme_id).score for t in counted
                  if _has_theme(t.result, theme_id)]
        defined = [v for v in values if v is not None]
        scores[theme_id] = mean(defined) if theme_n[theme_id] >= LEVEL_SCORE_MIN else None
    rows = []
    for team in teams:
        counted_, reason = _counted(team)
        shown = [t for t in theme_ids if theme_n[t] >= ANONYMITY_THRESHOLD] if counted_ else []
        rows.append(TeamRow(
            team.name, len(team.respondents), counted_, reason,
            {t: team.result.theme(t).score for t in shown if _has_theme(team.result, t)},
            {t: s for t, s in team.result.consensus.items() if t in shown}))
    return LevelResult(index, tuple(rows), scores, sum(len(t.respondents) for t in counted),
                       theme_n)


def _has_theme(result: AssessmentResult, theme_id: str) -> bool:
    return any(t.theme_id == theme_id for t in result.themes)


def compare_chain(level_count: int, questionnaire: Questionnaire, teams: Sequence[TeamInput]
                  ) -> ChainResult:
    """Levels × themes for ``teams`` on ``level_count`` levels, compared like with like."""
    theme_ids = [t.id for t in questionnaire.themes]
    by_level: list[list[TeamInput]] = [[] for _ in range(level_count)]
    for team in teams:
        by_level[team.level].append(team)
    levels = [_level_result(i, level_teams, theme_ids) for i, level_teams in enumerate(by_level)]
    chain = _Chain(level_count, questionnaire, teams)
    gap = questionnaire.chain_gap
    breaks: list[tuple[tuple, Break]] = []
    comparisons: list[Comparison] = []
    expected_differences: list[ExpectedDifference] = []
    for order, theme in enumerate(questionnaire.themes):
        scored = [level for level in levels if level.scores[theme.id] is not None]
        with_direction = {q.id for q in theme.questions if q.chain_expected}
        for upper, lower in zip(scored, scored[1:], strict=False):
            asked_upper, asked_lower = (chain.asked(upper.index, theme.id),
                                        chain.asked(lower.index, theme.id))
            common = asked_upper & asked_lower
            compared = common - with_direction
            in_order = [q.id for q in theme.questions]
            if compared and chain.asked_exactly((upper.index, lower.index), theme.id, compared):
                upper_score, lower_score = upper.scores[theme.id], lower.scores[theme.id]
            elif compared:
                upper_score = chain.score(upper.index, theme, compared)
                lower_score = chain.score(lower.index, theme, compared)
            else:
                upper_score = lower_score = None
            comparison = Comparison(
                theme.id, upper.index, lower.index,
                tuple(i for i in in_order if i in compared),
                tuple(i for i in in_order if i in asked_upper ^ asked_lower),
                tuple(i for i in in_order if i in common & with_direction),
                upper_score if lower_score is not None else None,
                lower_score if upper_score is not None else None)
            comparisons.append(comparison)
            if comparison.comparable:
                candidate = Break(theme.id, upper.index, lower.index, comparison.upper_score,
                                  comparison.lower_score)
                if candidate.gap >= gap:
                    breaks.append(((order, 0, upper.index), candidate))
            for position, question in enumerate(theme.questions, 1):
                if question.id not in common & with_direction:
                    continue
                high = chain.statement_score(upper.index, question)
                low = chain.statement_score(lower.index, question)
                if high is None or low is None or abs(high - low) < gap:
                    continue
                as_expected = low < high if question.chain_expected == "lower_down" else low > high
                if as_expected:
                    expected_differences.append(ExpectedDifference(
                        theme.id, question.id, upper.index, lower.index, high, low))
                else:
                    breaks.append(((order, position, upper.index),
                                   Break(theme.id, upper.index, lower.index, high, low,
                                         question.id)))
    breaks.sort(key=lambda item: (-item[1].gap, item[0]))
    return ChainResult(tuple(levels), tuple(b for _key, b in breaks), tuple(comparisons),
                       tuple(expected_differences))


def suggestions_for(theme: Theme, brk: Break):
    """The theme's chain suggestions written for the break's direction (or for both)."""
    return tuple(s for s in theme.chain_suggestions
                 if s.direction is None or s.direction == brk.direction)
