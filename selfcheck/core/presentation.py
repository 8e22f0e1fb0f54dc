"""How results are shown: the rules the pages and the PDFs share, written once.

Pure functions over scores and plain data (no Flask, no database, no WeasyPrint), so the
results page, the organisation page and both PDF reports show a number, a comment list or
a level chart the same way:

* :func:`format_score`: a score as shown, rounded half-up on the exact value
  (:func:`~selfcheck.core.exact.rounded`), written the language's way; "–" for none.
* :func:`comments_by_theme`: the submitted members' comments per theme; no names and
  no member order in an anonymous assessment.
* :func:`level_rows` and :func:`level_chart`: one recommendation through the chain, with
  a level's team scores only where the level may show them.
* :func:`actions_by_theme`: the action plan grouped by recommendation.
* :func:`action_text`: an action as the report writes it; one taken unchanged from a
  suggestion in the report's language.
* :func:`planned_suggestions`: which suggestions are in the plan, so a report prints each
  once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol, TypeVar

from babel.numbers import format_decimal
from markupsafe import Markup

from selfcheck.core import charts
from selfcheck.core.chain import ChainResult
from selfcheck.core.content import LANGUAGES, Questionnaire, Suggestion
from selfcheck.core.exact import Number, Root, rounded

#: What is shown where there is no number.
NO_NUMBER = "–"


def format_score(value: Number | Root | None, lang: str, digits: int = 1) -> str:
    """``value`` rounded half-up to ``digits`` decimals in ``lang``'s way ("3,3" in Danish,
    "3.3" in English), or "–" for None.

    The one way a score, a range, a gap or a standard deviation is written: the templates'
    ``score`` macro and ``format_score`` global and the PDFs' value labels all call it.
    """
    if value is None:
        return NO_NUMBER
    return format_decimal(rounded(value, digits), format="0." + "0" * digits, locale=lang)


@dataclass(frozen=True)
class Comment:
    """A member's comment as shown: the author is None in an anonymous assessment."""

    author: str | None
    text: str


def comments_by_theme(members: Iterable[tuple[str | None, Iterable[tuple[str, str]]]],
                      anonymous: bool) -> dict[str, list[Comment]]:
    """The comments per theme id, from ``(member name, [(theme id, text), ...])`` of each
    submitted member, in member order.

    Named assessments keep the members' order, with the author beside each comment. An
    anonymous one shows no author, and each theme's comments are sorted by text (case
    ignored; a tie keeps the order it came in): member order would let a reader link one
    person's comments across themes.
    """
    by_theme: dict[str, list[Comment]] = {}
    for name, comments in members:
        author = None if anonymous else name
        for theme_id, text in comments:
            by_theme.setdefault(theme_id, []).append(Comment(author, text))
    if anonymous:
        for items in by_theme.values():
            items.sort(key=lambda c: c.text.casefold())
    return by_theme


#: A row of the level chart: (level name, level score, the teams' scores or None).
LevelRow = tuple[str, Fraction | None, list[Fraction] | None]


def level_rows(result: ChainResult, level_names: Sequence[str], theme_id: str
               ) -> list[LevelRow]:
    """One theme's rows of the level chart, a row per level, top first.

    A level's team scores (its counted teams that scored the theme) are given only where
    the level may show them for this theme
    (:meth:`~selfcheck.core.chain.LevelResult.teams_visible`); otherwise None, and the chart
    shows the level's score alone.
    """
    rows: list[LevelRow] = []
    for level_result, name in zip(result.levels, level_names, strict=True):
        teams = [t.scores[theme_id] for t in level_result.teams
                 if t.counted and t.scores.get(theme_id) is not None] \
            if level_result.teams_visible(theme_id) else None
        rows.append((name, level_result.scores[theme_id], teams))
    return rows


def level_chart(result: ChainResult, level_names: Sequence[str], theme_id: str, lang: str,
                title: str) -> Markup:
    """The level chart (SVG) of one recommendation, each level's score written beside it."""
    rows = level_rows(result, level_names, theme_id)
    return charts.levels(rows, value_labels=[format_score(score, lang) for _n, score, _t in rows],
                         title=title)


class _HasTheme(Protocol):
    theme_id: str


A = TypeVar("A", bound=_HasTheme)


def actions_by_theme(actions: Iterable[A]) -> dict[str, list[A]]:
    """The actions per theme id, each theme's in the plan's order; a theme without actions
    has no entry."""
    grouped: dict[str, list[A]] = {}
    for action in actions:
        grouped.setdefault(action.theme_id, []).append(action)
    return grouped


class _FromSuggestion(_HasTheme, Protocol):
    text: str
    suggestion_id: str | None


def _suggestion(questionnaire: Questionnaire, action: _FromSuggestion) -> Suggestion | None:
    if not action.suggestion_id:
        return None
    try:
        theme = questionnaire.theme(action.theme_id)
    except KeyError:
        return None
    return next((s for s in theme.suggestions if s.id == action.suggestion_id), None)


def _forms(suggestion: Suggestion, lang: str) -> tuple[str, str, str]:
    """The ways the workshop writes a suggestion as an action: title, text, "title. text"."""
    title, text = suggestion.title.get(lang), suggestion.text.get(lang)
    return title, text, f"{title}. {text}"


def unchanged_suggestion(questionnaire: Questionnaire, action: _FromSuggestion
                         ) -> tuple[Suggestion, int] | None:
    """The suggestion an action was taken from, with which of its forms (0 title, 1 text,
    2 "title. text") the action's text is, when the team left it as it was in either
    language; None when the action is the team's own words or was changed.

    Spaces at the ends and runs of white space do not count as a change."""
    suggestion = _suggestion(questionnaire, action)
    if suggestion is None:
        return None
    written = " ".join(action.text.split())
    for lang in LANGUAGES:
        for form, candidate in enumerate(_forms(suggestion, lang)):
            if written == " ".join(candidate.split()):
                return suggestion, form
    return None


def action_text(questionnaire: Questionnaire, action: _FromSuggestion, lang: str) -> str:
    """The action's text as a report in ``lang`` prints it.

    An action added from a suggestion and not changed by the team is the suggestion's
    words, so it is printed in the report's language (a Danish workshop's plan reads in
    English in the English report). Anything the team wrote or changed is theirs and is
    printed as they wrote it."""
    found = unchanged_suggestion(questionnaire, action)
    if found is None:
        return action.text
    suggestion, form = found
    return _forms(suggestion, lang)[form]


def planned_suggestions(actions: Iterable[_FromSuggestion]) -> dict[str, list[_FromSuggestion]]:
    """Suggestion id → the actions of the plan taken from it. A report marks such a
    suggestion "in the plan" instead of printing its words again beside the action."""
    planned: dict[str, list[_FromSuggestion]] = {}
    for action in actions:
        if action.suggestion_id:
            planned.setdefault(action.suggestion_id, []).append(action)
    return planned
