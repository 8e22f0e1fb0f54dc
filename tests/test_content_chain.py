"""The leadership chain in questions.toml (issue 12): `[chain]` and the chain suggestions.

`[chain]` gives the gap that breaks the chain (DESIGN.md §4) and the default levels of an
organisation; every theme has suggestions for a break in the chain. All of it is optional
in the parser, because questionnaire snapshots stored before it existed must still load;
`selfcheck check` warns when the file lacks it.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import pytest
import tomli_w
from click.testing import CliRunner

from selfcheck.cli import main
from selfcheck.core.checks import MIN_CHAIN_SUGGESTIONS, warnings
from selfcheck.core.content import (
    DEFAULT_CHAIN_GAP,
    MAX_CHAIN_SUGGESTIONS_PER_THEME,
    MAX_LEVELS,
    ChainSuggestion,
    ContentError,
    LevelDefault,
    Text,
    Theme,
    load_questionnaire,
    parse_questionnaire,
)
from selfcheck.resources import default_questions_file

QUESTIONS_FILE = default_questions_file()
OLD_FILE = Path(__file__).parent / "data" / "questions-1.0.toml"

NO_LEVELS = ("chain.levels: missing: give the default levels of an organisation's leadership "
             "chain, top first (such as direktion, chefgruppe, institutionsledere)")


def problems_of(document) -> list[str]:
    with pytest.raises(ContentError) as info:
        parse_questionnaire(document)
    return info.value.problems


def warnings_of(document) -> list[str]:
    return warnings(parse_questionnaire(document), document)


def without_chain(document) -> dict:
    """The document as it was before issue 12: no [chain], no chain suggestions, and so no
    statement that names a condition of the chain or an expected direction."""
    old = copy.deepcopy(document)
    del old["chain"]
    for theme in old["themes"]:
        del theme["chain_suggestions"]
        for question in theme["questions"]:
            question.pop("applies_if", None)
            question.pop("chain_expected", None)
    return old


def check(tmp_path, document, *options, text=None):
    path = tmp_path / "questions.toml"
    path.write_text(tomli_w.dumps(document) if text is None else text, encoding="utf-8")
    return path, CliRunner().invoke(main, ["check", *options, str(path)])


# --------------------------------------------------------------------- the shipped file


def test_shipped_levels_top_first():
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    both = ("politicians", "managers_below")
    assert questionnaire.levels == (
        LevelDefault("direktion", Text("Direktion", "Executive board"), both),
        LevelDefault("chefgruppe", Text("Chefgrupper", "Heads of service"), both),
        LevelDefault("institutionsledere", Text("Institutionsledere", "Unit managers"), ()),
    )


def test_shipped_gap_is_exactly_one():
    gap = load_questionnaire(QUESTIONS_FILE).chain_gap
    assert type(gap) is Fraction
    assert gap == Fraction(1) == DEFAULT_CHAIN_GAP


def test_shipped_file_has_two_chain_suggestions_per_direction_and_theme():
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    assert [len(t.chain_suggestions) for t in questionnaire.themes] == [4] * 6
    assert MIN_CHAIN_SUGGESTIONS == 3
    for theme in questionnaire.themes:
        directions = [s.direction for s in theme.chain_suggestions]
        assert directions == ["upper_higher"] * 2 + ["lower_higher"] * 2, theme.id
        for suggestion in theme.chain_suggestions:
            assert isinstance(suggestion, ChainSuggestion)
            assert suggestion.id.startswith(f"{theme.id}_chain_"), suggestion.id


def test_shipped_suggestion_ids_are_unique_across_the_file():
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    ids = [s.id for t in questionnaire.themes for s in (*t.suggestions, *t.chain_suggestions)]
    assert len(ids) == 6 * 12 + 6 * 4
    assert len(set(ids)) == len(ids)


def test_every_chain_suggestion_names_the_two_levels_of_the_break():
    """Who takes part: the two levels of the break, by the organisation's own names, and
    never a default level's name (an organisation may not have that level)."""
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    names = [level.name.get(lang).casefold() for level in questionnaire.levels
             for lang in ("da", "en")]
    for theme in questionnaire.themes:
        for suggestion in theme.chain_suggestions:
            for lang in ("da", "en"):
                text = suggestion.text.get(lang)
                assert "{upper}" in text and "{lower}" in text, (suggestion.id, lang)
                filled = suggestion.for_pair(lang, "Øverste", "Nederste")[1]
                assert "{" not in filled and "Øverste" in filled and "Nederste" in filled
                assert not any(name in text.casefold() for name in names), suggestion.id
                assert "afdelingsleder" not in text.casefold(), suggestion.id


def test_chain_suggestions_are_true_to_the_summary():
    """Few goals at the top, more and more concrete ones further down; results back up."""
    texts = {s.id: s.text for t in load_questionnaire(QUESTIONS_FILE).themes
             for s in t.chain_suggestions}
    assert ("Ifølge KL's omtale kan der være flere mål længere nede."
            in texts["few_concrete_chain_count"].da)
    assert "få overordnede mål" in texts["leadership_chain_chain_supplement"].da
    assert "mere konkrete mål" in texts["leadership_chain_chain_supplement"].da
    assert "reply back down the chain" in texts["leadership_chain_chain_reply"].en
    for text in texts.values():  # the follow-up: the self-assessment again, at a stated time
        assert "Gentag selvevalueringen om et halvt år." in text.da
        assert "Run the self-assessment again in six months." in text.en


def test_a_json_snapshot_of_the_shipped_file_gives_the_same_chain(questions_document):
    snapshot = json.loads(json.dumps(questions_document))  # as stored in the database
    assert parse_questionnaire(snapshot) == load_questionnaire(QUESTIONS_FILE)


# --------------------------------------------------------------------- optional: old snapshots


def test_a_document_without_the_chain_loads_with_defaults(document):
    questionnaire = parse_questionnaire(without_chain(document))
    assert questionnaire.chain_gap == Fraction(1)
    assert type(questionnaire.chain_gap) is Fraction
    assert questionnaire.levels == ()
    assert [t.chain_suggestions for t in questionnaire.themes] == [()] * 6
    shipped = load_questionnaire(QUESTIONS_FILE)
    assert questionnaire.themes[0].suggestions == shipped.themes[0].suggestions


def test_the_old_questionnaire_1_0_still_loads():
    questionnaire = load_questionnaire(OLD_FILE)
    assert questionnaire.version == "1.0"
    assert questionnaire.chain_gap == 1 and questionnaire.levels == ()
    assert all(t.chain_suggestions == () for t in questionnaire.themes)


def test_a_chain_with_a_gap_only(document):
    document = without_chain(document)
    document["chain"] = {"gap": 1.5}
    questionnaire = parse_questionnaire(document)
    assert questionnaire.chain_gap == Fraction(3, 2)
    assert questionnaire.levels == ()


def test_a_chain_without_a_gap_gets_the_default(document):
    del document["chain"]["gap"]
    questionnaire = parse_questionnaire(document)
    assert questionnaire.chain_gap == Fraction(1)
    assert len(questionnaire.levels) == 3


@pytest.mark.parametrize(("gap", "expected"), [
    (0.1, Fraction(1, 10)), (0.7, Fraction(7, 10)), (2, Fraction(2)), (4, Fraction(4)),
])
def test_the_gap_is_exact(document, gap, expected):
    document["chain"]["gap"] = gap
    assert parse_questionnaire(document).chain_gap == expected


def test_the_new_fields_have_defaults_so_old_constructors_work():
    shipped = load_questionnaire(QUESTIONS_FILE)
    t = shipped.themes[0]
    assert Theme(t.id, t.title, t.summary, t.intro, t.questions, t.suggestions) \
        .chain_suggestions == ()
    fields = [f.name for f in dataclasses.fields(shipped)]
    assert fields[-3:] == ["chain_gap", "levels", "conditions"]
    old = {name: getattr(shipped, name) for name in fields[:-3]}
    rebuilt = type(shipped)(**old)
    assert rebuilt.chain_gap == Fraction(1) and rebuilt.levels == () \
        and rebuilt.conditions == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.levels[0].id = "top"  # type: ignore[misc]


# --------------------------------------------------------------------- broken chains


def test_missing_level_name_translation(tmp_path, document):
    del document["chain"]["levels"][1]["name"]["en"]
    path, result = check(tmp_path, document)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: 1 problem(s)",
        "  chain.levels[1].name.en: missing",
    ]


def test_duplicate_level_id(document):
    document["chain"]["levels"][2]["id"] = "direktion"
    assert problems_of(document) == [
        'chain.levels[2].id: duplicate id "direktion" (also at chain.levels[0].id)',
    ]


def test_bad_level_id_and_missing_name(document):
    document["chain"]["levels"][0]["id"] = "Direktion"
    del document["chain"]["levels"][2]["name"]
    assert problems_of(document) == [
        'chain.levels[0].id: "Direktion" must be lower-case letters, digits and _ and start '
        "with a letter",
        "chain.levels[2].name: missing",
    ]


def test_gap_zero(document):
    document["chain"]["gap"] = 0
    assert problems_of(document) == ["chain.gap: must be more than 0 and at most 4, not 0"]


def test_gap_negative(document):
    document["chain"]["gap"] = -1.5
    assert problems_of(document) == ["chain.gap: must be more than 0 and at most 4, not -1.5"]


def test_gap_above_the_scale_span(document):
    document["chain"]["gap"] = 4.5
    assert problems_of(document) == ["chain.gap: must be more than 0 and at most 4, not 4.5"]


def test_gap_follows_the_scale(document):
    document["scale"]["max"] = 3
    document["scale"]["points"] = document["scale"]["points"][:3]
    document["scoring"]["bands"][1]["below"] = 2.75
    document["chain"]["gap"] = 2.5
    assert problems_of(document) == ["chain.gap: must be more than 0 and at most 2, not 2.5"]


def test_gap_nan_from_toml(tmp_path):
    source = QUESTIONS_FILE.read_text(encoding="utf-8")
    assert source.count("\ngap = 1.0 ") == 1
    text = source.replace("\ngap = 1.0 ", "\ngap = nan ")
    path, result = check(tmp_path, None, text=text)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: 1 problem(s)",
        "  chain.gap: nan is not a finite number",
    ]
    with pytest.raises(ContentError) as info:
        load_questionnaire(path)
    assert info.value.problems == ["chain.gap: nan is not a finite number"]


@pytest.mark.parametrize(("gap", "message"), [
    (float("inf"), "chain.gap: inf is not a finite number"),
    ("1", "chain.gap: must be a number"),
    (True, "chain.gap: must be a number"),
])
def test_gap_that_is_no_number(document, gap, message):
    document["chain"]["gap"] = gap
    assert problems_of(document) == [message]


def test_too_many_levels(document):
    levels = document["chain"]["levels"]
    extra = [{"id": f"level_{n}", "name": {"da": f"Led {n}", "en": f"Level {n}"}}
             for n in range(MAX_LEVELS + 1 - len(levels))]
    levels += extra
    assert len(levels) == 9
    assert problems_of(document) == ["chain.levels: 9 entries, at most 8"]


def test_eight_levels_are_fine(document):
    levels = document["chain"]["levels"]
    levels += [{"id": f"level_{n}", "name": {"da": f"Led {n}", "en": f"Level {n}"}}
               for n in range(MAX_LEVELS - len(levels))]
    assert len(parse_questionnaire(document).levels) == 8


def test_levels_must_be_a_non_empty_list_of_tables(document):
    document["chain"]["levels"] = []
    assert problems_of(document) == ["chain.levels: must be a non-empty list of tables"]
    document["chain"]["levels"] = ["direktion"]
    assert problems_of(document) == ["chain.levels[0]: must be a table"]


def test_chain_must_be_a_table_without_unknown_keys(document):
    document["chain"]["gab"] = 1
    document["chain"]["levels"][0]["navn"] = "Direktion"
    assert problems_of(document) == [
        "chain.gab: unknown key",
        "chain.levels[0].navn: unknown key",
    ]
    document = without_chain(document)
    document["chain"] = 1.0
    assert problems_of(document) == ["chain: must be a table"]


# --------------------------------------------------------------------- broken chain suggestions


def test_duplicate_chain_suggestion_id(document):
    document["themes"][2]["chain_suggestions"][0]["id"] = "purpose_chain_staff_answers"
    assert problems_of(document) == [
        'themes[2].chain_suggestions[0].id: duplicate id "purpose_chain_staff_answers" '
        "(also at themes[0].chain_suggestions[1].id)",
    ]


def test_chain_suggestion_ids_share_one_namespace_with_the_suggestions(document):
    document["themes"][1]["chain_suggestions"][2]["id"] = "purpose_dev_own_words"
    assert problems_of(document) == [
        'themes[1].chain_suggestions[2].id: duplicate id "purpose_dev_own_words" '
        "(also at themes[0].suggestions[0].id)",
    ]


def test_broken_chain_suggestions(tmp_path, document):
    del document["themes"][4]["chain_suggestions"][1]["text"]["da"]
    document["themes"][0]["chain_suggestions"][0]["band"] = "develop"
    del document["themes"][5]["chain_suggestions"][2]["title"]
    path, result = check(tmp_path, document)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: 3 problem(s)",
        "  themes[0].chain_suggestions[0].band: unknown key",
        "  themes[4].chain_suggestions[1].text.da: missing",
        "  themes[5].chain_suggestions[2].title: missing",
    ]


def test_too_many_chain_suggestions(document):
    suggestions = document["themes"][0]["chain_suggestions"]
    first = suggestions[0]
    suggestions += [{**first, "id": f"purpose_chain_extra_{n}"}
                    for n in range(MAX_CHAIN_SUGGESTIONS_PER_THEME + 1 - len(suggestions))]
    assert problems_of(document) == ["themes[0].chain_suggestions: 21 entries, at most 20"]


def test_every_problem_is_reported_together_in_document_order(document):
    del document["meta"]["version"]
    document["chain"]["gap"] = 0
    document["chain"]["levels"][2]["id"] = "chefgruppe"
    document["themes"][3]["chain_suggestions"][0]["title"]["en"] = " "
    assert problems_of(document) == [
        "meta.version: missing",
        "chain.gap: must be more than 0 and at most 4, not 0",
        'chain.levels[2].id: duplicate id "chefgruppe" (also at chain.levels[1].id)',
        "themes[3].chain_suggestions[0].title.en: must not be empty",
    ]


# --------------------------------------------------------------------- warnings


def test_no_levels_is_a_warning(document):
    del document["chain"]["levels"]
    assert warnings_of(document) == [NO_LEVELS]
    document["chain"] = {"gap": 1, "conditions": document["chain"]["conditions"]}
    assert warnings_of(document) == [NO_LEVELS]


def test_a_theme_with_too_few_chain_suggestions(document):
    del document["themes"][3]["chain_suggestions"][2:]
    assert warnings_of(document) == [
        "themes[3].chain_suggestions: 2 suggestion(s) for a break in the leadership chain, "
        "at least 3",
    ]


def test_a_theme_without_chain_suggestions_warns_in_document_order(document):
    del document["themes"][1]["chain_suggestions"]
    document["themes"][2]["questions"][4]["text"]["da"] = "Vi koordinerer tværgående målsætninger."
    document["meta"]["intro"]["en"] += " Thank you. Really."
    assert warnings_of(document) == [
        "meta.intro.en: 5 sentences, at most 3",
        "themes[1].chain_suggestions: 0 suggestion(s) for a break in the leadership chain, "
        "at least 3",
        "themes[2].questions[4].text.da: LIX 79.0, at most 40",
    ]


def test_a_chain_suggestion_without_a_follow_up_time(document):
    document["themes"][4]["chain_suggestions"][1]["text"] = {
        "da": "{upper} og {lower} vælger sammen få mål, som de kan nå i år. De har ansvaret "
              "for dem hver især. Gentag selvevalueringen, når de er nået.",
        "en": "The {upper} and the {lower} choose a few goals together. The {upper} are "
              "responsible. Run the self-assessment again once they are reached.",
    }
    assert warnings_of(document) == [
        'themes[4].chain_suggestions[1].text.da: names no time for the follow-up (such as '
        '"om en måned" or "til næste ledelsesmøde")',
        'themes[4].chain_suggestions[1].text.en: names no time for the follow-up (such as '
        '"in a month" or "at the next leadership meeting")',
    ]


def test_chain_suggestions_go_through_the_avoid_list(document):
    suggestion = document["themes"][3]["chain_suggestions"][0]
    suggestion["text"]["da"] = ("{upper} ejer målet og holder et møde med {lower} om det. De "
                                "har ansvaret for at gøre det. Gentag selvevalueringen om et "
                                "halvt år.")
    suggestion["title"]["da"] = "Sæt et møde op for hele kæden"
    suggestion["text"]["en"] = ("The {upper} offer the {lower} sparring and are responsible. "
                                "Run the self-assessment again in three months.")
    assert warnings_of(document) == [
        'themes[3].chain_suggestions[0].title.da: avoid "sætte op": anglicism ("set up"): '
        'write "lave", "oprette" or "arrangere"',
        'themes[3].chain_suggestions[0].text.da: avoid "ejer": anglicism ("owns"): '
        'write "har ansvaret for"',
        'themes[3].chain_suggestions[0].text.en: avoid "sparring": not English in this sense: '
        'write "talk it through" or "advice"',
    ]


def test_level_names_go_through_the_avoid_list(document):
    document["chain"]["levels"][1]["name"]["en"] = "Professions"
    assert warnings_of(document) == [
        'chain.levels[1].name.en: avoid "professions": for "fagområder" write '
        '"professional fields" or "disciplines"',
    ]


def test_absolutes_are_fine_in_chain_suggestions(document):
    text = document["themes"][4]["chain_suggestions"][1]["text"]
    assert "hvert mål" in text["da"] and "each goal" in text["en"].casefold()
    assert warnings_of(document) == []


def test_a_snapshot_without_the_chain_warns_once_per_theme(document):
    assert warnings_of(without_chain(document)) == [
        *(f"themes[{i}].chain_suggestions: 0 suggestion(s) for a break in the leadership "
          "chain, at least 3" for i in range(6)),
        NO_LEVELS,
    ]


# --------------------------------------------------------------------- selfcheck check


def test_check_strict_fails_without_default_levels(tmp_path, document):
    del document["chain"]["levels"]
    path, result = check(tmp_path, document, "--strict")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}: 1 warning(s) (errors with --strict)",
        f"  {NO_LEVELS}",
    ]


def test_check_summarises_the_chain():
    result = CliRunner().invoke(main, ["check", "--strict", str(QUESTIONS_FILE)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    chain = lines.index("Chain: gap 1; levels direktion, chefgruppe, institutionsledere; "
                        "24 chain suggestions")
    assert lines[chain - 1].startswith("Bands: ")
    assert lines[chain + 1] == "Themes: 6"
    assert ("  4. leadership_chain   6 statements (2 reverse), 12 suggestions, 4 for the chain – "
            "Ledelsesfællesskab i hele ledelseskæden") in lines


def test_check_summarises_a_file_without_the_chain(tmp_path, document):
    old = without_chain(document)
    old["chain"] = {"gap": 1.5}
    path, result = check(tmp_path, old)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Chain: gap 1.5; no levels; 0 chain suggestions" in lines
    assert ("  6. follow_up          5 statements (2 reverse), 12 suggestions, 0 for the chain – "
            "Opfølgning på resultater og effekter") in lines
    assert lines[-1] == "Warnings: 7"
