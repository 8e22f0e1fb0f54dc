"""Problems with a file or an input: each names where it is (a key path), why (a code) and
with what (parameters); the words come from one table, translated where they are shown.

A :class:`Problem` is data, never a sentence: ``Problem(("members", 3, "answers", "q1"),
"off_scale", {"value": "7", "min": 1, "max": 5})``. :func:`text` makes the line the reader
sees, the place first ("members[3].answers.q1: …", "Linje 8: …"); :func:`message` only the
reason, for a form field's error. The web passes Flask-Babel's ``gettext`` so a Danish page
says it in Danish; the command line passes nothing and prints the table's English, which is
also every message's msgid (``make translations`` extracts them from ``N_``).

:class:`ExchangeError` is the one error of the domain: a refused export, CSV file, team list,
level change or password all raise it with every problem found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from selfcheck.limits import PROBLEMS_SHOWN, has_control_character, without_control_characters

Translate = Callable[[str], str]


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Line:
    """A line of a pasted text or a file."""

    number: int


@dataclass(frozen=True)
class Row:
    """A row of a table (the header is row 1)."""

    number: int


@dataclass(frozen=True)
class Column:
    """A column of a table, by its header."""

    name: str


Place = Line | Row | Column
Part = str | int | Place


@dataclass(frozen=True)
class Problem:
    """One reason an input cannot be used.

    ``path``: where, as the keys and indexes of a JSON document (``("members", 3, "answers",
    "q1")``), a place in a text (``(Line(8),)``, ``(Row(3), Column("q1"))``), a form field
    (``("password",)``), or ``()`` for the input as a whole. ``code``: a key of
    :data:`MESSAGES`. ``params``: the values its message names.
    """

    path: tuple[Part, ...]
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def under(self, *parts: Part) -> Problem:
        """The same problem inside a larger document (an organisation's team)."""
        return Problem((*parts, *self.path), self.code, self.params)


class ExchangeError(Exception):
    """An input cannot be used; ``problems`` says every reason (a list of :class:`Problem`).

    A plain string is still accepted for code that has no code for its problem yet; it is
    shown as it is, untranslated.
    """

    def __init__(self, problems: Iterable[Problem | str]):
        self.problems: list[Problem] = [
            p if isinstance(p, Problem) else Problem((), UNTRANSLATED, {"text": str(p)})
            for p in problems]
        super().__init__("\n".join(text(p) for p in self.problems))

    @classmethod
    def one(cls, code: str, path: tuple[Part, ...] = (), **params: Any) -> ExchangeError:
        return cls([Problem(path, code, params)])

    def __reduce__(self):  # through the render pool's pipe, problems and all
        return (type(self), (self.problems,))


UNTRANSLATED = "untranslated"

#: Every message, by code: the English (the msgid, and what the command line prints).
#: Files' problems keep the short English lines the command line has always printed; what a
#: form shows is a sentence.
MESSAGES: dict[str, str] = {
    # A document, anywhere: the JSON Schema (docs/export-schema.json) and the NUL rule
    "max_length": N_("%(length)s characters, at most %(limit)s"),
    "max_items": N_("%(count)s entries, at most %(limit)s"),
    "type": N_("%(value)s must be of type %(expected)s"),
    "at_least": N_("%(value)s must be at least %(limit)s"),
    "at_most": N_("%(value)s must be at most %(limit)s"),
    "version": N_("%(value)s is not supported (expected %(expected)s)"),
    "must_be": N_("must be %(value)s"),
    "unknown_key": N_("unknown key %(keys)s"),
    "unknown_keys": N_("unknown key %(keys)s and %(more)s more"),
    "required": N_("%(key)s is a required property"),
    "empty": N_("%(value)s should be non-empty"),
    "pattern": N_("%(value)s does not match %(pattern)s"),
    "schema": N_("%(message)s"),
    "control_character": N_("contains an invisible control character, which cannot be stored"),
    "control_character_key": N_("the key contains an invisible control character, which cannot be "
                      "stored"),
    # An assessment's export: the rules a schema cannot say (exchange/team.py)
    "questionnaire": N_("%(reason)s"),
    "not_datetime": N_("%(value)s is not a date and time"),
    "not_date": N_("%(value)s is not a date (YYYY-MM-DD)"),
    "hash_mismatch": N_("does not match the questionnaire"),
    "member_twice": N_("%(id)s is also %(other)s"),
    "unknown_statement": N_("unknown statement"),
    "off_scale": N_("%(value)s is not on the scale %(min)s–%(max)s"),
    "unknown_recommendation": N_("unknown recommendation"),
    "not_a_recommendation": N_("%(value)s is not a recommendation of the questionnaire"),
    "decision_twice": N_("%(theme)s already has a decision (%(other)s)"),
    "off_score": N_("%(value)s is not a score from %(min)s to %(max)s"),
    # The consultant's texts of a report (exchange/team.report_problems)
    "text_too_long": N_("Write at most %(limit)s characters; this text has %(length)s."),
    "text_control_character": N_("The text holds an invisible control character (%(character)s) "
                            "that cannot be stored. Remove it."),
    "unknown_reflection": N_("%(value)s is not one of the reflection questions"),
    "unknown_section": N_("%(value)s is not a part of the report"),
    # An organisation's export (exchange/organisation.py)
    "organisation_meta": N_("needs a name (1–%(max)s characters), language da or en and "
                            "created_at"),
    "levels_list": N_("a list of 1–%(max)s levels"),
    "level_meta": N_("needs name_da, name_en (1–%(max)s characters) and teams"),
    "teams_max": N_("at most %(max)s teams"),
    # A chain's comparison (exchange/chain.py)
    "level_pair": N_("levels %(upper)s and %(lower)s are not two levels of the chain, "
                     "top first"),
    "themes_in_order": N_("must list the questionnaire's themes in order: %(themes)s"),
    "hidden_score": N_("a score the organisation's page does not show (too few "
                       "respondents); the file cannot hold it"),
    "organisation_empty": N_("the organisation has no teams yet"),
    "chain_not_importable": N_("this file holds a chain's results, not its answers, so it "
                               "cannot be imported; build its report with selfcheck "
                               "chain-report"),
    # A file as a whole (exchange/safejson.py, exchange/tables.py)
    "file_too_large": N_("the file is %(size)s KiB, at most %(limit)s"),
    "not_utf8": N_("the file is not UTF-8 text (byte %(byte)s)"),
    "not_a_number": N_("the file contains %(name)s, which is not a number JSON allows"),
    "long_integer": N_("the file contains a whole number of %(digits)s digits "
                       "(at most %(limit)s)"),
    "huge_number": N_("the file contains the number %(number)s, which is too large"),
    "too_deep": N_("the file nests lists or objects too deeply (at most %(limit)s levels)"),
    "not_json": N_("the file is not JSON: %(error)s (line %(line)s, column %(column)s)"),
    "unreadable_json": N_("the file is not JSON we can read: %(error)s"),
    # Answers from another survey tool (exchange/tables.py read_answers_csv)
    "csv_not_utf8": N_("the file is not UTF-8 text (byte %(byte)s); save it as CSV UTF-8"),
    "csv_control": N_("the file contains an invisible control character; save it as CSV "
                      "UTF-8"),
    "unreadable_csv": N_("the file is not CSV we can read: %(error)s"),
    "empty_file": N_("the file is empty"),
    "missing": N_("missing"),
    "unknown_column": N_("unknown (not a statement id, member, name or comment:<theme id>)"),
    "column_twice": N_("appears more than once"),
    "too_many_rows": N_("the file has %(count)s rows of answers, at most %(limit)s"),
    "cell_count": N_("%(cells)s cells, the header has %(header)s"),
    "member_in_row": N_("%(id)s is also in row %(other)s"),
    "off_scale_csv": N_("%(value)s is not on the scale %(min)s–%(max)s or empty for "
                        "don't know"),
    "no_rows": N_("the file has no rows of answers"),
    "no_room": N_("the file has %(count)s members; this self-assessment has room for "
                  "%(room)s more (at most %(limit)s)"),
    # Rules of an assessment (services/answers.py, assessments.py, workshop.py)
    "members_full": N_("This self-assessment has the most members it can hold (%(count)d). "
                       "Ask the facilitator."),
    "actions_full": N_("The action plan holds at most %(count)d actions. Delete one that is "
                       "done first."),
    "follow_up_open": N_("Close the self-assessment before you start a follow-up."),
    # An organisation's levels and teams (services/organisations.py)
    "organisation_name": N_("The organisation's name must be 1–%(max)s characters."),
    "levels_count": N_("An organisation has 1–%(max)s levels."),
    "levels_max": N_("An organisation has at most %(max)s levels."),
    "level_name": N_("A level's name must be 1–%(max)s characters."),
    "level_has_teams": N_("A level with teams cannot be removed."),
    "last_level": N_("An organisation needs at least one level."),
    "level_has_members": N_("Members have joined a team on this level, so the statements "
                            "they are asked cannot change now."),
    "unknown_condition": N_("Unknown choice: %(name)s."),
    "organisation_teams_max": N_("An organisation has at most %(max)s teams."),
    "no_such_level": N_("There is no level %(number)s."),
    "team_name": N_("A team's name must be 1–%(max)s characters."),
    "too_many_lines": N_("Write at most %(max)s lines."),
    "unknown_level": N_("There is no level called “%(name)s”."),
    "no_teams": N_("Write at least one team."),
    # Accounts (services/accounts/users.py, passwords.py)
    "email": N_("Write an e-mail address such as anne@aarhus.dk."),
    "taken": N_("An account with this e-mail address already exists. Log in instead."),
    "too_short": N_("Use at least %(min)d characters. A few words in a row are easy to "
                    "remember."),
    "too_long": N_("Use at most %(max)d characters."),
    "control": N_("The password contains a character that cannot be typed."),
    "common": N_("This password is on a list of common passwords. Choose another."),
    "guessable": N_("This password is too easy to guess. Add a few more words."),
    # The list itself
    "more": N_("… and %(count)s more"),
}

#: Kept for the tests and callers that name the NUL line.
CONTROL_PROBLEM = MESSAGES["control_character"]

_LINE = N_("Line %(number)s")
_ROW = N_("Row %(number)s")
_COLUMN = N_("Column %(name)s")
_ROW_AND_COLUMN = N_("Row %(row)s, column %(column)s")
_OR = N_("%(items)s or %(last)s")


def _english(message: str) -> str:
    return message


def message(problem: Problem, translate: Translate | None = None) -> str:
    """Why, without where: for an error shown beside its form field."""
    translate = translate or _english
    if problem.code == UNTRANSLATED:
        return str(problem.params["text"])
    params = {key: _value(value, translate) for key, value in problem.params.items()}
    template = translate(MESSAGES[problem.code])
    return template % params if params else template


def where(path: tuple[Part, ...], translate: Translate | None = None) -> str:
    """The path as the reader sees it: "members[3].answers.q1", "Række 3, kolonne q1"."""
    translate = translate or _english
    places = [part for part in path if isinstance(part, Place)]
    named = ", ".join(_place(places, translate)) if places else ""
    key_path = ""
    for part in (part for part in path if not isinstance(part, Place)):
        key_path += f"[{part}]" if isinstance(part, int) else (
            f".{part}" if key_path else str(part))
    return ", ".join(item for item in (named, key_path) if item)


def _place(places: list[Place], translate: Translate) -> list[str]:
    if len(places) == 2 and isinstance(places[0], Row) and isinstance(places[1], Column):
        return [translate(_ROW_AND_COLUMN) % {"row": places[0].number,
                                              "column": _clip(places[1].name, 60)}]
    named = []
    for place in places:
        if isinstance(place, Line):
            named.append(translate(_LINE) % {"number": place.number})
        elif isinstance(place, Row):
            named.append(translate(_ROW) % {"number": place.number})
        else:
            named.append(translate(_COLUMN) % {"name": _clip(place.name, 60)})
    return named


def text(problem: Problem, translate: Translate | None = None) -> str:
    """The problem's line: where, then why ("line 8: …", "members[3].answers.q1: …")."""
    place = where(problem.path, translate)
    reason = message(problem, translate)
    return f"{place}: {reason}" if place else reason


def lines(problems: Iterable[Problem], translate: Translate | None = None) -> list[str]:
    return [text(p, translate) for p in problems]


def _value(value: Any, translate: Translate) -> Any:
    """A parameter as it is written: a tuple is a choice ("planned, started or done")."""
    if isinstance(value, tuple):
        words = [str(v) for v in value]
        if len(words) == 1:
            return words[0]
        return translate(_OR) % {"items": ", ".join(words[:-1]), "last": words[-1]}
    return value


# ----------------------------------------------------------------------------- helpers


def keys(parts: Iterable[str | int]) -> tuple[str | int, ...]:
    """A JSON key path as a problem's path: long keys cut short, the root named."""
    path = tuple(part if isinstance(part, int) else _clip(str(part)) for part in parts)
    return path or ("<document>",)


def drop_control_characters(value: Any) -> Any:
    """``value`` (a JSON document) with control characters dropped from every text and key:
    what an export writes, so that text stored before forms refused them still reads back."""
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, Mapping):
        return {drop_control_characters(k): drop_control_characters(v) for k, v in value.items()}
    if isinstance(value, list):
        return [drop_control_characters(item) for item in value]
    return value


def control_problems(value: Any, parts: tuple = ()) -> list[Problem]:
    """Every text (or key) in ``value`` that holds a control character (limits.py), with its
    path."""
    if isinstance(value, str):
        return [Problem(keys(parts), "control_character")] if has_control_character(value) else []
    if isinstance(value, Mapping):
        problems = []
        for key, item in value.items():
            if isinstance(key, str) and has_control_character(key):
                problems.append(Problem(keys((*parts, without_control_characters(key))),
                                        "control_character_key"))
            problems += control_problems(item, (*parts, key))
        return problems
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in control_problems(item, (*parts, i))]
    return []


def _short(value: Any, limit: int = 60) -> str:
    """A value quoted in a message, cut short: a problem line never repeats a huge value."""
    return _clip(repr(value), limit)


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def shown(problems: list, limit: int = PROBLEMS_SHOWN) -> list:
    """The first ``limit`` problems, and a last one that says how many more there are.

    Works on problems and, for callers that still hold English lines, on strings.
    """
    if len(problems) <= limit:
        return problems
    more = Problem((), "more", {"count": f"{len(problems) - limit:,}".replace(",", " ")})
    return [*problems[:limit], text(more) if isinstance(problems[0], str) else more]
