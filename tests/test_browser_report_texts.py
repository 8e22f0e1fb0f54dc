"""The "Rapport" page in a real Chromium: a consultant writes the report's own words, and
they are saved as typed, come back after a reload, reach the preview's source document and
the downloads.

axe-core finds no WCAG 2.1 A/AA violation on the page, and at 390 px nothing scrolls
sideways.
"""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import expect

from .conftest import Facilitator, Member
from .test_browser_meeting import check

pytestmark = pytest.mark.browser

CONCLUSION = "Direktionen står stærkt på mål, men følger for lidt op. <b>&</b>"
OBSERVATIONS = {1: "Alle kender målene, også i nye teams.",
                2: "Borgernes blik mangler i målene."}
REFLECTIONS = {"Hvad har overrasket jer positivt?": "At vi er så enige om formålet.",
               "Hvad er mest relevant for jer?": "Opfølgningen på effekter.",
               "Hvad vil I gerne vide mere om?": "Hvordan andre kommuner gør."}


def flat(text: str) -> str:
    return " ".join(text.split())


def a_team_that_has_answered(app, questionnaire) -> Facilitator:
    facilitator = Facilitator(app).create(organisation="Odense Kommune", answers="named")
    join = facilitator.join_url()
    for index, value in enumerate((4, 3, 5)):
        member = Member(app, join).join(f"Medlem {index + 1}")
        member.answer_all(questionnaire, {q.id: value for q in questionnaire.questions})
        member.submit()
    return facilitator


def test_a_consultant_writes_the_report(live_server, new_page, tmp_path):
    app = live_server.app
    questionnaire = app.extensions["questionnaire"]
    facilitator = a_team_that_has_answered(app, questionnaire)
    checked: list[str] = []
    base = live_server.url + facilitator.results_url
    themes = {number: theme.title.get("da")
              for number, theme in enumerate(questionnaire.themes, 1)}

    page = new_page(width=1280, height=900)
    page.goto(base)
    page.get_by_role("link", name="Skriv rapporten").click()
    page.wait_for_url(base + "/report")
    assert page.get_by_role("heading", level=1).inner_text() == "Rapport"
    check(page, "empty report page", checked)

    page.get_by_label("Din vurdering, øverst i rapporten").fill(CONCLUSION)
    for number, text in OBSERVATIONS.items():
        page.get_by_label(f"Tema {number}: {themes[number]}").fill(text)
    for question, answer in REFLECTIONS.items():
        page.get_by_label(question).fill(answer)
    page.locator("label[for=section-comments]").click()
    status = page.locator("#report-status")
    assert status.get_attribute("aria-live") == "polite"
    expect(page.locator("#report-form")).to_have_attribute("data-dirty", "no", timeout=10000)
    expect(status).to_have_text("Gemt")
    check(page, "report page with texts", checked)

    page.reload()
    assert page.get_by_label("Din vurdering, øverst i rapporten").input_value() == CONCLUSION
    for number, text in OBSERVATIONS.items():
        assert page.get_by_label(f"Tema {number}: {themes[number]}").input_value() == text
    for question, answer in REFLECTIONS.items():
        assert page.get_by_label(question).input_value() == answer
    assert not page.locator("#section-comments").is_checked()
    assert page.locator("#section-summary").is_checked()

    # the preview is the report itself, in the page
    preview = page.frame_locator("#report-preview")
    shown = preview.locator("body").inner_text(timeout=10000)
    assert "Odense Kommune" in shown
    assert CONCLUSION in shown  # typed markup shows as written
    for text in [*OBSERVATIONS.values(), *REFLECTIONS.values()]:
        assert text in shown
    # and the document it and the PDF are built from carries the texts
    document = page.request.get(base + "/export.json").json()
    assert document["report"]["conclusion"] == CONCLUSION
    assert document["report"]["observations"] == {
        questionnaire.themes[number - 1].id: text for number, text in OBSERVATIONS.items()}
    assert list(document["report"]["reflections"].values()) == list(REFLECTIONS.values())
    assert "comments" not in document["report"]["sections"]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent rapport (PDF)").click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    text = flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                               text=True, check=True).stdout)
    assert "Odense Kommune" in text
    for written in [CONCLUSION, *OBSERVATIONS.values(), *REFLECTIONS.values()]:
        assert written in text
    assert "Kommentarer" not in text  # the section left out

    # the two-page summary and the Word file carry the conclusion too
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent resumé (2 sider)").click()
    summary = tmp_path / "summary.pdf"
    download_info.value.save_as(summary)
    summary_text = flat(subprocess.run(["pdftotext", str(summary), "-"], capture_output=True,
                                       text=True, check=True).stdout)
    assert CONCLUSION in summary_text
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent som Word (.docx)").click()
    word = tmp_path / "report.docx"
    download_info.value.save_as(word)
    from docx import Document

    paragraphs = "\n".join(p.text for p in Document(word).paragraphs)
    for written in [CONCLUSION, *OBSERVATIONS.values(), *REFLECTIONS.values()]:
        assert written in paragraphs

    # a changed text is a new PDF, never the cached one
    cached = page.request.get(base + "/report.pdf")
    assert cached.headers["x-report-cache"] == "hit"
    page.get_by_label("Din vurdering, øverst i rapporten").fill("En ny vurdering.")
    expect(page.locator("#report-form")).to_have_attribute("data-dirty", "no", timeout=10000)
    expect(status).to_have_text("Gemt")
    fresh = page.request.get(base + "/report.pdf")
    assert fresh.headers["x-report-cache"] == "miss"
    fresh_path = tmp_path / "fresh.pdf"
    fresh_path.write_bytes(fresh.body())
    fresh_text = flat(subprocess.run(["pdftotext", str(fresh_path), "-"], capture_output=True,
                                     text=True, check=True).stdout)
    assert "En ny vurdering." in fresh_text and CONCLUSION not in fresh_text

    # a text refused by the server says why, in the status line
    page.evaluate("document.getElementById('field-conclusion').removeAttribute('maxlength')")
    page.get_by_label("Din vurdering, øverst i rapporten").fill("x" * 5001)
    expect(status).to_have_text(
        "Ikke gemt. Konsulentens vurdering: Skriv højst 5000 tegn. Teksten har 5001.",
        timeout=10000)

    phone = new_page(width=390, height=844)
    phone.goto(base + "/report")
    check(phone, "report page, phone", checked, phone=True)
    assert checked == ["empty report page", "report page with texts", "report page, phone"]
