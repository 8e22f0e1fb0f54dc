"""The questionnaire's writing rules (issue 11): LIX, the warnings of `selfcheck check`,
--strict, and the honest citation of the source on the front page and in the report."""

from __future__ import annotations

import io
import re
from datetime import date
from fractions import Fraction
from html import unescape

import pytest
import tomli_w
from click.testing import CliRunner
from pypdf import PdfReader

from selfcheck.cli import main
from selfcheck.core.checks import AVOID, lix, sentences, show, warnings, words
from selfcheck.core.content import load_questionnaire, parse_questionnaire, read_document
from selfcheck.core.records import AssessmentData
from selfcheck.report import team as report
from selfcheck.resources import default_questions_file

from .conftest import html_text

QUESTIONS_FILE = default_questions_file()


def warnings_of(document) -> list[str]:
    return warnings(parse_questionnaire(document), document)


def check(tmp_path, document, *options):
    path = tmp_path / "questions.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path, CliRunner().invoke(main, ["check", *options, str(path)])


# --------------------------------------------------------------------- LIX

LIX_CASES = [
    # KL's summary. 9 words, 1 sentence, 1 long word (resultater, 10 letters):
    # 9/1 + 100·1/9 = 9 + 11.11 = 181/9 ≈ 20.1
    ("Mange mål giver ikke i sig selv mange resultater.", 9, 1, Fraction(181, 9)),
    # 11 words, 1 sentence, 1 long word (vigtigste, 9 letters): 11/1 + 100·1/11 = 221/11 ≈ 20.1
    ("Vi kan nævne vores vigtigste mål uden at slå dem op.", 11, 1, Fraction(221, 11)),
    # The old themes[1].questions[1]: 12 words, 1 sentence, 5 long words (spørger 7,
    # borgere 7, virksomheder 12, repræsentanter 14, formulerer 10):
    # 12/1 + 100·5/12 = 12 + 41.67 = 161/3 ≈ 53.7 (the issue's "about 54")
    ("Vi spørger borgere, virksomheder eller deres repræsentanter, når vi formulerer nye mål.",
     12, 1, Fraction(161, 3)),
    # 10 words, 2 sentences, 4 long words (Målstyring 10, strategi 8, driftsresultater 16,
    # Ledelse 7; vigtig has only 6 letters): 10/2 + 100·4/10 = 5 + 40 = 45
    ("Målstyring kan binde strategi og driftsresultater sammen. Ledelse er vigtig.",
     10, 2, Fraction(45)),
    # A colon before a capital ends a sentence: 5 words, 2 sentences, 1 long word
    # (anderledes 10): 5/2 + 100·1/5 = 2.5 + 20 = 45/2
    ("Spørg: Hvad skal være anderledes?", 5, 2, Fraction(45, 2)),
    # A colon before a list does not: 6 words, 1 sentence, 2 long words (spørgsmål 9,
    # hvornår 7): 6/1 + 100·2/6 = 6 + 33.33 = 118/3
    ("Tre spørgsmål: hvad, hvem og hvornår.", 6, 1, Fraction(118, 3)),
    # Punctuation and the dash are not words; "KL's", "MED-udvalg" and "f.eks" are one word
    # each. 6 words (KL's, MED-udvalg, er, f.eks, et, forum), 1 sentence, 1 long word
    # (MED-udvalg, 9 letters): 6/1 + 100·1/6 = 6 + 16.67 = 68/3
    ("KL's MED-udvalg – er f.eks. et forum.", 6, 1, Fraction(68, 3)),
]


@pytest.mark.parametrize(("text", "word_count", "sentence_count", "expected"), LIX_CASES)
def test_lix_on_known_danish_sentences(text, word_count, sentence_count, expected):
    assert len(words(text)) == word_count
    assert len(sentences(text)) == sentence_count
    assert lix(text) == expected


def test_lix_of_an_empty_text_and_a_text_without_a_full_stop():
    assert lix("") == 0
    assert lix(" – ") == 0
    # 3 words, no end mark: still 1 sentence, 0 long words: 3/1 + 0 = 3
    assert lix("Vi har mål") == 3


def test_lix_is_shown_rounded_half_up():
    assert show(Fraction(161, 3)) == "53.7"
    assert show(Fraction(2025, 50)) == "40.5"  # exactly 40.5: half-up, never 40.4


def test_every_shipped_statement_is_short_and_readable():
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    for question in questionnaire.questions:
        assert len(words(question.text.da)) <= 15, question.id
        assert lix(question.text.da) <= 40, question.id


# --------------------------------------------------------------------- warnings, one by one


def test_the_shipped_file_has_no_warnings(questions_document):
    assert warnings_of(questions_document) == []


def test_a_long_statement(document):
    # 17 words; LIX 17/1 + 100·2/17 ≈ 28.8 stays under 40
    document["themes"][0]["questions"][0]["text"]["da"] = (
        "Vi kan med egne ord forklare hensigten med de mål, vi har, og med dem, vi får.")
    assert warnings_of(document) == ["themes[0].questions[0].text.da: 17 words, at most 15"]


def test_a_statement_with_a_high_lix(document):
    # 4 words, 3 long: 4/1 + 100·3/4 = 79
    document["themes"][2]["questions"][4]["text"]["da"] = (
        "Vi koordinerer tværgående målsætninger.")
    assert warnings_of(document) == ["themes[2].questions[4].text.da: LIX 79.0, at most 40"]


def test_a_negation_in_a_reverse_worded_statement(document):
    question = document["themes"][1]["questions"][3]
    assert question["reverse"] is True
    question["text"] = {"da": "Vores mål siger ikke, hvad borgerne skal mærke.",
                        "en": "Our goals do not say what residents should notice."}
    assert warnings_of(document) == [
        'themes[1].questions[3].text.da: reverse-worded statement contains the negation "ikke" '
        "(disagreeing makes a double negative)",
        'themes[1].questions[3].text.en: reverse-worded statement contains the negation "not" '
        "(disagreeing makes a double negative)",
    ]


def test_an_english_contraction_is_a_negation(document):
    assert document["themes"][4]["questions"][0]["reverse"] is True
    document["themes"][4]["questions"][0]["text"]["en"] = "We don't have time for our goals."
    assert warnings_of(document) == [
        'themes[4].questions[0].text.en: reverse-worded statement contains the negation "n\'t" '
        "(disagreeing makes a double negative)",
    ]


def test_a_negation_is_fine_in_an_ordinary_statement(document):
    question = document["themes"][5]["questions"][0]
    assert "reverse" not in question
    question["text"] = {"da": "Vi kan vise, at vores driftsresultater ikke står alene.",
                        "en": "We can show that our operational results do not stand alone."}
    assert warnings_of(document) == []


def test_a_suggestion_without_a_follow_up_time(document):
    document["themes"][2]["suggestions"][0]["text"] = {
        "da": "Vælg ét fælles mål for unge uden uddannelse. To chefer har ansvaret.",
        "en": "Choose one shared goal for young people without education. Two heads of service "
              "are responsible.",
    }
    assert warnings_of(document) == [
        'themes[2].suggestions[0].text.da: names no time for the follow-up (such as '
        '"om en måned" or "til næste ledelsesmøde")',
        'themes[2].suggestions[0].text.en: names no time for the follow-up (such as '
        '"in a month" or "at the next leadership meeting")',
    ]


@pytest.mark.parametrize("time", [
    "om en måned", "efter tre måneder", "inden for to uger", "om et halvt år",
    "på næste ledelsesmøde", "til det næste møde", "hvert kvartal", "i årshjulet",
    "på budgetseminaret", "i november",
])
def test_follow_up_times_that_count(document, time):
    suggestion = document["themes"][2]["suggestions"][0]
    suggestion["text"]["da"] = f"Vælg ét fælles mål. En af jer har ansvaret. Følg op {time}."
    assert warnings_of(document) == []


def test_a_theme_with_too_few_suggestions_in_a_band(document):
    theme = document["themes"][3]
    first_strength = next(i for i, s in enumerate(theme["suggestions"])
                          if s["band"] == "strength")
    del theme["suggestions"][first_strength]
    assert warnings_of(document) == [
        'themes[3].suggestions: 3 suggestion(s) for band "strength", at least 4',
    ]


def test_a_long_intro(document):
    document["meta"]["intro"]["da"] += " Tak, fordi du svarer."
    assert warnings_of(document) == ["meta.intro.da: 4 sentences, at most 3"]


def test_words_from_the_avoid_list(document):
    document["themes"][0]["suggestions"][2]["text"]["da"] = (
        "Lav én side om målene. Direktøren ejer siden. Tjek om en måned, om den bruges.")
    document["themes"][3]["suggestions"][1]["text"]["da"] = (
        "Skriv tre budskaber. Teamets leder spørger efter en måned jeres nærmeste ledere, hvad "
        "de har hørt.")
    document["themes"][4]["suggestions"][10]["text"]["en"] = (
        "Offer an hour of sparring. One of you is responsible and brings it up at the next "
        "leadership meeting.")
    assert warnings_of(document) == [
        'themes[0].suggestions[2].text.da: avoid "ejer": anglicism ("owns"): '
        'write "har ansvaret for"',
        'themes[3].suggestions[1].text.da: avoid "nærmeste ledere": means your own bosses: '
        'write "lederne under jer"',
        'themes[4].suggestions[10].text.en: avoid "sparring": not English in this sense: '
        'write "talk it through" or "advice"',
    ]


def test_absolutes_and_frequency_words_only_in_statements(document):
    document["themes"][4]["questions"][2]["text"] = {
        "da": "For hvert af vores mål er det tydeligt, hvornår det er nået.",
        "en": "It is clear when our goals have been reached.",
    }
    document["themes"][5]["questions"][0]["text"]["en"] = (
        "We often show how our results connect to the strategy.")
    assert warnings_of(document) == [
        'themes[4].questions[2].text.da: avoid "hvert": an absolute: a member can hardly '
        "agree fully",
        'themes[5].questions[0].text.en: avoid "often": a frequency word on an agreement '
        "scale: ask about the practice instead",
    ]
    # The shipped suggestions say "Hver af jer ...": fine outside a statement.
    assert "Hver af jer" in document["themes"][0]["suggestions"][0]["text"]["da"]


def test_the_avoid_list_catches_the_issues_examples():
    examples = {
        "Direktøren ejer målet.": "ejer",
        "HR sætter det op.": "sætte op",
        "Besøg to steder den næste måned.": "den næste måned",
        "Vi står samlet bag målene udadtil.": "udadtil",
        "Spørg jeres nærmeste ledere.": "nærmeste ledere",
        "Hvad skal målene gøre godt for?": "gøre godt for",
        "Foreslå en bedre kilde eller et bedre mål.": "bedre mål",
    }
    for text, term in examples.items():
        hits = [a.term for a in AVOID if a.lang == "da" and not a.statements_only
                and re.search(a.pattern, text, re.IGNORECASE)]
        assert hits == [term], text


def test_warnings_come_in_document_order(document):
    document["themes"][5]["questions"][0]["text"]["da"] = "Vi koordinerer tværgående målsætninger."
    document["meta"]["intro"]["en"] += " Thank you. Really."
    del document["themes"][0]["suggestions"][0]
    assert [w.split(":")[0] for w in warnings_of(document)] == [
        "meta.intro.en",
        "themes[0].suggestions",
        "themes[5].questions[0].text.da",
    ]


# --------------------------------------------------------------------- selfcheck check


def test_check_prints_warnings_to_stderr_and_still_exits_0(tmp_path, document):
    document["themes"][1]["questions"][3]["text"]["da"] = "Vores mål handler ikke om borgerne."
    path, result = check(tmp_path, document)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        f"{path}: 1 warning(s) (use --strict to make them errors)",
        '  themes[1].questions[3].text.da: reverse-worded statement contains the negation '
        '"ikke" (disagreeing makes a double negative)',
    ]
    assert result.stdout.splitlines()[0] == f"{path}: OK"
    assert result.stdout.splitlines()[-1] == "Warnings: 1"


def test_check_strict_fails_on_a_warning(tmp_path, document):
    del document["themes"][0]["suggestions"][0]
    path, result = check(tmp_path, document, "--strict")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}: 1 warning(s) (errors with --strict)",
        '  themes[0].suggestions: 3 suggestion(s) for band "develop", at least 4',
    ]


def test_check_strict_still_reports_problems_first(tmp_path, document):
    del document["meta"]["source"]["url"]
    path, result = check(tmp_path, document, "--strict")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: 1 problem(s)",
        "  meta.source.url: missing",
    ]


def test_a_missing_citation_is_a_warning_so_old_snapshots_still_load(tmp_path, document):
    del document["meta"]["source"]["citation"]
    path, result = check(tmp_path, document, "--strict")
    assert result.exit_code == 1
    assert "meta.source.citation: missing: say where the content comes from" in result.stderr


def test_check_strict_passes_on_the_shipped_file():
    result = CliRunner().invoke(main, ["check", "--strict", str(QUESTIONS_FILE)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"{QUESTIONS_FILE}: OK"
    assert lines[-1] == "Warnings: 0"


def test_check_strict_through_the_app_runner(runner):
    result = runner.invoke(main, ["check", "--strict", str(QUESTIONS_FILE)])
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------- the source, cited honestly


def test_the_citation_says_where_the_themes_come_from():
    source = load_questionnaire(QUESTIONS_FILE).source
    assert source.citation.da == (
        "Selvevalueringen bygger på publikationen ”Når målstyring virker – set fra et "
        "toplederperspektiv” fra Væksthus for Ledelse (januar 2019), som den er gengivet i "
        "KL's omtale fra 14. januar 2019. Ifølge omtalen giver publikationen seks anbefalinger, "
        "men omtalen nævner dem ikke. De seks temaer er selfchecks læsning af omtalen, ikke "
        "publikationens egen liste.")
    assert source.citation.en == (
        "This self-assessment is built on the publication “Når målstyring virker – set fra et "
        "toplederperspektiv” (When management by objectives works – seen from the top) by "
        "Væksthus for Ledelse (January 2019), as summarised by KL on 14 January 2019. The "
        "summary says that the publication gives six recommendations but does not list them. "
        "The six themes are selfcheck's reading of that summary, not the publication's own list.")


def test_no_text_claims_the_publication_says_what_only_the_summary_says(questions_document):
    text = tomli_w.dumps(questions_document)
    assert "Publikationen siger" not in text
    assert "The publication is clear" not in text
    assert "Opfølgning handler ikke om kontrol" not in text


def test_front_page_shows_the_citation(client, questionnaire):
    danish = html_text(client.get("/"))
    assert f"Kilde: {questionnaire.source.citation.da}" in danish
    english = html_text(client.get("/", headers={"Accept-Language": "en"}))
    assert questionnaire.source.citation.en in english


def _method_section(html: str) -> str:
    # The method is the report's last part: from its element to the end of the body.
    section = re.search(r'<\w+[^>]*id="method".*?</body>', html, re.S)
    assert section, "no method section in the report"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", section.group(0))).split())


@pytest.mark.parametrize("lang", ["da", "en"])
def test_report_method_page_cites_the_source(lang):
    document = read_document(QUESTIONS_FILE)
    questionnaire = parse_questionnaire(document)
    data = AssessmentData(
        organisation="Eksempel Kommune", team="Direktionen", language=lang, anonymous=False,
        status="open", created_at="2027-01-04T09:00:00+00:00", closed_at=None,
        questionnaire=questionnaire, questionnaire_document=document, members=())
    html = report.render_html(report.report_context(data, lang, date(2027, 1, 4)))
    method = _method_section(html)
    source = questionnaire.source
    assert (f"{source.citation.get(lang)} “{source.title}”. {source.publisher}, {source.year}. "
            f"{source.url}") in method


def test_report_pdf_method_page_shows_the_citation(app, runner):
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    path = result.output.strip().splitlines()[-1]
    pdf = app.test_client().get(f"{path}/report.pdf").data
    last_page = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    citation = app.extensions["questionnaire"].source.citation.da
    assert citation in " ".join(last_page.split())
