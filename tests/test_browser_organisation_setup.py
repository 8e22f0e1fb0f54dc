"""Setting up an organisation in a real Chromium, at 1280 px and at 390 px (a phone).

An empty organisation shows its first task (adding teams) without scrolling; a refused team
list, a refused team and a refused level name come back with the browser at the form and the
error in view, what was typed still there; the page after adding teams downloads all their
links in one file. axe-core finds no WCAG 2.1 A/AA violation, and at 390 px nothing scrolls
sideways (test_browser_meeting.check).
"""

from __future__ import annotations

import csv

import pytest

from .test_browser_meeting import check

pytestmark = pytest.mark.browser

SIZES = [pytest.param(1280, 900, id="1280px"), pytest.param(390, 844, id="390px")]


def in_view(page, locator) -> bool:
    """Whether the element lies wholly inside the window as it is scrolled now."""
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    height = page.evaluate("window.innerHeight")
    return box["y"] >= 0 and box["y"] + box["height"] <= height


def new_organisation(page, base: str, name: str) -> str:
    page.goto(base + "/o/new")
    page.get_by_label("Organisation").fill(name)
    page.get_by_role("button", name="Opret organisationen").click()
    page.wait_for_load_state("load")
    return page.url


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_an_empty_organisation_shows_its_first_task_without_scrolling(
        live_server, new_page, width, height):
    checked: list[str] = []
    page = new_page(width=width, height=height)
    new_organisation(page, live_server.url, f"Tom Kommune {width}")
    assert page.evaluate("window.scrollY") == 0
    main = page.inner_text("main")
    assert "Hvor kæden knækker" not in main and "Intet brud" not in main
    assert page.locator("svg").count() == 0  # no chart
    heading = page.get_by_role("heading", name="Tilføj teamene", level=2)
    assert in_view(page, heading), heading.bounding_box()
    assert in_view(page, page.get_by_text("Første skridt: de teams, der skal svare."))
    assert in_view(page, page.locator("label[for=teams]"))
    check(page, f"empty organisation at {width} px", checked, phone=width < 500)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_errors_come_back_in_view_at_their_form(live_server, new_page, width, height):
    questionnaire = live_server.app.extensions["questionnaire"]
    checked: list[str] = []
    page = new_page(width=width, height=height)
    url = new_organisation(page, live_server.url, f"Lang Kommune {width}")
    # a long page: 24 teams on two levels put the forms far below the levels' tables
    top, second = (level.name.da for level in questionnaire.levels[:2])
    page.get_by_label("Teams, ét pr. linje").fill(
        "\n".join(f"{top if n % 2 else second}; Team {n}" for n in range(24)))
    page.get_by_role("button", name="Tilføj teamene").click()
    assert "Teamene er klar" in page.inner_text("main")
    page.goto(url)

    typed = f"{second}; Chefgruppen for Børn\nUkendt niveau; Skoleledere"
    page.get_by_label("Teams, ét pr. linje").fill(typed)
    page.get_by_role("button", name="Tilføj teamene").click()
    page.wait_for_load_state("load")
    error = page.locator("#add-teams .form-error-message")
    assert "Linje 2: Der er intet niveau, der hedder “Ukendt niveau”." in error.inner_text()
    assert page.evaluate("window.scrollY") > 1000  # the browser went down to the form
    assert in_view(page, error), (error.bounding_box(), page.evaluate("window.scrollY"))
    assert in_view(page, page.locator("#add-teams .alert-error"))
    assert page.get_by_label("Teams, ét pr. linje").input_value() == typed
    check(page, f"refused team list at {width} px", checked, phone=width < 500)

    page.goto(url)
    page.locator("#level").select_option(label=second)
    page.get_by_label("Team", exact=True).fill("   ")
    page.get_by_role("button", name="Tilføj teamet").click()
    page.wait_for_load_state("load")
    error = page.locator("#add-team ~ form .form-error-message")
    assert "Skriv navnet på teamet." in error.inner_text()
    assert in_view(page, error), error.bounding_box()
    assert page.locator("#level").input_value() == "2"

    page.goto(url)
    level = page.locator(".level-block").nth(1)
    level.get_by_text("Ret niveauet").click()
    level.get_by_label("Navn på dansk").fill("")
    level.get_by_label("Navn på engelsk").fill("Heads of service")
    level.get_by_role("button", name="Gem navnet").click()
    page.wait_for_load_state("load")
    level = page.locator(".level-block").nth(1)
    error = level.locator(".alert-error")
    assert "Skriv navnet på niveauet." in error.inner_text()
    assert in_view(page, error), error.bounding_box()
    assert level.get_by_label("Navn på engelsk").input_value() == "Heads of service"
    check(page, f"refused level name at {width} px", checked, phone=width < 500)

    # one click adds a level; the browser goes to its rename form, open and in view
    count = page.locator(".level-block").count()
    page.get_by_role("button", name="Tilføj et niveau").click()
    page.wait_for_load_state("load")
    added = page.locator(".level-block").nth(count)
    name = added.get_by_label("Navn på dansk")
    assert name.input_value() == f"Niveau {count + 1}"
    assert in_view(page, name), name.bounding_box()
    assert in_view(page, added.get_by_role("status"))  # "Niveauet … er tilføjet nederst."


def test_the_new_teams_links_download_in_one_file(live_server, new_page, tmp_path):
    checked: list[str] = []
    page = new_page(width=390, height=844)
    new_organisation(page, live_server.url, "Hent Kommune")
    page.get_by_label("Teams, ét pr. linje").fill("Direktionen\nStaben")
    page.get_by_role("button", name="Tilføj teamene").click()
    main = page.inner_text("main")
    assert "Facilitatorlinkene er hemmelige." in main
    check(page, "new teams on a phone", checked, phone=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Links til alle de nye teams (CSV)").click()
    saved = tmp_path / "links.csv"
    download.value.save_as(saved)
    assert download.value.suggested_filename.endswith("-new-teams.csv")
    with saved.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-1] == "Facilitatorlink (hemmeligt)"
    assert [row[1] for row in rows[1:]] == ["Direktionen", "Staben"]
    for row in rows[1:]:  # the facilitator links in the file are the ones on the page
        assert row[-1] in main and row[2] in main
    assert page.get_by_role("heading", name="Teamene er klar").is_visible()  # still here
