"""Browser tests: a real Chromium, one member through every step, and axe-core on every page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from selfcheck.models import Answer

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def create_assessment(page, base_url: str, answers_label: str = "Anonyme") -> tuple[str, str]:
    """Create an assessment through the form; returns (facilitator URL, join URL)."""
    page.goto(base_url + "/")
    page.get_by_role("link", name="Start en selvevaluering").click()
    page.get_by_label("Organisation").fill("Odense Kommune")
    page.get_by_label("Ledelsesteam").fill("Direktionen")
    page.get_by_text("Dansk", exact=True).click()
    page.get_by_text(answers_label).click()
    page.get_by_role("button", name="Opret selvevalueringen").click()
    facilitator_url = page.url
    join_url = page.locator("code").filter(has_text="/j/").inner_text().strip()
    return facilitator_url, join_url


def choose(page, statement_text: str, label: str) -> None:
    """Click the label of one option inside the fieldset of a statement."""
    group = page.locator("fieldset").filter(has_text=statement_text)
    group.get_by_text(label, exact=True).click()


def test_one_member_walks_all_steps_by_clicking_labels(live_server, new_page):
    questionnaire = live_server.app.extensions["questionnaire"]
    page = new_page()
    facilitator_url, join_url = create_assessment(page, live_server.url)
    assert "Selvevalueringen er klar." in page.inner_text("main")

    member = new_page()
    member.goto(join_url)
    member.get_by_role("button", name="Begynd at svare").click()
    personal_link = member.locator("code").inner_text().strip()
    assert re.search(r"/p/[A-Za-z0-9_-]{43}/$", personal_link)
    member.wait_for_load_state()  # copy.js shows the Copy button above "Start"
    member.get_by_role("link", name="Start").click()

    labels = ["Helt uenig", "Delvist uenig", "Hverken enig eller uenig", "Delvist enig",
              "Helt enig", "Ved ikke"]
    chosen = {}
    for number, theme in enumerate(questionnaire.themes, 1):
        assert f"Trin {number} af 6" in member.inner_text("main")
        assert member.locator("h1").inner_text() == theme.title.da
        for i, question in enumerate(theme.questions):
            label = labels[(number + i) % len(labels)]
            choose(member, question.text.da, label)
            chosen[question.id] = label
        if number == 2:
            member.get_by_label("Kommentar (frivillig)").fill("Vi taler for lidt med borgerne.")
            # Go back: the answers of step 2 are kept, and step 1 shows its saved answers.
            member.get_by_role("button", name="Tilbage").click()
            assert member.locator("h1").inner_text() == questionnaire.themes[0].title.da
            first = questionnaire.themes[0].questions[0]
            group = member.locator("fieldset").filter(has_text=first.text.da)
            assert group.get_by_label(chosen[first.id], exact=True).is_checked()
            member.get_by_role("button", name="Gem og fortsæt").click()
            assert member.locator("h1").inner_text() == theme.title.da
            member.reload()
            for question in theme.questions:
                group = member.locator("fieldset").filter(has_text=question.text.da)
                assert group.get_by_label(chosen[question.id], exact=True).is_checked()
            assert member.get_by_label("Kommentar (frivillig)").input_value() == \
                "Vi taler for lidt med borgerne."
        button = "Gem og fortsæt" if number < 6 else "Gem og gennemse"
        member.get_by_role("button", name=button).click()

    assert member.locator("h1").inner_text() == "Gennemse og send"
    review = member.inner_text("main")
    assert "Vi taler for lidt med borgerne." in review
    assert "Ikke besvaret endnu." not in review
    member.get_by_role("button", name="Send mine svar").click()
    assert member.locator("h1").inner_text() == "Tak for dine svar"

    with live_server.app.app_context():
        from selfcheck.db import get_session

        assert get_session().scalar(select(func.count()).select_from(Answer)) == 31

    page.goto(facilitator_url)
    assert "1 af 1 medlemmer har sendt deres svar." in page.inner_text("main")


def test_empty_statement_message_in_the_browser(live_server, new_page):
    page = new_page()
    _facilitator_url, join_url = create_assessment(page, live_server.url)
    member = new_page()
    member.goto(join_url)
    member.get_by_role("button", name="Begynd at svare").click()
    member.wait_for_load_state()  # copy.js shows the Copy button above "Start"
    member.get_by_role("link", name="Start").click()
    member.wait_for_url("**/step/1")
    # The browser's own required check would stop the form; submit past it, as a
    # browser without that check would.
    member.evaluate("document.querySelector('form[method=post]:not(.language-switch)')"
                    ".setAttribute('novalidate', '')")
    member.get_by_role("button", name="Gem og fortsæt").click()
    assert "Ret venligst følgende" in member.inner_text("main")
    first_step = live_server.app.extensions["questionnaire"].themes[0].questions
    # each missing statement: once in the summary, once at the statement
    assert member.inner_text("main").count("Vælg et svar eller “Ved ikke”.") == \
        2 * len(first_step)


def walk_pages(live_server, new_page, width):
    """Every page of the journey, yielded as (name, page) once loaded."""
    page = new_page(width=width)
    page.goto(live_server.url + "/")
    yield "front page", page
    page.get_by_role("link", name="Start en selvevaluering").click()
    yield "new assessment", page
    page.get_by_role("button", name="Opret selvevalueringen").click()
    yield "new assessment with errors", page
    facilitator_url, join_url = create_assessment(page, live_server.url, "Med navn")
    yield "results, empty", page
    member = new_page(width=width)
    member.goto(join_url)
    yield "join", member
    member.get_by_label("Dit navn").fill("Mette")
    member.get_by_role("button", name="Begynd at svare").click()
    yield "welcome", member
    member.wait_for_load_state()  # copy.js shows the Copy button above "Start"
    member.get_by_role("link", name="Start").click()
    member.wait_for_url("**/step/1")
    yield "step 1", member
    member.evaluate("document.querySelector('form[method=post]:not(.language-switch)')"
                    ".setAttribute('novalidate', '')")
    member.get_by_role("button", name="Gem og fortsæt").click()
    yield "step 1 with errors", member
    questionnaire = live_server.app.extensions["questionnaire"]
    for _theme in questionnaire.themes:
        for group in member.locator("fieldset").all():
            group.get_by_text("Delvist enig", exact=True).click()
        member.locator("button[value=next]").click()
    yield "review", member
    member.get_by_role("button", name="Send mine svar").click()
    yield "done", member
    member.get_by_role("link", name="Se teamets resultater").click()
    yield "member results, not revealed", member
    page.goto(facilitator_url)
    yield "results", page
    page.goto(live_server.url + "/p/unknown-token/")
    yield "not found", page
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Se et eksempel").click()
    yield "example results", page


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_violations_on_any_page(live_server, new_page, width):
    seen = []
    for name, page in walk_pages(live_server, new_page, width):
        violations = axe_violations(page)
        assert violations == [], f"{name} at {width}px: {violations}"
        seen.append(name)
    assert len(seen) == 14


def test_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="da-DK")
    try:
        page = context.new_page()
        facilitator_url, join_url = create_assessment(page, live_server.url)
        page.goto(join_url)
        page.get_by_role("button", name="Begynd at svare").click()
        page.wait_for_load_state()  # copy.js shows the Copy button above "Start"
        page.get_by_role("link", name="Start").click()
        for group in page.locator("fieldset").all():
            group.get_by_text("Helt enig", exact=True).click()
        page.get_by_role("button", name="Gem og fortsæt").click()
        assert "Trin 2 af 6" in page.inner_text("main")
        page.get_by_role("button", name="English").click()
        assert "Step 2 of 6" in page.inner_text("main")
    finally:
        context.close()


def test_a_whole_workshop_in_the_browser(live_server, new_page, tmp_path):
    """Four members answer; two are far apart on one theme, which the workshop takes first."""
    questionnaire = live_server.app.extensions["questionnaire"]
    facilitator = new_page(width=1280, height=720)
    facilitator_url, join_url = create_assessment(facilitator, live_server.url, "Med navn")
    split_theme = questionnaire.theme("cross_cutting")
    for name, split_value in (("Asta", "Helt uenig"), ("Bjørn", "Helt enig"),
                              ("Cille", "Hverken enig eller uenig"),
                              ("Dan", "Hverken enig eller uenig")):
        member = new_page(width=390, height=844)
        member.goto(join_url)
        member.get_by_label("Dit navn").fill(name)
        member.get_by_role("button", name="Begynd at svare").click()
        member.wait_for_load_state()  # copy.js shows the Copy button above "Start"
        member.get_by_role("link", name="Start", exact=True).click()
        for theme in questionnaire.themes:
            for question in theme.questions:
                if theme.id == split_theme.id:
                    label = split_value
                    if question.reverse:  # mirror, so the member's score stays at the extreme
                        label = {"Helt uenig": "Helt enig", "Helt enig": "Helt uenig"}.get(
                            label, label)
                else:
                    label = "Delvist enig"
                choose(member, question.text.da, label)
            member.locator("button[value=next]").click()
        member.get_by_role("button", name="Send mine svar").click()
        assert member.locator("h1").inner_text() == "Tak for dine svar"

    facilitator.goto(facilitator_url)
    assert "4 af 4 medlemmer har sendt deres svar." in facilitator.inner_text("main")
    assert axe_violations(facilitator) == []
    facilitator.get_by_role("link", name="Start workshoppen").click()
    assert facilitator.locator("h1").inner_text() == split_theme.title.da
    assert "1 af 6 på dagsordenen" in facilitator.inner_text("main")
    assert "Teamet er uenigt her." in facilitator.inner_text("main")
    assert axe_violations(facilitator) == []

    facilitator.get_by_label("Aftalt score").select_option("2.5")
    facilitator.get_by_label("Note").fill("Vi ser forskelligt på samarbejdet.")
    facilitator.get_by_role("button", name="Gem teamets vurdering").click()
    assert "Teamets vurdering er gemt." in facilitator.inner_text("main")
    first = split_theme.suggestions_for("on_the_way")[0]
    facilitator.get_by_role("button", name=f"Føj til planen: {first.title.da}").click()
    facilitator.get_by_label("Hvad vil I gøre?").fill("Fælles møde om de unge uden uddannelse")
    facilitator.get_by_label("Ansvarlig").fill("Bjørn")
    facilitator.get_by_label("Frist").fill("2027-03-01")
    facilitator.get_by_role("button", name="Tilføj handlingen").click()
    assert "Handlingen er føjet til planen." in facilitator.inner_text("main")
    assert axe_violations(facilitator) == []
    # The arrow key goes to the next recommendation.
    facilitator.locator("h1").click()
    facilitator.keyboard.press("ArrowRight")
    facilitator.wait_for_url("**/workshop/2")
    assert "2 af 6 på dagsordenen" in facilitator.inner_text("main")

    facilitator.goto(facilitator_url)
    with facilitator.expect_download() as download_info:
        facilitator.get_by_role("link", name="Hent PDF-rapporten").click()
    download = download_info.value
    assert download.suggested_filename.startswith("selfcheck-odense-kommune-direktionen-")
    path = tmp_path / "report.pdf"
    download.save_as(path)
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", " ")
    assert "Aftalt score: 2,5" in text
    assert "Vi ser forskelligt på samarbejdet." in text
    assert first.title.da in text
    assert "Fælles møde om de unge uden uddannelse" in text and "Bjørn" in text


def test_invite_page_is_accessible(live_server, new_page):
    page = new_page(width=1280, height=720)
    facilitator_url, _join_url = create_assessment(page, live_server.url)
    page.goto(facilitator_url + "/invite")
    assert page.locator("svg.qr-code").count() == 1
    assert axe_violations(page) == []


def test_dashboard_shows_new_answers_without_a_reload(live_server, new_page):
    questionnaire = live_server.app.extensions["questionnaire"]
    facilitator = new_page()
    facilitator_url, join_url = create_assessment(facilitator, live_server.url)
    assert "Ingen har meldt sig endnu." in facilitator.inner_text("#participation")
    assert facilitator.locator("#participation-changed").is_hidden()
    member = new_page(width=390, height=844)
    member.goto(join_url)
    member.get_by_role("button", name="Begynd at svare").click()
    member.wait_for_load_state()  # copy.js shows the Copy button above "Start"
    member.get_by_role("link", name="Start", exact=True).click()
    for _theme in questionnaire.themes:
        for group in member.locator("fieldset").all():
            group.get_by_text("Helt enig", exact=True).click()
        member.locator("button[value=next]").click()
    member.get_by_role("button", name="Send mine svar").click()
    from playwright.sync_api import expect

    expect(facilitator.locator("#participation")).to_contain_text(
        "1 af 1 medlemmer har sendt deres svar.", timeout=10000)
    expect(facilitator.locator("#participation-changed")).to_be_visible()
    assert facilitator.url == facilitator_url  # no reload happened
