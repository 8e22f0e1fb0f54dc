"""The questionnaire: load ``questions.toml`` and check every value in it.

A consultant edits the TOML file by hand, so a typo must never be ignored
silently. ``parse_questionnaire`` checks the whole document, collects *every*
problem with its key path (``themes[2].questions[1].text.en: missing``) and
raises one :class:`ContentError` that lists them all. A valid document becomes
frozen dataclasses that the rest of the app only reads.

The checking has two passes. First a pydantic ``TypeAdapter`` validates the shape
against the dataclasses below, whose annotations say what each value must be: strict
types (``"yes"`` is no truth value, ``5.0`` no whole number), required and unknown
keys, non-empty texts, id patterns, bounds, and exact numbers (2.6 in the file is
Fraction(13, 5), never 2.5999999999999996). Then :class:`_Rules` checks what spans
fields: unique ids, band limits rising inside the scale, a suggestion for every band,
a label for every point of the scale, and so on. Both passes give problem lines of
one form, listed table by table in the order of the file.

This module knows nothing of Flask, the database or WeasyPrint: content is the
start of the one-way flow content → answers → scores → pages and PDF.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from string import Formatter
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    Strict,
    TypeAdapter,
    ValidationError,
    with_config,
)
from pydantic_core import PydanticCustomError

from selfcheck.core.exact import exact
from selfcheck.limits import MAX_LEVELS

#: Every text in the questionnaire exists in these languages; the first is the default.
LANGUAGES: tuple[str, ...] = ("da", "en")

#: Ids are used in URLs, form field names and stored answers, so they stay plain.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

DEFAULT_WEIGHT = Fraction(1)
DEFAULT_DISAGREEMENT_RANGE = Fraction(2)
DEFAULT_CHAIN_GAP = Fraction(1)

# Bounds on what a questionnaire may hold. The shipped file is far inside them;
# they exist because a questionnaire also arrives inside imported files, where a
# scale of 0..200000 or a million statements must be refused, not processed.
MAX_SCALE_POINTS = 11  # for example 0–10
MAX_SCALE_VALUE = 100  # scale.min and scale.max lie within ±this
MAX_BANDS = 10
MAX_THEMES = 20
MAX_QUESTIONS_PER_THEME = 30
MAX_SUGGESTIONS_PER_THEME = 60
MAX_CHAIN_SUGGESTIONS_PER_THEME = 20
MAX_WEIGHT = 100
MAX_TEXT = 4000  # characters in one text of the questionnaire
MAX_CONDITIONS = 10

#: Which way a statement is expected to differ down the chain (Question.chain_expected).
CHAIN_EXPECTED = ("lower_down", "higher_down")
#: Which level scored higher in a break a chain suggestion is written for.
CHAIN_DIRECTIONS = ("upper_higher", "lower_higher")
#: What a chain suggestion's text may name: the organisation's own level names.
CHAIN_PLACEHOLDERS = ("upper", "lower")


class ContentError(Exception):
    """The questionnaire file cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# --------------------------------------------------------------------------- value types
# What a value in the file must be. Each check raises its problem's wording, so a
# pydantic error carries the line that `selfcheck check` prints.


def _problem(message: str, **values: Any) -> PydanticCustomError:
    return PydanticCustomError("problem", message, values)


def _text(value: str) -> str:
    if not value.strip():
        raise _problem("must not be empty")
    if len(value) > MAX_TEXT:
        raise _problem("{n} characters, at most {max}", n=len(value), max=MAX_TEXT)
    return value.strip()


def _ident(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise _problem('"{id}" must be lower-case letters, digits and _ and start with a letter',
                       id=value)
    return value


def _number(value: Any) -> Fraction:
    """An exact number (docs/scoring.md): a float counts as the decimal it is written as."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _problem("must be a number")
    try:
        return exact(value)
    except ValueError as exc:  # nan, inf
        raise _problem(str(exc)) from None


def _scale_end(value: int) -> int:
    if abs(value) > MAX_SCALE_VALUE:
        raise _problem("must lie between -{max} and {max}", max=MAX_SCALE_VALUE)
    return value


def _weight(value: Fraction) -> Fraction:
    if not 0 < value <= MAX_WEIGHT:
        raise _problem("must be greater than 0 and at most {max}, not {weight}",
                       max=MAX_WEIGHT, weight=_show(value))
    return value


def _tables(limit: int) -> BeforeValidator:
    """A list of 1 to ``limit`` tables; the entries are not read when the list is wrong."""

    def check(value: Any) -> Any:
        if not isinstance(value, list) or not value:
            raise _problem("must be a non-empty list of tables")
        if len(value) > limit:
            raise _problem("{n} entries, at most {limit}", n=len(value), limit=limit)
        return value

    return BeforeValidator(check)


def _one_of(choices: tuple[str, ...]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in choices:
            raise _problem("must be {choices}, not \"{value}\"",
                           choices=" or ".join(f'"{c}"' for c in choices), value=value)
        return value

    return AfterValidator(check)


def _ids(value: Any) -> Any:
    """A list of ids (possibly empty), each named once."""
    if not isinstance(value, list):
        raise _problem("must be a list of ids")
    if len(value) > MAX_CONDITIONS:
        raise _problem("{n} entries, at most {limit}", n=len(value), limit=MAX_CONDITIONS)
    if len(set(map(repr, value))) != len(value):
        raise _problem("names an id twice")
    return value


def _table(value: Any) -> Any:
    if value is None:  # JSON null: Text | None is optional, not nullable
        raise _problem("must be a table")
    return value


def _not_in_the_file(value: Any) -> Any:
    raise PydanticCustomError("unknown_key", "unknown key")


# A text (kept without surrounding spaces), an id, a whole number, an exact number.
Str = Annotated[str, Strict(), AfterValidator(_text)]
Id = Annotated[str, Strict(), AfterValidator(_text), AfterValidator(_ident)]
Whole = Annotated[int, Strict()]
Exact = PlainValidator(_number)
Ids = Annotated[tuple[Id, ...], BeforeValidator(_ids)]


@dataclass(frozen=True)
class Text:
    """One text in every language of :data:`LANGUAGES`."""

    da: Str
    en: Str

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to Danish for an unknown language."""
        return self.en if lang == "en" else self.da


@dataclass(frozen=True)
class Source:
    """The publication the questionnaire is built on; cited in every report.

    ``citation`` says in both languages where the content honestly comes from (for the
    shipped file: the publication as summarised by KL, and that the six themes are our
    reading of that summary); the front page and the report's method page show it. It is
    optional so that questionnaire snapshots stored before it existed still load (old
    assessments, old export files, follow-ups of them); ``selfcheck check`` warns when it is
    missing.
    """

    title: Str
    publisher: Str
    year: Whole
    url: Str
    citation: Annotated[Text | None, BeforeValidator(_table)] = None


@dataclass(frozen=True)
class ScalePoint:
    value: Whole
    label: Text


@dataclass(frozen=True)
class Scale:
    """The one answer scale every statement uses, plus the "don't know" option."""

    min: Annotated[int, Strict(), AfterValidator(_scale_end)]
    max: Annotated[int, Strict(), AfterValidator(_scale_end)]
    points: Annotated[tuple[ScalePoint, ...], _tables(MAX_SCALE_POINTS)]
    dont_know: Text

    def label(self, value: int) -> Text:
        for point in self.points:
            if point.value == value:
                return point.label
        raise KeyError(value)

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(range(self.min, self.max + 1))


@dataclass(frozen=True)
class Band:
    """A score range. ``below`` is the exclusive upper limit; the top band has none."""

    id: Id
    label: Text
    description: Text
    below: Annotated[Fraction | None, Exact, Field(default=None)]  # optional in the file


@dataclass(frozen=True)
class Condition:
    """Something that holds for some teams and not for others, such as "the team works
    directly with the politicians" (docs/scoring.md, "Statements that apply").

    A statement may apply only where its conditions hold (``Question.applies_if``); a level
    of an organisation says which conditions hold for its teams (``LevelDefault.conditions``
    by default, the organisation's own choice after that).
    """

    id: Id
    label: Text


@dataclass(frozen=True)
class Question:
    """One statement the members rate on the scale.

    ``applies_if`` names the conditions that must all hold for a team to be asked the
    statement (none: every team is). ``chain_expected`` says which way the statement is
    expected to differ between two levels of a chain, from the source ("lower_down": a
    lower level scores it lower); the chain then reads a difference in that direction as
    expected, not as a break.
    """

    id: Id
    # Not a key in the file (an unknown key there): the theme's id, set after validation.
    theme_id: Annotated[str, BeforeValidator(_not_in_the_file), Field(default="")]
    text: Text
    reverse: Annotated[bool, Strict(), Field(default=False)]
    weight: Annotated[Fraction, Exact, AfterValidator(_weight), Field(default=DEFAULT_WEIGHT)]
    applies_if: Ids = ()
    chain_expected: Annotated[Str | None, _one_of(CHAIN_EXPECTED)] = None

    def applies_to(self, conditions: frozenset[str] | None) -> bool:
        """Whether a team for which ``conditions`` hold is asked this statement."""
        return conditions is None or set(self.applies_if) <= conditions


@dataclass(frozen=True)
class Suggestion:
    """A concrete improvement action offered for a theme in one band."""

    id: Id
    band: Str
    title: Text
    text: Text


@dataclass(frozen=True)
class ChainSuggestion:
    """An action for a break in the leadership chain on one theme (DESIGN.md §4).

    Shown where two adjacent levels of an organisation score the theme at least
    ``Questionnaire.chain_gap`` apart. Unlike a :class:`Suggestion` it belongs to no band:
    the text names the levels that take part and when it is followed up. ``direction``
    says which level of the two scored higher in the breaks it is written for (none: both),
    and the texts may name the two levels as ``{upper}`` and ``{lower}``: :meth:`for_pair`
    puts in the organisation's own names.
    """

    id: Id
    title: Text
    text: Text
    direction: Annotated[Str | None, _one_of(CHAIN_DIRECTIONS)] = None

    def for_pair(self, lang: str, upper: str, lower: str) -> tuple[str, str]:
        """(title, text) in ``lang`` with the two levels' names put in."""
        names = {"upper": upper, "lower": lower}
        return (_fill(self.title.get(lang), names), _fill(self.text.get(lang), names))


def _fill(text: str, names: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` replaced; the loader has checked the names."""
    return "".join(literal + (names[field] if field is not None else "")
                   for literal, field, _spec, _conv in Formatter().parse(text))


@dataclass(frozen=True)
class LevelDefault:
    """A default level of an organisation's leadership chain ("direktion", top first).

    An organisation starts with these levels and may rename, add and reorder its own.
    ``conditions`` are the conditions (:class:`Condition`) that hold for the level's teams;
    left out, every condition holds.
    """

    id: Id
    name: Text
    conditions: Ids | None = None


@dataclass(frozen=True)
class Theme:
    """One of the six themes (our reading of KL's summary of the publication).

    ``chain_suggestions`` is empty for questionnaire snapshots stored before the
    leadership chain existed; ``selfcheck check`` warns when the file has too few.
    """

    id: Id
    title: Text
    summary: Text
    intro: Text
    questions: Annotated[tuple[Question, ...], _tables(MAX_QUESTIONS_PER_THEME)]
    suggestions: Annotated[tuple[Suggestion, ...], _tables(MAX_SUGGESTIONS_PER_THEME)]
    chain_suggestions: Annotated[tuple[ChainSuggestion, ...],
                                 _tables(MAX_CHAIN_SUGGESTIONS_PER_THEME)] = ()

    def suggestions_for(self, band_id: str) -> tuple[Suggestion, ...]:
        return tuple(s for s in self.suggestions if s.band == band_id)


@dataclass(frozen=True)
class Questionnaire:
    """The whole, validated questionnaire.

    ``chain_gap`` and ``levels`` come from the optional ``[chain]`` table: two adjacent
    levels of an organisation whose scores for a theme differ by at least ``chain_gap``
    are a break in the chain, and ``levels`` are a new organisation's default levels,
    top first. Snapshots stored before ``[chain]`` existed get the defaults (a gap of 1,
    no levels).
    """

    id: str
    version: str
    title: Text
    intro: Text
    source: Source
    scale: Scale
    disagreement_range: Fraction
    bands: tuple[Band, ...]
    themes: tuple[Theme, ...]
    chain_gap: Fraction = DEFAULT_CHAIN_GAP
    levels: tuple[LevelDefault, ...] = ()
    conditions: tuple[Condition, ...] = ()

    def for_conditions(self, conditions: frozenset[str] | None) -> Questionnaire:
        """The questionnaire as a team for which ``conditions`` hold answers it: only the
        statements that apply to it (None: every condition holds, so all of them).

        Every theme keeps at least one statement (the loader checks it), and the
        suggestions stay, so the rest of the app needs nothing new."""
        if conditions is None:
            return self
        known = frozenset(c.id for c in self.conditions)
        if known <= conditions:
            return self
        return replace(self, themes=tuple(
            replace(theme, questions=tuple(q for q in theme.questions
                                           if q.applies_to(conditions)))
            for theme in self.themes))

    def theme(self, theme_id: str) -> Theme:
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def band(self, band_id: str) -> Band:
        for band in self.bands:
            if band.id == band_id:
                return band
        raise KeyError(band_id)

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for theme in self.themes for q in theme.questions)

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


# --------------------------------------------------------------------------- the file's shape
# The tables of the file that are no dataclass of their own: [meta], [scoring], [chain].


@dataclass(frozen=True)
class _Meta:
    id: Id
    version: Str
    title: Text
    intro: Text
    source: Source


@dataclass(frozen=True)
class _Scoring:
    bands: Annotated[tuple[Band, ...], _tables(MAX_BANDS)]
    disagreement_range: Annotated[Fraction, Exact, Field(default=DEFAULT_DISAGREEMENT_RANGE)]


@dataclass(frozen=True)
class _Chain:
    gap: Annotated[Fraction, Exact, Field(default=DEFAULT_CHAIN_GAP)]
    levels: Annotated[tuple[LevelDefault, ...], _tables(MAX_LEVELS), Field(default=())]
    conditions: Annotated[tuple[Condition, ...], _tables(MAX_CONDITIONS), Field(default=())]


@with_config(ConfigDict(extra="forbid"))  # every table below: an unknown key is a problem
@dataclass(frozen=True)
class _Document:
    meta: _Meta
    scale: Scale
    scoring: _Scoring
    themes: Annotated[tuple[Theme, ...], _tables(MAX_THEMES)]
    # Optional, so that snapshots stored before the leadership chain still load.
    chain: Annotated[_Chain, Field(default=_Chain(DEFAULT_CHAIN_GAP, (), ()))]

    def questionnaire(self) -> Questionnaire:
        meta, scoring = self.meta, self.scoring
        themes = tuple(
            replace(theme, questions=tuple(replace(q, theme_id=theme.id) for q in theme.questions))
            for theme in self.themes
        )
        return Questionnaire(meta.id, meta.version, meta.title, meta.intro, meta.source,
                             self.scale, scoring.disagreement_range, scoring.bands, themes,
                             self.chain.gap, self.chain.levels, self.chain.conditions)


_DOCUMENT = TypeAdapter(_Document)


# --------------------------------------------------------------------------- loading


def read_document(path: str | Path) -> dict[str, Any]:
    """Read the TOML file as plain data, or raise :class:`ContentError`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError([f"{path}: cannot be read ({exc.strerror})"]) from exc
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ContentError([f"{path}: not UTF-8 text (byte {exc.start})"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError([f"{path}: invalid TOML: {exc}"]) from exc
    except ValueError as exc:  # a whole number of more digits than Python converts
        raise ContentError([f"{path}: invalid TOML: a number has more than "
                            f"{sys.get_int_max_str_digits()} digits"]) from exc


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a questionnaire file."""
    return parse_questionnaire(read_document(path))


def document_hash(document: Mapping[str, Any]) -> str:
    """A stable SHA-256 of a document, so two snapshots can be compared cheaply."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


#: Parsed snapshots by their hash, most recently used last; an app sees a handful of distinct
#: questionnaire versions, a chain's teams share one.
_parsed: OrderedDict[tuple[str, frozenset[str] | None], Questionnaire] = OrderedDict()
PARSED_MAX = 64


def parsed_snapshot(digest: str, document: Callable[[], Mapping[str, Any]],
                    conditions: frozenset[str] | None = None) -> Questionnaire:
    """The questionnaire of the snapshot with hash ``digest``, parsed once (at most PARSED_MAX
    are kept), as a team for which ``conditions`` hold answers it
    (:meth:`Questionnaire.for_conditions`). ``document`` gives the snapshot and is only called
    to parse it, so a page that finds it parsed never reads the stored 46 KB of JSON."""
    key = (digest, conditions)
    found = _parsed.get(key)
    if found is None:
        found = (parse_questionnaire(document()) if conditions is None
                 else parsed_snapshot(digest, document).for_conditions(conditions))
        _parsed[key] = found
        while len(_parsed) > PARSED_MAX:
            _parsed.popitem(last=False)
    else:
        _parsed.move_to_end(key)
    return found


def parse_questionnaire(document: Mapping[str, Any]) -> Questionnaire:
    """Validate plain data (from TOML or a stored JSON snapshot) into a Questionnaire."""
    problems: list[_Problem] = []
    try:
        parsed = _DOCUMENT.validate_python(document)
    except ValidationError as exc:
        problems = [p for error in exc.errors(include_url=False) for p in _problems(error)]
    _Rules(document, problems).check()
    if problems:
        problems.sort(key=_position)
        raise ContentError([f"{_path(loc)}: {message}" for loc, _, message in problems])
    return parsed.questionnaire()


# --------------------------------------------------------------------------- problems
# A problem is (key path, kind, message). The kind places it in the sorted list: the
# "missing" and "table" (unknown key) problems of a table come first, then each key's
# "value" problems, then the "rule" problems that _Rules found about the key.

_Problem = tuple[tuple[str | int, ...], str, str]

#: pydantic's error types as (kind, message); other errors carry their own message.
_PYDANTIC = {
    "missing": ("missing", "missing"),
    "unexpected_keyword_argument": ("table", "unknown key"),
    "unknown_key": ("table", "unknown key"),
    "dataclass_type": ("value", "must be a table"),
    "string_type": ("value", "must be a string"),
    "int_type": ("value", "must be a whole number"),
    "bool_type": ("value", "must be true or false"),
}

#: The order of the keys of each table in the list of problems.
_ORDER = (
    "meta", "scale", "scoring", "chain", "themes",
    "id", "version", "band", "title", "summary", "intro",
    "publisher", "year", "url", "citation", "source",
    "min", "max", "dont_know", "points", "value", "label", "description", "below",
    "disagreement_range", "bands", "gap", "levels", "name",
    "conditions", "questions", "suggestions", "chain_suggestions", "text", "reverse",
    "weight", "applies_if", "chain_expected", "direction",
    *LANGUAGES,
)
_RANK = {key: rank for rank, key in enumerate(_ORDER)}


def _problems(error: Any) -> list[_Problem]:
    loc = tuple(error["loc"])
    kind, message = _PYDANTIC.get(error["type"], ("value", error["msg"]))
    if kind == "missing" and loc[-1] in ("points", "bands", "questions", "suggestions"):
        # A missing list of tables is also no list, as `selfcheck check` has always said.
        return [(loc, kind, message), (loc, "value", "must be a non-empty list of tables")]
    return [(loc, kind, message)]


def _position(problem: _Problem) -> list[tuple[int, ...]]:
    loc, kind, _ = problem
    position = [(2, key if isinstance(key, int) else _RANK.get(key, len(_RANK))) for key in loc]
    if kind == "missing":
        position[-1] = (0, position[-1][1])
    elif kind == "table":
        position[-1] = (1,)
    else:
        position.append((0,) if kind == "value" else (3,))
    return position


def _path(loc: tuple[str | int, ...]) -> str:
    """``("themes", 2, "text", "en")`` → ``themes[2].text.en``."""
    path = ""
    for key in loc:
        path += f"[{key}]" if isinstance(key, int) else f".{key}" if path else key
    return path or "<document>"


def _show(number: Fraction) -> str:
    """A number in a problem message: 2.5, 7, 1e+308."""
    if number.denominator == 1 and abs(number) < 10**15:
        return str(number.numerator)
    try:
        return f"{float(number):g}"
    except OverflowError:  # beyond a float (1e+400): Decimal writes it the same way
        return f"{(Decimal(number.numerator) / Decimal(number.denominator)).normalize():.6g}"


# --------------------------------------------------------------------------- rules


class _Rules:
    """The rules across fields, on the plain document wherever its shape is right.

    They read the document, not the dataclasses, because pydantic builds those only
    from a valid whole, and a typo in one theme must not hide a duplicate id in another.
    A value with a problem of its own counts as absent here.
    """

    def __init__(self, document: Any, problems: list[_Problem]):
        self.document, self.problems = document, problems
        # The paths with a problem (an unknown key harms nothing), and the tables around them.
        self.broken = {loc for loc, kind, _ in problems if kind != "table"}
        self.enclosing = {loc[:i] for loc in self.broken for i in range(len(loc))}

    def add(self, loc: tuple, message: str, kind: str = "rule") -> None:
        self.problems.append((loc, kind, message))

    def raw(self, loc: tuple) -> Any:
        """The value at ``loc`` as it is in the document, or None."""
        node = self.document
        for key in loc:
            if not (isinstance(node, Mapping) and key in node
                    or isinstance(node, list) and isinstance(key, int) and key < len(node)):
                return None
            node = node[key]
        return node

    def value(self, *loc: str | int) -> Any:
        """The value at ``loc`` (a string stripped), or None if absent or with a problem."""
        if loc in self.enclosing or self.inside_broken(loc):
            return None
        value = self.raw(loc)
        return value.strip() if isinstance(value, str) else value

    def inside_broken(self, loc: tuple) -> bool:
        """Whether ``loc`` or a table or list around it has a problem of its own."""
        return any(loc[:i] in self.broken for i in range(len(loc) + 1))

    def number(self, *loc: str | int) -> Fraction | None:
        value = self.value(*loc)
        return None if value is None else exact(value)

    def items(self, *loc: str | int) -> list[tuple[tuple, Any]]:
        """(path, entry) of each entry of a list; none when the list is absent or wrong."""
        value = self.raw(loc)
        if not isinstance(value, list) or self.inside_broken(loc):
            return []
        return [((*loc, i), item) for i, item in enumerate(value)]

    def ident(self, seen: dict[str, str], loc: tuple) -> str | None:
        """The id of the table at ``loc``, unless it is wrong or in ``seen`` already."""
        ident = self.value(*loc, "id")
        if ident in seen:
            self.add((*loc, "id"), f'duplicate id "{ident}" (also at {seen[ident]})')
            return None
        if ident is not None:
            seen[ident] = _path((*loc, "id"))
        return ident

    # -- the rules ------------------------------------------------------------------

    def check(self) -> None:
        scale = self.scale()
        span = scale[1] - scale[0] if scale else None
        bands = self.bands(scale)
        gap = self.number("chain", "gap")
        if gap is not None and span is not None and not 0 < gap <= span:
            self.add(("chain", "gap"), f"must be more than 0 and at most {span}, not {_show(gap)}")
        conditions: dict[str, str] = {}
        for loc, _ in self.items("chain", "conditions"):
            self.ident(conditions, loc)
        levels: dict[str, str] = {}
        for loc, _ in self.items("chain", "levels"):
            self.ident(levels, loc)
            self.known_conditions((*loc, "conditions"), conditions)
        themes: dict[str, str] = {}
        questions: dict[str, str] = {}
        suggestions: dict[str, str] = {}  # and chain suggestions: an action names either
        for loc, theme in self.items("themes"):
            self.ident(themes, loc)
            asked_of_every_team = False
            for at, _ in self.items(*loc, "questions"):
                self.ident(questions, at)
                self.known_conditions((*at, "applies_if"), conditions)
                if not self.raw((*at, "applies_if")):
                    asked_of_every_team = True
            if self.items(*loc, "questions") and not asked_of_every_team:
                self.add((*loc, "questions"),
                         "every statement has applies_if: at least one must apply to every team")
            present = set()
            for at, _ in self.items(*loc, "suggestions"):
                ident, band = self.ident(suggestions, at), self.value(*at, "band")
                if band is not None and bands is not None and band not in bands:
                    self.add((*at, "band"), f'unknown band "{band}" (known: {", ".join(bands)})')
                elif ident and band and self.value(*at, "title") and self.value(*at, "text"):
                    present.add(band)
            for at, _ in self.items(*loc, "chain_suggestions"):
                self.ident(suggestions, at)
                for key in ("title", "text"):
                    for lang in LANGUAGES:
                        self.placeholders((*at, key, lang))
            if bands is None or not isinstance(theme, Mapping) or "suggestions" not in theme:
                continue
            for band in bands:
                if band not in present:
                    self.add((*loc, "suggestions"), f'no suggestion for band "{band}"')

    def known_conditions(self, loc: tuple, conditions: dict[str, str]) -> None:
        """Each id of the list at ``loc`` must name a condition of [chain]."""
        names = self.value(*loc)
        if not isinstance(names, list):
            return
        for name in names:
            if isinstance(name, str) and name not in conditions:
                known = ", ".join(conditions) or "none"
                self.add(loc, f'unknown condition "{name}" (known: {known})')

    def placeholders(self, loc: tuple) -> None:
        """A chain suggestion may name only {upper} and {lower}, and no other brace."""
        text = self.value(*loc)
        if not isinstance(text, str):
            return
        try:
            fields = [(field, spec, conv) for _lit, field, spec, conv in Formatter().parse(text)
                      if field is not None]
        except ValueError:
            self.add(loc, "a { or } that is no placeholder: write {upper} or {lower}")
            return
        for field, spec, conv in fields:
            if field not in CHAIN_PLACEHOLDERS or spec or conv:
                self.add(loc, f'unknown placeholder "{{{field}}}" (known: {{upper}}, {{lower}})')

    def scale(self) -> tuple[int, int] | None:
        """The scale's (min, max) when the whole scale is usable."""
        low, high = self.value("scale", "min"), self.value("scale", "max")
        known = low is not None and high is not None
        if known and low >= high:
            self.add(("scale", "max"), f"must be greater than scale.min ({low})")
            known = False
        elif known and high - low + 1 > MAX_SCALE_POINTS:
            self.add(("scale", "max"), f"the scale {low}–{high} has {high - low + 1} points, "
                                       f"at most {MAX_SCALE_POINTS}")
            return None
        labelled: set[int] = set()
        for loc, _ in self.items("scale", "points"):
            value = self.value(*loc, "value")
            if value is None or self.value(*loc, "label") is None:
                continue
            if known and not low <= value <= high:
                self.add((*loc, "value"), f"{value} is outside the scale {low}–{high}")
            elif value in labelled:
                self.add((*loc, "value"), f"{value} has a label already")
            else:
                labelled.add(value)
        if not known or self.value("scale", "dont_know") is None:
            return None
        unlabelled = [n for n in range(low, high + 1) if n not in labelled]
        for n in unlabelled if "points" in self.document["scale"] else ():
            self.add(("scale", "points"), f"no label for {n}")
        return None if unlabelled else (low, high)

    def bands(self, scale: tuple[int, int] | None) -> list[str] | None:
        """The ids of the bands when every band is usable."""
        scoring = self.raw(("scoring",))
        if not isinstance(scoring, Mapping):
            return None
        if "disagreement_range" in scoring:
            disagreement = self.number("scoring", "disagreement_range")
            if disagreement is None:
                return None
            if scale and not 0 < disagreement <= scale[1] - scale[0]:
                self.add(("scoring", "disagreement_range"),
                         f"must be more than 0 and at most {scale[1] - scale[0]}")
        bands = self.items("scoring", "bands")
        ids: list[str] = []
        seen: dict[str, str] = {}
        previous = None
        for loc, band in bands:
            if not isinstance(band, Mapping):
                continue
            last = loc[-1] == len(bands) - 1
            if last and "below" in band:
                self.problems[:] = [p for p in self.problems if p[0] != (*loc, "below")]
                self.add((*loc, "below"), "must be left out: the last band covers the rest",
                         "table")
            elif not last and "below" not in band:
                self.add((*loc, "below"), "missing", "missing")
            ident = self.ident(seen, loc)
            below = None if last else self.number(*loc, "below")
            if below is not None and scale:
                if not scale[0] < below <= scale[1]:
                    self.add((*loc, "below"),
                             f"{_show(below)} is not inside the scale {scale[0]}–{scale[1]}")
                elif previous is not None and below <= previous:
                    self.add((*loc, "below"), f"{_show(below)} must be greater than the band "
                                              f"before ({_show(previous)})")
                previous = below
            if ident and self.value(*loc, "label") and self.value(*loc, "description"):
                ids.append(ident)
        if len(bands) < 2:
            self.add(("scoring", "bands"), "needs at least 2 bands")
        return ids if len(ids) == len(bands) else None
