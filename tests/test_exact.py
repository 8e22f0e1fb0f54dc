"""Exact scores at the boundaries (DESIGN.md §4): flags, bands, agenda and shown numbers.

The app's results are compared with a separate exact implementation of §4
written here from the rules, over random teams (Hypothesis), and at the
boundaries themselves: a range of exactly the threshold, equal ranges, scores
exactly on a band limit, half-way numbers on display.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selfcheck.core import charts
from selfcheck.core.content import parse_questionnaire
from selfcheck.core.exact import Root, exact, rounded
from selfcheck.core.scoring import score_assessment
from selfcheck.exchange import tables

from .test_scoring import small_document


def q(ident: str, weight=None, reverse=False) -> dict:
    table = {"id": ident, "text": {"da": ident, "en": ident}}
    if weight is not None:
        table["weight"] = weight
    if reverse:
        table["reverse"] = True
    return table


def five_statements(prefix: str) -> list[dict]:
    return [q(f"{prefix}{i}") for i in range(1, 6)]


# ----------------------------------------------------------------------------- display


@pytest.mark.parametrize(("value", "digits", "shown"), [
    (3.25, 1, "3.3"), (2.25, 1, "2.3"), (Fraction(13, 4), 1, "3.3"), (Fraction(9, 4), 1, "2.3"),
    (0.05, 1, "0.1"), (0.15, 1, "0.2"), (2.675, 2, "2.68"), (62.5, 0, "63"), (12.5, 0, "13"),
    (Fraction(1, 3), 1, "0.3"), (Fraction(-1, 20), 1, "-0.1"), (0, 1, "0.0"), (5, 1, "5.0"),
    (Fraction(43, 12), 1, "3.6"), (Fraction(349, 100), 1, "3.5"),
])
def test_shown_numbers_are_rounded_half_up_on_the_exact_value(value, digits, shown):
    # Python's round() and "%.1f" give 3.2 for 3.25 (half-even, and 2.675 is 2.67499… as a float)
    assert str(rounded(value, digits)) == shown


@pytest.mark.parametrize(("square", "digits", "shown"), [
    (Fraction(1, 16), 2, "0.25"),  # √(1/16) = 0.25 exactly
    (Fraction(9, 400), 1, "0.2"),  # √ = 0.15 exactly: half-up gives 0.2 (a float gives 0.1)
    (Fraction(2), 2, "1.41"), (Fraction(109, 72), 2, "1.23"), (Fraction(0), 2, "0.00"),
    (Fraction(1225, 10000), 1, "0.4"),  # √ = 0.35 exactly
])
def test_a_standard_deviation_is_rounded_half_up_exactly(square, digits, shown):
    assert str(rounded(Root(square), digits)) == shown


@given(st.fractions(min_value=0, max_value=25, max_denominator=10_000), st.integers(0, 3))
def test_rounded_root_agrees_with_high_precision_decimal(square, digits):
    from decimal import ROUND_HALF_UP, localcontext

    with localcontext() as context:
        context.prec = 60
        root = (Decimal(square.numerator) / Decimal(square.denominator)).sqrt()
        expected = root.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    assert rounded(Root(square), digits) == expected


def test_a_float_counts_as_the_decimal_it_was_written_as():
    assert exact(0.1) == Fraction(1, 10)
    assert exact(2.6) == Fraction(13, 5)
    with pytest.raises(ValueError):
        exact(math.nan)
    with pytest.raises(ValueError):
        exact(math.inf)


def test_chart_labels_and_dot_columns_use_the_same_rounding():
    svg = charts.radar(["a", "b", "c"], [Fraction(13, 4), Fraction(9, 4), None], title="t")
    assert ">3.3</tspan>" in svg and ">2.3</tspan>" in svg
    # 3.25 and 3.3 show as the same number, so they stack in one column
    strip = charts.distribution([Fraction(13, 4), Fraction(33, 10)], Fraction(13, 4), title="t")
    assert strip.count("<circle") == 2
    assert len({part.split('cy="')[0] for part in strip.split("<circle")[1:]}) == 1


# ----------------------------------------------------------------------------- boundaries


@pytest.fixture
def five_by_two():
    """Two themes of five equally weighted statements, disagreement at exactly 2."""
    return parse_questionnaire(small_document({"a": five_statements("a"),
                                               "b": five_statements("b")}))


def member(a: list[int], b: list[int]) -> dict:
    answers = {f"a{i}": v for i, v in enumerate(a, 1)}
    answers.update({f"b{i}": v for i, v in enumerate(b, 1)})
    return answers


def test_a_range_of_exactly_the_threshold_is_a_disagreement(five_by_two):
    # 9/5 = 1.8 and 19/5 = 3.8: the range is exactly 2 (in floats 1.9999999999999998)
    low, high = [1, 1, 2, 2, 3], [3, 4, 4, 4, 4]
    assert 3.8 - 1.8 < 2  # the float arithmetic this test guards against
    result = score_assessment(five_by_two, [member(low, high), member(high, low)])
    for theme in result.themes:
        assert (theme.min, theme.max, theme.range) == (Fraction(9, 5), Fraction(19, 5), 2)
        assert theme.disagreed is True
    # just under the threshold: 2 (10/5) and 3.8 give 1.8, no disagreement
    result = score_assessment(five_by_two, [member([1, 1, 2, 3, 3], high),
                                            member(high, [1, 1, 2, 3, 3])])
    assert [t.disagreed for t in result.themes] == [False, False]


def test_equal_ranges_tie_and_the_standard_deviation_decides(five_by_two):
    # theme a: 1.0, 3.6, 3.6 and theme b: 1.2, 3.8 both have a range of exactly 13/5, but in
    # floats 3.6 − 1.0 = 2.6 and 3.8 − 1.2 = 2.5999999999999996, which put a first.
    assert 3.6 - 1.0 > 3.8 - 1.2
    a_low, a_high = [1, 1, 1, 1, 1], [3, 3, 4, 4, 4]
    b_low, b_high = [1, 1, 1, 1, 2], [3, 4, 4, 4, 4]
    team = [member(a_low, b_low), member(a_high, b_high), member(a_high, [])]
    result = score_assessment(five_by_two, team)
    a, b = result.theme("a"), result.theme("b")
    assert a.range == b.range == Fraction(13, 5)
    assert a.disagreed and b.disagreed
    # a: mean 41/15, deviations −26/15, 13/15, 13/15 → variance (676 + 169 + 169) / 225 / 3
    assert a.sd == Root(Fraction(338, 225))
    assert b.sd == Root(Fraction(169, 100))  # two members 13/5 apart: (13/10)²
    assert result.agenda == ("b", "a")  # equal range, so the larger spread comes first
    # a full tie (same range, same spread) keeps the questionnaire's order
    result = score_assessment(five_by_two, [member(a_low, b_low), member(a_high, b_high)])
    assert result.theme("a").sd == result.theme("b").sd
    assert result.agenda == ("a", "b")


def test_scores_exactly_on_a_band_limit_belong_to_the_band_above():
    # bands: develop below 2.5, on_the_way below 3.75, then strength
    document = small_document({"a": [q("a1", 0.1), q("a2", 0.2), q("a3", 0.3)],
                               "b": [q("b1", 1), q("b2", 3)]})
    questionnaire = parse_questionnaire(document)
    # a: (1·0.1 + 1·0.2 + 4·0.3) / 0.6 = 1.5 / 0.6 = 2.5 exactly; floats give 2.4999999999999996
    assert (1 * 0.1 + 1 * 0.2 + 4 * 0.3) / (0.1 + 0.2 + 0.3) < 2.5
    # b: (3·1 + 4·3) / 4 = 15/4 = 3.75 exactly
    team = [{"a1": 1, "a2": 1, "a3": 4, "b1": 3, "b2": 4}]
    result = score_assessment(questionnaire, team)
    assert result.theme("a").score == Fraction(5, 2)
    assert result.theme("a").band_id == "on_the_way"
    assert result.theme("b").score == Fraction(15, 4)
    assert result.theme("b").band_id == "strength"
    # an agreed score exactly on the limit decides the band the same way
    result = score_assessment(questionnaire, team, {"a": 3.75, "b": 2.5})
    assert (result.theme("a").band_id, result.theme("b").band_id) == ("strength", "on_the_way")


def test_improvement_areas_rank_by_and_carry_the_agreed_score(five_by_two):
    team = [member([2, 2, 2, 2, 2], [3, 3, 3, 3, 3])]
    result = score_assessment(five_by_two, team, {"b": 1.5})
    assert result.improvement_areas == ("b", "a")  # b's agreed 1.5 is lower than a's 2.0
    b = result.theme("b")
    assert (b.score, b.band_score, b.band_score_is_agreed) == (3, Fraction(3, 2), True)
    assert result.theme("a").band_score_is_agreed is False


def test_exports_show_the_same_rounded_numbers():
    assert str(tables._number(Fraction(13, 4))) == "3.3"
    assert str(tables._number(Fraction(9, 4))) == "2.3"
    assert str(tables._number(Fraction(125, 2), 0)) == "63"
    assert str(tables._number(Root(Fraction(9, 400)), 2)) == "0.15"
    assert str(tables._number(Root(Fraction(9, 100)), 2)) == "0.30"


# ----------------------------------------------------------------------------- property


def exact_rule(questionnaire, members, consensus):
    """DESIGN.md §4 from scratch, in fractions: flags, bands, agenda, improvement areas."""
    bands = questionnaire.bands
    out = {}
    for theme in questionnaire.themes:
        scores = []
        for answers in members:
            num = den = Fraction(0)
            for question in theme.questions:
                value = answers.get(question.id)
                if value is None:
                    continue
                counted = 6 - value if question.reverse else value
                weight = Fraction(str(question.weight))
                num += weight * counted
                den += weight
            if den:
                scores.append(num / den)
        mean = sum(scores, Fraction(0)) / len(scores) if scores else None
        var = sum(((s - mean) ** 2 for s in scores), Fraction(0)) / len(scores) if scores \
            else None
        rng = max(scores) - min(scores) if scores else None
        # the agreed score picks the band where the team recorded one, even with no answers
        band_score = Fraction(str(consensus[theme.id])) if theme.id in consensus else mean
        band = None if band_score is None else next(
            (b.id for b in bands if b.below is not None
             and band_score < Fraction(str(float(b.below)))), bands[-1].id)
        out[theme.id] = (mean, rng, var, bool(scores) and rng >= 2, band, band_score)
    order = list(out)
    scored = [t for t in order if out[t][0] is not None]
    agenda = sorted(scored, key=lambda t: (0 if out[t][3] else 1, -out[t][1], -out[t][2],
                                           order.index(t)))
    agenda += [t for t in order if out[t][0] is None]
    candidates = sorted((t for t in order if out[t][5] is not None
                         and out[t][4] != bands[-1].id),
                        key=lambda t: (out[t][5], order.index(t)))
    return out, tuple(agenda), tuple(candidates[:3])


WEIGHTS = st.sampled_from([None, 0.1, 0.2, 0.3, 0.5, 1.5, 2, 3])
ANSWER = st.one_of(st.none(), st.integers(1, 5))


@st.composite
def random_teams(draw):
    themes = {}
    for t in "abcd":
        size = draw(st.integers(2, 5))
        reverse = draw(st.integers(0, size))  # index of a reverse statement, or none
        themes[t] = [q(f"{t}{i}", draw(WEIGHTS), i == reverse) for i in range(size)]
    questionnaire = parse_questionnaire(small_document(themes))
    members = draw(st.lists(
        st.fixed_dictionaries({x.id: ANSWER for x in questionnaire.questions}), max_size=7))
    consensus = draw(st.dictionaries(st.sampled_from("abcd"),
                                     st.sampled_from([1, 1.5, 2, 2.5, 3, 3.5, 3.75, 4, 5]),
                                     max_size=2))
    return questionnaire, members, consensus


@settings(max_examples=300, deadline=None)
@given(random_teams())
def test_flags_bands_and_agenda_equal_the_exact_rule(team):
    questionnaire, members, consensus = team
    expected, agenda, improvement = exact_rule(questionnaire, members, consensus)
    result = score_assessment(questionnaire, members, consensus)
    for theme in result.themes:
        mean, rng, var, disagreed, band, band_score = expected[theme.theme_id]
        assert (theme.score, theme.range, theme.band_score) == (mean, rng, band_score)
        assert (theme.sd.square if theme.sd else None) == var
        assert theme.disagreed is disagreed
        assert theme.band_id == band
    assert result.agenda == agenda
    assert result.improvement_areas == improvement


# ----------------------------------------------------------------------------- pages and PDF


def counted(question, value):
    """The answer that counts as ``value`` (mirrored for a reverse-worded statement)."""
    return None if value is None else (6 - value if question.reverse else value)


def test_pages_exports_and_pdf_show_the_same_half_up_numbers_and_agreed_scores(app,
                                                                                questionnaire):
    import csv
    import io

    from pypdf import PdfReader

    from .conftest import Facilitator, Member, csrf_token, html_text

    facilitator = Facilitator(app).create(answers="named")  # two members: named shows all
    purpose = questionnaire.themes[0]
    # Ane's purpose score is 2; Bo's is (3 + 3 + 2 + 2) / 4 = 2.5 (the rest "don't know"):
    # the team score is exactly 2.25, shown as 2,3 (Python's round gives 2.2).
    bo_values = [3, 3, 2, 2] + [None] * (len(purpose.questions) - 4)
    plans = {"Ane": {q.id: counted(q, 2) for q in purpose.questions},
             "Bo": {q.id: counted(q, v) for q, v in zip(purpose.questions, bo_values,
                                                       strict=True)}}
    for name, answers in plans.items():
        member = Member(app, facilitator.join_url()).join(name)
        for q in questionnaire.questions:
            answers.setdefault(q.id, counted(q, 4))
        member.answer_all(questionnaire, answers)
        member.submit()
    # the team agrees on 3.5 for the second recommendation (members said 4.0)
    second = questionnaire.themes[1]
    agenda_position = 2  # no disagreement: the agenda keeps the questionnaire's order
    page = facilitator.client.get(f"{facilitator.results_url}/workshop/{agenda_position}")
    assert facilitator.client.post(
        f"{facilitator.results_url}/workshop/{agenda_position}/decision",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "consensus": "3.5",
              "note": ""}).status_code == 302

    text = html_text(facilitator.results())
    assert f"{purpose.title.da} 2,3" in text  # the results table
    # improvement areas are ranked by, and print, the score that picks the band
    assert (f"Forbedringsområder {purpose.title.da} (2,3) {second.title.da} (3,5 aftalt)"
            in text)
    rows = list(csv.DictReader(io.StringIO(facilitator.client.get(
        f"{facilitator.results_url}/export-results.csv").data.decode())))
    assert (rows[0]["score"], rows[1]["agreed_score"]) == ("2.3", "3.5")
    pdf = facilitator.client.get(f"{facilitator.results_url}/report.pdf").data
    flat = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"{purpose.title.da} (2,3)" in flat
    assert f"{second.title.da} (3,5 aftalt)" in flat
    assert "vejer alle udsagn lige meget" in flat  # the method page describes the weights
