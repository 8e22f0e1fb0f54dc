"""The Word report (report/docx.py): read back with python-docx and held against the PDF's
text, opened in a real word processor (LibreOffice), for the team and the chain.

Each document is rendered once per module (the renders, the PDFs and LibreOffice take
seconds each); the tests read those.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from selfcheck import create_app
from selfcheck.core import scoring
from selfcheck.core.presentation import format_score
from selfcheck.core.records import ReportTexts
from selfcheck.report import chain as chain_pdf
from selfcheck.report import docx as word
from selfcheck.report import team as team_pdf
from selfcheck.report.word.writer import WordWriter, xml_text
from selfcheck.services.accounts.branding import Brand

from .conftest import QUESTIONS_FILE

DAY = date(2026, 12, 2)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PICTURE = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"

#: Text that looks like markup: it must come out as written, never as Word's XML.
MARKUP = "Se <w:p> & ]]> og <![CDATA[x]]> &amp; <b>fed</b>"

TEXTS = ReportTexts(
    conclusion=f"Direktionen kender formålet.\n\n{MARKUP}\nAnden linje.",
    observations={"follow_up": "Beslutningerne mangler & opfølgningen </w:t> halter."},
    next_steps="1. Aftal en fast opfølgning.\n2. Vælg tre mål.",
    reflections={"surprised": "At vi er så enige.", "learn_more": "Hvordan andre følger op."},
)


def _logo() -> str:
    import base64

    out = io.BytesIO()
    Image.new("RGB", (240, 80), (0, 89, 179)).save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


BRAND = Brand("Konsulenthuset Nord", _logo())


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_database):
    """The demo's team (with the consultant's texts) and its chain, as report records."""
    from selfcheck.db import get_session
    from selfcheck.exchange import chain as chain_json
    from selfcheck.exchange import team as exchange
    from selfcheck.services import demo as demo_service
    from selfcheck.services import exports, organisations
    from selfcheck.services.assessments import find_by_facilitator_token

    folder = tmp_path_factory.mktemp("docx")
    database = folder / "demo.sqlite"
    shutil.copyfile(migrated_database, database)
    app = create_app({"SECRET_KEY": "docx", "QUESTIONS_FILE": str(QUESTIONS_FILE),
                      "DATABASE_URL": f"sqlite:///{database}",
                      "REPORT_CACHE_DIR": str(folder / "cache")})
    with app.app_context():
        session = get_session()
        document = app.extensions["questionnaire_document"]
        links = demo_service.create_demo(session, document)
        team = exchange.load_export(exports.export_assessment(
            find_by_facilitator_token(session, links.facilitator_token)))
        organisation = organisations.find_by_token(
            session, demo_service.create_demo_organisation(session, document))
        chain = chain_json.load_chain_export(exports.export_chain(
            session, organisations.load_chain(session, organisation.id),
            app.extensions["questionnaire"], document), trusted=True)
    app.extensions["db_engine"].dispose()
    return dataclasses.replace(team, report=TEXTS), dataclasses.replace(chain, report=TEXTS)


def _pdf_text(pdf: bytes, folder: Path) -> str:
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    # -raw: in the order the text is drawn, so a table cell's lines stay together
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _libreoffice_pdf(docx: bytes, folder: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """The document converted by LibreOffice headless, with a profile of its own (so that
    parallel runs do not share one)."""
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is missing: `make system-deps` installs Debian's "
                    "libreoffice-writer-nogui")
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "report.docx"
    source.write_bytes(docx)
    run = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder / "out"), str(source)],
        capture_output=True, text=True, timeout=240)
    return run, folder / "out" / "report.pdf"


@pytest.fixture(scope="module")
def team(demo, tmp_path_factory):
    data, _chain = demo
    folder = tmp_path_factory.mktemp("team")
    docx = word.render_team_docx(data, "da", DAY, BRAND)
    pdf = team_pdf.render_pdf(data, "da", DAY, BRAND)
    converted, converted_pdf = _libreoffice_pdf(docx, folder / "lo")
    return {"data": data, "docx": docx, "document": Document(io.BytesIO(docx)), "pdf": pdf,
            "pdf_text": _pdf_text(pdf, folder), "converted": converted,
            "converted_pdf": converted_pdf}


@pytest.fixture(scope="module")
def chain(demo, tmp_path_factory):
    _team, data = demo
    folder = tmp_path_factory.mktemp("chain")
    docx = word.render_chain_docx(data, "da", DAY, BRAND)
    pdf = chain_pdf.render_pdf(data, "da", DAY, BRAND)
    converted, converted_pdf = _libreoffice_pdf(docx, folder / "lo")
    return {"data": data, "docx": docx, "document": Document(io.BytesIO(docx)), "pdf": pdf,
            "pdf_text": _pdf_text(pdf, folder), "converted": converted,
            "converted_pdf": converted_pdf}


def headings(document) -> list[tuple[int, str]]:
    return [(int(p.style.name.split()[-1]), p.text) for p in document.paragraphs
            if p.style.name.startswith("Heading ")]


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def table_with(document, *heading: str):
    """The document's first table whose header row starts with ``heading``."""
    for table in document.tables:
        if [c.text for c in table.rows[0].cells][:len(heading)] == list(heading):
            return table
    raise AssertionError(f"no table headed {heading}")


def flat(text: str) -> str:
    """PDF text with its line breaks as spaces (a cell may wrap)."""
    return re.sub(r"\s+", " ", text)


def da(value, digits=1) -> str:
    return format_score(value, "da", digits)


def result_of(data):
    return scoring.score_assessment(data.questionnaire,
                                    [m.answers for m in data.submitted_members], data.consensus)


# --- The team ------------------------------------------------------------------------------

def test_headings_are_word_headings_in_the_pdfs_order(team):
    document, data = team["document"], team["data"]
    q = data.questionnaire
    found = headings(document)
    assert all(p.style.name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3",
                                "List Bullet", "Quote") for p in document.paragraphs)
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [q.title.da]
    top = [text for level, text in found if level == 1]
    themes = [f"{n}. {t.title.da}" for n, t in enumerate(q.themes, 1)]
    assert top == (["Konsulentens vurdering", "Sammenfatning", "Handleplan",
                    "Udvikling siden sidst"] + themes +
                   ["Teamets refleksioner", "Anbefalede næste skridt", "Metode og kilde"])
    pdf_text = flat(team["pdf_text"])
    for title in themes:
        assert title in pdf_text
    subheadings = [text for level, text in found if level == 2]
    assert subheadings.count("Udsagn") == len(q.themes)
    assert "Resultater for hvert tema" in subheadings
    assert "Dagsorden for workshoppen: størst uenighed først" in subheadings
    assert {level for level, _text in found} == {1, 2, 3}


def test_the_results_table_has_the_pdfs_numbers(team):
    document, data = team["document"], team["data"]
    q, result = data.questionnaire, result_of(data)
    table = rows(table_with(document, "Tema", "Score", "Aftalt"))
    assert table[0] == ["Tema", "Score", "Aftalt", "Kategori", "Lavest–højest", "Enighed"]
    pdf_text = flat(team["pdf_text"])
    assert len(table) == 1 + len(q.themes)
    for row, (number, tr) in zip(table[1:], enumerate(result.themes, 1), strict=True):
        assert row == [f"{number}. {q.theme(tr.theme_id).title.da}", da(tr.score),
                       da(tr.consensus), q.band(tr.band_id).label.da,
                       f"{da(tr.min)}–{da(tr.max)}",
                       "Uenighed" if tr.disagreed else "Enighed"]
        for number_shown in (row[1], row[4]):
            assert number_shown in pdf_text
        if tr.consensus is not None:
            assert row[2] in pdf_text
    # The PDF's words: "3,2 på skalaen fra 1 til 5", never a percent beside a score of 5.
    overall = next(p.text for p in document.paragraphs if p.text.startswith("Samlet score"))
    assert overall == (f"Samlet score: {da(result.overall)} på skalaen fra 1 til 5 · "
                       f"{result.respondents} medlemmer har svaret.")
    # (pdftotext -raw drops the space after the bold figure: compare without spaces)
    assert "".join(f"Samlet score: {da(result.overall)} på skalaen fra 1 til 5".split()) in \
        "".join(pdf_text.split())
    assert not any("%" in cell for table in document.tables[:-1] for row in rows(table)
                   for cell in row)


def test_each_theme_has_its_statements_and_key_figures(team):
    document, data = team["document"], team["data"]
    q, result = data.questionnaire, result_of(data)
    statement_tables = [rows(t) for t in document.tables
                        if t.rows[0].cells[0].text == "Udsagn"]
    figure_tables = [rows(t) for t in document.tables
                     if t.rows[0].cells[0].text == "Teamets score"]
    assert len(statement_tables) == len(figure_tables) == len(q.themes)
    pdf_text = flat(team["pdf_text"])
    for theme, tr, statements, figures in zip(q.themes, result.themes, statement_tables,
                                              figure_tables, strict=True):
        assert figures[1][:2] == [f"{da(tr.score)} af 5", q.band(tr.band_id).label.da]
        assert figures[1][4] == da(tr.sd, 2) and da(tr.sd, 2) in pdf_text
        assert [row[0].removesuffix(" (omvendt udsagn)") for row in statements[1:]] == \
            [question.text.da for question in theme.questions]
        assert [row[1] for row in statements[1:]] == [da(qr.mean) for qr in tr.questions]
        for row in statements[1:]:
            assert row[0] in pdf_text


def test_the_action_plan_rows_are_the_pdfs(team):
    document, data = team["document"], team["data"]
    q = data.questionnaire
    plan = rows(table_with(document, "Handling", "Ansvarlig", "Frist", "Status"))
    pdf_text = flat(team["pdf_text"])
    expected = []
    for number, theme in enumerate(q.themes, 1):
        actions = [a for a in data.actions if a.theme_id == theme.id]
        if actions:
            expected.append([f"{number}. {theme.title.da}"] * 4)  # one merged cell
            expected += [[a.text, a.owner, format_day_da(a.due_date),
                          {"planned": "Planlagt", "started": "I gang", "done": "Færdig"}[
                              a.status]] for a in actions]
    assert plan[1:] == expected
    for row in plan[1:]:
        for cell in row:
            assert cell in pdf_text
    # The plan follows the summary, and a suggestion taken into it is not offered again.
    top = [text for level, text in headings(document) if level == 1]
    assert top.index("Handleplan") == top.index("Sammenfatning") + 1
    body = "\n".join(p.text for p in document.paragraphs)
    for action in data.actions:
        if action.suggestion_id:
            title = action.text.split(".")[0]
            assert body.count(title) == 0, title


def format_day_da(value) -> str:
    from selfcheck.dates import format_day

    return format_day(value, "da")


def test_the_consultants_words_are_printed_as_written(team):
    document = team["document"]
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Konsulentens vurdering")
    assert texts[start + 1:start + 3] == ["Direktionen kender formålet.",
                                         f"{MARKUP}\nAnden linje."]
    assert "Beslutningerne mangler & opfølgningen </w:t> halter." in texts
    assert "At vi er så enige." in texts and "Hvordan andre følger op." in texts
    assert "Hvad overraskede jer positivt?" in texts
    assert "Hvad er mest relevant for jer?" not in texts  # not answered: not printed
    assert "1. Aftal en fast opfølgning.\n2. Vælg tre mål." in texts
    # In the file itself, the markup is escaped text, never an element.
    xml = zipfile.ZipFile(io.BytesIO(team["docx"])).read("word/document.xml").decode()
    assert "Se &lt;w:p&gt; &amp; ]]&gt; og &lt;![CDATA[x]]&gt; &amp;amp; &lt;b&gt;" in xml
    assert xml.count("<w:p>") + xml.count("<w:p ") == len(
        document.element.body.findall(".//" + qn("w:p")))


def test_the_document_is_in_the_reports_language(team, demo):
    document = team["document"]
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert [e.get(qn("w:val")) for e in defaults.iter(qn("w:lang"))] == ["da-DK"]
    assert document.core_properties.language == "da-DK"
    assert document.core_properties.title == "Selvevalueringsrapport: Eksempel Kommune, " \
                                             "Direktionen"
    assert document.core_properties.author == "Konsulenthuset Nord"
    english = Document(io.BytesIO(word.render_team_docx(demo[0], "en", DAY)))
    defaults = english.styles.element.find(qn("w:docDefaults"))
    assert [e.get(qn("w:val")) for e in defaults.iter(qn("w:lang"))] == ["en-GB"]
    assert english.core_properties.language == "en-GB"
    assert english.core_properties.author == "selfcheck"  # no brand
    assert [t for level, t in headings(english) if level == 1][:3] == [
        "The consultant's assessment", "Summary", "Action plan"]
    assert not english.sections[0].header.paragraphs[0].text


def test_every_picture_has_alternative_text(team):
    document, data = team["document"], team["data"]
    pictures = document.element.body.findall(".//" + PICTURE)
    assert len(pictures) == 1 + len(data.questionnaire.themes)  # the radar, a dot chart each
    assert all(p.get("descr") for p in pictures)
    assert pictures[0].get("descr").startswith("Radardiagram over teamets score")
    header = document.sections[0].header
    logos = header._element.findall(".//" + PICTURE)
    assert [p.get("descr") for p in logos] == ["Konsulenthuset Nord"]
    assert header.paragraphs[0].text.strip() == "Konsulenthuset Nord"
    assert len(document.inline_shapes) == len(pictures)
    assert all(shape.width > 0 for shape in document.inline_shapes)


def test_libreoffice_converts_it_with_about_the_pdfs_pages(team):
    converted = team["converted"]
    assert converted.returncode == 0, converted.stderr
    assert team["converted_pdf"].exists(), converted.stdout + converted.stderr
    pages = _pages(team["converted_pdf"].read_bytes())
    assert abs(pages - _pages(team["pdf"])) <= 2, (pages, _pages(team["pdf"]))
    text = subprocess.run(["pdftotext", str(team["converted_pdf"]), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Konsulentens vurdering" in text and MARKUP in flat(text)


def test_below_the_anonymity_threshold_no_score_is_printed(demo):
    data = demo[0]
    two = dataclasses.replace(data, anonymous=True, members=tuple(
        m for m in data.members if m.submitted)[:2], history=())
    assert not scoring.distributions_visible(two.anonymous, len(two.submitted_members))
    document = Document(io.BytesIO(word.render_team_docx(two, "da", DAY)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Svarene er anonyme" in text
    assert "Samlet score" not in text and "Medlemmernes scorer" not in text
    assert document.element.body.findall(".//" + PICTURE) == []
    assert [rows(t)[0][0] for t in document.tables] == ["Handling"]  # the plan alone
    assert text.count("Resultaterne vises, når mindst 3 medlemmer har sendt deres svar.") \
        == len(data.questionnaire.themes)
    assert "Udvikling siden sidst" not in text
    assert not re.search(r"\b\d,\d\b", text.split("Metode og kilde")[0])


def test_a_section_left_out_is_not_printed(demo):
    data = dataclasses.replace(demo[0], report=dataclasses.replace(
        TEXTS, sections=("summary", "next_steps")))
    document = Document(io.BytesIO(word.render_team_docx(data, "da", DAY)))
    assert [t for level, t in headings(document) if level == 1] == [
        "Sammenfatning", "Anbefalede næste skridt", "Metode og kilde"]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_written_whole_or_not_at_all(text):
    """What a consultant writes comes back from the file as written, whitespace aside, less
    only the characters XML cannot hold; nothing is added, and no text breaks the file."""
    writer = WordWriter("da", title=text, subject="", author=text)
    writer.own_words(text)
    writer.paragraph(text)
    document = Document(io.BytesIO(writer.to_bytes()))
    written = "".join(p.text for p in document.paragraphs)
    kept = xml_text(text).replace("\r", "")
    assert re.sub(r"\s", "", written) == re.sub(r"\s", "", kept) * 2


# --- The chain -----------------------------------------------------------------------------

def test_the_chain_document_follows_the_chain_pdf(chain):
    document, data = chain["document"], chain["data"]
    q, result = data.questionnaire, data.result
    top = [text for level, text in headings(document) if level == 1]
    assert top == ["Konsulentens vurdering", "Hvor kæden knækker", "Niveauer og temaer",
                   "Hvert tema gennem kæden", "Refleksioner", "Anbefalede næste skridt",
                   "Metode"]
    charts = [text for level, text in headings(document) if level == 2
              and text[0].isdigit()]
    assert charts == [f"{n}. {t.title.da}" for n, t in enumerate(q.themes, 1)]
    pdf_text = flat(chain["pdf_text"])
    heatmap = rows(table_with(document, "Niveau"))
    level_names = [level.name("da") for level in data.levels]
    level_rows = [row for row in heatmap if row[0].split("\n")[0] in level_names]
    assert len(level_rows) == len(result.levels)
    for row, level in zip(level_rows, result.levels, strict=True):
        for cell, theme in zip(row[1:], q.themes, strict=True):
            assert cell.split("\n")[0] == da(level.scores[theme.id])
            assert cell.split("\n")[0] in pdf_text
    for b in result.breaks:
        assert f"{da(b.gap)} point fra hinanden" in "\n".join(p.text for p in
                                                              document.paragraphs)


def test_hidden_teams_in_the_chain_print_nothing(chain):
    document, data = chain["document"], chain["data"]
    q, result = data.questionnaire, data.result
    heatmap = rows(table_with(document, "Niveau"))
    by_name = {row[0]: row[1:] for row in heatmap}
    hidden_cells = 0
    for level in result.levels:
        for team in level.teams:
            name = team.name + ("" if team.counted else " (udeladt)")
            for cell, theme in zip(by_name[name], q.themes, strict=True):
                value = team.scores.get(theme.id)
                if value is None:
                    assert cell == "–"
                    hidden_cells += 1
                else:
                    assert cell.split("\n")[0] == da(value)
    assert hidden_cells > 0  # the demo has teams the rules hide
    left_out = [team for _i, team in result.left_out()]
    assert left_out and all(not any(c != "–" for c in by_name[f"{t.name} (udeladt)"])
                            for t in left_out)


def test_the_chain_document_is_a_word_document_with_alt_text_and_language(chain):
    document, data = chain["document"], chain["data"]
    pictures = document.element.body.findall(".//" + PICTURE)
    assert len(pictures) == len(data.questionnaire.themes)
    level_names = [level.name("da") for level in data.levels]
    for picture, theme in zip(pictures, data.questionnaire.themes, strict=True):
        alt = picture.get("descr")
        assert alt.startswith(f"{theme.title.da} for hvert niveau. ")
        assert all(name in alt for name in level_names)
    assert document.core_properties.language == "da-DK"
    assert document.core_properties.title == "Ledelseskæden: Eksempel Kommune"
    converted = chain["converted"]
    assert converted.returncode == 0, converted.stderr
    pages = _pages(chain["converted_pdf"].read_bytes())
    assert abs(pages - _pages(chain["pdf"])) <= 2, (pages, _pages(chain["pdf"]))


def test_filenames_are_ascii():
    assert word.team_filename("Ærø Kommune", "Direktionen", DAY) == \
        "selfcheck-aeroe-kommune-direktionen-2026-12-02.docx"
    assert word.chain_filename("Ærø Kommune", DAY) == \
        "selfcheck-kaede-aeroe-kommune-2026-12-02.docx"


# --------------------------------------------------------------------------- downloads

def test_the_word_report_downloads_for_a_team_and_an_organisation(app, facilitator,
                                                                  questionnaire, consultant):
    from .conftest import Member, html_text

    facilitator.create(answers="named")
    for name, value in (("Anne", 4), ("Bo", 2)):
        Member(app, facilitator.join_url()).join(name).answer_all(
            questionnaire, {q.id: 6 - value if q.reverse else value
                            for q in questionnaire.questions}).submit()
    assert "Hent som Word (.docx)" in html_text(
        facilitator.client.get(f"{facilitator.results_url}/report"))
    first = facilitator.client.get(f"{facilitator.results_url}/report.docx")
    assert first.status_code == 200
    assert first.mimetype == ("application/vnd.openxmlformats-officedocument."
                              "wordprocessingml.document")
    assert first.headers["Content-Disposition"].endswith(".docx")
    assert first.headers["X-Report-Cache"] == "miss"
    document = Document(io.BytesIO(first.data))
    assert document.core_properties.language == "da-DK"
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)
    again = facilitator.client.get(f"{facilitator.results_url}/report.docx")
    assert (again.headers["X-Report-Cache"], again.data) == ("hit", first.data)

    _number, token = consultant.create_organisation()
    assert consultant.form_post(f"/o/{token}/team-list", {
        "teams": "Direktion; Direktionen", "list_answers": "named"},
        page_url=f"/o/{token}").status_code == 200
    chain = consultant.client.get(f"/o/{token}/report.docx")
    assert chain.status_code == 200
    assert Document(io.BytesIO(chain.data)).core_properties.language == "da-DK"
