"""The consultant's journey through a leadership chain, in a real Chromium.

Create an organisation, add teams on three levels (one by one and as a pasted list),
download the join links, let members answer, open the comparison and download the
chain's PDF. axe-core finds no WCAG 2.1 A/AA violation, and at 390 px nothing scrolls
sideways.
"""

from __future__ import annotations

import re

import pytest

from .test_browser_meeting import check

pytestmark = pytest.mark.browser


def test_a_consultant_builds_and_compares_a_chain(live_server, new_page, tmp_path):
    questionnaire = live_server.app.extensions["questionnaire"]
    checked: list[str] = []
    page = new_page(width=1280, height=900)
    page.goto(live_server.url + "/o/new")
    check(page, "new organisation", checked)
    page.get_by_label("Organisation").fill("Fredericia Kommune")
    page.get_by_role("button", name="Opret organisationen").click()
    assert "Organisationen er klar." in page.inner_text("main")
    organisation_url = page.url
    check(page, "empty organisation", checked)

    page.get_by_label("Niveau", exact=True).select_option(label="Direktion")
    page.get_by_label("Team", exact=True).fill("Direktionen")
    page.locator(".team-form").get_by_text("Med navn").click()
    page.get_by_role("button", name="Tilføj teamet").click()
    assert "Teamene er klar" in page.inner_text("main")
    check(page, "teams created", checked)
    page.get_by_role("link", name="Tilbage til organisationen").click()
    top, middle, bottom = (questionnaire.levels[i].name.da for i in (0, 1, -1))
    page.get_by_label("Teams, ét pr. linje").fill(
        f"{middle}; Chefgruppen for Børn og Unge\n{bottom}; Skoleledere")
    page.locator("form").filter(has_text="Teams, ét pr. linje").get_by_text("Med navn").click()
    page.get_by_role("button", name="Tilføj teamene").click()
    joins = re.findall(r"http://127\.0\.0\.1:\d+/j/[A-Za-z0-9_-]+", page.inner_text("main"))
    assert len(joins) == 2
    page.goto(organisation_url)

    with page.expect_download() as download:
        page.get_by_role("link", name="Links og koder (XLSX)").click()
    xlsx = tmp_path / "links.xlsx"
    download.value.save_as(xlsx)
    from openpyxl import load_workbook

    rows = list(load_workbook(xlsx).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["Direktionen", "Chefgruppen for Børn og Unge",
                                        "Skoleledere"]
    join_by_team = {r[1]: r[2] for r in rows[1:]}

    # two members per team answer: 5, 3 and 1 everywhere → breaks of 2 between the levels
    # (one member alone would show no level score: it would be that person's own)
    for team, value, member in ((team, value, member) for team, value in (
            ("Direktionen", 5), ("Chefgruppen for Børn og Unge", 3), ("Skoleledere", 1))
            for member in (1, 2)):
        phone = new_page(width=390, height=844)
        phone.goto(join_by_team[team])
        phone.get_by_label("Dit navn").fill(f"Leder {member} i {team}")
        phone.get_by_role("button", name="Begynd at svare").click()
        phone.wait_for_load_state()  # copy.js shows the Copy button above "Start"
        phone.get_by_role("link", name="Start").click()
        for number, theme in enumerate(questionnaire.themes, 1):
            for question in theme.questions:
                label = {5: "Helt enig", 3: "Hverken enig eller uenig", 1: "Helt uenig"}[
                    6 - value if question.reverse else value]
                group = phone.locator("fieldset").filter(has_text=question.text.da)
                if team == "Skoleledere" and question.applies_if:
                    assert group.count() == 0  # not asked of institution leaders
                    continue
                group.get_by_text(label, exact=True).click()
            last = number == len(questionnaire.themes)
            button = "Gem og gennemse" if last else "Gem og fortsæt"
            phone.get_by_role("button", name=button).click()
        phone.get_by_role("button", name="Send mine svar").click()

    page.goto(organisation_url)
    text = page.inner_text("main")
    assert "Hvor kæden knækker" in text
    assert f"{top} 5,0, {middle} 3,0 (2,0 point fra hinanden)" in text
    check(page, "comparison", checked)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent kædens PDF-rapport").click()
    pdf = tmp_path / "chain.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    phone = new_page(width=390, height=844)
    phone.goto(organisation_url)
    check(phone, "comparison on a phone", checked, phone=True)
    phone.goto(live_server.url + "/o/new")
    check(phone, "new organisation on a phone", checked, phone=True)
    assert len(checked) == 6
