"""Scoring: answers in, results out (DESIGN.md §4, normative).

Pure functions over plain data. Nothing here touches Flask, the database or a
file, so the results page, the PDF and the exports all get their numbers from
one call to :func:`score_assessment` and can never disagree.

Rules, in short:

* "Don't know" is stored as ``None`` and never counts.
* A reverse-worded statement counts as ``min + max − v`` (``6 − v`` on 1–5).
* A member's theme score is the weighted mean of their counted answers in the
  theme; it is undefined when they counted none.
* The team's theme score is the mean of the defined member scores, ``n`` how
  many there were; the spread is min, max and population standard deviation.
* A theme is *disagreed* when ``max − min ≥ disagreement_range``.
* The band follows the consensus score where the team recorded one.

Every number here is exact (:class:`fractions.Fraction`; the standard deviation
is an exact :class:`~selfcheck.exact.Root`), so a range of exactly the
threshold is a disagreement and equal ranges really tie. Rounding happens only
where numbers are shown (:func:`selfcheck.exact.rounded`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from selfcheck.core.content import Band, Question, Questionnaire, Scale, Theme
from selfcheck.core.exact import Number, Root, exact, exact_or_none

#: Anonymous assessments show distributions only from this many members (DESIGN.md §4).
ANONYMITY_THRESHOLD = 3

#: Answers of one member: question id → scale value, or None for "don't know".
Answers = Mapping[str, int | None]


@dataclass(frozen=True)
class QuestionResult:
    """How the team answered one statement, in raw scale values (not reversed)."""

    question_id: str
    n: int
    mean: Fraction | None
    min: int | None
    max: int | None
    dont_know: int


@dataclass(frozen=True)
class ThemeResult:
    """The team's result for one theme."""

    theme_id: str
    n: int
    score: Fraction | None
    percent: Fraction | None
    min: Fraction | None
    max: Fraction | None
    sd: Root | None
    disagreed: bool
    member_scores: tuple[Fraction, ...]
    consensus: Fraction | None
    band_id: str | None
    questions: tuple[QuestionResult, ...]

    @property
    def range(self) -> Fraction | None:
        return None if self.min is None or self.max is None else self.max - self.min

    @property
    def band_score(self) -> Fraction | None:
        """The score that picks the band (:func:`band_score`).

        Improvement areas are ranked by it and print it (DESIGN §4), so a list
        never shows one number while it was ordered by another.
        """
        return band_score(self.score, self.consensus)

    @property
    def band_score_is_agreed(self) -> bool:
        return self.consensus is not None


@dataclass(frozen=True)
class AssessmentResult:
    """Everything the results page and the report show, computed once.

    ``respondents`` is the number of members whose answers were scored: the
    caller passes the members who submitted.
    """

    themes: tuple[ThemeResult, ...]
    respondents: int
    overall: Fraction | None
    overall_percent: Fraction | None
    agenda: tuple[str, ...]
    improvement_areas: tuple[str, ...]
    strengths: tuple[str, ...]

    def theme(self, theme_id: str) -> ThemeResult:
        for result in self.themes:
            if result.theme_id == theme_id:
                return result
        raise KeyError(theme_id)

    @property
    def consensus(self) -> dict[str, Fraction]:
        """The team's agreed score per theme, where it recorded one."""
        return {t.theme_id: t.consensus for t in self.themes if t.consensus is not None}


def counted_value(question: Question, value: int | None, scale: Scale) -> int | None:
    """The value that counts in a score: None for "don't know", mirrored when reverse-worded."""
    if value is None:
        return None
    return scale.min + scale.max - value if question.reverse else value


def mean(values: Sequence[Fraction]) -> Fraction | None:
    """The exact mean, or None for no values."""
    return sum(values, Fraction(0)) / len(values) if values else None


def variance(values: Sequence[Fraction]) -> Fraction | None:
    """The exact population variance, or None for no values."""
    centre = mean(values)
    if centre is None:
        return None
    return sum(((v - centre) ** 2 for v in values), Fraction(0)) / len(values)


def member_theme_score(theme: Theme, answers: Answers, scale: Scale) -> Fraction | None:
    """Weighted mean of one member's counted answers in a theme, or None if none counted.

    Exact, but in whole numbers until the one division: every weight is scaled by the
    common denominator of the theme's weights (1 when they are whole), so a chain of
    hundreds of members does not build thousands of intermediate fractions.
    """
    common = math.lcm(*(q.weight.denominator for q in theme.questions))
    total = weights = 0
    for question in theme.questions:
        value = counted_value(question, answers.get(question.id), scale)
        if value is not None:
            weight = question.weight.numerator * (common // question.weight.denominator)
            total += weight * value
            weights += weight
    return Fraction(total, weights) if weights else None


def percent(score: Fraction | None, scale: Scale) -> Fraction | None:
    """Position of a score on the scale as 0–100 (1–5 gives (score − 1) / 4 × 100)."""
    if score is None:
        return None
    return (score - scale.min) / (scale.max - scale.min) * 100


def band_score(team_score: Fraction | None, consensus: Fraction | None) -> Fraction | None:
    """The score that picks the band: the agreed score where recorded, else the team's."""
    return consensus if consensus is not None else team_score


def band_for(score: Number | None, bands: Iterable[Band]) -> str | None:
    """The id of the first band whose ``below`` the score is under; the last band otherwise."""
    if score is None:
        return None
    last = None
    for band in bands:
        last = band.id
        if band.below is not None and exact(score) < band.below:
            return band.id
    return last


def question_result(question: Question, members: Iterable[Answers]) -> QuestionResult:
    """Mean, lowest and highest raw answer to one statement, and how many said "don't know"."""
    values: list[int] = []
    dont_know = 0
    for answers in members:
        if question.id not in answers:
            continue
        value = answers[question.id]
        if value is None:
            dont_know += 1
        else:
            values.append(value)
    return QuestionResult(
        question_id=question.id,
        n=len(values),
        mean=Fraction(sum(values), len(values)) if values else None,
        min=min(values) if values else None,
        max=max(values) if values else None,
        dont_know=dont_know,
    )


def theme_result(
    theme: Theme,
    members: Iterable[Answers],
    questionnaire: Questionnaire,
    consensus: Number | None = None,
) -> ThemeResult:
    """The team's result for one theme from every member's answers."""
    members = list(members)
    scale = questionnaire.scale
    consensus = None if consensus is None else exact(consensus)
    scores = [member_theme_score(theme, answers, scale) for answers in members]
    defined = sorted(s for s in scores if s is not None)
    team = mean(defined)
    low = defined[0] if defined else None
    high = defined[-1] if defined else None
    disagreed = bool(defined) and high - low >= questionnaire.disagreement_range
    spread = variance(defined)
    return ThemeResult(
        theme_id=theme.id,
        n=len(defined),
        score=team,
        percent=percent(team, scale),
        min=low,
        max=high,
        sd=None if spread is None else Root(spread),
        disagreed=disagreed,
        member_scores=tuple(defined),
        consensus=consensus,
        band_id=band_for(band_score(team, consensus), questionnaire.bands),
        questions=tuple(question_result(q, members) for q in theme.questions),
    )


def widest_spread(theme: ThemeResult, count: int = 3) -> tuple[QuestionResult, ...]:
    """The statements the members answered most differently (highest − lowest), widest first.

    Ties keep the questionnaire's order; statements nobody scored are left out.
    """
    answered = [q for q in theme.questions if q.n]
    answered.sort(key=lambda q: -(q.max - q.min))
    return tuple(answered[:count])


def discussion_agenda(themes: Iterable[ThemeResult]) -> tuple[str, ...]:
    """Theme ids in the order a workshop should discuss them.

    Disagreed themes first; within each group the widest range first, then the
    largest standard deviation; ties keep the questionnaire's order. Themes
    nobody scored come last.
    """
    themes = list(themes)
    order = {result.theme_id: i for i, result in enumerate(themes)}

    def key(result: ThemeResult) -> tuple:
        if result.score is None:
            return (2, 0, 0, order[result.theme_id])
        return (0 if result.disagreed else 1, -result.range, -result.sd.square,
                order[result.theme_id])

    return tuple(result.theme_id for result in sorted(themes, key=key))


def improvement_areas(
    themes: Iterable[ThemeResult], bands: tuple[Band, ...], count: int = 3
) -> tuple[str, ...]:
    """The ``count`` lowest-scoring themes (by band score), lowest first.

    A theme already in the top band is a strength, so it is not listed as an
    improvement area even when it is among the lowest; ties keep the
    questionnaire's order.
    """
    top = bands[-1].id
    candidates = [t for t in themes if t.band_score is not None and t.band_id != top]
    candidates.sort(key=lambda t: t.band_score)  # stable: ties keep content order
    return tuple(t.theme_id for t in candidates[:count])


def strengths(themes: Iterable[ThemeResult], bands: tuple[Band, ...]) -> tuple[str, ...]:
    """Themes in the top band, in questionnaire order."""
    top = bands[-1].id
    return tuple(t.theme_id for t in themes if t.band_id == top)


def score_assessment(
    questionnaire: Questionnaire,
    members: Iterable[Answers],
    consensus: Mapping[str, Number] | None = None,
) -> AssessmentResult:
    """Score a whole assessment: one result per theme, overall score and the lists."""
    members = list(members)
    consensus = consensus or {}
    themes = tuple(
        theme_result(theme, members, questionnaire, consensus.get(theme.id))
        for theme in questionnaire.themes
    )
    overall = mean([t.score for t in themes if t.score is not None])
    return AssessmentResult(
        themes=themes,
        respondents=len(members),
        overall=overall,
        overall_percent=percent(overall, questionnaire.scale),
        agenda=discussion_agenda(themes),
        improvement_areas=improvement_areas(themes, questionnaire.bands),
        strengths=strengths(themes, questionnaire.bands),
    )


def distributions_visible(anonymous: bool, respondents: int) -> bool:
    """Whether member-level distributions may be shown (DESIGN.md §4 anonymity rule)."""
    return not anonymous or respondents >= ANONYMITY_THRESHOLD


@dataclass(frozen=True)
class ThemeChange:
    """One theme's team score then and now (DESIGN.md journey 5: "Again")."""

    theme_id: str
    before: Fraction | None
    after: Fraction | None
    earlier_consensus: Fraction | None

    @property
    def delta(self) -> Fraction | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> str:
        """"up", "down" or "same", or "none" when there is nothing to compare.

        "same" exactly when the change is shown as 0,0: under 0.05, since shown
        numbers are rounded half-up.
        """
        if self.delta is None:
            return "none"
        if abs(self.delta) < Fraction(1, 20):
            return "same"
        return "up" if self.delta > 0 else "down"


def theme_changes(
    theme_ids: Iterable[str],
    now: Mapping[str, Number | None],
    before: Mapping[str, Number | None],
    earlier_consensus: Mapping[str, Number] | None = None,
) -> tuple[ThemeChange, ...]:
    """Change of each theme's team score since an earlier assessment.

    Themes are matched by id, so a theme added or removed between two versions
    of the questionnaire shows no change rather than a wrong one.
    """
    earlier_consensus = earlier_consensus or {}
    return tuple(
        ThemeChange(theme_id, exact_or_none(before.get(theme_id)),
                    exact_or_none(now.get(theme_id)),
                    exact_or_none(earlier_consensus.get(theme_id)))
        for theme_id in theme_ids
    )

