"""The PDF as a handout (issue 10, section 6; issue 19, section 3), checked from the PDF itself.

The demo is made and exported once for the module, and each report is rendered once
(through the CLI, as a user would): the demo, the demo cut to a team of three, and the demo
with the consultant's texts. Checked page by page: at most 10 pages; the action plan right
after the summary; no theme split that fits on a page; no page but the last of a part less
than half full; the action plan one A4 page with every action, a long plan flowing on to a
second page; the charts' text at 8 pt or more; the agreed score beside the members' mean;
no percent to misread; a suggestion in the plan printed once; the consultant's texts printed
literally.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from datetime import date

import pytest
from pypdf import PdfReader

from selfcheck import create_app
from selfcheck.cli import main
from selfcheck.core.records import ReportTexts

from .conftest import QUESTIONS_FILE

MM = 72 / 25.4
# The page box of report.css: A4 with margins 18 mm (top) and 16 mm (bottom).
TOP_MARGIN, BOTTOM_MARGIN = 18 * MM, 16 * MM
MIN_PRINT_PT = 8


@dataclass(frozen=True)
class Text:
    """A run of text as printed: baseline height from the page's foot, and size in pt."""

    text: str
    y: float
    size: float
    in_chart: bool  # drawn inside an image (the SVG charts), at the image's scale


@dataclass(frozen=True)
class Page:
    text: str  # as pypdf extracts it: the body first, the running header and footer last
    runs: list[Text]
    height: float

    @property
    def body(self) -> str:
        """The text without the running header and footer (pypdf gives them last)."""
        return self.text.rsplit("\n", 2)[0]

    def fullness(self) -> float:
        """How far down the page body the lowest text reaches: 0 empty, 1 full.

        Text is what a page ends with (a table's last row, a chart's axis numbers, a
        paragraph), so its lowest baseline is an exact measure of how far the page is used."""
        top, bottom = self.height - TOP_MARGIN, BOTTOM_MARGIN
        body = [t.y for t in self.runs if bottom - 2 <= t.y <= top + 2]
        return (top - min(body)) / (top - bottom) if body else 0.0


def read_pdf(pdf: bytes, last: int = 0) -> list[Page]:
    """Each page's text and its text runs with their printed position and size.

    ``last`` reads only that many pages at the end (pypdf takes about 0.2 s a page).

    WeasyPrint draws an SVG's text either in the page's content stream under the image's
    transformation, or in a form XObject; pypdf hands the latter over with the identity
    matrix, so the matrix in force at the XObject's ``Do`` is applied to it.
    """
    pages = []
    for page in list(PdfReader(io.BytesIO(pdf)).pages)[-last:]:
        runs: list[Text] = []
        state: dict[str, list[float] | None] = {"do": None, "page": None}

        def before(operator, operands, cm, tm, state=state):
            if operator == b"Do":
                state["do"] = [float(v) for v in cm]

        def visit(text, cm, tm, font_dict, font_size, state=state, runs=runs):
            if not text.strip():
                return
            matrix = [float(v) for v in cm]
            if matrix == [1, 0, 0, 1, 0, 0] and state["do"] is not None:
                matrix = state["do"]
            a, b, c, d, e, f = matrix
            if state["page"] is None:
                state["page"] = matrix  # the first run is body text, at the page's scale
            page_a, _b, _c, page_d, _e, _f = state["page"]
            scale, page_scale = abs(a * d - b * c) ** 0.5, abs(page_a * page_d) ** 0.5
            x, y = float(tm[4]), float(tm[5])
            runs.append(Text(text.strip(), b * x + d * y + f,
                             font_size * abs(float(tm[3])) * scale,
                             in_chart=abs(scale - page_scale) > 0.01 * page_scale))

        text = page.extract_text(visitor_operand_before=before, visitor_text=visit)
        pages.append(Page(text, runs, float(page.mediabox.height)))
    return pages


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_database):
    """The demo assessment's export, and its reports rendered by `selfcheck report`: the
    demo's 12 members, the same cut to a team of three, and the demo with the consultant's
    texts (ReportTexts, hostile text included), each rendered once."""
    folder = tmp_path_factory.mktemp("layout")
    database = folder / "demo.sqlite"
    shutil.copyfile(migrated_database, database)
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "QUESTIONS_FILE": str(QUESTIONS_FILE),
                      "DATABASE_URL": f"sqlite:///{database}"})
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]  # /f/<token>
    organisation = next(line.split(": ", 1)[1] for line in result.output.splitlines()
                        if line.startswith("Organisation link: "))
    organisation_export = folder / "organisation.json"
    result = runner.invoke(main, ["export-organisation", organisation, "-o",
                                  str(organisation_export)])
    assert result.exit_code == 0, result.output
    export = folder / "demo.json"
    result = runner.invoke(main, ["export", link, "-o", str(export)])
    assert result.exit_code == 0, result.output
    document = json.loads(export.read_text(encoding="utf-8"))

    def render(document_path, *options) -> bytes:
        out = document_path.with_suffix(".pdf")
        result = runner.invoke(main, ["report", str(document_path), "-o", str(out), *options])
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    three = dict(document, members=document["members"][:3])
    three_path = folder / "three.json"
    three_path.write_text(json.dumps(three, ensure_ascii=False), encoding="utf-8")
    yield {"folder": folder, "document": document, "pages": read_pdf(render(export)),
           "organisation": json.loads(organisation_export.read_text(encoding="utf-8")),
           "three": read_pdf(render(three_path)), "render": render}
    app.extensions["db_engine"].dispose()


HOSTILE = "<script>&]]>"
TEXTS = ReportTexts(
    conclusion="Direktionen kender målene. " * 8 + "\n\nOpfølgningen halter " + HOSTILE,
    observations={"purpose": "Et stærkt fundament " + HOSTILE,
                  "follow_up": "I måler meget og beslutter lidt."},
    next_steps="Sæt opfølgning i årshjulet " + HOSTILE,
    reflections={"surprised": "At vi er enige om hensigten " + HOSTILE,
                 "relevant": "Opfølgningen.", "learn_more": "Hvordan andre gør."})


@pytest.fixture(scope="module")
def with_texts(demo):
    """The demo with the consultant's texts, rendered once: (pypdf pages, pdftotext pages)."""
    from selfcheck.exchange.team import load_export
    from selfcheck.report import team

    data = replace(load_export(demo["document"]), report=TEXTS)
    pdf = team.render_pdf(data, "da", date(2026, 12, 2))
    path = demo["folder"] / "texts.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return read_pdf(pdf), text.split("\f")


def titles(document) -> list[str]:
    return [f"{n}. {t['title']['da']}" for n, t in
            enumerate(document["questionnaire"]["themes"], 1)]


def part_starts(pages: list[Page], document) -> set[int]:
    """The pages a part opens (report.css: .part and .section break before): the summary
    (or the consultant's conclusion), the action plan, the first theme."""
    openers = ("Konsulentens vurdering\n", "Sammenfatning\n", "Handleplan\n",
               titles(document)[0] + "\n")
    return {i for i, page in enumerate(pages) if page.body.startswith(openers)}


def check_fill(pages: list[Page], document) -> list[tuple[int, float]]:
    """Pages (numbered from 1) less than half full that are not the last page of a part."""
    starts = part_starts(pages, document) | {len(pages)}
    return [(i + 1, round(page.fullness(), 2)) for i, page in enumerate(pages[1:-1], 1)
            if i + 1 not in starts and page.fullness() < 0.5]


def check_themes(pages: list[Page], document) -> list[str]:
    """Themes that are split though they fit on a page: a theme whose heading's page (the
    heading followed by the theme's summary) is followed by a page that does not open with
    the next theme's heading or the end (reflections, next steps, method)."""
    themes = document["questionnaire"]["themes"]
    names = titles(document)
    heads = [f"{name}\n{theme['summary']['da'].split()[0]} " for name, theme in
             zip(names, themes, strict=True)]
    split = []
    for number, (name, head) in enumerate(zip(names, heads, strict=True)):
        first = next(i for i, page in enumerate(pages) if head in page.body)
        follows = heads[number + 1] if number + 1 < len(heads) else None
        if follows and follows in pages[first].body:
            continue  # the next theme starts on the same page: this one ended there
        nxt = pages[first + 1].body if first + 1 < len(pages) else ""
        if not nxt.startswith((follows or "Metode og kilde\n", "Metode og kilde\n",
                               "Refleksioner\n", "Anbefalede næste skridt\n")):
            split.append(name)
    return split


@pytest.mark.parametrize("team", ["pages", "three"])
def test_the_report_is_at_most_ten_pages_and_no_page_is_left_half_empty(demo, team):
    pages = demo[team]
    assert len(pages) <= 10, [p.body[:40] for p in pages]
    assert check_fill(pages, demo["document"]) == [], [round(p.fullness(), 2) for p in pages]


@pytest.mark.parametrize("team", ["pages", "three"])
def test_no_theme_is_split_and_no_table_is_cut_from_its_heading(demo, team):
    pages = demo[team]
    assert check_themes(pages, demo["document"]) == []
    # Every page that holds a statements table holds its heading ("Udsagn") above it.
    for page in pages:
        if "Udsagn Gennemsnit Lavest Højest Ved ikke" in page.body:
            assert "Udsagn\nUdsagn Gennemsnit" in page.body


@pytest.mark.parametrize("team", ["pages", "three"])
def test_the_action_plan_follows_the_summary(demo, team):
    pages = [page.body for page in demo[team]]
    summary = next(i for i, text in enumerate(pages) if text.startswith("Sammenfatning\n"))
    plan = next(i for i, text in enumerate(pages) if text.startswith("Handleplan\n"))
    assert (summary, plan) == (1, 2)
    assert pages[-1].startswith("Metode og kilde\n") or "\nMetode og kilde\n" in pages[-1]


def test_the_cover_holds_the_contents_and_the_summary_the_agenda(demo):
    cover, summary = demo["pages"][0].text, demo["pages"][1].text
    assert "INDHOLD" in cover and "Handleplan" in cover and "Metode og kilde" in cover
    flat = " ".join(summary.split())
    assert "Dagsorden for workshoppen: størst uenighed først:" in flat


def test_no_percent_beside_a_score(demo):
    """"Samlet score 2,8 af 5 (44 %)" read as a sum error: the report shows the 1–5 score."""
    for page in demo["pages"]:
        assert "%" not in page.body, page.body[:60]
    assert "Samlet score: 3,2 på skalaen fra 1 til 5" in demo["pages"][1].body


def test_the_charts_show_the_agreed_score_beside_the_members_mean(demo):
    agreed = {d["theme_id"]: d["consensus"] for d in demo["document"]["decisions"]
              if d["consensus"] is not None}
    summary = demo["pages"][1]
    labels = " ".join(t.text for t in summary.runs if t.in_chart)
    for value in agreed.values():
        assert f"aftalt {value:.1f}".replace(".", ",") in labels
    assert "Teamets aftalte score" in summary.body  # the legend
    assert "Sidst (4. dec. 2025)" in summary.body  # and last time's, dashed


def test_a_suggestion_in_the_plan_is_printed_once(demo):
    text = " ".join(" ".join(page.body for page in demo["pages"]).split())
    for action in demo["document"]["actions"]:
        words = " ".join(action["text"].split())
        assert text.count(words) == 1, words[:40]
        if action["suggestion_id"]:
            assert "Med i handleplanen, side 3" in text


def test_the_consultant_s_texts_print_in_their_places_and_literally(demo, with_texts):
    pages, plain = with_texts
    assert len(pages) <= 11
    assert pages[1].body.startswith("Konsulentens vurdering\n")
    flat = [" ".join(page.split()) for page in plain]
    assert "Opfølgningen halter <script>&]]>" in flat[1]
    purpose = next(page for page in flat if "1. Alle kender målene og hensigten" in page
                   and "Konsulentens observation" in page)
    assert "Et stærkt fundament <script>&]]>" in purpose
    end = " ".join(flat[-2:])
    for question in ("Hvad har overrasket jer positivt?", "Hvad er mest relevant for jer?",
                     "Hvad vil I gerne vide mere om?"):
        assert question in end
    assert "At vi er enige om hensigten <script>&]]>" in end
    assert "Anbefalede næste skridt Sæt opfølgning i årshjulet <script>&]]>" in end
    assert end.index("Refleksion") < end.index("Anbefalede næste skridt") < end.index(
        "Metode og kilde")
    assert "&lt;" not in " ".join(flat) and "&amp;" not in " ".join(flat)
    assert check_themes(pages, demo["document"]) == []


def test_a_section_left_out_is_not_printed(demo):
    from selfcheck.exchange.team import load_export
    from selfcheck.report import team

    texts = replace(TEXTS, sections=("summary", "themes"))
    data = replace(load_export(demo["document"]), report=texts)
    pages = read_pdf(team.render_pdf(data, "da", date(2026, 12, 2)), last=0)
    text = " ".join(page.body for page in pages)
    for absent in ("Konsulentens vurdering", "Handleplan", "Refleksion",
                   "Anbefalede næste skridt", "Udvikling siden sidst", "Kommentarer"):
        assert absent not in text
    assert "Konsulentens observation" in text and "Metode og kilde" in text


def test_action_plan_is_one_page_with_every_action_grouped(demo):
    pages = [page.text for page in demo["pages"]]
    plan = [i for i, text in enumerate(pages) if text.startswith("Handleplan\n")]
    assert len(plan) == 1, "the demo's action plan is one page"
    text = pages[plan[0]]
    assert plan[0] == 2  # right after the summary (issue 19)
    flat = " ".join(text.split())
    assert "Direktionen · Eksempel Kommune" in flat
    actions = demo["document"]["actions"]
    assert len(actions) == 3
    for action in actions:
        assert " ".join(action["text"].split()) in flat
        assert action["owner"] in flat
    # Grouped under their recommendations, in the questionnaire's order.
    titles = [f"{n}. {t['title']['da']}" for n, t in
              enumerate(demo["document"]["questionnaire"]["themes"], 1)
              if any(a["theme_id"] == t["id"] for a in actions)]
    positions = [flat.index(title) for title in titles]
    assert positions == sorted(positions) and len(titles) == 3
    assert "1. feb. 2027" in flat and "I gang" in flat and "Planlagt" in flat


def test_a_long_action_plan_flows_on_to_a_second_page(demo):
    """Fifteen actions do not fit on one page: the plan goes on, nothing is cut off."""
    document = json.loads(json.dumps(demo["document"]))
    themes = [t["id"] for t in document["questionnaire"]["themes"]]
    extra = [{"theme_id": themes[i % len(themes)],
              "text": f"Handling nummer {i + 1}: " + "aftal, hvem der gør hvad, og følg op. " * 4,
              "owner": f"Ejer {i + 1}" if i % 4 else "", "due_date": None if i % 4 == 0
              else f"2027-0{1 + i % 9}-15", "status": ["planned", "started", "done"][i % 3],
              "suggestion_id": None} for i in range(12)]
    document["actions"] = document["actions"] + extra
    path = demo["folder"] / "fifteen.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    read = read_pdf(demo["render"](path, "--lang", "en"))
    pages = [page.text for page in read]
    start = next(i for i, text in enumerate(pages) if text.startswith("Action plan\n"))
    end = next(i for i, text in enumerate(pages) if text.startswith("1. Everyone knows"))
    plan_pages = pages[start:end]
    assert start == 2 and len(plan_pages) == 2
    flat = " ".join(" ".join(plan_pages).split())
    for action in document["actions"]:
        if not action["suggestion_id"]:  # those print in English: see below
            assert " ".join(action["text"].split()) in flat
        if action["owner"]:
            assert action["owner"] in flat
    # The second page goes on with the table's heading row, then a recommendation's heading.
    assert plan_pages[1].startswith("Action Owner Due date Status\n")
    assert read[start].fullness() > 0.5
    # English dates are written the British way: "15 Jan 2027", "2 December 2026".
    assert "15 Jan 2027" in flat and "Jan 15, 2027" not in flat
    assert re.search(r"\b\d{1,2} (January|February|March|April|May|June|July|August|"
                     r"September|October|November|December) \d{4}\b", pages[0])
    # An action added unchanged from a Danish suggestion prints in English.
    count = next(s for t in document["questionnaire"]["themes"] for s in t["suggestions"]
                 if s["id"] == "few_concrete_dev_count")
    assert " ".join(f"{count['title']['en']}. {count['text']['en']}".split()) in flat
    assert count["title"]["da"] not in flat


def test_charts_print_their_text_at_8_pt_or_more(demo):
    pages = [page.runs for page in demo["pages"]]
    summary = next(runs for runs in pages if runs and runs[0].text == "Sammenfatning")
    radar = [t for t in summary if t.in_chart]
    labels = {t.text for t in radar}
    for number, theme in enumerate(demo["document"]["questionnaire"]["themes"], 1):
        first_word = theme["title"]["da"].split()[0]
        assert any(label.startswith(f"{number}.") for label in labels), number
        assert any(first_word in label for label in labels), first_word
    assert {"2", "3", "4", "5"} <= labels  # the rings' scale
    assert min(t.size for t in radar) >= MIN_PRINT_PT, sorted(
        (round(t.size, 2), t.text) for t in radar)[:5]
    # The dot charts of the member scores: the scale 1–5 under each.
    dots = [t for runs in pages for t in runs if t.in_chart and t.text in "12345"
            and runs is not summary]
    assert len(dots) >= 5 * 6
    assert min(t.size for t in dots) >= MIN_PRINT_PT
    # And no text anywhere in the report is smaller.
    smallest = min((t.size, t.text) for runs in pages for t in runs)
    assert smallest[0] >= MIN_PRINT_PT - 0.01, smallest


def test_the_chain_report_prints_the_consultant_s_texts_and_names_the_heat_map_s_columns(demo):
    from selfcheck.exchange.organisation import load_organisation_export
    from selfcheck.report import chain

    data = replace(chain.chain_data(load_organisation_export(demo["organisation"])),
                   report=TEXTS)
    path = demo["folder"] / "chain.pdf"
    path.write_bytes(chain.render_pdf(data, "da", date(2026, 12, 2)))
    pages = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                           capture_output=True, text=True).stdout.split("\f")
    flat = [" ".join(page.split()) for page in pages]
    text = " ".join(flat)
    assert flat[1].startswith("Konsulentens vurdering")  # the running header, then the text
    assert "Konsulentens vurdering Direktionen kender målene." in flat[1]
    assert "Opfølgningen halter <script>&]]>" in flat[1]
    assert "Konsulentens observation Et stærkt fundament <script>&]]>" in text
    assert "At vi er enige om hensigten <script>&]]>" in text
    assert "Anbefalede næste skridt Sæt opfølgning i årshjulet <script>&]]>" in text
    assert "&lt;" not in text and "&amp;" not in text
    # The heat map's columns carry the themes' titles (wrapped), and no legend of numbers.
    heat = next(page for page in pages if "Niveauer og temaer" in page)
    header = " ".join(heat.split("Direktion")[0].split())
    for word in ("Udefra", "Tværgående", "konkrete"):
        assert word in header
    assert "1: Alle kender" not in heat
