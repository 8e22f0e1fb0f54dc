"""The questionnaire: load ``questions.toml`` and check every value in it.

A consultant edits the TOML file by hand, so a typo must never be ignored
silently. ``parse_questionnaire`` walks the whole document, collects *every*
problem with its key path (``themes[2].questions[1].text.en: missing``) and
raises one :class:`ContentError` that lists them all. A valid document becomes
frozen dataclasses that the rest of the app only reads.

This module knows nothing of Flask, the database or WeasyPrint: content is the
start of the one-way flow content → answers → scores → pages and PDF.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

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


class ContentError(Exception):
    """The questionnaire file cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Text:
    """One text in every language of :data:`LANGUAGES`."""

    da: str
    en: str

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

    title: str
    publisher: str
    year: int
    url: str
    citation: Text | None = None


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: Text


@dataclass(frozen=True)
class Scale:
    """The one answer scale every statement uses, plus the "don't know" option."""

    min: int
    max: int
    points: tuple[ScalePoint, ...]
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

    id: str
    label: Text
    description: Text
    below: Fraction | None


@dataclass(frozen=True)
class Question:
    """One statement the members rate on the scale."""

    id: str
    theme_id: str
    text: Text
    reverse: bool
    weight: Fraction


@dataclass(frozen=True)
class Suggestion:
    """A concrete improvement action offered for a theme in one band."""

    id: str
    band: str
    title: Text
    text: Text


@dataclass(frozen=True)
class ChainSuggestion:
    """An action for a break in the leadership chain on one theme (DESIGN.md §4).

    Shown where two adjacent levels of an organisation score the theme at least
    ``Questionnaire.chain_gap`` apart. Unlike a :class:`Suggestion` it belongs to no band:
    the text names the levels that take part and when it is followed up.
    """

    id: str
    title: Text
    text: Text


@dataclass(frozen=True)
class LevelDefault:
    """A default level of an organisation's leadership chain ("direktion", top first).

    An organisation starts with these levels and may rename, add and reorder its own.
    """

    id: str
    name: Text


@dataclass(frozen=True)
class Theme:
    """One of the six recommendations of the publication.

    ``chain_suggestions`` is empty for questionnaire snapshots stored before the
    leadership chain existed; ``selfcheck check`` warns when the file has too few.
    """

    id: str
    title: Text
    summary: Text
    intro: Text
    questions: tuple[Question, ...]
    suggestions: tuple[Suggestion, ...]
    chain_suggestions: tuple[ChainSuggestion, ...] = ()

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


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read and validate a questionnaire file."""
    return parse_questionnaire(read_document(path))


def document_hash(document: Mapping[str, Any]) -> str:
    """A stable SHA-256 of a document, so two snapshots can be compared cheaply."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_questionnaire(document: Mapping[str, Any]) -> Questionnaire:
    """Validate plain data (from TOML or a stored JSON snapshot) into a Questionnaire."""
    reader = _Reader()
    questionnaire = reader.questionnaire(document)
    if reader.problems:
        raise ContentError(reader.problems)
    assert questionnaire is not None
    return questionnaire


class _Reader:
    """Walks the document once, building dataclasses and collecting problems.

    Each method returns its value, or ``None`` when the value is unusable; the
    problem is recorded instead of raised so that one run reports them all.
    """

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    # -- generic shapes ---------------------------------------------------------

    def table(
        self, value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.problem(path, "must be a table")
            return None
        for key in required:
            if key not in value:
                self.problem(_join(path, key), "missing")
        for key in value:
            if key not in required and key not in optional:
                self.problem(_join(path, key), "unknown key")
        return value

    def tables(self, value: Any, path: str, limit: int) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.problem(path, "must be a non-empty list of tables")
            return []
        if len(value) > limit:
            self.problem(path, f"{len(value)} entries, at most {limit}")
            return []
        return value

    def string(self, table: Mapping[str, Any], key: str, path: str) -> str | None:
        if key not in table:
            return None  # already reported as missing by table()
        value = table[key]
        if not isinstance(value, str):
            self.problem(_join(path, key), "must be a string")
            return None
        if not value.strip():
            self.problem(_join(path, key), "must not be empty")
            return None
        if len(value) > MAX_TEXT:
            self.problem(_join(path, key), f"{len(value)} characters, at most {MAX_TEXT}")
            return None
        return value.strip()

    def number(self, table: Mapping[str, Any], key: str, path: str) -> Fraction | None:
        """An exact number (docs/scoring.md): 2.6 is 13/5, never 2.5999999999999996."""
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            if key in table:
                self.problem(_join(path, key), "must be a number")
            return None
        try:
            return exact(value)
        except ValueError:
            self.problem(_join(path, key), f"{value!r} is not a finite number")
            return None

    def integer(self, table: Mapping[str, Any], key: str, path: str) -> int | None:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            if key in table:
                self.problem(_join(path, key), "must be a whole number")
            return None
        return value

    def text(self, table: Mapping[str, Any], key: str, path: str) -> Text | None:
        if key not in table:
            return None
        path = _join(path, key)
        value = self.table(table[key], path, LANGUAGES)
        if value is None:
            return None
        texts = [self.string(value, lang, path) for lang in LANGUAGES]
        if any(t is None for t in texts):
            return None
        return Text(*texts)  # type: ignore[arg-type]

    def ident(self, table: Mapping[str, Any], path: str, seen: dict[str, str]) -> str | None:
        value = self.string(table, "id", path)
        if value is None:
            return None
        if not ID_PATTERN.match(value):
            self.problem(
                _join(path, "id"),
                f'"{value}" must be lower-case letters, digits and _ and start with a letter',
            )
            return None
        if value in seen:
            self.problem(_join(path, "id"), f'duplicate id "{value}" (also at {seen[value]})')
            return None
        seen[value] = _join(path, "id")
        return value

    # -- the document -----------------------------------------------------------

    def questionnaire(self, doc: Mapping[str, Any]) -> Questionnaire | None:
        doc = self.table(doc, "<document>", ("meta", "scale", "scoring", "themes"), ("chain",))
        if doc is None:
            return None
        meta = self.meta(doc.get("meta"))
        scale = self.scale(doc.get("scale")) if "scale" in doc else None
        scoring = self.scoring(doc.get("scoring"), scale) if "scoring" in doc else None
        chain = self.chain(doc["chain"], scale) if "chain" in doc else (DEFAULT_CHAIN_GAP, ())
        bands = scoring[1] if scoring else None
        themes = self.themes(doc.get("themes"), bands) if "themes" in doc else None
        if None in (meta, scale, scoring, chain, themes) or self.problems:
            return None
        assert meta and scale and scoring and chain and themes is not None
        ident, version, title, intro, source = meta
        disagreement_range, bands = scoring
        chain_gap, levels = chain
        return Questionnaire(
            id=ident,
            version=version,
            title=title,
            intro=intro,
            source=source,
            scale=scale,
            disagreement_range=disagreement_range,
            bands=bands,
            themes=themes,
            chain_gap=chain_gap,
            levels=levels,
        )

    def meta(self, value: Any) -> tuple | None:
        if value is None:
            return None
        meta = self.table(value, "meta", ("id", "version", "title", "intro", "source"))
        if meta is None:
            return None
        ident = self.ident(meta, "meta", {})
        version = self.string(meta, "version", "meta")
        title = self.text(meta, "title", "meta")
        intro = self.text(meta, "intro", "meta")
        source = None
        if "source" in meta:
            raw = self.table(meta["source"], "meta.source",
                             ("title", "publisher", "year", "url"), ("citation",))
            if raw is not None:
                parts = (
                    self.string(raw, "title", "meta.source"),
                    self.string(raw, "publisher", "meta.source"),
                    self.integer(raw, "year", "meta.source"),
                    self.string(raw, "url", "meta.source"),
                )
                citation = self.text(raw, "citation", "meta.source")
                if None not in parts and ("citation" not in raw or citation is not None):
                    source = Source(*parts, citation)  # type: ignore[arg-type]
        if None in (ident, version, title, intro, source):
            return None
        return ident, version, title, intro, source

    def scale(self, value: Any) -> Scale | None:
        scale = self.table(value, "scale", ("min", "max", "points", "dont_know"))
        if scale is None:
            return None
        low = self.integer(scale, "min", "scale")
        high = self.integer(scale, "max", "scale")
        for name, number in (("min", low), ("max", high)):
            if number is not None and abs(number) > MAX_SCALE_VALUE:
                self.problem(f"scale.{name}", f"must lie between -{MAX_SCALE_VALUE} and "
                                              f"{MAX_SCALE_VALUE}")
                return None
        if low is not None and high is not None and low >= high:
            self.problem("scale.max", f"must be greater than scale.min ({low})")
            low = high = None
        elif low is not None and high is not None and high - low + 1 > MAX_SCALE_POINTS:
            self.problem("scale.max", f"the scale {low}–{high} has {high - low + 1} points, "
                                      f"at most {MAX_SCALE_POINTS}")
            return None
        dont_know = self.text(scale, "dont_know", "scale")
        points: dict[int, ScalePoint] = {}
        raw_points = self.tables(scale.get("points"), "scale.points", MAX_SCALE_POINTS)
        for i, raw in enumerate(raw_points):
            path = f"scale.points[{i}]"
            point = self.table(raw, path, ("value", "label"))
            if point is None:
                continue
            number = self.integer(point, "value", path)
            label = self.text(point, "label", path)
            if number is None or label is None:
                continue
            if low is not None and high is not None and not low <= number <= high:
                self.problem(f"{path}.value", f"{number} is outside the scale {low}–{high}")
            elif number in points:
                self.problem(f"{path}.value", f"{number} has a label already")
            else:
                points[number] = ScalePoint(number, label)
        if low is None or high is None or dont_know is None:
            return None
        for number in range(low, high + 1):
            if number not in points and "points" in scale:
                self.problem("scale.points", f"no label for {number}")
        if len(points) != high - low + 1:
            return None
        return Scale(low, high, tuple(points[v] for v in sorted(points)), dont_know)

    def scoring(self, value: Any, scale: Scale | None) -> tuple[Fraction, tuple[Band, ...]] | None:
        scoring = self.table(value, "scoring", ("bands",), ("disagreement_range",))
        if scoring is None:
            return None
        disagreement = DEFAULT_DISAGREEMENT_RANGE
        if "disagreement_range" in scoring:
            number = self.number(scoring, "disagreement_range", "scoring")
            if number is None:
                return None
            if scale is not None and not 0 < number <= scale.max - scale.min:
                self.problem(
                    "scoring.disagreement_range",
                    f"must be more than 0 and at most {scale.max - scale.min}",
                )
            disagreement = number
        raw_bands = self.tables(scoring.get("bands"), "scoring.bands", MAX_BANDS)
        bands: list[Band] = []
        seen: dict[str, str] = {}
        previous: Fraction | None = None
        for i, raw in enumerate(raw_bands):
            path = f"scoring.bands[{i}]"
            last = i == len(raw_bands) - 1
            required = ("id", "label", "description") + (() if last else ("below",))
            band = self.table(raw, path, required, ("below",) if last else ())
            if band is None:
                continue
            if last and "below" in band:
                self.problem(f"{path}.below", "must be left out: the last band covers the rest")
            ident = self.ident(band, path, seen)
            label = self.text(band, "label", path)
            description = self.text(band, "description", path)
            below = None if last else self.number(band, "below", path)
            if below is not None and scale is not None:
                if not scale.min < below <= scale.max:
                    inside = f"{scale.min}–{scale.max}"
                    self.problem(f"{path}.below",
                                 f"{_show(below)} is not inside the scale {inside}")
                elif previous is not None and below <= previous:
                    self.problem(
                        f"{path}.below",
                        f"{_show(below)} must be greater than the band before ({_show(previous)})",
                    )
                previous = below
            if ident and label and description:
                bands.append(Band(ident, label, description, below))
        if len(raw_bands) < 2:
            self.problem("scoring.bands", "needs at least 2 bands")
        if len(bands) != len(raw_bands):
            return None
        return disagreement, tuple(bands)

    def chain(
        self, value: Any, scale: Scale | None
    ) -> tuple[Fraction, tuple[LevelDefault, ...]] | None:
        """The optional ``[chain]`` table: the gap that breaks the chain, the default levels."""
        chain = self.table(value, "chain", (), ("gap", "levels"))
        if chain is None:
            return None
        gap: Fraction | None = DEFAULT_CHAIN_GAP
        if "gap" in chain:
            gap = self.number(chain, "gap", "chain")
            span = scale.max - scale.min if scale is not None else None
            if gap is not None and span is not None and not 0 < gap <= span:
                self.problem("chain.gap", f"must be more than 0 and at most {span}, "
                                          f"not {_show(gap)}")
                gap = None
        levels: list[LevelDefault | None] = []
        if "levels" in chain:
            seen: dict[str, str] = {}
            raw_levels = self.tables(chain["levels"], "chain.levels", MAX_LEVELS)
            levels = [self.level(raw, f"chain.levels[{i}]", seen)
                      for i, raw in enumerate(raw_levels)]
            if not raw_levels:
                levels = [None]
        if gap is None or None in levels:
            return None
        return gap, tuple(levels)  # type: ignore[arg-type]

    def level(self, raw: Any, path: str, seen: dict[str, str]) -> LevelDefault | None:
        level = self.table(raw, path, ("id", "name"))
        if level is None:
            return None
        ident = self.ident(level, path, seen)
        name = self.text(level, "name", path)
        if ident is None or name is None:
            return None
        return LevelDefault(ident, name)

    def themes(self, value: Any, bands: tuple[Band, ...] | None) -> tuple[Theme, ...] | None:
        theme_ids: dict[str, str] = {}
        question_ids: dict[str, str] = {}
        suggestion_ids: dict[str, str] = {}
        themes: list[Theme] = []
        raw_themes = self.tables(value, "themes", MAX_THEMES)
        for i, raw in enumerate(raw_themes):
            path = f"themes[{i}]"
            theme = self.table(
                raw, path, ("id", "title", "summary", "intro", "questions", "suggestions"),
                ("chain_suggestions",),
            )
            if theme is None:
                continue
            ident = self.ident(theme, path, theme_ids)
            title = self.text(theme, "title", path)
            summary = self.text(theme, "summary", path)
            intro = self.text(theme, "intro", path)
            questions = [
                self.question(q, f"{path}.questions[{j}]", ident or "", question_ids)
                for j, q in enumerate(self.tables(theme.get("questions"), f"{path}.questions",
                                                  MAX_QUESTIONS_PER_THEME))
            ]
            suggestions = [
                self.suggestion(s, f"{path}.suggestions[{j}]", bands, suggestion_ids)
                for j, s in enumerate(self.tables(theme.get("suggestions"), f"{path}.suggestions",
                                                  MAX_SUGGESTIONS_PER_THEME))
            ]
            if bands is not None and "suggestions" in theme:
                present = {s.band for s in suggestions if s is not None}
                for band in bands:
                    if band.id not in present:
                        self.problem(f"{path}.suggestions", f'no suggestion for band "{band.id}"')
            # Optional, so that snapshots stored before the leadership chain still load. The
            # ids share one namespace with the suggestions: an action remembers either.
            chain_suggestions: list[ChainSuggestion | None] = []
            if "chain_suggestions" in theme:
                raw_chain = self.tables(theme["chain_suggestions"], f"{path}.chain_suggestions",
                                        MAX_CHAIN_SUGGESTIONS_PER_THEME)
                chain_suggestions = [
                    self.chain_suggestion(s, f"{path}.chain_suggestions[{j}]", suggestion_ids)
                    for j, s in enumerate(raw_chain)
                ] or [None]
            parts_ok = ident and title and summary and intro and questions and suggestions
            if (parts_ok and None not in questions and None not in suggestions
                    and None not in chain_suggestions):
                themes.append(
                    Theme(ident, title, summary, intro, tuple(questions), tuple(suggestions),
                          tuple(chain_suggestions))  # type: ignore[arg-type]
                )
        if len(themes) != len(raw_themes) or not themes:
            return None
        return tuple(themes)

    def question(
        self, raw: Any, path: str, theme_id: str, seen: dict[str, str]
    ) -> Question | None:
        question = self.table(raw, path, ("id", "text"), ("reverse", "weight"))
        if question is None:
            return None
        ident = self.ident(question, path, seen)
        text = self.text(question, "text", path)
        reverse = question.get("reverse", False)
        if not isinstance(reverse, bool):
            self.problem(f"{path}.reverse", "must be true or false")
            return None
        weight = DEFAULT_WEIGHT
        if "weight" in question:
            number = self.number(question, "weight", path)
            if number is None:
                return None
            if not 0 < number <= MAX_WEIGHT:
                self.problem(f"{path}.weight", f"must be greater than 0 and at most "
                                               f"{MAX_WEIGHT}, not {_show(number)}")
                return None
            weight = number
        if ident is None or text is None:
            return None
        return Question(ident, theme_id, text, reverse, weight)

    def suggestion(
        self, raw: Any, path: str, bands: tuple[Band, ...] | None, seen: dict[str, str]
    ) -> Suggestion | None:
        suggestion = self.table(raw, path, ("id", "band", "title", "text"))
        if suggestion is None:
            return None
        ident = self.ident(suggestion, path, seen)
        band = self.string(suggestion, "band", path)
        if band is not None and bands is not None and band not in {b.id for b in bands}:
            known = ", ".join(b.id for b in bands)
            self.problem(f"{path}.band", f'unknown band "{band}" (known: {known})')
            band = None
        title = self.text(suggestion, "title", path)
        text = self.text(suggestion, "text", path)
        if None in (ident, band, title, text):
            return None
        return Suggestion(ident, band, title, text)  # type: ignore[arg-type]

    def chain_suggestion(
        self, raw: Any, path: str, seen: dict[str, str]
    ) -> ChainSuggestion | None:
        suggestion = self.table(raw, path, ("id", "title", "text"))
        if suggestion is None:
            return None
        ident = self.ident(suggestion, path, seen)
        title = self.text(suggestion, "title", path)
        text = self.text(suggestion, "text", path)
        if ident is None or title is None or text is None:
            return None
        return ChainSuggestion(ident, title, text)


def _show(number: Fraction) -> str:
    """A number in a problem message: 2.5, 7, 1e+308."""
    if number.denominator == 1 and abs(number) < 10**15:
        return str(number.numerator)
    return f"{float(number):g}"


def _join(path: str, key: str) -> str:
    return key if path == "<document>" else f"{path}.{key}"
