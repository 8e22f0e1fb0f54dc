"""The PDF as a handout (issue 10, section 6), checked from the PDF itself.

The demo is made, exported and rendered once for the module (through the CLI, as a user
would): no page but the last is less than a quarter full, the action plan is one A4 page
with every action, a long plan flows on to a second page, and the charts' text prints at
8 pt or more.
"""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from selfcheck import create_app
from selfcheck.cli import main

from .conftest import QUESTIONS_FILE

MM = 72 / 25.4
# The page box of report.css: A4 with margins 22 mm (top) and 20 mm (bottom).
TOP_MARGIN, BOTTOM_MARGIN = 22 * MM, 20 * MM
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

    def fullness(self) -> float:
        """How far down the page body the lowest text reaches: 0 empty, 1 full."""
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
    """The demo assessment's export, and its report rendered by `selfcheck report`."""
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
    export = folder / "demo.json"
    result = runner.invoke(main, ["export", link, "-o", str(export)])
    assert result.exit_code == 0, result.output

    def render(document_path, *options) -> bytes:
        out = document_path.with_suffix(".pdf")
        result = runner.invoke(main, ["report", str(document_path), "-o", str(out), *options])
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    yield {"folder": folder, "document": json.loads(export.read_text(encoding="utf-8")),
           "pages": read_pdf(render(export)), "render": render}
    app.extensions["db_engine"].dispose()


def test_no_page_but_the_last_is_less_than_a_quarter_full(demo):
    filled = [round(page.fullness(), 2) for page in demo["pages"]]
    assert len(filled) >= 10
    short = [(number, fill) for number, fill in enumerate(filled[:-1], 1) if fill < 0.25]
    assert short == [], f"pages less than a quarter full: {short} (all: {filled})"


def test_the_contents_page_also_holds_the_agenda(demo):
    contents = demo["pages"][1].text
    assert "Indhold" in contents
    assert "Dagsorden for workshoppen: størst uenighed først" in contents


def test_action_plan_is_one_page_with_every_action_grouped(demo):
    pages = [page.text for page in demo["pages"]]
    plan = [i for i, text in enumerate(pages) if text.startswith("Handleplan\n")]
    assert len(plan) == 1, "the demo's action plan is one page"
    text = pages[plan[0]]
    assert plan[0] == len(pages) - 2 and pages[-1].startswith("Metode og kilde\n")
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
    read = read_pdf(demo["render"](path, "--lang", "en"), last=4)
    pages = [page.text for page in read]
    assert pages[-1].startswith("Method and source\n")
    start = next(i for i, text in enumerate(pages) if text.startswith("Action plan\n"))
    plan_pages = pages[start:-1]
    assert start > 0 and len(plan_pages) == 2
    flat = " ".join(" ".join(plan_pages).split())
    for action in document["actions"]:
        assert " ".join(action["text"].split()) in flat
        if action["owner"]:
            assert action["owner"] in flat
    # The second page goes on with the table's heading row, then a recommendation's heading.
    assert plan_pages[1].startswith("Action Owner Due date Status\n")
    assert all(page.fullness() > 0.25 for page in read[start:-1])


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
