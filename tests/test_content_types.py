"""Strict types in questions.toml: no "yes" for a truth value, no float detour for numbers."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from selfcheck.core.content import ContentError, load_questionnaire, parse_questionnaire
from selfcheck.resources import default_questions_file

QUESTIONS_FILE = default_questions_file()


def problems_of(document) -> list[str]:
    with pytest.raises(ContentError) as info:
        parse_questionnaire(document)
    return info.value.problems


@pytest.mark.parametrize("reverse", ["yes", "true", 1, 0, "no"])
def test_a_truth_value_must_be_true_or_false(document, reverse):
    document["themes"][0]["questions"][0]["reverse"] = reverse
    assert problems_of(document) == ["themes[0].questions[0].reverse: must be true or false"]


def test_true_and_false_are_truth_values(document):
    document["themes"][0]["questions"][0]["reverse"] = True
    document["themes"][0]["questions"][1]["reverse"] = False
    questions = parse_questionnaire(document).themes[0].questions
    assert (questions[0].reverse, questions[1].reverse) == (True, False)


@pytest.mark.parametrize(("value", "message"), [
    ("1", "must be a whole number"),
    (1.0, "must be a whole number"),
    (True, "must be a whole number"),
])
def test_a_whole_number_is_not_converted(document, value, message):
    document["scale"]["min"] = value
    assert problems_of(document) == [f"scale.min: {message}"]


def test_a_threshold_written_2_6_is_exactly_13_fifths(tmp_path):
    text = QUESTIONS_FILE.read_text(encoding="utf-8")
    assert text.count("\nbelow = 2.5\n") == 1
    path = tmp_path / "questions.toml"
    path.write_text(text.replace("\nbelow = 2.5\n", "\nbelow = 2.6\n"), encoding="utf-8")
    below = load_questionnaire(path).bands[0].below
    assert type(below) is Fraction
    assert below == Fraction(13, 5)
    assert Fraction(2.6) != Fraction(13, 5)  # the float itself is 2.600000000000000088817...


def test_numbers_stay_exact_through_a_json_snapshot(document):
    document["scoring"]["bands"][0]["below"] = 2.6
    document["themes"][0]["questions"][0]["weight"] = 0.1
    document["chain"]["gap"] = 0.7
    snapshot = json.loads(json.dumps(document))  # as stored in the database
    questionnaire = parse_questionnaire(snapshot)
    assert questionnaire.bands[0].below == Fraction(13, 5)
    assert questionnaire.themes[0].questions[0].weight == Fraction(1, 10)
    assert questionnaire.chain_gap == Fraction(7, 10)
    assert questionnaire.disagreement_range == Fraction(2)
    assert all(type(n) is Fraction for n in (questionnaire.bands[1].below,
                                             questionnaire.themes[1].questions[0].weight))


@pytest.mark.parametrize("below", ["2.6", None, [2.6]])
def test_a_threshold_must_be_a_number_not_text(document, below):
    document["scoring"]["bands"][0]["below"] = below
    assert problems_of(document) == ["scoring.bands[0].below: must be a number"]


def test_theme_id_is_no_key_of_the_file(document):
    document["themes"][0]["questions"][0]["theme_id"] = "follow_up"
    assert problems_of(document) == ["themes[0].questions[0].theme_id: unknown key"]
    del document["themes"][0]["questions"][0]["theme_id"]
    assert parse_questionnaire(document).themes[0].questions[0].theme_id == "purpose"


def test_an_optional_table_is_not_nullable(document):
    document["meta"]["source"]["citation"] = None  # JSON null in a snapshot
    assert problems_of(document) == ["meta.source.citation: must be a table"]
