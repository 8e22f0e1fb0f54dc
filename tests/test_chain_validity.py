"""The chain compares like with like (docs/scoring.md "The chain", docs/organisations.md):

* a statement that does not apply to a level changes nothing in that level's score;
* two levels are compared on the statements both answered, and a theme they cannot be
  compared on says so instead of flagging a break;
* a difference in the direction the source expects is not a break; the other direction is;
* who counts: a submitted member with a scored answer; "Ved ikke" to everything counts
  nowhere; a level shows no score resting on one member, and no team scores resting on
  fewer than 3.

The questionnaire here is made for the test (two themes, conditions, an expected
direction) on the shipped scale and bands, so the numbers do not move with the content.
"""

from __future__ import annotations

import copy
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfcheck.core.chain import TeamInput, compare_chain, suggestions_for
from selfcheck.core.content import parse_questionnaire, read_document

from .conftest import QUESTIONS_FILE


def _text(da: str, en: str | None = None) -> dict:
    return {"da": da, "en": en or da}


def _suggestions(document: dict, prefix: str) -> list[dict]:
    return [{"id": f"{prefix}_{band['id']}", "band": band["id"], "title": _text("Gør noget"),
             "text": _text("Teamets leder gør noget inden for en måned.")}
            for band in document["scoring"]["bands"]]


def _made(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["chain"] = {
        "gap": 1.0,
        "conditions": [{"id": "politicians", "label": _text("Arbejder med politikerne")},
                       {"id": "managers_below", "label": _text("Har ledere under sig")}],
        "levels": [{"id": "top", "name": _text("Direktion"),
                    "conditions": ["politicians", "managers_below"]},
                   {"id": "bottom", "name": _text("Institutionsledere"), "conditions": []}],
    }
    document["themes"] = [
        {"id": "alpha", "title": _text("Alfa"), "summary": _text("Alfa."),
         "intro": _text("Alfa."),
         "questions": [
             {"id": "a_all", "text": _text("Alle bliver spurgt.")},
             {"id": "a_all_2", "text": _text("Alle bliver også spurgt.")},
             {"id": "a_politicians", "text": _text("Kun med politikere."),
              "applies_if": ["politicians"]},
         ],
         "suggestions": _suggestions(document, "alpha"),
         "chain_suggestions": [
             {"id": "alpha_up", "direction": "upper_higher", "title": _text("Til {lower}"),
              "text": _text("{upper} lytter til {lower} inden for en måned.")},
             {"id": "alpha_down", "direction": "lower_higher", "title": _text("Til {upper}"),
              "text": _text("{lower} viser {upper} hvordan inden for en måned.")},
             {"id": "alpha_both", "title": _text("Begge"),
              "text": _text("Begge led mødes inden for en måned.")}]},
        {"id": "beta", "title": _text("Beta"), "summary": _text("Beta."),
         "intro": _text("Beta."),
         "questions": [
             {"id": "b_all", "text": _text("Alle bliver spurgt om beta.")},
             {"id": "b_too_many", "text": _text("Vi har for mange mål."), "reverse": True,
              "chain_expected": "lower_down"},
         ],
         "suggestions": _suggestions(document, "beta")},
    ]
    return document


MADE = _made(read_document(QUESTIONS_FILE))


@pytest.fixture
def made() -> dict:
    return copy.deepcopy(MADE)


@pytest.fixture
def q(made):
    return parse_questionnaire(made)


def team(q, name, level, members, *, conditions=None, anonymous=False, consensus=None):
    return TeamInput(name, level, anonymous, q.for_conditions(conditions), tuple(members),
                     consensus or {})


TOP = frozenset({"politicians", "managers_below"})
NONE = frozenset()


def test_a_statement_that_does_not_apply_changes_nothing_in_the_levels_score(q):
    """The bottom team is not asked a_politicians: an answer to it, if one were stored, does
    not count, and its theme score rests on the two statements it was asked."""
    assert [x.id for x in q.for_conditions(NONE).theme("alpha").questions] == [
        "a_all", "a_all_2"]
    plain = [{"a_all": 2, "a_all_2": 4, "b_all": 3, "b_too_many": 3}] * 2
    stray = [{**m, "a_politicians": 5} for m in plain]
    for members in (plain, stray):
        result = compare_chain(1, q, [team(q, "Inst", 0, members, conditions=NONE)])
        assert result.levels[0].scores["alpha"] == 3  # (2 + 4) / 2, never with the 5


def test_two_levels_are_compared_on_the_statements_both_answered(q):
    top = [{"a_all": 5, "a_all_2": 5, "a_politicians": 1, "b_all": 3, "b_too_many": 3}] * 3
    bottom = [{"a_all": 4, "a_all_2": 4, "b_all": 3, "b_too_many": 3}] * 3
    result = compare_chain(2, q, [team(q, "Dir", 0, top, conditions=TOP),
                                  team(q, "Inst", 1, bottom, conditions=NONE)])
    # the levels' own scores: the top's rests on its three statements
    assert result.levels[0].scores["alpha"] == Fraction(11, 3)
    assert result.levels[1].scores["alpha"] == 4
    alpha = next(c for c in result.comparisons if c.theme_id == "alpha")
    assert (alpha.compared, alpha.asked_of_one, alpha.expected) == (
        ("a_all", "a_all_2"), ("a_politicians",), ())
    # compared like with like: 5 against 4 on the two common statements, no break at 1 − ε…
    assert (alpha.upper_score, alpha.lower_score) == (5, 4)
    # …and exactly the gap of 1 is a break, on the compared scores (not 11/3 against 4)
    assert [(b.theme_id, b.upper_score, b.lower_score, b.direction)
            for b in result.breaks] == [("alpha", 5, 4, "upper_higher")]
    assert alpha in result.partial()


def test_a_theme_two_levels_cannot_be_compared_on_says_so(made):
    # the bottom is not asked b_all, and the one statement both are asked has an expected
    # direction: nothing is left to compare the theme on
    made["themes"][1]["questions"][0]["applies_if"] = ["politicians"]
    q = parse_questionnaire(made)
    top = [{"a_all": 3, "a_all_2": 3, "b_all": 5, "b_too_many": 1}] * 3
    bottom = [{"a_all": 3, "a_all_2": 3, "b_too_many": 1}] * 3
    result = compare_chain(2, q, [team(q, "Dir", 0, top, conditions=TOP),
                                  team(q, "Inst", 1, bottom, conditions=NONE)])
    beta = next(c for c in result.comparisons if c.theme_id == "beta")
    assert not beta.comparable and beta.compared == () and beta.expected == ("b_too_many",)
    assert result.not_comparable() == [beta]
    assert [b.theme_id for b in result.breaks] == []  # a 5 against nothing is no break


@pytest.mark.parametrize(("top_value", "bottom_value", "expected", "breaks"), [
    # b_too_many is reverse-worded: counted 6 − v. Top counts 5, bottom 3: lower down, as
    # the source expects (more goals further down): an expected difference, not a break
    (1, 3, [("b_too_many", 5, 3)], []),
    # the other way round, bottom higher by 2: a break on the statement
    (3, 1, [], [("b_too_many", 3, 5, "lower_higher")]),
    # exactly the gap in the expected direction is expected; just under is nothing
    (2, 3, [("b_too_many", 4, 3)], []),
])
def test_an_expected_difference_is_not_a_break_and_the_opposite_is(q, top_value, bottom_value,
                                                                   expected, breaks):
    top = [{"a_all": 3, "a_all_2": 3, "b_all": 3, "b_too_many": top_value}] * 3
    bottom = [{"a_all": 3, "a_all_2": 3, "b_all": 3, "b_too_many": bottom_value}] * 3
    result = compare_chain(2, q, [team(q, "Dir", 0, top, conditions=TOP),
                                  team(q, "Inst", 1, bottom, conditions=NONE)])
    assert [(e.question_id, e.upper_score, e.lower_score) for e in result.expected] == expected
    assert [(b.question_id, b.upper_score, b.lower_score, b.direction)
            for b in result.breaks] == breaks
    # the theme itself is compared without the statement: b_all 3 against 3
    beta = next(c for c in result.comparisons if c.theme_id == "beta")
    assert beta.compared == ("b_all",) and (beta.upper_score, beta.lower_score) == (3, 3)


def test_chain_suggestions_follow_the_direction_and_name_the_levels(q):
    top = [{"a_all": 5, "a_all_2": 5, "b_all": 3, "b_too_many": 3}] * 3
    bottom = [{"a_all": 2, "a_all_2": 2, "b_all": 3, "b_too_many": 3}] * 3
    result = compare_chain(2, q, [team(q, "Dir", 0, top), team(q, "Inst", 1, bottom)])
    (brk,) = result.breaks
    chosen = suggestions_for(q.theme("alpha"), brk)
    assert [s.id for s in chosen] == ["alpha_up", "alpha_both"]
    assert chosen[0].for_pair("da", "Direktionen", "Skolelederne") == (
        "Til Skolelederne", "Direktionen lytter til Skolelederne inden for en måned.")


ALL_DONT_KNOW = {"a_all": None, "a_all_2": None, "a_politicians": None, "b_all": None,
                 "b_too_many": None}


def test_who_counts_toward_the_threshold(q):
    """Submitted members count as respondents only with a scored answer: three submitted,
    one of them "Ved ikke" to everything, is an anonymous team of 2 and left out; one
    scored answer is enough to count."""
    scored = {"a_all": 4, "a_all_2": 4, "b_all": 4, "b_too_many": 2}
    one_answer = {**ALL_DONT_KNOW, "b_all": 2}
    result = compare_chain(1, q, [
        team(q, "Anon", 0, [scored, scored, ALL_DONT_KNOW], anonymous=True),
        team(q, "Anon 2", 0, [scored, scored, one_answer], anonymous=True)])
    rows = {row.name: row for row in result.levels[0].teams}
    assert (rows["Anon"].counted, rows["Anon"].reason, rows["Anon"].respondents) == (
        False, "anonymous_below_threshold", 2)
    assert (rows["Anon 2"].counted, rows["Anon 2"].respondents) == (True, 3)
    level = result.levels[0]
    assert level.respondents == 3
    # alpha: only the two scored members of Anon 2 have a score there (2 < 3): the level
    # shows its score but not the team's; beta: all three, so the team shows
    assert level.theme_n == {"alpha": 2, "beta": 3}
    assert level.scores == {"alpha": 4, "beta": Fraction(10, 3)}
    assert rows["Anon 2"].scores == {"beta": Fraction(10, 3)}
    assert (level.hidden("alpha"), level.hidden("beta")) == ("teams", None)


def test_a_level_resting_on_one_member_shows_no_score_and_breaks_skip_it(q):
    three = [{"a_all": 5, "a_all_2": 5, "b_all": 5, "b_too_many": 1}] * 3
    one = [{"a_all": 1, "a_all_2": 1, "b_all": 1, "b_too_many": 5}]
    two = [{"a_all": 4, "a_all_2": 4, "b_all": 4, "b_too_many": 2}] * 2
    result = compare_chain(3, q, [team(q, "Top", 0, three), team(q, "Alone", 1, one),
                                  team(q, "Pair", 2, two)])
    alone, pair = result.levels[1], result.levels[2]
    assert alone.scores == {"alpha": None, "beta": None} and alone.teams[0].scores == {}
    assert (alone.hidden("alpha"), alone.respondents) == ("score", 1)
    assert pair.scores == {"alpha": 4, "beta": 4} and pair.teams[0].scores == {}
    assert pair.hidden("alpha") == "teams"
    # the comparison goes from the top to the level of two, past the one member's level
    assert {(c.upper, c.lower) for c in result.comparisons} == {(0, 2)}
    assert {(b.theme_id, b.upper, b.lower) for b in result.breaks} == {
        ("alpha", 0, 2), ("beta", 0, 2)}


def test_an_empty_level_and_an_empty_chain(q):
    result = compare_chain(2, q, [])
    assert not result.has_scores and result.breaks == () and result.comparisons == ()
    assert result.levels[0].hidden("alpha") is None


answer = st.one_of(st.none(), st.integers(1, 5))
member = st.fixed_dictionaries({i: answer for i in ("a_all", "a_all_2", "a_politicians",
                                                    "b_all", "b_too_many")})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.booleans(), st.lists(member, max_size=5)),
                max_size=6))
def test_nothing_shown_rests_on_fewer_members_than_the_rules_allow(teams):
    q = parse_questionnaire(MADE)
    inputs = [team(q, f"T{i}", level, members, anonymous=anonymous,
                   conditions=TOP if level == 0 else NONE)
              for i, (level, anonymous, members) in enumerate(teams)]
    result = compare_chain(3, q, inputs)
    for level in result.levels:
        for theme_id, score in level.scores.items():
            assert score is None or level.theme_n[theme_id] >= 2
        for row in level.teams:
            assert all(level.theme_n[t] >= 3 for t in (*row.scores, *row.consensus))
            assert row.counted or row.scores == {}
    for brk in result.breaks:
        assert brk.gap >= q.chain_gap
