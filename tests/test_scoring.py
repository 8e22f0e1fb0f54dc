"""scoring.py against hand-computed numbers (DESIGN.md §4), and its properties."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfcheck.core.content import load_questionnaire, parse_questionnaire
from selfcheck.core.exact import Root
from selfcheck.core.scoring import (
    ANONYMITY_THRESHOLD,
    band_for,
    counted_value,
    distributions_visible,
    member_theme_score,
    percent,
    score_assessment,
)
from selfcheck.resources import default_questions_file


def text(da: str) -> dict:
    return {"da": da, "en": da + " (en)"}


def small_document(themes: dict[str, list[dict]]) -> dict:
    """A minimal valid questionnaire with the given themes → question tables."""
    bands = [
        {"id": "develop", "below": 2.5, "label": text("Udvikling"), "description": text("d")},
        {"id": "on_the_way", "below": 3.75, "label": text("På vej"), "description": text("d")},
        {"id": "strength", "label": text("Styrke"), "description": text("d")},
    ]
    return {
        "meta": {
            "id": "test",
            "version": "1",
            "title": text("Test"),
            "intro": text("Intro"),
            "source": {"title": "T", "publisher": "P", "year": 2019, "url": "u",
                       "citation": text("Kilde")},
        },
        "scale": {
            "min": 1,
            "max": 5,
            "dont_know": text("Ved ikke"),
            "points": [{"value": v, "label": text(f"p{v}")} for v in range(1, 6)],
        },
        "scoring": {"disagreement_range": 2, "bands": bands},
        "themes": [
            {
                "id": theme_id,
                "title": text(theme_id),
                "summary": text("s"),
                "intro": text("i"),
                "questions": [{"text": text(q["id"]), **q} for q in questions],
                "suggestions": [
                    {"id": f"{theme_id}_{b['id']}", "band": b["id"], "title": text("t"),
                     "text": text("x")}
                    for b in bands
                ],
            }
            for theme_id, questions in themes.items()
        ],
    }


@pytest.fixture
def questionnaire():
    """Theme a: a1 weight 2, a2, a3 reverse-worded. Theme b: b1, b2."""
    return parse_questionnaire(
        small_document(
            {
                "a": [{"id": "a1", "weight": 2}, {"id": "a2"}, {"id": "a3", "reverse": True}],
                "b": [{"id": "b1"}, {"id": "b2"}],
            }
        )
    )


# Member 1: a = (2·4 + 2 + (6−1)) / 4 = 15/4 = 3.75;  b = (4 + 4)/2 = 4
# Member 2: a = (3 + (6−5)) / 2 = 2 ("ved ikke" on a1);  b: only "ved ikke" → undefined
# Member 3: a = 5 (only a1 counted);  b = (4 + 5)/2 = 4.5
MEMBERS = [
    {"a1": 4, "a2": 2, "a3": 1, "b1": 4, "b2": 4},
    {"a1": None, "a2": 3, "a3": 5, "b1": None, "b2": None},
    {"a1": 5, "a2": None, "a3": None, "b1": 4, "b2": 5},
]


def test_counted_value_dont_know_and_reverse(questionnaire):
    scale = questionnaire.scale
    a1, _, a3 = questionnaire.theme("a").questions
    assert counted_value(a1, 4, scale) == 4
    assert counted_value(a1, None, scale) is None
    assert [counted_value(a3, v, scale) for v in (1, 2, 3, 4, 5)] == [5, 4, 3, 2, 1]
    assert counted_value(a3, None, scale) is None


def test_member_theme_scores_weighted_mean(questionnaire):
    theme = questionnaire.theme("a")
    scale = questionnaire.scale
    assert [member_theme_score(theme, m, scale) for m in MEMBERS] == [3.75, 2.0, 5.0]
    b = questionnaire.theme("b")
    assert [member_theme_score(b, m, scale) for m in MEMBERS] == [4.0, None, 4.5]


def test_member_with_no_counted_answers_is_undefined(questionnaire):
    theme = questionnaire.theme("a")
    assert member_theme_score(theme, {"a1": None, "a2": None, "a3": None}, questionnaire.scale) \
        is None
    assert member_theme_score(theme, {}, questionnaire.scale) is None


def test_team_theme_result_hand_computed(questionnaire):
    result = score_assessment(questionnaire, MEMBERS)
    a = result.theme("a")
    assert a.n == 3
    assert a.member_scores == (2.0, 3.75, 5.0)
    assert a.score == Fraction(43, 12)  # (2 + 15/4 + 5) / 3 = 3.5833…, exactly
    assert a.min == 2 and a.max == 5 and a.range == 3
    mean = Fraction(43, 12)
    # population variance ((2 − m)² + (15/4 − m)² + (5 − m)²) / 3 = 109/72, exactly
    expected = ((2 - mean) ** 2 + (Fraction(15, 4) - mean) ** 2 + (5 - mean) ** 2) / 3
    assert a.sd == Root(expected) == Root(Fraction(109, 72))
    assert float(a.sd) == pytest.approx(math.sqrt(109 / 72))
    assert a.disagreed is True
    assert a.percent == Fraction(775, 12)  # (43/12 − 1) / 4 × 100 = 64.583…
    assert a.band_id == "on_the_way"

    b = result.theme("b")
    assert (b.n, b.score, b.min, b.max, b.sd) == (2, 4.25, 4.0, 4.5, Root(Fraction(1, 16)))
    assert b.disagreed is False
    assert b.percent == 81.25
    assert b.band_id == "strength"

    assert result.respondents == 3
    assert result.overall == pytest.approx((10.75 / 3 + 4.25) / 2)  # 3.916…
    assert result.overall_percent == pytest.approx(72.916667, abs=1e-6)
    assert result.agenda == ("a", "b")
    assert result.improvement_areas == ("a",)
    assert result.strengths == ("b",)


def test_question_results_raw_values_and_dont_know(questionnaire):
    a = score_assessment(questionnaire, MEMBERS).theme("a")
    a1, a2, a3 = a.questions
    assert (a1.n, a1.mean, a1.min, a1.max, a1.dont_know) == (2, 4.5, 4, 5, 1)
    assert (a2.n, a2.mean, a2.min, a2.max, a2.dont_know) == (2, 2.5, 2, 3, 1)
    # Raw answers, not reversed: the table in the report shows what members chose.
    assert (a3.n, a3.mean, a3.min, a3.max, a3.dont_know) == (2, 3.0, 1, 5, 1)


def test_disagreement_boundary_is_inclusive(questionnaire):
    exactly_two = [{"b1": 2, "b2": 2}, {"b1": 4, "b2": 4}]
    just_under = [{"b1": 2, "b2": 3}, {"b1": 4, "b2": 4}]
    assert score_assessment(questionnaire, exactly_two).theme("b").disagreed is True
    assert score_assessment(questionnaire, just_under).theme("b").disagreed is False


def test_one_participant(questionnaire):
    result = score_assessment(questionnaire, [MEMBERS[0]])
    a = result.theme("a")
    assert (a.n, a.score, a.min, a.max, a.sd, a.disagreed) == (1, 3.75, 3.75, 3.75, Root(0),
                                                                False)
    assert a.band_id == "strength"  # 3.75 is not below 3.75
    assert result.overall == (3.75 + 4.0) / 2


def test_no_participants(questionnaire):
    result = score_assessment(questionnaire, [])
    a = result.theme("a")
    assert (a.n, a.score, a.percent, a.min, a.max, a.sd, a.band_id) == (
        0, None, None, None, None, None, None)
    assert a.disagreed is False
    assert (result.overall, result.overall_percent, result.respondents) == (None, None, 0)
    assert result.improvement_areas == () and result.strengths == ()
    assert result.agenda == ("a", "b")


def test_bands_and_percent(questionnaire):
    bands = questionnaire.bands
    assert [band_for(s, bands) for s in (1, 2.49, 2.5, 3.74, 3.75, 5)] == [
        "develop", "develop", "on_the_way", "on_the_way", "strength", "strength"]
    assert band_for(None, bands) is None
    scale = questionnaire.scale
    assert [percent(s, scale) for s in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]


def test_consensus_decides_the_band_and_both_numbers_are_kept(questionnaire):
    result = score_assessment(questionnaire, MEMBERS, consensus={"a": 2.0, "b": 3})
    a = result.theme("a")
    assert a.score == pytest.approx(10.75 / 3)
    assert a.consensus == 2.0 and a.band_score == 2.0
    assert a.band_id == "develop"
    b = result.theme("b")
    assert (b.score, b.consensus, b.band_id) == (4.25, 3, "on_the_way")
    # Lowest by band score first; the overall score stays the mean of team scores.
    assert result.improvement_areas == ("a", "b")
    assert result.strengths == ()
    assert result.overall == pytest.approx((10.75 / 3 + 4.25) / 2)


def test_agenda_disagreed_first_then_range_then_sd_ties_keep_order():
    questionnaire = parse_questionnaire(
        small_document({t: [{"id": f"{t}1"}, {"id": f"{t}2"}] for t in "pqrst"})
    )
    members = [
        # p: scores 3, 3 → range 0
        # q: scores 1, 5, 3 → range 4, sd 1.63  (disagreed)
        # r: scores 1, 5, 5 → range 4, sd 1.89  (disagreed, larger sd)
        # s: scores 2, 3, 3 → range 1, sd 0.47
        # t: scores 2, 3, 3 → the same as s: a tie keeps content order
        {"p1": 3, "p2": 3, "q1": 1, "q2": 1, "r1": 1, "r2": 1, "s1": 2, "s2": 2,
         "t1": 2, "t2": 2},
        {"p1": 3, "p2": 3, "q1": 5, "q2": 5, "r1": 5, "r2": 5, "s1": 3, "s2": 3,
         "t1": 3, "t2": 3},
        {"q1": 3, "q2": 3, "r1": 5, "r2": 5, "s1": 3, "s2": 3, "t1": 3, "t2": 3},
    ]
    result = score_assessment(questionnaire, members)
    assert result.agenda == ("r", "q", "s", "t", "p")
    assert [result.theme(t).disagreed for t in "pqrst"] == [False, True, True, False, False]


def test_improvement_areas_are_the_lowest_three_ties_keep_order():
    questionnaire = parse_questionnaire(
        small_document({t: [{"id": f"{t}1"}] for t in "pqrst"})
    )
    members = [{"p1": 3, "q1": 1, "r1": 2, "s1": 2, "t1": 5}]
    result = score_assessment(questionnaire, members)
    assert result.improvement_areas == ("q", "r", "s")
    assert result.strengths == ("t",)


def test_anonymity_threshold():
    assert ANONYMITY_THRESHOLD == 3
    assert distributions_visible(anonymous=True, respondents=2) is False
    assert distributions_visible(anonymous=True, respondents=3) is True
    assert distributions_visible(anonymous=False, respondents=1) is True


# --------------------------------------------------------------------- properties

SHIPPED = load_questionnaire(default_questions_file())
QUESTION_IDS = [q.id for q in SHIPPED.questions]
REGULAR = [q.id for q in SHIPPED.questions if not q.reverse]
answer_value = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
member = st.fixed_dictionaries({}, optional={qid: answer_value for qid in QUESTION_IDS})
teams = st.lists(member, min_size=1, max_size=15)


@settings(max_examples=150, deadline=None)
@given(teams)
def test_scores_stay_within_the_scale(members):
    result = score_assessment(SHIPPED, members)
    for theme in result.themes:
        for value in (theme.score, theme.min, theme.max, *theme.member_scores):
            assert value is None or 1 <= value <= 5
        assert theme.percent is None or 0 <= theme.percent <= 100
    assert result.overall is None or 1 <= result.overall <= 5


@settings(max_examples=150, deadline=None)
@given(teams, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_order(members, rnd):
    shuffled = list(members)
    rnd.shuffle(shuffled)
    reordered = []
    for answers in shuffled:
        items = list(answers.items())
        rnd.shuffle(items)
        reordered.append(dict(items))
    assert score_assessment(SHIPPED, reordered) == score_assessment(SHIPPED, members)


@settings(max_examples=200, deadline=None)
@given(teams, st.data())
def test_raising_an_answer_never_lowers_the_theme_score(members, data):
    index = data.draw(st.integers(min_value=0, max_value=len(members) - 1))
    question_id = data.draw(st.sampled_from(REGULAR))
    old_value = members[index].get(question_id)
    if old_value is None:
        new_value = data.draw(st.integers(min_value=1, max_value=5))  # from "don't know"
        raised = False
    else:
        new_value = data.draw(st.integers(min_value=old_value, max_value=5))
        raised = True
    changed = [dict(m) for m in members]
    changed[index][question_id] = new_value
    theme_id = SHIPPED.question(question_id).theme_id
    before = score_assessment(SHIPPED, members).theme(theme_id).score
    after = score_assessment(SHIPPED, changed).theme(theme_id).score
    if raised:
        assert after >= before
    assert after is not None
