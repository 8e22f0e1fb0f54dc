"""The whole meeting in a real Chromium: phones join by code, a presenter view, the PDF.

Three members on 390 px phones type the short code, answer and submit; the
facilitator reveals the results, runs the workshop while a second page at
1920×1080 shows the presenter view and follows along, closes answering,
records agreed scores and an action, reaches the closing page and downloads
the PDF. axe-core finds no WCAG 2.1 A/AA violation on any page, and no phone
page is wider than the phone.
"""

from __future__ import annotations

import re

import pytest

from .conftest import axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def too_wide(page) -> list[str]:
    """The elements that stick out to the right, to say what to fix."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' +
                         Math.round(e.getBoundingClientRect().right))""")


def check(page, name: str, checked: list[str], phone: bool = False) -> None:
    """axe-core at 0 violations, and on a phone no sideways scrolling."""
    assert axe_violations(page) == [], name
    if phone:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.evaluate("window.innerWidth"), (name, width, too_wide(page))
    checked.append(name)


def test_a_whole_meeting(live_server, new_page, tmp_path):
    questionnaire = live_server.app.extensions["questionnaire"]
    checked: list[str] = []
    facilitator = new_page(width=1280, height=900)
    facilitator.goto(live_server.url + "/new")
    facilitator.get_by_label("Organisation").fill("Vejle Kommune")
    facilitator.get_by_label("Ledelsesteam").fill("Direktionen")
    facilitator.get_by_text("Med navn", exact=False).first.click()
    facilitator.get_by_role("button", name="Opret selvevalueringen").click()
    results_url = facilitator.url
    assert "Kom i gang" in facilitator.inner_text("main")
    check(facilitator, "fresh dashboard", checked)
    code = facilitator.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4} [A-Z0-9]{4}", code)

    # The copy button appears with JavaScript and copies the code.
    copy = facilitator.get_by_role("button", name="Kopier Kode")
    assert copy.is_visible()

    invite = new_page(width=1920, height=1080)
    invite.goto(results_url + "/invite")
    assert code in invite.inner_text("main")
    check(invite, "invite on the projector", checked)

    names = ["Ane", "Bo", "Carl"]
    values = {"Ane": "Delvist uenig", "Bo": "Delvist enig", "Carl": "Helt enig"}
    for name in names:
        phone = new_page(width=PHONE["width"], height=PHONE["height"])
        phone.goto(live_server.url + "/kode")
        check(phone, "code page on a phone", checked, phone=True)
        phone.get_by_label("Kode").fill(code.lower())
        phone.get_by_role("button", name="Fortsæt").click()
        phone.get_by_label("Dit navn").fill(name)
        check(phone, "join page on a phone", checked, phone=True)
        phone.get_by_role("button", name="Begynd at svare").click()
        check(phone, "welcome on a phone", checked, phone=True)
        phone.wait_for_load_state()  # copy.js shows the Copy button above "Start"
        phone.get_by_role("link", name="Start").click()
        for number, theme in enumerate(questionnaire.themes, 1):
            if number == 1:
                check(phone, "step on a phone", checked, phone=True)
            for question in theme.questions:
                group = phone.locator("fieldset").filter(has_text=question.text.da)
                group.get_by_text(values[name], exact=True).click()
            last = number == len(questionnaire.themes)
            button = "Gem og gennemse" if last else "Gem og fortsæt"
            phone.get_by_role("button", name=button).click()
        check(phone, "review on a phone", checked, phone=True)
        phone.get_by_role("button", name="Send mine svar").click()
        assert "Tak for dine svar" in phone.inner_text("main")
        check(phone, "thank you on a phone", checked, phone=True)
        if name == "Carl":
            member_phone = phone

    facilitator.goto(results_url)
    text = facilitator.inner_text("main")
    assert "3 af 3 medlemmer har sendt deres svar." in text
    check(facilitator, "dashboard with results", checked)
    facilitator.get_by_role("button", name="Vis resultaterne for medlemmerne").click()

    member_phone.get_by_role("link", name="Se teamets resultater").click()
    assert "Din score" in member_phone.inner_text("main")
    check(member_phone, "member's results on a phone", checked, phone=True)

    # The presenter view on the projector follows the facilitator.
    presenter = new_page(width=1920, height=1080)
    presenter.goto(results_url + "/present")
    check(presenter, "presenter view", checked)
    facilitator.get_by_role("link", name="Start workshoppen").click()
    check(facilitator, "workshop page", checked)
    facilitator.get_by_role("link", name="Næste →").click()
    second_title = facilitator.locator("h1").inner_text()
    presenter.wait_for_function(
        "title => document.querySelector('h1').innerText === title", arg=second_title,
        timeout=10_000)
    assert presenter.locator("main form, main input, main button").count() == 0
    presenter.keyboard.press("ArrowRight")
    presenter.wait_for_url(re.compile(r"/present/3$"))
    assert presenter.evaluate("document.documentElement.scrollWidth") <= 1920

    # Close answering; the team still records its view and its actions.
    facilitator.goto(results_url)
    facilitator.get_by_role("button", name="Luk for svar").click()
    assert "Der er lukket for svar." in facilitator.inner_text("main")
    facilitator.goto(results_url + "/workshop/1")
    assert "Der er lukket for svar" in facilitator.inner_text("main")
    facilitator.get_by_label("Aftalt score").select_option("3.5")
    facilitator.get_by_label("Note").fill("Vi er enige om at starte her.")
    facilitator.get_by_role("button", name="Gem teamets vurdering").click()
    assert "Teamets vurdering er gemt." in facilitator.locator("#decision").inner_text()
    facilitator.get_by_label("Hvad vil I gøre?").fill("Målkort på én side til alle chefer")
    facilitator.get_by_role("textbox", name="Ansvarlig").fill("Ane")
    facilitator.get_by_role("button", name="Tilføj handlingen").click()
    assert "Handlingen er føjet til planen." in facilitator.locator("#actions").inner_text()
    for _ in range(len(questionnaire.themes) - 1):
        facilitator.get_by_role("link", name="Næste →").click()
    facilitator.get_by_role("link", name="Opsamling →").click()
    end = facilitator.inner_text("main")
    assert "Målkort på én side til alle chefer" in end and "Stadig uafklaret" in end
    check(facilitator, "closing page", checked)
    with facilitator.expect_download() as download:
        facilitator.get_by_role("link", name="Hent PDF-rapporten").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    # The facilitator's pages on a phone: no sideways scrolling either.
    small = new_page(width=PHONE["width"], height=PHONE["height"])
    for url in (results_url, results_url + "/workshop/1", results_url + "/workshop/end",
                results_url + "/invite", results_url + "/present"):
        small.goto(url, wait_until="networkidle")  # workshop.js's POST done before moving on
        check(small, f"{url.rsplit('/', 1)[-1]} on a phone", checked, phone=True)
    assert len(checked) >= 20
