"""Quality checks on the questionnaire's texts: warnings, not errors.

``content.py`` refuses a file the app cannot use. This module looks at a file
the app *can* use and points out texts that break the house rules for good
survey items and plain Danish (issue 11):

- a Danish statement longer than :data:`MAX_STATEMENT_WORDS` words or with a
  LIX above :data:`MAX_STATEMENT_LIX`;
- an intro longer than :data:`MAX_INTRO_SENTENCES` sentences, or a Danish intro with a
  LIX above :data:`MAX_INTRO_LIX`;
- themes whose numbers of statements differ by more than :data:`MAX_STATEMENT_COUNT_SPREAD`,
  and a theme without exactly :data:`REVERSE_PER_THEME` reverse-worded statements;
- a reverse-worded statement with a negation in it (disagreeing with it would
  be a double negative);
- a suggestion that names no time for its follow-up, or no owner
  (:data:`OWNER_WORDS`), or whose Danish text has a LIX above :data:`MAX_SUGGESTION_LIX`;
- a theme with fewer than :data:`MIN_SUGGESTIONS_PER_BAND` suggestions in a band;
- no default levels for the leadership chain (``[[chain.levels]]``);
- a theme with fewer than :data:`MIN_CHAIN_SUGGESTIONS` suggestions for a break in the
  chain, or none for one of the two directions of a break (:data:`CHAIN_DIRECTIONS`);
- a chain suggestion that, like a suggestion, names no time or no owner or reads hard
  (LIX), that is longer than :data:`MAX_CHAIN_SUGGESTION_WORDS` words, that names
  neither ``{upper}`` nor ``{lower}``, that names a default level literally (a chain
  may not have it), or that does not follow up with a rerun of the self-assessment
  (:data:`RERUN`);
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

from selfcheck.core.content import (
    CHAIN_DIRECTIONS,
    LANGUAGES,
    ChainSuggestion,
    LevelDefault,
    Questionnaire,
    Text,
)
from selfcheck.core.exact import rounded

MAX_STATEMENT_WORDS = 15
MAX_STATEMENT_LIX = 40
MAX_INTRO_SENTENCES = 3
MAX_INTRO_LIX = 40  # Danish meta.intro and theme intros
MAX_SUGGESTION_LIX = 40  # the Danish text of every suggestion and chain suggestion
MAX_STATEMENT_COUNT_SPREAD = 1  # the most and the fewest statements in a theme differ by ≤ 1
REVERSE_PER_THEME = 2  # reverse-worded statements in every theme, exactly
MIN_SUGGESTIONS_PER_BAND = 4
MIN_CHAIN_SUGGESTIONS = 3  # per theme, for a break in the leadership chain
#: per theme and direction of a break; a chain suggestion without a direction counts for both
MIN_CHAIN_SUGGESTIONS_PER_DIRECTION = 1
MAX_CHAIN_SUGGESTION_WORDS = 40  # in Danish; about 35 is the aim
LONG_WORD_LETTERS = 6  # LIX: a long word has more than this many letters
#: What a placeholder counts as when a chain suggestion's LIX and words are counted: one
#: long word with a capital letter, as the organisation's level names are ("Direktion",
#: "Chefgrupper", "Institutionsledere").
PLACEHOLDER_READING = "Ledelsesled"

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


def show_above(value: Fraction, limit: int) -> str:
    """A LIX value over ``limit`` in a message: one decimal, or as many more (up to four) as it
    takes not to look like the limit itself (40.01 is "40.01", never "40.0")."""
    for digits in range(1, 5):
        shown = rounded(value, digits)
        if shown > limit:
            break
    return str(shown)


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


#: A suggestion must say who does it: someone who answers for it. Any of these counts
#: (regular expressions, matched case-insensitively). Kept small on purpose, like
#: FOLLOW_UP_TIMES: "teamets leder", "direktøren" (also "kommunaldirektøren"), "HR",
#: "en af jer", "... har ansvaret", "... står for", "den (de) ansvarlige ...", "chefen" (also
#: "økonomichefen"). A chain suggestion may say "{upper} har ansvaret".
OWNER_WORDS: dict[str, tuple[str, ...]] = {
    "da": (
        r"\bteamets leder\b", r"direktøren\b", r"\bHR\b", r"\b(?:en|én) af jer\b",
        r"\bhar ansvaret\b", r"\bstår for\b", r"\bden? ansvarlige\b", r"chefen\b",
    ),
    "en": (
        r"\bhead of\b", r"\bdirector\b", r"\bHR\b", r"\bone of you\b",
        r"\bresponsible\b", r"\bin charge\b",
    ),
}

#: A chain suggestion follows up with a rerun of the self-assessment, so the two levels
#: see whether the gap has closed (issue 22).
RERUN: dict[str, str] = {
    "da": r"\bselvevaluering",
    "en": r"\bself-assessment\b",
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
    Avoid("decentrale ledere", r"\bdecentral(?:e)? leder", "da", False,
          'write "institutionsledere" (one word for the same people)'),
    Avoid("led", r"\bled\b", "da", False,
          'write "niveau" for a level of the chain (the word the pages use) and "kategori" '
          'for a score category'),
    # -- wrong words, English
    Avoid("sparring", r"\bsparring\b", "en", False,
          'not English in this sense: write "talk it through" or "advice"'),
    Avoid("professions", r"\bprofessions?\b", "en", False,
          'for "fagområder" write "professional fields" or "disciplines"'),
    Avoid("citizens", r"\bcitizens?(?:'s|s')?\b", "en", False,
          'write "residents" (or "patients" in a region)'),
    # -- absolutes, frequency words and leading words, in statements only
    *(Avoid(word, rf"\b{word}\b", "da", True, "an absolute: a member can hardly agree fully")
      for word in ("alle", "alt", "hver", "hvert", "altid")),
    *(Avoid(word, rf"\b{word}\b", "da", True,
            "a frequency word on an agreement scale: ask about the practice instead")
      for word in ("ofte", "tit", "sjældent", "jævnligt", "regelmæssigt", "mange gange")),
    Avoid("villig til", r"\bvillige? til\b", "da", True,
          "leading: ask what the team does, not what it is willing to do"),
    Avoid("mest", r"\bmest\b", "da", True,
          "a hedge: say in the statement itself what is weak, or what the team does"),
    *(Avoid(word, rf"\b{word}\b", "en", True, "an absolute: a member can hardly agree fully")
      for word in ("all", "every", "each", "always")),
    *(Avoid(word, rf"\b{word}\b", "en", True,
            "a frequency word on an agreement scale: ask about the practice instead")
      for word in ("often", "rarely", "regularly", "many times")),
    Avoid("willing to", r"\bwilling to\b", "en", True,
          "leading: ask what the team does, not what it is willing to do"),
    Avoid("mostly", r"\bmostly\b", "en", True,
          "a hedge: say in the statement itself what is weak, or what the team does"),
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
    found += _statement_count_warnings(questionnaire)
    for i, theme in enumerate(questionnaire.themes):
        for j, question in enumerate(theme.questions):
            path = f"themes[{i}].questions[{j}].text"
            found += _statement_warnings(path, question.text.da, question.text.en,
                                         question.reverse)
        reverse = sum(1 for question in theme.questions if question.reverse)
        if reverse != REVERSE_PER_THEME:
            found.append((f"themes[{i}].questions",
                          f"{reverse} reverse-worded statement(s), exactly {REVERSE_PER_THEME}"))
        for j, suggestion in enumerate(theme.suggestions):
            found += _suggestion_warnings(f"themes[{i}].suggestions[{j}].text", suggestion.text)
        for band in questionnaire.bands:
            count = len(theme.suggestions_for(band.id))
            if count < MIN_SUGGESTIONS_PER_BAND:
                found.append((f"themes[{i}].suggestions",
                              f'{count} suggestion(s) for band "{band.id}", '
                              f"at least {MIN_SUGGESTIONS_PER_BAND}"))
        for j, suggestion in enumerate(theme.chain_suggestions):
            found += _chain_suggestion_warnings(f"themes[{i}].chain_suggestions[{j}]",
                                                suggestion, questionnaire.levels)
        if len(theme.chain_suggestions) < MIN_CHAIN_SUGGESTIONS:
            found.append((f"themes[{i}].chain_suggestions",
                          f"{len(theme.chain_suggestions)} suggestion(s) for a break in the "
                          f"leadership chain, at least {MIN_CHAIN_SUGGESTIONS}"))
        elif theme.chain_suggestions:
            found += _direction_warnings(f"themes[{i}].chain_suggestions", theme.chain_suggestions)
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
        value = lix(text.da)
        if value > MAX_INTRO_LIX:
            yield f"{path}.da", f"LIX {show_above(value, MAX_INTRO_LIX)}, at most {MAX_INTRO_LIX}"


def _statement_count_warnings(questionnaire: Questionnaire) -> Iterator[tuple[str, str]]:
    """Every theme weighs about as much: the numbers of statements differ by at most 1."""
    counts = [len(theme.questions) for theme in questionnaire.themes]
    if max(counts) - min(counts) > MAX_STATEMENT_COUNT_SPREAD:
        fewest, most = counts.index(min(counts)), counts.index(max(counts))
        yield ("themes", f"from {min(counts)} statements (themes[{fewest}]) to {max(counts)} "
                         f"(themes[{most}]): the numbers of statements per theme may differ "
                         f"by at most {MAX_STATEMENT_COUNT_SPREAD}")


def _statement_warnings(path: str, da: str, en: str,
                        reverse: bool) -> Iterator[tuple[str, str]]:
    count = len(words(da))
    if count > MAX_STATEMENT_WORDS:
        yield f"{path}.da", f"{count} words, at most {MAX_STATEMENT_WORDS}"
    value = lix(da)
    if value > MAX_STATEMENT_LIX:
        yield (f"{path}.da",
               f"LIX {show_above(value, MAX_STATEMENT_LIX)}, at most {MAX_STATEMENT_LIX}")
    if reverse:
        for lang, text in (("da", da), ("en", en)):
            negation = _first_negation(text, lang)
            if negation:
                yield (f"{path}.{lang}", f'reverse-worded statement contains the negation '
                                         f'"{negation}" (disagreeing makes a double negative)')


def _suggestion_warnings(path: str, text: Text) -> Iterator[tuple[str, str]]:
    """A suggestion (for a band or for the chain) says when it is followed up and who answers
    for it, and its Danish text reads easily."""
    yield from _follow_up_warnings(path, text)
    for lang in LANGUAGES:
        if not _matches_any(text.get(lang), OWNER_WORDS[lang]):
            example = ('"teamets leder", "HR" or "en af jer har ansvaret"' if lang == "da"
                       else '"the head of the team", "HR" or "one of you is responsible"')
            yield f"{path}.{lang}", f"names no owner (such as {example})"
    value = lix(_readable(text.da))
    if value > MAX_SUGGESTION_LIX:
        yield (f"{path}.da",
               f"LIX {show_above(value, MAX_SUGGESTION_LIX)}, at most {MAX_SUGGESTION_LIX}")


def _follow_up_warnings(path: str, text: Text) -> Iterator[tuple[str, str]]:
    """A suggestion (for a band or for the chain) must say when it is followed up."""
    for lang in LANGUAGES:
        if not _has_follow_up_time(text.get(lang), lang):
            example = ('"om en måned" or "til næste ledelsesmøde"' if lang == "da"
                       else '"in a month" or "at the next leadership meeting"')
            yield f"{path}.{lang}", f"names no time for the follow-up (such as {example})"


def _chain_suggestion_warnings(path: str, suggestion: ChainSuggestion,
                               levels: tuple[LevelDefault, ...]) -> Iterator[tuple[str, str]]:
    """A chain suggestion: a suggestion's rules, and it names the two levels of the break
    by placeholder and follows up with a rerun of the self-assessment."""
    text = suggestion.text
    yield from _suggestion_warnings(f"{path}.text", text)
    count = len(words(_readable(text.da)))
    if count > MAX_CHAIN_SUGGESTION_WORDS:
        yield f"{path}.text.da", f"{count} words, at most {MAX_CHAIN_SUGGESTION_WORDS}"
    for lang in LANGUAGES:
        if not re.search(r"\{(?:upper|lower)\}", text.get(lang)):
            yield (f"{path}.text.{lang}", "names neither {upper} nor {lower}: say which of the "
                                          "two levels of the break take part")
        if not re.search(RERUN[lang], text.get(lang), re.IGNORECASE):
            example = ('"Gentag selvevalueringen om et halvt år"' if lang == "da"
                       else '"Run the self-assessment again in six months"')
            yield (f"{path}.text.{lang}", f"names no rerun of the self-assessment as its "
                                          f"follow-up (such as {example})")
    for key, value in (("title", suggestion.title), ("text", text)):
        for lang in LANGUAGES:
            for level in levels:
                name = level.name.get(lang)
                if re.search(_level_pattern(name, lang), value.get(lang), re.IGNORECASE):
                    yield (f"{path}.{key}.{lang}",
                           f'names the default level "{name}": write {{upper}} or {{lower}}, '
                           f"since an organisation may have renamed or removed it")


def _direction_warnings(path: str,
                        suggestions: tuple[ChainSuggestion, ...]) -> Iterator[tuple[str, str]]:
    """Both directions of a break have a suggestion (one without a direction serves both)."""
    for direction in CHAIN_DIRECTIONS:
        count = sum(1 for s in suggestions if s.direction in (direction, None))
        if count < MIN_CHAIN_SUGGESTIONS_PER_DIRECTION:
            which = "upper" if direction == "upper_higher" else "lower"
            yield (path, f'{count} suggestion(s) for a break where the {which} level scored '
                         f'higher (direction "{direction}"), at least '
                         f"{MIN_CHAIN_SUGGESTIONS_PER_DIRECTION}")


def _readable(text: str) -> str:
    """``text`` as it is read once the level names are put in (see PLACEHOLDER_READING)."""
    return re.sub(r"\{(?:upper|lower)\}", PLACEHOLDER_READING, text)


def _level_pattern(name: str, lang: str) -> str:
    """A level's name in any of its forms: "Chefgrupper" also as "chefgruppen", "Heads of
    service" also as "head of service"."""
    if lang == "da":
        stem = name.casefold()
        for ending in ("erne", "ene", "er", "en", "e", "r"):
            if stem.endswith(ending) and len(stem) - len(ending) >= 5:
                stem = stem[:-len(ending)]
                break
        return rf"\b{re.escape(stem)}\w*"
    parts = [re.escape(word[:-1] if word.endswith("s") and len(word) > 3 else word) + "s?"
             for word in name.casefold().split()]
    return r"\b" + r"\s+".join(parts) + r"\b"


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
    return _matches_any(text, FOLLOW_UP_TIMES[lang])


def _matches_any(text: str, patterns: tuple[str, ...]) -> bool:
    return any(re.search(p, text, re.IGNORECASE) for p in patterns)


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
