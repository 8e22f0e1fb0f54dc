"""The two-page summary (report/summary.py), read back from the PDF: at most two pages for
the demo, a team of one, a team with no answers, an anonymous team under the threshold and a
worst case of long texts; the agreed scores, the three actions, the conclusion, both
languages, the PDF/UA tags, user text printed literally; and the chain's summary."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from selfcheck import create_app
from selfcheck.core import scoring
from selfcheck.core.chain import TeamInput, compare_chain
from selfcheck.core.presentation import format_score
from selfcheck.core.records import ActionData, ChainData, ChainLevel, DecisionData, ReportTexts
from selfcheck.limits import ACTION_MAX, NAME_MAX, ORGANISATION_MAX, REPORT_TEXT_MAX, TEAM_MAX
from selfcheck.report import summary

from .conftest import QUESTIONS_FILE

DAY = date(2026, 12, 4)
HOSTILE = "<script>&]]>"


@pytest.fixture(autouse=True)
def no_weasyprint_warnings(caplog):
    """Every summary renders without a WeasyPrint warning: each CSS property it uses
    (``continue``, ``block-ellipsis``, ``line-clamp``) is one WeasyPrint knows."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    yield
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_database):
    """The demo team's and the demo chain's export documents, read as a report reads them."""
    from selfcheck.db import get_session
    from selfcheck.exchange import chain as chain_json
    from selfcheck.exchange import team as exchange
    from selfcheck.services import demo as demo_service
    from selfcheck.services import exports, organisations
    from selfcheck.services.assessments import find_by_facilitator_token

    folder = tmp_path_factory.mktemp("summary")
    database = folder / "demo.sqlite"
    shutil.copyfile(migrated_database, database)
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "QUESTIONS_FILE": str(QUESTIONS_FILE),
                      "DATABASE_URL": f"sqlite:///{database}"})
    document = app.extensions["questionnaire_document"]
    with app.app_context():
        session = get_session()
        links = demo_service.create_demo(session, document)
        team = exchange.load_export(exports.export_assessment(
            find_by_facilitator_token(session, links.facilitator_token)))
        organisation = organisations.find_by_token(
            session, demo_service.create_demo_organisation(session, document))
        chain = chain_json.load_chain_export(exports.export_chain(
            session, organisations.load_chain(session, organisation.id),
            team.questionnaire, document), trusted=True)
    yield {"team": team, "chain": chain}
    app.extensions["db_engine"].dispose()


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    """The PDF's text in the order it is drawn (a table row by row), lines joined, so that
    a sentence broken over two lines still matches."""
    return re.sub(r"\s+", " ", " ".join(pages(pdf)))


def as_read(pdf: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it, lines joined: it keeps the space
    between the large overall figure and its "of 5", which pypdf drops."""
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    return re.sub(r"\s+", " ", text)


def result_of(data) -> scoring.AssessmentResult:
    return scoring.score_assessment(data.questionnaire,
                                    [m.answers for m in data.submitted_members], data.consensus)


def scores_in(text: str) -> list[str]:
    """Everything in ``text`` that reads as a score: "3,2" or "3.2"."""
    return re.findall(r"\b\d[,.]\d\b", text)


# ------------------------------------------------------------------------------ the team


def test_the_demo_summary_in_danish(demo):
    data = demo["team"]
    pdf = summary.render_team_summary(data, "da", DAY)
    read = pages(pdf)
    assert len(read) == 2
    text = flat(pdf)
    result = result_of(data)
    q = data.questionnaire
    band = q.band(scoring.band_for(result.overall, q.bands)).label.da
    assert f"Samlet score {format_score(result.overall, 'da')} af 5" in as_read(pdf)
    assert f"af 5\n{band}\n11 af 12" in pages(pdf)[0]  # the category under the figure
    assert "11 af 12 medlemmer har svaret." in text
    # each theme: the agreed score where recorded (saying so, with the team's mean beside
    # it), else the team's mean, and the category that score picks
    for number, (theme, t) in enumerate(zip(q.themes, result.themes, strict=True), 1):
        shown = format_score(t.band_score, "da")
        category = q.band(t.band_id).label.da
        if t.consensus is not None:
            expected = (f"{number}. {theme.title.da} {shown} af 5 aftalt (teamets gennemsnit "
                        f"{format_score(t.score, 'da')}) {category}")
        else:
            expected = f"{number}. {theme.title.da} {shown} af 5 teamets gennemsnit {category}"
        assert expected in text
    assert "2,0 af 5 aftalt" in text and "2,5 af 5 aftalt" in text  # the demo's decisions
    # where the team disagreed most: the agenda's first three that two members scored
    for theme_id in result.agenda[:3]:
        t = result.theme(theme_id)
        assert (f"{q.theme(theme_id).title.da}: medlemmernes scorer fra "
                f"{format_score(t.min, 'da')} til {format_score(t.max, 'da')}") in text
    assert "%" not in text  # no percent anywhere: "3,2 af 5" only
    # the three actions: open ones by due date; owner and due date printed
    assert text.index("Bo Lauridsen 15. jan. 2027") < text.index("Anne Holm 1. feb. 2027") \
        < text.index("Erik Møller 1. mar. 2027")
    assert "De tre vigtigste handlinger" in read[1] and "Næste opfølgning" in read[1]
    assert "Handleplanens seneste frist for en åben handling er 1. mar. 2027." in text


def test_the_demo_summary_in_english_and_its_tags(demo):
    pdf = summary.render_team_summary(demo["team"], "en", DAY)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])
    assert "pdfuaid" in reader.xmp_metadata.rdf_root.toxml()  # declared PDF/UA
    assert reader.metadata.title == "Summary of the self-assessment: Eksempel Kommune, " \
                                    "Direktionen"
    text = flat(pdf)
    result = result_of(demo["team"])
    assert f"Overall score {format_score(result.overall, 'en')} of 5" in as_read(pdf)
    assert "The three most important actions" in text and "The next follow-up" in text
    assert "agreed (team mean" in text
    danish = summary.render_team_summary(demo["team"], "da", DAY)
    assert PdfReader(io.BytesIO(danish)).metadata.title.startswith("Resumé af selvevalueringen")


def test_a_written_conclusion_is_printed_and_a_hidden_one_is_not(demo):
    conclusion = "Teamet står stærkt på målene.\n\nNæste skridt er opfølgningen."
    data = dataclasses.replace(demo["team"], report=ReportTexts(conclusion=conclusion))
    text = flat(summary.render_team_summary(data, "da", DAY))
    assert "Konsulentens vurdering Teamet står stærkt på målene. Næste skridt er " \
           "opfølgningen." in text
    assert "fulde rapport" not in text  # not cut
    hidden = dataclasses.replace(data, report=ReportTexts(
        conclusion=conclusion, sections=("summary", "plan")))
    assert "Konsulentens vurdering" not in flat(summary.render_team_summary(hidden, "da", DAY))


def test_a_team_of_one(demo):
    data = demo["team"]
    one = dataclasses.replace(data, members=data.submitted_members[:1], decisions=())
    pdf = summary.render_team_summary(one, "da", DAY)
    assert len(pages(pdf)) == 2
    text = flat(pdf)
    result = result_of(one)
    assert f"Samlet score {format_score(result.overall, 'da')} af 5" in as_read(pdf)
    assert "1 af 1 medlem har svaret." in text
    assert "Kun ét medlem har svaret, så der er ingen spredning at vise." in text
    assert "aftalt (" not in text


def test_a_team_with_no_answers_yet(demo):
    data = demo["team"]
    empty = dataclasses.replace(data, members=tuple(
        dataclasses.replace(m, submitted=False) for m in data.members), decisions=(),
        actions=(), history=())
    pdf = summary.render_team_summary(empty, "da", DAY)
    assert len(pages(pdf)) == 1  # with nothing to score, what comes next follows on page 1
    text = flat(pdf)
    assert "Ingen har sendt svar endnu." in text
    assert "0 af 12 medlemmer har svaret." in text
    assert "Der er ikke aftalt nogen handlinger endnu." in text
    assert "Samlet score" not in text and scores_in(text) == []


def test_an_anonymous_team_under_the_threshold_shows_no_scores(demo):
    data = demo["team"]
    two = dataclasses.replace(data, anonymous=True, members=tuple(
        dataclasses.replace(m, name=None) for m in data.submitted_members[:2]))
    assert not scoring.distributions_visible(True, 2)
    pdf = summary.render_team_summary(two, "da", DAY)
    assert len(pages(pdf)) == 1
    text = flat(pdf)
    assert "resultaterne først, når mindst 3 medlemmer har sendt deres svar" in text
    assert "Samlet score" not in text and "medlemmernes scorer" not in text
    assert scores_in(text) == []  # no score of any kind, nor a last round's
    assert "Bo Lauridsen" in text  # the plan is no score: it is printed


def worst_case(data) -> object:
    """Everything at its limit: long names, twelve long actions, agreed scores on every theme
    with long notes, a conclusion of the full length, and markup-like text everywhere."""
    themes = [t.id for t in data.questionnaire.themes]
    word = "Ledelsesinformationssystemerne "
    actions = tuple(ActionData(
        themes[i % len(themes)], (f"{HOSTILE} Handling {i + 1}: " + word * 20)[:ACTION_MAX],
        (f"{HOSTILE} Ansvarlig {i + 1} " + "Østergaard-" * 10)[:NAME_MAX],
        f"2027-{1 + i % 12:02d}-01", ("planned", "started", "done")[i % 3], None)
        for i in range(12))
    decisions = tuple(DecisionData(t, 4.5, "Note " * 200, True) for t in themes)
    paragraph = ("Teamet har et solidt grundlag, men opfølgningen ender for ofte i skuffen. "
                 * 9 + "\n\n")
    conclusion = (f"{HOSTILE} " + paragraph * 10)[:REPORT_TEXT_MAX]
    return dataclasses.replace(
        data, organisation=("Region " + "Syddanmarks Kommunale Fællesskab " * 10)[
            :ORGANISATION_MAX],
        team=(f"{HOSTILE} Direktionen for " + "Børn, Unge og Familier " * 10)[:TEAM_MAX],
        actions=actions, decisions=decisions,
        report=ReportTexts(conclusion=conclusion, observations={t: "x" * 2000 for t in themes},
                           next_steps="y" * 5000))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_worst_case_still_fits_on_two_pages(demo, lang, caplog):
    data = worst_case(demo["team"])
    pdf = summary.render_team_summary(data, lang, DAY)
    read = pages(pdf)
    assert len(read) == 2
    assert not [r for r in caplog.records if r.name == summary.__name__]  # no emergency cut
    text = flat(pdf)
    assert text.count(HOSTILE) >= 4  # team name, actions, owners, conclusion: literally
    # the three actions: the open ones with the earliest due dates (done ones come last)
    for number in (1, 2, 4):
        assert f"Handling {number}:" in text
    assert "Handling 3:" not in text
    pointer = {"da": "… Hele vurderingen står i den fulde rapport.",
               "en": "… The whole conclusion is in the full report."}[lang]
    assert pointer in as_read(pdf)
    assert "4,5 af 5 aftalt" in text if lang == "da" else "4.5 of 5 agreed" in text


def test_an_anonymous_worst_case_keeps_to_two_pages(demo, caplog):
    """Without scores page 2 follows on page 1; texts too long for that are laid out again
    as the two-page layout, the conclusion cut with its pointer."""
    data = worst_case(demo["team"])
    lines = "\n".join(f"Punkt {i}." for i in range(600))  # a conclusion of many short lines
    anonymous = dataclasses.replace(data, anonymous=True, members=tuple(
        dataclasses.replace(m, name=None) for m in data.submitted_members[:2]),
        report=ReportTexts(conclusion=lines[:REPORT_TEXT_MAX]))
    pdf = summary.render_team_summary(anonymous, "da", DAY)
    assert len(pages(pdf)) == 2
    assert not [r for r in caplog.records if r.name == summary.__name__]
    text = as_read(pdf)
    assert "Punkt 0." in text and "… Hele vurderingen står i den fulde rapport." in text
    assert "Punkt 599." not in text
    assert scores_in(flat(pdf)) == []


def test_a_conclusion_of_many_lines_is_cut_on_page_2(demo):
    lines = "\n".join(f"Linje {i}." for i in range(700))
    data = dataclasses.replace(demo["team"], report=ReportTexts(conclusion=lines))
    pdf = summary.render_team_summary(data, "en", DAY)
    assert len(pages(pdf)) == 2
    text = as_read(pdf)
    assert "Linje 0." in text and "Linje 699." not in text
    assert "… The whole conclusion is in the full report." in text


def test_the_three_most_important_actions_are_chosen_by_status_due_date_and_order():
    def action(text, due, status="planned"):
        return ActionData("purpose", text, "X", due, status, None)

    plan = [action("late", "2027-06-01"), action("none", None), action("done", "2026-01-01",
                                                                          "done"),
            action("soon", "2027-01-01", "started"), action("tie", "2027-06-01")]
    assert [a.text for a in summary.most_important_actions(plan)] == ["soon", "late", "tie"]
    assert [a.text for a in summary.most_important_actions(plan, 5)] == [
        "soon", "late", "tie", "none", "done"]


# ----------------------------------------------------------------------------- the chain


def test_the_demo_chain_summary(demo):
    chain = demo["chain"]
    pdf = summary.render_chain_summary(chain, "da", DAY)
    read = pages(pdf)
    assert len(read) == 2
    text = flat(pdf)
    assert "Resumé af ledelseskæden" in text and chain.name in text
    first = chain.result.breaks[0]
    theme = chain.questionnaire.theme(first.theme_id)
    names = [level.name("da") for level in chain.levels]
    assert (f"{theme.title.da}: {names[first.upper]} {format_score(first.upper_score, 'da')}, "
            f"{names[first.lower]} {format_score(first.lower_score, 'da')} "
            f"({format_score(first.gap, 'da')} point fra hinanden)") in text
    assert "Forslag til kæden" in text
    # teams are not listed, only the one left out, and it carries no score
    assert "Dagtilbud Nord" not in text
    left_out = re.search(r"Ikke med i sammenligningen: (.*?)\.", text).group(1)
    assert "Handicapområdet" in left_out and scores_in(left_out) == []
    english = summary.render_chain_summary(chain, "en", DAY)
    assert len(pages(english)) == 2
    assert PdfReader(io.BytesIO(english)).trailer["/Root"]["/Lang"] == "en"


def test_a_level_that_may_not_show_its_score_prints_none(demo):
    """A level whose only team has one member: core/chain.py leaves its scores out, and the
    summary prints a dash for them, never the member's own scores."""
    q = demo["chain"].questionnaire
    team = demo["team"]
    answers = [m.answers for m in team.submitted_members]
    result = compare_chain(2, q, [TeamInput("Direktionen", 0, False, q, tuple(answers[:1])),
                                  TeamInput("Skolerne", 1, False, q, tuple(answers[1:6]))])
    assert all(s is None for s in result.levels[0].scores.values())
    chain = ChainData("Vejle Kommune", "da", "2026-12-01T00:00:00+00:00",
                      (ChainLevel("Direktion", "Board", None),
                       ChainLevel("Institutionsledere", "Unit managers", None)), q, result,
                      ReportTexts(conclusion=f"{HOSTILE} " + "Kæden er kort. " * 400))
    html = summary.render_chain_html(summary.chain_context(chain, "da", DAY))
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", html, re.S)
    assert len(rows) == len(q.themes)
    for row in rows:
        cells = re.findall(r"<td class=\"num heat[^\"]*\">(.*?)</td>", row, re.S)
        assert cells[0] == "–" and scores_in(cells[1])
    pdf = summary.render_chain_summary(chain, "da", DAY)
    assert len(pages(pdf)) == 2
    text = flat(pdf)
    assert HOSTILE in text and "… Hele vurderingen står i den fulde rapport." in text
    assert "kun ét medlem på niveauet" in text


def test_the_chain_worst_case_fits_on_two_pages(demo):
    chain = demo["chain"]
    long = dataclasses.replace(chain, name="Region " + "Syddanmarks Fællesskab " * 8,
                               report=ReportTexts(conclusion="Kæden holder ikke. " * 300))
    pdf = summary.render_chain_summary(long, "da", DAY)
    assert len(pages(pdf)) == 2
    assert "… Hele vurderingen står i den fulde rapport." in flat(pdf)


def test_the_summary_carries_the_brand_like_the_full_report(demo):
    from selfcheck.services.accounts.branding import Brand

    brand = Brand(f"Konsulenthuset {HOSTILE}", None)
    team = summary.render_team_summary(demo["team"], "da", DAY, brand)
    assert f"Udarbejdet af Konsulenthuset {HOSTILE}" in flat(team)
    assert PdfReader(io.BytesIO(team)).metadata.author == f"Konsulenthuset {HOSTILE}"
    chain = summary.render_chain_summary(demo["chain"], "da", DAY, brand)
    assert f"Udarbejdet af Konsulenthuset {HOSTILE}" in flat(chain)


def test_the_chain_summary_prints_expected_differences():
    from selfcheck.exchange import chain as chain_json

    from .test_chain_export import DOCUMENT

    chain = chain_json.load_chain_export(DOCUMENT)
    (expected,) = chain.result.expected
    q = chain.questionnaire
    pdf = summary.render_chain_summary(chain, "en", DAY)
    assert len(pages(pdf)) == 2
    text = flat(pdf)
    statement = q.question(expected.question_id).text.en.rstrip(".")
    assert (f"the statement “{statement}”: Executive board "
            f"{format_score(expected.upper_score, 'en')}, Institution managers "
            f"{format_score(expected.lower_score, 'en')}. Expected, so not a break.") in text
    assert "Differences the source leads us to expect" in text
    assert "Not in the comparison: Dagtilbud (Institution managers, too few anonymous " \
           "answers)." in text


def test_a_layout_that_runs_over_even_when_compact_prints_two_pages(caplog):
    """The last resort of summary._two_pages: never more than two pages, and a warning."""
    laid_out = []

    def html(compact):
        laid_out.append(compact)
        return '<html lang="da"><head><title>T</title></head><body>' + "<p>x</p>" * 400

    reader = PdfReader(io.BytesIO(summary._two_pages(html)))
    assert laid_out == [False, True]
    assert len(reader.pages) == 2 and "/StructTreeRoot" in reader.trailer["/Root"]
    assert [r.getMessage() for r in caplog.records if r.name == summary.__name__] == [
        "the summary ran to 15 pages; printing the first 2"]


# --------------------------------------------------------------------------- downloads

def test_the_summary_downloads_from_the_facilitator_page_and_is_cached(app, facilitator,
                                                                       questionnaire):
    from .conftest import Member, html_text

    facilitator.create(answers="named")
    for name, value in (("Anne", 4), ("Bo", 2)):
        Member(app, facilitator.join_url()).join(name).answer_all(
            questionnaire, {q.id: 6 - value if q.reverse else value
                            for q in questionnaire.questions}).submit()
    page = html_text(facilitator.client.get(f"{facilitator.results_url}/report"))
    assert "Hent resumé (2 sider)" in page
    first = facilitator.client.get(f"{facilitator.results_url}/summary.pdf")
    assert first.status_code == 200
    assert first.headers["X-Report-Cache"] == "miss"
    assert first.headers["Content-Disposition"].endswith("-resume.pdf")
    assert len(PdfReader(io.BytesIO(first.data)).pages) <= 2
    assert "3,0 af 5" in as_read(first.data)  # the mean of 4 and 2
    again = facilitator.client.get(f"{facilitator.results_url}/summary.pdf")
    assert (again.headers["X-Report-Cache"], again.data) == ("hit", first.data)
    full = facilitator.client.get(f"{facilitator.results_url}/report.pdf")
    assert full.headers["X-Report-Cache"] == "miss"  # its own cache entry
    assert full.data != first.data


def test_the_chain_summary_downloads_from_the_organisation_page(app, consultant):
    from .conftest import html_text

    _number, token = consultant.create_organisation()
    created = consultant.form_post(f"/o/{token}/team-list", {
        "teams": "Direktion; Direktionen", "list_answers": "named"}, page_url=f"/o/{token}")
    assert created.status_code == 200
    response = consultant.client.get(f"/o/{token}/summary.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(response.data)).pages) <= 2
    assert "Hent resumé (2 sider)" not in html_text(consultant.client.get(f"/o/{token}"))
