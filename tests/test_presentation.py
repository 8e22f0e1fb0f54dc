"""core/presentation.py at its edges: how a number, the comments and the level chart are shown.

Pure functions, so no app and no database: the pages and both PDFs call these, and the page
and PDF tests check that they do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from selfcheck.core.chain import ChainResult, LevelResult, TeamRow
from selfcheck.core.exact import Root
from selfcheck.core.presentation import (
    Comment,
    action_text,
    actions_by_theme,
    comments_by_theme,
    format_score,
    level_chart,
    level_rows,
    planned_suggestions,
    unchanged_suggestion,
)
from selfcheck.core.records import ActionData, DecisionData, consensus_by_theme
from selfcheck.core.scoring import ANONYMITY_THRESHOLD, band_score
from selfcheck.dates import format_day, format_long_day
from selfcheck.report.team import is_short_plan

# --- format_score -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
def test_no_number_is_a_dash(lang):
    assert format_score(None, lang) == "–"
    assert format_score(None, lang, 2) == "–"


@pytest.mark.parametrize(("value", "da", "en"), [
    (Fraction(13, 4), "3,3", "3.3"),  # exactly x.x5: half-up, never to even
    (Fraction(9, 4), "2,3", "2.3"),
    (Fraction(1, 20), "0,1", "0.1"),
    (Fraction(1, 20) - Fraction(1, 10**9), "0,0", "0.0"),  # just under the half: down
    (Fraction(-13, 4), "-3,3", "-3.3"),  # halves go away from zero
    (3.25, "3,3", "3.3"),  # a float counts as the decimal it was written as
    (Decimal("2.45"), "2,5", "2.5"),
    (3, "3,0", "3.0"),  # always the one decimal
    (Fraction(12345, 10), "1234,5", "1234.5"),  # no grouping
])
def test_one_decimal_rounded_half_up_with_the_languages_mark(value, da, en):
    assert format_score(value, "da") == da
    assert format_score(value, "en") == en


def test_digits_and_roots():
    assert format_score(Fraction(1, 8), "da", 2) == "0,13"
    assert format_score(2.675, "en", 2) == "2.68"  # binary 2.67499…, shown as written
    assert format_score(Fraction(75, 2), "da", 0) == "38"
    assert format_score(Root(Fraction(9, 4)), "da") == "1,5"  # a standard deviation
    assert format_score(Root(Fraction(2)), "en", 2) == "1.41"


def test_the_score_macro_and_the_pdf_environment_use_it():
    from selfcheck.report.render import environment

    template = environment("da").from_string(
        '{% from "_macros.html" import score, percent %}'
        "[{{ score(x) }}][{{ score(none) }}][{{ score(s, 2) }}][{{ percent(p) }}]"
        "[{{ percent(none) }}][{{ format_score(x) }}]")
    assert template.render(x=Fraction(13, 4), s=Root(Fraction(2)), p=Fraction(151, 2)) == \
        "[3,3][–][1,41][76 %][–][3,3]"
    assert environment("en").from_string("{{ format_score(x) }}").render(x=Fraction(9, 4)) == \
        "2.3"


def test_the_web_templates_have_it_in_the_requests_language(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask import render_template_string

        assert render_template_string(
            '{% from "_macros.html" import score %}{{ score(x) }} {{ format_score(x, 2) }}',
            x=Fraction(13, 4)) == "3.3 3.25"
    with app.test_request_context(headers={"Accept-Language": "da"}):
        assert render_template_string(
            '{% from "_macros.html" import score %}{{ score(x) }}', x=Fraction(13, 4)) == "3,3"


# --- comments_by_theme --------------------------------------------------------------------


MEMBERS = [
    ("Bo", [("purpose", "beta"), ("follow_up", "Zeta")]),
    ("Ane", [("purpose", "Alfa")]),
    ("Cai", [("purpose", "alfa"), ("follow_up", "eta")]),
]


def test_named_comments_keep_the_members_order_and_names():
    by_theme = comments_by_theme(MEMBERS, anonymous=False)
    assert by_theme == {
        "purpose": [Comment("Bo", "beta"), Comment("Ane", "Alfa"), Comment("Cai", "alfa")],
        "follow_up": [Comment("Bo", "Zeta"), Comment("Cai", "eta")],
    }


def test_anonymous_comments_have_no_names_and_go_by_text():
    by_theme = comments_by_theme(MEMBERS, anonymous=True)
    # Case is ignored; "Alfa" and "alfa" tie, and a tie keeps the order they came in.
    assert [c.text for c in by_theme["purpose"]] == ["Alfa", "alfa", "beta"]
    assert [c.text for c in by_theme["follow_up"]] == ["eta", "Zeta"]
    assert {c.author for items in by_theme.values() for c in items} == {None}


def test_no_comments_no_themes():
    assert comments_by_theme([("Bo", [])], anonymous=True) == {}


# --- level_rows and level_chart -----------------------------------------------------------


def team(name, respondents, score, counted=True):
    return TeamRow(name, respondents, counted, None if counted else "anonymous_below_threshold",
                   {"purpose": score} if counted else {}, {})


def chain() -> ChainResult:
    visible = LevelResult(0, (team("A", 2, Fraction(3)), team("B", 2, Fraction(4)),
                              team("C", 1, None), team("D", 2, None, counted=False)),
                          {"purpose": Fraction(7, 2)}, 5, {"purpose": 5})
    under = LevelResult(1, (team("E", ANONYMITY_THRESHOLD - 1, Fraction(2)),),
                        {"purpose": Fraction(2)}, ANONYMITY_THRESHOLD - 1,
                        {"purpose": ANONYMITY_THRESHOLD - 1})
    empty = LevelResult(2, (), {"purpose": None}, 0, {"purpose": 0})
    return ChainResult((visible, under, empty), ())


def test_level_rows_show_team_scores_only_where_the_level_may():
    rows = level_rows(chain(), ["Direktion", "Chefer", "Ledere"], "purpose")
    assert rows == [
        # counted teams with a score; not C (no score) nor D (not counted)
        ("Direktion", Fraction(7, 2), [Fraction(3), Fraction(4)]),
        # under the anonymity limit: the level's score, no team rows
        ("Chefer", Fraction(2), None),
        ("Ledere", None, None),
    ]


def test_level_rows_need_a_name_per_level():
    with pytest.raises(ValueError):
        level_rows(chain(), ["Direktion"], "purpose")


def test_level_chart_labels_each_level_in_the_language():
    da = str(level_chart(chain(), ["Direktion", "Chefer", "Ledere"], "purpose", "da", "Mål"))
    en = str(level_chart(chain(), ["Board", "Heads", "Leads"], "purpose", "en", "Goals"))
    assert ">3,5<" in da and ">2,0<" in da  # a level without a score has no dot nor label
    assert ">3.5<" in en and ">2.0<" in en
    assert da.count('r="9"') == 2
    # the visible level's two teams are rings; the hidden level's team is not drawn
    assert da.count('r="6"') == 2


# --- actions, the plan's size, the band score and the consensus record -------------------


@dataclass
class Action:
    theme_id: str
    text: str


def test_actions_by_theme_keep_the_plans_order():
    plan = [Action("b", "1"), Action("a", "2"), Action("b", "3")]
    assert actions_by_theme(plan) == {"b": [plan[0], plan[2]], "a": [plan[1]]}
    assert actions_by_theme([]) == {}


def test_a_short_plan():
    assert is_short_plan([Action("a", "x" * 160)] * 5)
    assert not is_short_plan([Action("a", "x")] * 6)
    assert not is_short_plan([Action("a", "x" * 161)] * 5)


def test_band_score_is_the_agreed_score_where_recorded():
    assert band_score(Fraction(3), None) == 3
    assert band_score(Fraction(3), Fraction(2)) == 2
    assert band_score(None, Fraction(2)) == 2
    assert band_score(None, None) is None


def test_consensus_by_theme_leaves_out_themes_without_an_agreed_score():
    decisions = [DecisionData("a", 2.5, "", False), DecisionData("b", None, "note", True),
                 DecisionData("c", 4, "", False)]
    assert consensus_by_theme(decisions) == {"a": 2.5, "c": 4}
    assert consensus_by_theme([]) == {}


# --- action_text: an action from a suggestion in the report's language -------------------


def _action(theme_id, text, suggestion_id):
    return ActionData(theme_id, text, "Anne", None, "planned", suggestion_id)


@pytest.mark.parametrize("written_in", ["da", "en"])
@pytest.mark.parametrize("form", [0, 1, 2])
def test_an_unchanged_suggestion_prints_in_the_report_s_language(questionnaire, written_in,
                                                                 form):
    theme = questionnaire.themes[0]
    suggestion = theme.suggestions[0]
    forms = {lang: (suggestion.title.get(lang), suggestion.text.get(lang),
                    f"{suggestion.title.get(lang)}. {suggestion.text.get(lang)}")
             for lang in ("da", "en")}
    action = _action(theme.id, "  " + forms[written_in][form].replace(" ", "  ", 1) + "\n",
                     suggestion.id)
    assert unchanged_suggestion(questionnaire, action) == (suggestion, form)
    for lang in ("da", "en"):
        assert action_text(questionnaire, action, lang) == forms[lang][form]


def test_the_team_s_own_or_changed_words_print_as_written(questionnaire):
    theme = questionnaire.themes[0]
    suggestion = theme.suggestions[0]
    changed = _action(theme.id, suggestion.title.da + " Inden jul.", suggestion.id)
    own = _action(theme.id, "Fælles møde om de unge.", None)
    unknown = _action(theme.id, suggestion.title.da, "no_such_suggestion")
    elsewhere = _action("no_such_theme", suggestion.title.da, suggestion.id)
    other_theme = _action(questionnaire.themes[1].id, suggestion.title.da, suggestion.id)
    for action in (changed, own, unknown, elsewhere, other_theme):
        assert unchanged_suggestion(questionnaire, action) is None
        assert action_text(questionnaire, action, "en") == action.text


def test_planned_suggestions_maps_each_suggestion_to_its_actions():
    first, second = _action("a", "x", "s1"), _action("a", "y", "s1")
    own = _action("b", "z", None)
    assert planned_suggestions([first, own, second]) == {"s1": [first, second]}
    assert planned_suggestions([]) == {}


# --- dates: "2 December 2026", not "December 2, 2026" -----------------------------------


def test_english_dates_put_the_day_first():
    day = date(2026, 12, 2)
    assert format_long_day(day, "en") == "2 December 2026"
    assert format_long_day("2026-12-02", "da") == "2. december 2026"
    assert format_day(day, "en") == "2 Dec 2026"
    assert format_day("2026-12-02", "da") == "2. dec. 2026"
    assert format_day(None, "en") == format_day("not a date", "da") == ""
