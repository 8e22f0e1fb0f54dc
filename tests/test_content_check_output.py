"""`selfcheck check` on broken questionnaires: the exact output, pinned per file.

Every case below starts from the shipped questions.toml and breaks one or two things; its
docstring says what. The test writes the broken file, runs ``selfcheck check FILE`` and
compares exit code, stdout and stderr with ``tests/data/broken_content/<case>.txt``, in
which the file's path is written ``<file>``.

The expected files were written by the hand-written reader that content validation had
before pydantic, so they show that the problems, their key paths and their wording did
not change. A deliberate change of wording rewrites them with

    SELFCHECK_WRITE_EXPECTED=1 .venv/bin/python -m pytest tests/test_content_check_output.py

and the diff of the expected files then shows every line that changed.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
from click.testing import CliRunner

from selfcheck.cli import main
from selfcheck.core.content import read_document
from selfcheck.resources import default_questions_file

QUESTIONS_FILE = default_questions_file()
EXPECTED = Path(__file__).parent / "data" / "broken_content"
WRITE = os.environ.get("SELFCHECK_WRITE_EXPECTED") == "1"

#: case name → function that gets the shipped document (or, for a text case, the file's
#: text) and returns the broken document, text or bytes.
CASES: dict[str, tuple[str, Callable]] = {}


def case(function: Callable[[dict], object]) -> Callable:
    """A case that edits the document as data; it is written back with tomli_w."""
    CASES[function.__name__] = ("document", function)
    return function


def text_case(function: Callable[[str], str | bytes]) -> Callable:
    """A case that edits the text of questions.toml itself."""
    CASES[function.__name__] = ("text", function)
    return function


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def extra_level(n: int) -> dict:
    return {"id": f"level_{n}", "name": {"da": f"Led {n}", "en": f"Level {n}"}}


# --------------------------------------------------------------------- the file as a whole


@text_case
def bad_toml_syntax(text):
    """The '=' of chain.gap is missing."""
    return replace_once(text, "\ngap = 1.0 ", "\ngap 1.0 ")


@text_case
def not_utf8(text):
    """The first "å" is one Latin-1 byte, not UTF-8."""
    return text.encode("utf-8").replace("å".encode(), "å".encode("latin-1"), 1)


@text_case
def empty_file(text):
    """Nothing in the file."""
    return ""


@text_case
def weight_too_large_for_a_float(text):
    """A statement's weight is 10**400: refused with its value, never a traceback."""
    return replace_once(text, 'id = "purpose_why"\n', 'id = "purpose_why"\nweight = 1' + "0" * 400
                        + "\n")


@text_case
def integer_too_long_to_read(text):
    """A weight of 5001 digits, more than Python reads as a whole number."""
    return replace_once(text, 'id = "purpose_why"\n', 'id = "purpose_why"\nweight = 1'
                        + "0" * 5000 + "\n")


@case
def top_level_missing_and_unknown(doc):
    """[scoring] is deleted and [[themes]] is spelt [[temes]]."""
    del doc["scoring"]
    doc["temes"] = doc.pop("themes")
    return doc


# --------------------------------------------------------------------- meta


@case
def meta_not_a_table(doc):
    """meta is a string."""
    doc["meta"] = "maalstyring"
    return doc


@case
def meta_missing_version_and_unknown_key(doc):
    """meta.version deleted; meta.titel added."""
    del doc["meta"]["version"]
    doc["meta"]["titel"] = "typo"
    return doc


@case
def meta_wrong_types(doc):
    """meta.version is the float 2.0; meta.id has upper case and a non-ASCII letter."""
    doc["meta"]["version"] = 2.0
    doc["meta"]["id"] = "Målstyring"
    return doc


@case
def source_broken(doc):
    """meta.source: year is a string, url is deleted, citation.en is deleted."""
    source = doc["meta"]["source"]
    source["year"] = "2019"
    del source["url"]
    del source["citation"]["en"]
    return doc


@case
def source_year_float_and_citation_string(doc):
    """meta.source.year is 2019.0; the citation is one string, not a table of languages."""
    doc["meta"]["source"]["year"] = 2019.0
    doc["meta"]["source"]["citation"] = "KL, 2019"
    return doc


@text_case
def source_year_a_date(text):
    """meta.source.year is a TOML date."""
    return replace_once(text, "\nyear = 2019\n", "\nyear = 2019-01-14\n")


@case
def text_too_long(doc):
    """meta.title.en has 4001 characters."""
    doc["meta"]["title"]["en"] = "x" * 4001
    return doc


@case
def unknown_language_and_empty_text(doc):
    """themes[0].title gets a German text; themes[1].intro.da is only spaces."""
    doc["themes"][0]["title"]["de"] = "Ziele"
    doc["themes"][1]["intro"]["da"] = "   "
    return doc


# --------------------------------------------------------------------- scale


@case
def scale_min_above_max(doc):
    """scale.min is 5 and scale.max is 1."""
    doc["scale"]["min"] = 5
    doc["scale"]["max"] = 1
    return doc


@case
def scale_max_a_string(doc):
    """scale.max is "5"."""
    doc["scale"]["max"] = "5"
    return doc


@case
def scale_too_many_points(doc):
    """The scale runs 0–20."""
    doc["scale"]["min"] = 0
    doc["scale"]["max"] = 20
    return doc


@case
def scale_beyond_bounds(doc):
    """scale.min is -200."""
    doc["scale"]["min"] = -200
    return doc


@case
def scale_bool_and_float_for_integers(doc):
    """scale.min is true, scale.max is 5.0."""
    doc["scale"]["min"] = True
    doc["scale"]["max"] = 5.0
    return doc


@case
def scale_points_broken(doc):
    """The third point is deleted, the first has value 9, the second lacks label.en."""
    points = doc["scale"]["points"]
    del points[2]
    points[0]["value"] = 9
    del points[1]["label"]["en"]
    return doc


@case
def scale_point_value_twice(doc):
    """The last point has value 4, like the one before it."""
    doc["scale"]["points"][4]["value"] = 4
    return doc


@case
def scale_points_missing(doc):
    """scale.points deleted."""
    del doc["scale"]["points"]
    return doc


@case
def scale_points_not_tables(doc):
    """scale.points is a list of strings."""
    doc["scale"]["points"] = [p["label"]["da"] for p in doc["scale"]["points"]]
    return doc


@case
def scale_too_many_point_entries(doc):
    """scale.points has 12 entries."""
    points = doc["scale"]["points"]
    points += [copy.deepcopy(points[0]) for _ in range(12 - len(points))]
    return doc


@case
def scale_dont_know_missing(doc):
    """scale.dont_know deleted, scale.labels added."""
    del doc["scale"]["dont_know"]
    doc["scale"]["labels"] = []
    return doc


# --------------------------------------------------------------------- scoring


@case
def bands_not_rising(doc):
    """The first band ends below 3.75, the second below 2.5."""
    doc["scoring"]["bands"][0]["below"] = 3.75
    doc["scoring"]["bands"][1]["below"] = 2.5
    return doc


@case
def band_limits_outside_the_scale(doc):
    """The first band ends below 1 (the scale's minimum), the second below 7."""
    doc["scoring"]["bands"][0]["below"] = 1
    doc["scoring"]["bands"][1]["below"] = 7
    return doc


@case
def last_band_with_a_limit(doc):
    """The last band has below = 5."""
    doc["scoring"]["bands"][2]["below"] = 5
    return doc


@case
def band_without_a_limit(doc):
    """The first band's below is deleted."""
    del doc["scoring"]["bands"][0]["below"]
    return doc


@case
def threshold_a_string(doc):
    """The second band's below is "3.75"."""
    doc["scoring"]["bands"][1]["below"] = "3.75"
    return doc


@case
def threshold_a_bool(doc):
    """The first band's below is true."""
    doc["scoring"]["bands"][0]["below"] = True
    return doc


@text_case
def threshold_nan(text):
    """The first band's below is nan."""
    return replace_once(text, "\nbelow = 2.5\n", "\nbelow = nan\n")


@case
def one_band(doc):
    """Only the first band is left."""
    doc["scoring"]["bands"] = doc["scoring"]["bands"][:1]
    return doc


@case
def duplicate_band_id(doc):
    """The second band's id is "develop", like the first."""
    doc["scoring"]["bands"][1]["id"] = "develop"
    return doc


@case
def band_missing_label(doc):
    """The label of the second band deleted."""
    del doc["scoring"]["bands"][1]["label"]
    return doc


@case
def disagreement_range_a_bool(doc):
    """scoring.disagreement_range is true."""
    doc["scoring"]["disagreement_range"] = True
    return doc


@case
def disagreement_range_zero(doc):
    """scoring.disagreement_range is 0."""
    doc["scoring"]["disagreement_range"] = 0
    return doc


@case
def scoring_unknown_key_and_bands_empty(doc):
    """scoring.disagreement added (a typo); scoring.bands is an empty list."""
    doc["scoring"]["disagreement"] = 2
    doc["scoring"]["bands"] = []
    return doc


# --------------------------------------------------------------------- chain


@case
def chain_gap_a_string_and_unknown_key(doc):
    """chain.gap is "1"; chain.gab added."""
    doc["chain"]["gap"] = "1"
    doc["chain"]["gab"] = 1
    return doc


@case
def chain_gap_beyond_the_span(doc):
    """chain.gap is 4.5 on the scale 1–5."""
    doc["chain"]["gap"] = 4.5
    return doc


@text_case
def chain_gap_inf(text):
    """chain.gap is inf."""
    return replace_once(text, "\ngap = 1.0 ", "\ngap = inf ")


@case
def chain_levels_empty(doc):
    """chain.levels is an empty list."""
    doc["chain"]["levels"] = []
    return doc


@case
def chain_too_many_levels(doc):
    """Six more levels (9 in all), one with a duplicate id."""
    levels = doc["chain"]["levels"]
    levels += [extra_level(n) for n in range(5)] + [copy.deepcopy(levels[0])]
    return doc


@case
def chain_levels_broken(doc):
    """levels[0].id is "Direktion", levels[1].id is "direktion", levels[2].name deleted."""
    levels = doc["chain"]["levels"]
    levels[0]["id"] = "Direktion"
    levels[1]["id"] = "direktion"
    del levels[2]["name"]
    return doc


@case
def chain_not_a_table(doc):
    """chain is the number 1.0."""
    doc["chain"] = 1.0
    return doc


# --------------------------------------------------------------------- themes


@case
def missing_translation(doc):
    """themes[2].questions[1].text.en deleted."""
    del doc["themes"][2]["questions"][1]["text"]["en"]
    return doc


@case
def duplicate_question_id(doc):
    """The first statement of themes[1] gets the id of the first statement of themes[0]."""
    doc["themes"][1]["questions"][0]["id"] = doc["themes"][0]["questions"][0]["id"]
    return doc


@case
def duplicate_theme_id(doc):
    """themes[3].id is "purpose", like themes[0]."""
    doc["themes"][3]["id"] = "purpose"
    return doc


@case
def chain_suggestion_id_of_a_suggestion(doc):
    """A chain suggestion of themes[1] gets the id of the first suggestion of themes[0]."""
    doc["themes"][1]["chain_suggestions"][2]["id"] = doc["themes"][0]["suggestions"][0]["id"]
    return doc


@case
def unknown_keys(doc):
    """A statement gets "wieght", a theme "titel"."""
    doc["themes"][0]["questions"][0]["wieght"] = 2
    doc["themes"][4]["titel"] = "typo"
    return doc


@case
def reverse_yes(doc):
    """reverse is "yes" for one statement and 1 for another."""
    doc["themes"][0]["questions"][2]["reverse"] = "yes"
    doc["themes"][1]["questions"][0]["reverse"] = 1
    return doc


@case
def weights_out_of_range(doc):
    """Weights 0, 1000, -1 and 100.5 (the largest allowed is 100) on the first four statements."""
    questions = doc["themes"][0]["questions"][:4]
    for question, weight in zip(questions, (0, 1000, -1, 100.5), strict=True):
        question["weight"] = weight
    return doc


@case
def weights_no_numbers(doc):
    """Weights "heavy", true, nan and inf."""
    questions = doc["themes"][1]["questions"]
    for question, weight in zip(questions, ("heavy", True, float("nan"), float("inf")),
                                strict=False):
        question["weight"] = weight
    return doc


@case
def too_many_themes(doc):
    """21 themes: the six repeated."""
    doc["themes"] = (doc["themes"] * 4)[:21]
    return doc


@case
def themes_empty(doc):
    """themes is an empty list."""
    doc["themes"] = []
    return doc


@case
def theme_not_a_table(doc):
    """themes[2] is a string."""
    doc["themes"][2] = doc["themes"][2]["id"]
    return doc


@case
def questions_empty(doc):
    """themes[0].questions is an empty list."""
    doc["themes"][0]["questions"] = []
    return doc


@case
def suggestions_empty(doc):
    """themes[1].suggestions is an empty list."""
    doc["themes"][1]["suggestions"] = []
    return doc


@case
def too_many_questions(doc):
    """themes[2] has 31 statements."""
    questions = doc["themes"][2]["questions"]
    questions += [{**questions[0], "id": f"extra_{n}"} for n in range(31 - len(questions))]
    return doc


@case
def bad_ids(doc):
    """Ids "Outside In", 5 and "" (empty)."""
    doc["themes"][1]["questions"][0]["id"] = "Outside In"
    doc["themes"][1]["questions"][1]["id"] = 5
    doc["themes"][1]["suggestions"][0]["id"] = ""
    return doc


@case
def id_starts_with_a_digit(doc):
    """The theme id "1st"."""
    doc["themes"][0]["id"] = "1st"
    return doc


@case
def duplicate_id_after_stripping(doc):
    """themes[1].id is " purpose ": ids lose surrounding spaces, so it is "purpose" again."""
    doc["themes"][1]["id"] = " purpose "
    return doc


@case
def statement_without_id(doc):
    """The id of themes[3].questions[2] deleted."""
    del doc["themes"][3]["questions"][2]["id"]
    return doc


@case
def questions_missing(doc):
    """themes[4].questions deleted."""
    del doc["themes"][4]["questions"]
    return doc


@case
def too_many_suggestions(doc):
    """themes[0] has 61 suggestions."""
    suggestions = doc["themes"][0]["suggestions"]
    suggestions += [{**suggestions[0], "id": f"extra_{n}"} for n in range(61 - len(suggestions))]
    return doc


@case
def band_without_suggestion(doc):
    """themes[3] loses its suggestions for "strength"."""
    theme = doc["themes"][3]
    theme["suggestions"] = [s for s in theme["suggestions"] if s["band"] != "strength"]
    return doc


@case
def suggestion_for_unknown_band(doc):
    """A suggestion of themes[0] is for the band "strong"."""
    doc["themes"][0]["suggestions"][0]["band"] = "strong"
    return doc


@case
def suggestion_texts_broken(doc):
    """A suggestion's title deleted, another's text is a list."""
    suggestions = doc["themes"][5]["suggestions"]
    del suggestions[0]["title"]
    suggestions[1]["text"] = [suggestions[1]["text"]["da"]]
    return doc


@case
def statement_texts_wrong_types(doc):
    """A statement's text.da is 5; another's text is one string."""
    questions = doc["themes"][4]["questions"]
    questions[0]["text"]["da"] = 5
    questions[1]["text"] = questions[1]["text"]["da"]
    return doc


@case
def chain_suggestions_empty(doc):
    """themes[0].chain_suggestions is an empty list."""
    doc["themes"][0]["chain_suggestions"] = []
    return doc


@case
def chain_suggestions_broken(doc):
    """A chain suggestion gets a band, another loses text.da, a third its title."""
    doc["themes"][0]["chain_suggestions"][0]["band"] = "develop"
    del doc["themes"][4]["chain_suggestions"][1]["text"]["da"]
    del doc["themes"][5]["chain_suggestions"][2]["title"]
    return doc


@case
def every_problem_together(doc):
    """Four breaks in four places: all four are reported, in document order."""
    del doc["meta"]["version"]
    del doc["themes"][5]["title"]["da"]
    doc["themes"][0]["questions"][0]["weight"] = -1
    doc["scoring"]["disagreement_range"] = 9
    return doc


# --------------------------------------------------------------------- the test


def broken_file(tmp_path: Path, name: str) -> Path:
    kind, edit = CASES[name]
    if kind == "text":
        broken = edit(QUESTIONS_FILE.read_text(encoding="utf-8"))
    else:
        broken = tomli_w.dumps(edit(read_document(QUESTIONS_FILE)))
    path = tmp_path / "questions.toml"
    if isinstance(broken, bytes):
        path.write_bytes(broken)
    else:
        path.write_text(broken, encoding="utf-8")
    return path


def check_output(path: Path) -> str:
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    parts = [f"exit code: {result.exit_code}"]
    for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        if text:
            parts += [f"--- {stream}", text.replace(str(path), "<file>").rstrip("\n")]
    return "\n".join(parts) + "\n"


def test_there_are_enough_cases():
    assert len(CASES) >= 24
    assert {p.stem for p in EXPECTED.glob("*.txt")} == set(CASES) or WRITE


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_prints_the_expected_problems(tmp_path, name):
    output = check_output(broken_file(tmp_path, name))
    expected = EXPECTED / f"{name}.txt"
    if WRITE:
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(output, encoding="utf-8")
    assert output.startswith("exit code: 1\n"), output
    assert output == expected.read_text(encoding="utf-8")
