"""Quality checks on the questionnaire's texts: warnings, not errors.

``content.py`` refuses a file the app cannot use. This module looks at a file
the app *can* use and points out texts that break the house rules for good
survey items and plain Danish (issue 11):

- a Danish statement longer than :data:`MAX_STATEMENT_WORDS` words or with a
  LIX above :data:`MAX_STATEMENT_LIX`;
- an intro longer than :data:`MAX_INTRO_SENTENCES` sentences;
- a reverse-worded statement with a negation in it (disagreeing with it would
  be a double negative);
- a suggestion that names no time for its follow-up;
- a theme with fewer than :data:`MIN_SUGGESTIONS_PER_BAND` suggestions in a band;
- no default levels for the leadership chain (``[[chain.levels]]``);
- a theme with fewer than :data:`MIN_CHAIN_SUGGESTIONS` suggestions for a break in the
  chain, or a chain suggestion that names no time for its follow-up;
- a word from the glossary's "avoid" list (:data:`AVOID`), in every text of the file.

Each warning names the key path of the text, as ``content.ContentError`` does:
``themes[2].questions[1].text.da: 17 words, at most 15``. ``selfcheck check``
prints them; ``selfcheck check --strict`` treats them as errors.

Pure Python: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from selfcheck.core.content import LANGUAGES, Questionnaire, Text
from selfcheck.core.exact import rounded

MAX_STATEMENT_WORDS = 15
MAX_STATEMENT_LIX = 40
MAX_INTRO_SENTENCES = 3
MIN_SUGGESTIONS_PER_BAND = 4
MIN_CHAIN_SUGGESTIONS = 3  # per theme, for a break in the leadership chain
LONG_WORD_LETTERS = 6  # LIX: a long word has more than this many letters

# --------------------------------------------------------------------------- LIX

#: A word: letters or digits, with inner hyphens, apostrophes or full stops ("KL's",
#: "MED-udvalget", "f.eks").
_WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*")
#: Punctuation that can end a sentence, with any closing quotes or brackets after it.
_END = re.compile(r"[.!?:]+[\"'”’»)]*")
_OPENERS = "\"'“”‘’»«("


def words(text: str) -> list[str]:
    """The words of ``text``; punctuation is ignored."""
    return _WORD.findall(text)


def sentences(text: str) -> list[str]:
    """The sentences of ``text``.

    A sentence ends at ``.``, ``!``, ``?`` or ``:`` when the text ends there or the
    next word starts with a capital letter or a digit. So "fx." and "f.eks. borgere"
    do not end a sentence, and neither does a colon before a list ("tre spørgsmål:
    hvad, hvem"), while a colon before a full sentence does ("spørg: Hvad skal
    ..."), as in Danish writing. Pieces without a word are not sentences.
    """
    pieces: list[str] = []
    start = 0
    for match in _END.finditer(text):
        rest = text[match.end():]
        following = rest.lstrip()
        if following and len(following) == len(rest):
            continue  # no space after it: "f.eks", "kl.10", "3.5"
        first = following.lstrip(_OPENERS)[:1]
        if following and not (first.isupper() or first.isdigit()):
            continue
        pieces.append(text[start:match.end()])
        start = match.end()
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if words(piece)]


def is_long(word: str) -> bool:
    """A long word in LIX: more than six letters (digits and hyphens do not count)."""
    return sum(ch.isalpha() for ch in word) > LONG_WORD_LETTERS


def lix(text: str) -> Fraction:
    """LIX readability: words per sentence + 100 × long words / words, exactly.

    LIX = W / S + 100 × L / W, with W words, S sentences (see :func:`sentences`) and
    L long words (more than six letters). Below 30 is easy reading, 40 is ordinary
    newspaper text, above 50 is hard. An empty text has LIX 0.
    """
    found = words(text)
    if not found:
        return Fraction(0)
    count = len(sentences(text))
    long_words = sum(1 for word in found if is_long(word))
    return Fraction(len(found), count) + Fraction(100 * long_words, len(found))


def show(value: Fraction) -> str:
    """A LIX value in a message: one decimal, rounded half-up (41.666… → 41.7)."""
    return str(rounded(value, 1))


# --------------------------------------------------------------------------- word lists

#: Negations that make a reverse-worded statement a double negative when disagreed with.
NEGATIONS: dict[str, tuple[str, ...]] = {
    "da": ("ikke", "ingen", "intet", "ingenting", "aldrig", "hverken", "uden", "ej", "næppe"),
    "en": ("not", "no", "never", "neither", "nor", "without", "none", "nothing", "cannot",
           "n't", "n’t"),
}

#: A suggestion must say when it is followed up. Any of these counts (regular
#: expressions, matched case-insensitively). Kept small on purpose: a consultant who
#: writes a new suggestion sees the warning and adds a time, not a magic word.
FOLLOW_UP_TIMES: dict[str, tuple[str, ...]] = {
    "da": (
        # "om en måned", "efter tre måneder", "inden for to uger", "om et halvt år"
        r"\b(?:om|efter|inden for) (?:en|et|én|ét|to|tre|fire|fem|seks|otte|tolv|\d+) "
        r"(?:uge|uger|måned|måneder|år)\b",
        r"\b(?:om|efter|inden for) et halvt år\b",
        # "på næste ledelsesmøde", "til næste møde", "ved næste status", "i næste kvartal"
        r"\b(?:på|til|ved|i) (?:det |den )?næste\b",
        r"\bhver(?:t)? (?:uge|måned|kvartal|halve år|år)\b",
        r"\bkvartal", r"\bårshjul", r"\bbudgetseminar", r"\bbudgetopfølgning",
        r"\bbudgetproces",
        r"\b(?:januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|"
        r"december)\b",
    ),
    "en": (
        r"\b(?:in|after|within) (?:a|an|one|two|three|four|five|six|eight|twelve|\d+) "
        r"(?:week|weeks|month|months|year|years)\b",
        r"\bnext\b",
        r"\bevery (?:week|month|quarter|six months|year)\b",
        r"\bquarter", r"\bannual cycle\b", r"\bbudget (?:seminar|follow-up|process)",
        r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
        r"December)\b",
    ),
}


@dataclass(frozen=True)
class Avoid:
    """A word or phrase the glossary in questions.toml tells writers to avoid."""

    term: str  # shown in the warning
    pattern: str  # regular expression, matched case-insensitively
    lang: str  # "da" or "en"
    statements_only: bool  # True: only in statements; False: in every text
    instead: str  # what to write instead, shown in the warning


#: The glossary's "avoid" list (see the comments at the top of questions.toml).
#: Anglicisms and words that say something else than we mean are avoided in every
#: text; absolutes, frequency words and leading words only in statements, where a
#: member must be able to agree or disagree with them on a 1–5 agreement scale.
AVOID: tuple[Avoid, ...] = (
    # -- anglicisms and wrong words, Danish
    Avoid("ejer", r"\bejer\b", "da", False, 'anglicism ("owns"): write "har ansvaret for"'),
    Avoid("sætte op", r"\bsæt(?:te|ter|tes)?\s+(?:\w+\s+){0,3}?op\b", "da", False,
          'anglicism ("set up"): write "lave", "oprette" or "arrangere"'),
    Avoid("den næste måned", r"\b(?:den|det) næste (?:uge|måned|år)\b", "da", False,
          'anglicism ("the next month"): write "inden for en måned" or "det kommende år"'),
    Avoid("udadtil", r"\budadtil\b", "da", False,
          'means "towards outsiders": say who, for example "over for lederne under os"'),
    Avoid("nærmeste ledere", r"\b(?:jeres|vores|deres|sine|dine) nærmeste ledere\b", "da",
          False, 'means your own bosses: write "lederne under jer"'),
    Avoid("gøre godt for", r"\bgør(?:e)? godt for\b", "da", False,
          'sounds sceptical: write "hensigten med"'),
    Avoid("bedre mål", r"\bet bedre mål\b", "da", False,
          '"mål" means goal: write "måling" or "tal" for a measurement'),
    Avoid("fagsøjler", r"\bfagsøjle", "da", False, 'write "fagområder"'),
    Avoid("formål", r"\bformål", "da", False, 'write "hensigt" (one word for the purpose)'),
    # -- wrong words, English
    Avoid("sparring", r"\bsparring\b", "en", False,
          'not English in this sense: write "talk it through" or "advice"'),
    Avoid("professions", r"\bprofessions?\b", "en", False,
          'for "fagområder" write "professional fields" or "disciplines"'),
    # -- absolutes, frequency words and leading words, in statements only
    *(Avoid(word, rf"\b{word}\b", "da", True, "an absolute: a member can hardly agree fully")
      for word in ("alle", "alt", "hver", "hvert", "altid")),
    *(Avoid(word, rf"\b{word}\b", "da", True,
            "a frequency word on an agreement scale: ask about the practice instead")
      for word in ("ofte", "tit", "sjældent", "jævnligt", "regelmæssigt", "mange gange")),
    Avoid("villig til", r"\bvillige? til\b", "da", True,
          "leading: ask what the team does, not what it is willing to do"),
    *(Avoid(word, rf"\b{word}\b", "en", True, "an absolute: a member can hardly agree fully")
      for word in ("all", "every", "each", "always")),
    *(Avoid(word, rf"\b{word}\b", "en", True,
            "a frequency word on an agreement scale: ask about the practice instead")
      for word in ("often", "rarely", "regularly", "many times")),
    Avoid("willing to", r"\bwilling to\b", "en", True,
          "leading: ask what the team does, not what it is willing to do"),
)


# --------------------------------------------------------------------------- the checks


def warnings(questionnaire: Questionnaire, document: Mapping[str, Any]) -> list[str]:
    """Every warning for a valid questionnaire, as ``"<key path>: <message>"``.

    ``document`` is the plain data ``questionnaire`` was parsed from; it gives the key
    path of every text for the avoid list. Warnings come in document order.
    """
    found: list[tuple[str, str]] = []
    if questionnaire.source.citation is None:
        found.append(("meta.source.citation", "missing: say where the content comes from "
                      "(the publication as summarised by KL, and that the themes are a reading "
                      "of that summary)"))
    found += _intro_warnings(questionnaire)
    if not questionnaire.levels:
        found.append(("chain.levels", "missing: give the default levels of an organisation's "
                      "leadership chain, top first (such as direktion, chefgruppe, "
                      "institutionsledere)"))
    for i, theme in enumerate(questionnaire.themes):
        for j, question in enumerate(theme.questions):
            path = f"themes[{i}].questions[{j}].text"
            found += _statement_warnings(path, question.text.da, question.text.en,
                                         question.reverse)
        for j, suggestion in enumerate(theme.suggestions):
            found += _follow_up_warnings(f"themes[{i}].suggestions[{j}].text", suggestion.text)
        for band in questionnaire.bands:
            count = len(theme.suggestions_for(band.id))
            if count < MIN_SUGGESTIONS_PER_BAND:
                found.append((f"themes[{i}].suggestions",
                              f'{count} suggestion(s) for band "{band.id}", '
                              f"at least {MIN_SUGGESTIONS_PER_BAND}"))
        for j, suggestion in enumerate(theme.chain_suggestions):
            found += _follow_up_warnings(f"themes[{i}].chain_suggestions[{j}].text",
                                         suggestion.text)
        if len(theme.chain_suggestions) < MIN_CHAIN_SUGGESTIONS:
            found.append((f"themes[{i}].chain_suggestions",
                          f"{len(theme.chain_suggestions)} suggestion(s) for a break in the "
                          f"leadership chain, at least {MIN_CHAIN_SUGGESTIONS}"))
    found += _avoid_warnings(document)
    order = {path: n for n, path in enumerate(_text_paths(document))}
    found.sort(key=lambda item: _position(item[0], order))
    return [f"{path}: {message}" for path, message in found]


def _intro_warnings(questionnaire: Questionnaire) -> Iterator[tuple[str, str]]:
    intros = [("meta.intro", questionnaire.intro)]
    intros += [(f"themes[{i}].intro", t.intro) for i, t in enumerate(questionnaire.themes)]
    for path, text in intros:
        for lang in LANGUAGES:
            count = len(sentences(text.get(lang)))
            if count > MAX_INTRO_SENTENCES:
                yield (f"{path}.{lang}",
                       f"{count} sentences, at most {MAX_INTRO_SENTENCES}")


def _statement_warnings(path: str, da: str, en: str,
                        reverse: bool) -> Iterator[tuple[str, str]]:
    count = len(words(da))
    if count > MAX_STATEMENT_WORDS:
        yield f"{path}.da", f"{count} words, at most {MAX_STATEMENT_WORDS}"
    value = lix(da)
    if value > MAX_STATEMENT_LIX:
        yield f"{path}.da", f"LIX {show(value)}, at most {MAX_STATEMENT_LIX}"
    if reverse:
        for lang, text in (("da", da), ("en", en)):
            negation = _first_negation(text, lang)
            if negation:
                yield (f"{path}.{lang}", f'reverse-worded statement contains the negation '
                                         f'"{negation}" (disagreeing makes a double negative)')


def _follow_up_warnings(path: str, text: Text) -> Iterator[tuple[str, str]]:
    """A suggestion (for a band or for the chain) must say when it is followed up."""
    for lang in LANGUAGES:
        if not _has_follow_up_time(text.get(lang), lang):
            example = ('"om en måned" or "til næste ledelsesmøde"' if lang == "da"
                       else '"in a month" or "at the next leadership meeting"')
            yield f"{path}.{lang}", f"names no time for the follow-up (such as {example})"


def _first_negation(text: str, lang: str) -> str | None:
    lowered = text.casefold()
    for word in NEGATIONS[lang]:
        # "n't" sits inside a word ("don't"), so it has no word boundary before it
        start = "" if word.startswith("n") and not word.isalpha() else r"\b"
        pattern = rf"{start}{re.escape(word)}\b"
        if re.search(pattern, lowered):
            return word
    return None


def _has_follow_up_time(text: str, lang: str) -> bool:
    return any(re.search(p, text, re.IGNORECASE) for p in FOLLOW_UP_TIMES[lang])


def _avoid_warnings(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for path, lang, text in _texts(document):
        statement = re.fullmatch(r"themes\[\d+\]\.questions\[\d+\]\.text\.[a-z]+", path)
        for avoid in AVOID:
            if avoid.lang != lang or (avoid.statements_only and not statement):
                continue
            if re.search(avoid.pattern, text, re.IGNORECASE):
                yield path, f'avoid "{avoid.term}": {avoid.instead}'


def _texts(value: Any, path: str = "") -> Iterator[tuple[str, str, str]]:
    """Every language text in the document: (key path, language, text)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if isinstance(item, str) and key in LANGUAGES:
                yield inner, key, item
            else:
                yield from _texts(item, inner)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _texts(item, f"{path}[{n}]")


def _text_paths(document: Mapping[str, Any]) -> list[str]:
    return [path for path, _lang, _text in _texts(document)]


def _position(path: str, order: dict[str, int]) -> tuple[int, int]:
    """Sort key: the text's place in the document; a table's path comes after its texts.

    A path that is not in the document (a missing table such as a theme's
    ``chain_suggestions``) sorts after the texts of the nearest table that is.
    """
    if path in order:
        return order[path], 0
    inner = [n for p, n in order.items() if p.startswith((path + ".", path + "["))]
    if inner:
        return max(inner), 1
    cut = max(path.rfind("."), path.rfind("["))
    if cut > 0:
        return _position(path[:cut], order)
    return len(order), 1
