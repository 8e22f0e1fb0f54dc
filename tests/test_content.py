"""questions.toml: the shipped content and the validation of broken files."""

from __future__ import annotations

import dataclasses

import pytest
import tomli_w
from click.testing import CliRunner

from selfcheck.cli import main
from selfcheck.core.content import (
    LANGUAGES,
    ContentError,
    Text,
    document_hash,
    load_questionnaire,
    parse_questionnaire,
)
from selfcheck.resources import default_questions_file

QUESTIONS_FILE = default_questions_file()

EXPECTED_THEMES = (
    "purpose",
    "outside_in",
    "cross_cutting",
    "leadership_chain",
    "few_concrete",
    "follow_up",
)


def problems_of(document) -> list[str]:
    with pytest.raises(ContentError) as info:
        parse_questionnaire(document)
    return info.value.problems


def check_file(tmp_path, document=None, text=None):
    path = tmp_path / "questions.toml"
    if text is None:
        text = tomli_w.dumps(document)
    path.write_text(text, encoding="utf-8")
    return path, CliRunner().invoke(main, ["check", str(path)])


# --------------------------------------------------------------------- the shipped file


def test_shipped_questionnaire_has_six_themes_with_four_to_six_statements():
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    assert tuple(t.id for t in questionnaire.themes) == EXPECTED_THEMES
    for theme in questionnaire.themes:
        assert 4 <= len(theme.questions) <= 6, theme.id
    assert [len(t.questions) for t in questionnaire.themes] == [5, 5, 5, 6, 5, 5]
    assert [sum(q.reverse for q in t.questions) for t in questionnaire.themes] == [2] * 6


def test_shipped_questionnaire_has_four_suggestions_per_theme_and_band():
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    assert [b.id for b in questionnaire.bands] == ["develop", "on_the_way", "strength"]
    assert [b.below for b in questionnaire.bands] == [2.5, 3.75, None]
    for theme in questionnaire.themes:
        for band in questionnaire.bands:
            assert len(theme.suggestions_for(band.id)) == 4, (theme.id, band.id)


def test_shipped_questionnaire_every_text_in_both_languages_and_different():
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    texts: list[Text] = []

    def collect(value):
        if isinstance(value, Text):
            texts.append(value)
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                collect(getattr(value, field.name))
        elif isinstance(value, tuple):
            for item in value:
                collect(item)

    collect(questionnaire)
    assert len(texts) > 150
    for text in texts:
        for lang in LANGUAGES:
            assert text.get(lang).strip()
        assert text.da != text.en or text.da in {"selfcheck"}, text


def test_shipped_questionnaire_cites_the_publication():
    source = load_questionnaire(QUESTIONS_FILE).source
    assert source.title == "Når målstyring virker – set fra et toplederperspektiv"
    assert source.year == 2019
    assert "Væksthus for Ledelse" in source.publisher
    assert "KL's omtale fra 14. januar 2019" in source.citation.da
    assert "as summarised by KL on 14 January 2019" in source.citation.en


def test_scale_labels_every_point():
    scale = load_questionnaire(QUESTIONS_FILE).scale
    assert scale.values == (1, 2, 3, 4, 5)
    assert scale.label(1).da == "Helt uenig"
    assert scale.label(5).en == "Strongly agree"
    assert scale.dont_know == Text("Ved ikke", "Don't know")


def test_document_hash_is_stable_and_changes_with_content(document, questions_document):
    assert document_hash(document) == document_hash(questions_document)
    document["themes"][0]["questions"][0]["text"]["da"] = "Noget andet."
    assert document_hash(document) != document_hash(questions_document)


def test_check_command_summarises_a_valid_file():
    result = CliRunner().invoke(main, ["check", str(QUESTIONS_FILE)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"{QUESTIONS_FILE}: OK"
    assert "Languages: da, en" in lines
    assert "Themes: 6" in lines
    assert "Statements: 31 in all" in lines
    assert any(line.startswith("  6. follow_up ") and "5 statements" in line for line in lines)
    assert ("  1. purpose            5 statements (2 reverse), 12 suggestions, 4 for the chain – "
            "Alle kender målene og hensigten") in lines
    assert "Chain: gap 1; levels direktion, chefgruppe, institutionsledere; 24 chain suggestions" \
        in lines
    assert lines[-1] == "Warnings: 0"


# --------------------------------------------------------------------- broken files


def test_missing_translation(tmp_path, document):
    del document["themes"][2]["questions"][1]["text"]["en"]
    path, result = check_file(tmp_path, document)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: 1 problem(s)",
        "  themes[2].questions[1].text.en: missing",
    ]


def test_duplicate_id(tmp_path, document):
    document["themes"][1]["questions"][0]["id"] = "purpose_why"
    path, result = check_file(tmp_path, document)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        '  themes[1].questions[0].id: duplicate id "purpose_why" '
        "(also at themes[0].questions[0].id)",
    ]


def test_duplicate_theme_id(document):
    document["themes"][3]["id"] = "purpose"
    assert problems_of(document) == [
        'themes[3].id: duplicate id "purpose" (also at themes[0].id)'
    ]


def test_unknown_key_is_not_ignored(tmp_path, document):
    document["themes"][0]["questions"][0]["wieght"] = 2
    document["meta"]["titel"] = "typo"
    path, result = check_file(tmp_path, document)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        "  meta.titel: unknown key",
        "  themes[0].questions[0].wieght: unknown key",
    ]


def test_unknown_language_is_not_ignored(document):
    document["themes"][0]["title"]["de"] = "Ziele"
    assert problems_of(document) == ["themes[0].title.de: unknown key"]


def test_thresholds_not_increasing(tmp_path, document):
    document["scoring"]["bands"][0]["below"] = 3.75
    document["scoring"]["bands"][1]["below"] = 2.5
    path, result = check_file(tmp_path, document)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        "  scoring.bands[1].below: 2.5 must be greater than the band before (3.75)",
    ]


def test_threshold_outside_scale(document):
    document["scoring"]["bands"][0]["below"] = 0.5
    document["scoring"]["bands"][1]["below"] = 7
    assert problems_of(document) == [
        "scoring.bands[0].below: 0.5 is not inside the scale 1–5",
        "scoring.bands[1].below: 7 is not inside the scale 1–5",
    ]


def test_last_band_must_not_have_a_limit(document):
    document["scoring"]["bands"][2]["below"] = 5
    assert problems_of(document) == [
        "scoring.bands[2].below: must be left out: the last band covers the rest",
    ]


def test_missing_band_suggestions(tmp_path, document):
    theme = document["themes"][3]
    theme["suggestions"] = [s for s in theme["suggestions"] if s["band"] != "strength"]
    path, result = check_file(tmp_path, document)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        '  themes[3].suggestions: no suggestion for band "strength"',
    ]


def test_suggestion_for_unknown_band(document):
    document["themes"][0]["suggestions"][0]["band"] = "strong"
    assert problems_of(document) == [
        'themes[0].suggestions[0].band: unknown band "strong" '
        "(known: develop, on_the_way, strength)",
    ]


def test_bad_toml_syntax_names_the_line(tmp_path):
    path, result = check_file(tmp_path, text='[meta]\nid = "x"\ntitle.da "no equals"\n')
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: 1 problem(s)",
        f"  {path}: invalid TOML: Expected '=' after a key in a key/value pair "
        "(at line 3, column 10)",
    ]


def test_weight_must_be_positive_and_reverse_a_boolean(document):
    document["themes"][0]["questions"][0]["weight"] = 0
    document["themes"][0]["questions"][1]["weight"] = "heavy"
    document["themes"][0]["questions"][2]["reverse"] = "yes"
    assert problems_of(document) == [
        "themes[0].questions[0].weight: must be greater than 0 and at most 100, not 0",
        "themes[0].questions[1].weight: must be a number",
        "themes[0].questions[2].reverse: must be true or false",
    ]


def test_scale_needs_a_label_for_every_point(document):
    del document["scale"]["points"][2]
    document["scale"]["points"][0]["value"] = 9
    assert problems_of(document) == [
        "scale.points[0].value: 9 is outside the scale 1–5",
        "scale.points: no label for 1",
        "scale.points: no label for 3",
    ]


def test_empty_text_and_bad_id(document):
    document["themes"][1]["intro"]["da"] = "   "
    document["themes"][1]["questions"][0]["id"] = "Outside In"
    assert problems_of(document) == [
        "themes[1].intro.da: must not be empty",
        'themes[1].questions[0].id: "Outside In" must be lower-case letters, digits and _ '
        "and start with a letter",
    ]


def test_every_problem_is_reported_together(document):
    del document["meta"]["version"]
    del document["themes"][5]["title"]["da"]
    document["themes"][0]["questions"][0]["weight"] = -1
    document["scoring"]["disagreement_range"] = 9
    assert problems_of(document) == [
        "meta.version: missing",
        "scoring.disagreement_range: must be more than 0 and at most 4",
        "themes[0].questions[0].weight: must be greater than 0 and at most 100, not -1",
        "themes[5].title.da: missing",
    ]


def test_missing_sections(document):
    assert problems_of({"meta": document["meta"]}) == [
        "scale: missing",
        "scoring: missing",
        "themes: missing",
    ]


def test_unreadable_file(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ContentError) as info:
        load_questionnaire(missing)
    assert info.value.problems == [f"{missing}: cannot be read (No such file or directory)"]


def test_app_refuses_to_start_on_an_invalid_file(tmp_path, document):
    from selfcheck import create_app

    del document["themes"][2]["questions"][1]["text"]["en"]
    path = tmp_path / "broken.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        create_app({"SECRET_KEY": "x", "QUESTIONS_FILE": str(path)})
    assert str(info.value) == "themes[2].questions[1].text.en: missing"


def test_selfcheck_questions_environment_variable(tmp_path, document, monkeypatch):
    document["meta"]["version"] = "9.9"
    path = tmp_path / "other.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    monkeypatch.setenv("SELFCHECK_QUESTIONS", str(path))
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == f"{path}: OK"
    assert "(version 9.9)" in result.output
