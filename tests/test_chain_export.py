"""The chain's comparison as a document (exchange/chain.py): it reads back as the same
comparison, and a file that is wrong in any way is refused with its path, never a traceback."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcheck.core.chain import TeamInput, compare_chain
from selfcheck.core.content import parse_questionnaire
from selfcheck.exchange import chain as chain_json
from selfcheck.exchange.problems import ExchangeError, lines

from .test_chain_validity import MADE, NONE, TOP

QUESTIONNAIRE = parse_questionnaire(MADE)


def _document() -> dict:
    q = QUESTIONNAIRE
    high = {"a_all": 5, "a_all_2": 5, "a_politicians": 4, "b_all": 5, "b_too_many": 1}
    low = {"a_all": 3, "a_all_2": 2, "b_all": 4, "b_too_many": 4}
    teams = [TeamInput("Direktionen", 0, False, q.for_conditions(TOP), (high,) * 3, {}),
             TeamInput("Skolerne", 1, True, q.for_conditions(NONE), (low,) * 4, {"alpha": 3}),
             TeamInput("Dagtilbud", 1, True, q.for_conditions(NONE), (low,) * 2, {})]
    result = compare_chain(2, q, teams)
    return chain_json.export_chain(
        name="Vejle Kommune", language="da", created_at=datetime(2026, 12, 1, tzinfo=UTC),
        levels=[("Direktion", "Executive board", ["managers_below", "politicians"]),
                ("Institutionsledere", "Institution managers", [])],
        questionnaire_document=MADE, result=result)


DOCUMENT = _document()


def test_the_document_reads_back_as_the_same_comparison():
    data = chain_json.load_chain_export(json.loads(json.dumps(DOCUMENT)))
    teams = [TeamInput("Direktionen", 0, False, QUESTIONNAIRE.for_conditions(TOP),
                       ({"a_all": 5, "a_all_2": 5, "a_politicians": 4, "b_all": 5,
                         "b_too_many": 1},) * 3, {})]
    assert data.name == "Vejle Kommune" and data.levels[0].conditions == (
        "managers_below", "politicians")
    assert data.levels[1].name("en") == "Institution managers"
    # the anonymous team of 2 is named as left out and carries nothing else
    skoler, dagtilbud = data.result.levels[1].teams
    assert (dagtilbud.counted, dagtilbud.scores, dagtilbud.consensus) == (False, {}, {})
    assert skoler.consensus == {"alpha": 3}
    assert data.result == compare_chain(2, QUESTIONNAIRE, [*teams, *[
        TeamInput("Skolerne", 1, True, QUESTIONNAIRE.for_conditions(NONE),
                  ({"a_all": 3, "a_all_2": 2, "b_all": 4, "b_too_many": 4},) * 4,
                  {"alpha": 3}),
        TeamInput("Dagtilbud", 1, True, QUESTIONNAIRE.for_conditions(NONE),
                  ({"a_all": 3, "a_all_2": 2, "b_all": 4, "b_too_many": 4},) * 2, {})]])
    assert data.result.breaks and data.result.partial()


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d["levels"][1]["themes"].reverse(),
     "levels[1].themes: must list the questionnaire's themes in order: alpha, beta"),
    (lambda d: d["levels"][0]["themes"][0].update(score="9"),
     "levels[0].themes[0].score: '9' is not a score from 1 to 5"),
    (lambda d: d["breaks"][0].update(upper=1, lower=1),
     "breaks[0].lower: levels 1 and 1 are not two levels of the chain, top first"),
    (lambda d: d["comparisons"][0]["compared"].append("b_all"),
     "comparisons[0].compared[2]: unknown statement"),
    (lambda d: d["levels"][0]["conditions"].append("mayor"),
     "levels[0].conditions[2]: Unknown choice: 'mayor'."),
    (lambda d: d["levels"][1]["teams"][1]["scores"].update(alpha="3"),
     "levels[1].teams[1].scores.alpha: a score the organisation's page does not show (too few "
     "respondents); the file cannot hold it"),
    (lambda d: d.update(questionnaire_hash="0" * 64),
     "questionnaire_hash: does not match the questionnaire"),
    (lambda d: d["levels"][0].update(respondents=-1), "levels[0].respondents: -1 must be at "
                                                      "least 0"),
])
def test_a_wrong_file_is_refused_with_its_path(change, problem):
    document = copy.deepcopy(DOCUMENT)
    change(document)
    with pytest.raises(ExchangeError) as refused:
        chain_json.load_chain_export(document)
    assert lines(refused.value.problems) == [problem]


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            if path == () and key == "questionnaire":
                continue  # the content's own checks are tested in test_content*.py
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path


LEAVES = list(_leaves(DOCUMENT))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.text(max_size=30)
    | st.sampled_from(["13/3", "1/0", "-1", "alpha", "a_all", "x" * 300, "\x00"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(LEAVES), json_values), min_size=1, max_size=4))
def test_any_change_is_read_or_refused_never_a_crash(changes):
    document = copy.deepcopy(DOCUMENT)
    for path, value in changes:
        node = document
        for key in path[:-1]:
            node = node[key] if isinstance(node, dict | list) and (
                key in node if isinstance(node, dict) else key < len(node)) else None
            if node is None:
                break
        if isinstance(node, dict) or (isinstance(node, list) and path[-1] < len(node)):
            node[path[-1]] = value
    try:
        data = chain_json.load_chain_export(document)
    except ExchangeError as refused:
        assert refused.problems and all(isinstance(line, str) for line in lines(
            refused.problems))
    else:  # what is read is shown only where the rules allow it
        for level in data.result.levels:
            for row in level.teams:
                assert all(level.theme_n[t] >= 3 for t in (*row.scores, *row.consensus))
