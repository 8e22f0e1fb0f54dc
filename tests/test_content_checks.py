"""The checks of `selfcheck check --strict` that content 3.0 added (issue 22): the LIX of intros
and suggestions, an owner in every suggestion, the balance of statements and reverse-worded
statements between themes, and chain suggestions written for a direction and for the two
levels of a break ({upper} and {lower}), followed up with a rerun of the self-assessment.

Each check has a failing case, a passing case and, where there is a limit, a case exactly
at it. Every case starts from the shipped file, which has no warnings.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
import tomli_w
from click.testing import CliRunner

from selfcheck.cli import main
from selfcheck.core.checks import (
    MAX_CHAIN_SUGGESTION_WORDS,
    MAX_INTRO_LIX,
    MAX_STATEMENT_COUNT_SPREAD,
    MAX_SUGGESTION_LIX,
    OWNER_WORDS,
    REVERSE_PER_THEME,
    lix,
    show_above,
    warnings,
    words,
)
from selfcheck.core.content import parse_questionnaire

#: LIX exactly 40: 10 words, 1 sentence, 3 long words (Økonomichefen, ansvaret, tjekker):
#: 10/1 + 100·3/10 = 10 + 30 = 40. It names an owner and a time, as a suggestion must.
AT_THE_LIMIT = "Økonomichefen har ansvaret, tjekker om en måned, om det virker."
#: The same with one more long word (fungerer): 10/1 + 100·4/10 = 50.
ABOVE_THE_LIMIT = "Økonomichefen har ansvaret, tjekker om en måned, om det fungerer."
ENGLISH = "The head of finance is responsible and checks in a month whether it works."

#: A chain suggestion of LIX exactly 40, where each placeholder counts as one long word (the
#: level names it stands for are long): 20 words, 1 sentence, 4 long words ({upper},
#: {lower}, selvevalueringen, resultatet): 20/1 + 100·4/20 = 20 + 20 = 40.
CHAIN_AT_THE_LIMIT = ("{upper} står for, at {lower} og de selv tager selvevalueringen igen om et "
                      "halvt år og ser på resultatet sammen.")
#: One more long word (bagefter for sammen): 20/1 + 100·5/20 = 45.
CHAIN_ABOVE_THE_LIMIT = CHAIN_AT_THE_LIMIT.replace("sammen", "bagefter")
CHAIN_ENGLISH = ("The {upper} are responsible for running the self-assessment again with the "
                 "{lower} in six months.")


def warnings_of(document) -> list[str]:
    return warnings(parse_questionnaire(document), document)


def test_the_texts_above_have_the_lix_they_say():
    assert lix(AT_THE_LIMIT) == 40 == MAX_INTRO_LIX == MAX_SUGGESTION_LIX
    assert lix(ABOVE_THE_LIMIT) == 50
    readable = CHAIN_AT_THE_LIMIT.replace("{upper}", "Ledelsesled").replace("{lower}",
                                                                             "Ledelsesled")
    assert lix(readable) == 40
    assert lix(CHAIN_AT_THE_LIMIT) == 30  # read as written, "upper" and "lower" are short


def test_the_shipped_file_has_no_warnings(questions_document):
    assert warnings_of(questions_document) == []


# --------------------------------------------------------------------- LIX of intros


def test_a_hard_meta_intro(document):
    document["meta"]["intro"]["da"] = ABOVE_THE_LIMIT
    assert warnings_of(document) == ["meta.intro.da: LIX 50.0, at most 40"]


def test_a_hard_theme_intro(document):
    document["themes"][2]["intro"]["da"] = ABOVE_THE_LIMIT
    assert warnings_of(document) == ["themes[2].intro.da: LIX 50.0, at most 40"]


def test_an_intro_exactly_at_the_limit(document):
    document["meta"]["intro"]["da"] = AT_THE_LIMIT
    document["themes"][2]["intro"]["da"] = AT_THE_LIMIT
    assert warnings_of(document) == []


def test_only_the_danish_intro_is_read_for_lix(document):
    document["themes"][2]["intro"]["en"] = "Notwithstanding administrative considerations."
    assert warnings_of(document) == []


def test_a_lix_just_over_the_limit_does_not_show_as_the_limit():
    assert show_above(Fraction(4001, 100), 40) == "40.01"
    assert show_above(Fraction(2025, 50), 40) == "40.5"
    assert show_above(Fraction(161, 3), 40) == "53.7"


# --------------------------------------------------------------------- LIX of suggestions


def test_a_hard_suggestion(document):
    document["themes"][1]["suggestions"][5]["text"] = {"da": ABOVE_THE_LIMIT, "en": ENGLISH}
    assert warnings_of(document) == ["themes[1].suggestions[5].text.da: LIX 50.0, at most 40"]


def test_a_suggestion_exactly_at_the_limit(document):
    document["themes"][1]["suggestions"][5]["text"] = {"da": AT_THE_LIMIT, "en": ENGLISH}
    assert warnings_of(document) == []


def test_a_hard_chain_suggestion_counts_the_level_names_as_long_words(document):
    document["themes"][3]["chain_suggestions"][2]["text"] = {"da": CHAIN_ABOVE_THE_LIMIT,
                                                             "en": CHAIN_ENGLISH}
    assert warnings_of(document) == [
        "themes[3].chain_suggestions[2].text.da: LIX 45.0, at most 40"]


def test_a_chain_suggestion_exactly_at_the_limit(document):
    document["themes"][3]["chain_suggestions"][2]["text"] = {"da": CHAIN_AT_THE_LIMIT,
                                                             "en": CHAIN_ENGLISH}
    assert warnings_of(document) == []


# --------------------------------------------------------------------- an owner


def test_a_suggestion_without_an_owner(document):
    document["themes"][0]["suggestions"][3]["text"] = {
        "da": "Tag målene op i Hoved-MED. Gør status om et halvt år.",
        "en": "Raise the goals in the main MED committee. Review it in six months.",
    }
    assert warnings_of(document) == [
        'themes[0].suggestions[3].text.da: names no owner (such as "teamets leder", "HR" or '
        '"en af jer har ansvaret")',
        'themes[0].suggestions[3].text.en: names no owner (such as "the head of the team", '
        '"HR" or "one of you is responsible")',
    ]


@pytest.mark.parametrize(("da", "en"), [
    ("Teamets leder tager det op", "The head of the team takes it up"),
    ("Kommunaldirektøren tager det op", "The director takes it up"),
    ("HR tager det op", "HR takes it up"),
    ("Én af jer tager det op", "One of you takes it up"),
    ("Direktionen har ansvaret", "The executive board is responsible"),
    ("Sekretariatet står for det", "The secretariat is in charge"),
    ("Den ansvarlige tager det op", "The head of service takes it up"),
    ("De ansvarlige tager det op", "The head of finance takes it up"),
    ("Økonomichefen tager det op", "The responsible manager takes it up"),
])
def test_owner_words_that_count(document, da, en):
    document["themes"][0]["suggestions"][3]["text"] = {
        "da": f"Sæt målene på dagsordenen i Hoved-MED. {da}. Gør status om et halvt år.",
        "en": f"Put the goals on the MED agenda. {en}. Review it in six months.",
    }
    assert warnings_of(document) == []


def test_the_owner_words_are_a_short_list():
    assert 4 <= len(OWNER_WORDS["da"]) <= 10 and 4 <= len(OWNER_WORDS["en"]) <= 10


def test_a_chain_suggestion_without_an_owner(document):
    text = document["themes"][5]["chain_suggestions"][0]["text"]
    text["da"] = text["da"].replace(" {upper} har ansvaret.", "")
    text["en"] = text["en"].replace(" The {upper} are responsible.", "")
    assert warnings_of(document) == [
        'themes[5].chain_suggestions[0].text.da: names no owner (such as "teamets leder", '
        '"HR" or "en af jer har ansvaret")',
        'themes[5].chain_suggestions[0].text.en: names no owner (such as "the head of the '
        'team", "HR" or "one of you is responsible")',
    ]


# --------------------------------------------------------------------- statements per theme


def test_themes_whose_statement_counts_differ_by_two(document):
    del document["themes"][0]["questions"][0]  # purpose: 4; leadership_chain has 6
    assert warnings_of(document) == [
        "themes: from 4 statements (themes[0]) to 6 (themes[3]): the numbers of statements per "
        "theme may differ by at most 1",
    ]


def test_themes_whose_statement_counts_differ_by_exactly_one(questions_document):
    counts = [len(theme["questions"]) for theme in questions_document["themes"]]
    assert max(counts) - min(counts) == MAX_STATEMENT_COUNT_SPREAD == 1
    assert warnings_of(questions_document) == []


def test_themes_with_the_same_statement_count(document):
    del document["themes"][3]["questions"][0]  # leadership_chain: 5 like the others
    assert [len(theme["questions"]) for theme in document["themes"]] == [5] * 6
    assert warnings_of(document) == []


# --------------------------------------------------------------------- reverse-worded statements


def test_a_theme_with_one_reverse_worded_statement(document):
    question = document["themes"][1]["questions"][1]
    assert question.pop("reverse") is True
    assert warnings_of(document) == [
        "themes[1].questions: 1 reverse-worded statement(s), exactly 2"]


def test_a_theme_with_three_reverse_worded_statements(document):
    question = document["themes"][1]["questions"][0]
    assert "reverse" not in question
    question["reverse"] = True
    assert warnings_of(document) == [
        "themes[1].questions: 3 reverse-worded statement(s), exactly 2"]


def test_every_shipped_theme_has_exactly_two_reverse_worded_statements(questions_document):
    for theme in questions_document["themes"]:
        reverse = [q["id"] for q in theme["questions"] if q.get("reverse")]
        assert len(reverse) == REVERSE_PER_THEME, (theme["id"], reverse)


@pytest.mark.parametrize(("da", "en", "term"), [
    ("Vi følger mest op på vores egne områder.", "We follow up on our own areas.", "mest"),
    ("Vi følger op på vores egne områder.", "We mostly follow up on our own service areas.",
     "mostly"),
])
def test_a_hedge_in_a_statement(document, da, en, term):
    document["themes"][2]["questions"][1]["text"] = {"da": da, "en": en}
    lang = "da" if term == "mest" else "en"
    found = warnings_of(document)
    assert [w for w in found if "hedge" in w] == [
        f'themes[2].questions[1].text.{lang}: avoid "{term}": a hedge: say in the statement '
        "itself what is weak, or what the team does"]


# --------------------------------------------------------------------- chain suggestions


def test_a_chain_suggestion_that_names_a_default_level(document):
    suggestion = document["themes"][0]["chain_suggestions"][1]
    suggestion["text"]["da"] = suggestion["text"]["da"].replace(
        "{lower} giver svarene til {upper}.", "Chefgruppen giver svarene til {upper}.")
    suggestion["title"]["en"] = "Let staff's answers reach the unit managers"
    assert warnings_of(document) == [
        'themes[0].chain_suggestions[1].title.en: names the default level "Unit managers": '
        "write {upper} or {lower}, since an organisation may have renamed or removed it",
        'themes[0].chain_suggestions[1].text.da: names the default level "Chefgrupper": '
        "write {upper} or {lower}, since an organisation may have renamed or removed it",
    ]


@pytest.mark.parametrize("name", ["Direktionen", "direktionens", "institutionslederne",
                                  "chefgrupperne", "Institutionsledere"])
def test_a_default_level_in_any_form(document, name):
    text = document["themes"][0]["chain_suggestions"][0]["text"]
    text["da"] = text["da"].replace("og {upper} lytter", f"og {name} lytter")
    (found,) = warnings_of(document)
    assert found.startswith("themes[0].chain_suggestions[0].text.da: names the default level ")


@pytest.mark.parametrize("words_", ["direktøren", "chefen", "lederne", "institutionerne"])
def test_other_words_are_no_level_names(document, words_):
    text = document["themes"][0]["chain_suggestions"][0]["text"]
    text["da"] = text["da"].replace("og {upper} lytter", f"og {words_} lytter")
    assert warnings_of(document) == []


def test_a_chain_suggestion_without_the_two_levels(document):
    document["themes"][2]["chain_suggestions"][3]["text"] = {
        "da": "Tag de tværgående mål op som ét fælles punkt. Teamets leder har ansvaret. "
              "Gentag selvevalueringen om et halvt år.",
        "en": "Take up the cross-cutting goals as one joint item. The head of the team is "
              "responsible. Run the self-assessment again in six months.",
    }
    assert warnings_of(document) == [
        "themes[2].chain_suggestions[3].text.da: names neither {upper} nor {lower}: say which "
        "of the two levels of the break take part",
        "themes[2].chain_suggestions[3].text.en: names neither {upper} nor {lower}: say which "
        "of the two levels of the break take part",
    ]


def test_a_chain_suggestion_that_names_one_of_the_two_levels(document):
    document["themes"][2]["chain_suggestions"][3]["text"] = {
        "da": "{upper} tager de tværgående mål op. {upper} har ansvaret. Gentag "
              "selvevalueringen om et halvt år.",
        "en": "The {lower} take up the cross-cutting goals. The {lower} are responsible. Run "
              "the self-assessment again in six months.",
    }
    assert warnings_of(document) == []


def test_a_chain_suggestion_without_a_rerun_of_the_self_assessment(document):
    text = document["themes"][1]["chain_suggestions"][0]["text"]
    text["da"] = text["da"].replace("Gentag selvevalueringen om et halvt år.",
                                    "Følg op om et halvt år.")
    text["en"] = text["en"].replace("Run the self-assessment again in six months.",
                                    "Follow up in six months.")
    assert warnings_of(document) == [
        "themes[1].chain_suggestions[0].text.da: names no rerun of the self-assessment as its "
        'follow-up (such as "Gentag selvevalueringen om et halvt år")',
        "themes[1].chain_suggestions[0].text.en: names no rerun of the self-assessment as its "
        'follow-up (such as "Run the self-assessment again in six months")',
    ]


def padded(count: int) -> str:
    """A chain suggestion of ``count`` Danish words that breaks no other rule: 14 words that
    name the levels, an owner and the rerun, then short sentences of "ja"."""
    base = "{upper} og {lower} mødes. {upper} står for det. Gentag selvevalueringen om et halvt år."
    fill = ["ja"] * (count - 14)
    return " ".join([base, *(" ".join(fill[i:i + 5]).capitalize() + "."
                             for i in range(0, len(fill), 5))])


@pytest.mark.parametrize("count", [MAX_CHAIN_SUGGESTION_WORDS, MAX_CHAIN_SUGGESTION_WORDS + 1])
def test_the_length_of_a_chain_suggestion(document, count):
    text = padded(count)
    assert len(words(text.replace("{upper}", "A").replace("{lower}", "B"))) == count
    document["themes"][4]["chain_suggestions"][0]["text"]["da"] = text
    expected = [] if count <= 40 else [
        f"themes[4].chain_suggestions[0].text.da: {count} words, at most 40"]
    assert warnings_of(document) == expected


def test_both_directions_of_a_break_have_a_suggestion(document):
    for suggestion in document["themes"][3]["chain_suggestions"]:
        suggestion["direction"] = "upper_higher"
    assert warnings_of(document) == [
        "themes[3].chain_suggestions: 0 suggestion(s) for a break where the lower level scored "
        'higher (direction "lower_higher"), at least 1',
    ]


def test_one_suggestion_for_a_direction_is_enough(document):
    for suggestion in document["themes"][3]["chain_suggestions"][:3]:
        suggestion["direction"] = "upper_higher"
    assert document["themes"][3]["chain_suggestions"][3]["direction"] == "lower_higher"
    assert warnings_of(document) == []


def test_a_suggestion_without_a_direction_serves_both(document):
    for suggestion in document["themes"][3]["chain_suggestions"]:
        suggestion["direction"] = "lower_higher"
    del document["themes"][3]["chain_suggestions"][0]["direction"]
    assert warnings_of(document) == []


# --------------------------------------------------------------------- words to avoid


@pytest.mark.parametrize(("path", "lang", "text", "term"), [
    (("themes", 0, "suggestions", 4), "da",
     "Lav en drejebog til de decentrale ledere. HR har ansvaret. Tjek om en måned.",
     "decentrale ledere"),
    (("themes", 0, "suggestions", 4), "da",
     "Vis hvert led målene. HR har ansvaret. Tjek om en måned.", "led"),
    (("themes", 0, "suggestions", 4), "en",
     "Ask citizens. HR is responsible. Check in a month.", "citizens"),
])
def test_words_for_one_concept(document, path, lang, text, term):
    node = document
    for key in path:
        node = node[key]
    node["text"][lang] = text
    found = [w for w in warnings_of(document) if "avoid" in w]
    assert len(found) == 1 and f'avoid "{term}"' in found[0], found


# --------------------------------------------------------------------- selfcheck check --strict


def test_check_strict_fails_on_each_new_warning(tmp_path, document):
    document["themes"][2]["intro"]["da"] = ABOVE_THE_LIMIT
    for suggestion in document["themes"][3]["chain_suggestions"]:
        suggestion["direction"] = "lower_higher"
    path = tmp_path / "questions.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--strict", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: 2 warning(s) (errors with --strict)",
        "  themes[2].intro.da: LIX 50.0, at most 40",
        "  themes[3].chain_suggestions: 0 suggestion(s) for a break where the upper level "
        'scored higher (direction "upper_higher"), at least 1',
    ]
