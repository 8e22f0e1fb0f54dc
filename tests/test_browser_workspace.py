"""A consultant's workspace in a real Chromium: sign up, create, share, brand, download.

axe-core finds no WCAG 2.1 A/AA violation on any account page, and at 390 px nothing
scrolls sideways.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

from .conftest import PASSWORD
from .test_browser_meeting import check

pytestmark = pytest.mark.browser


def signup(page, base: str, email: str) -> None:
    page.goto(base + "/signup")
    page.get_by_label("E-mailadresse").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Opret kontoen").click()
    assert "Din konto er klar." in page.inner_text("main")


def logo_file(tmp_path):
    image = Image.new("RGB", (600, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 190, 190), fill=(0, 90, 60))
    draw.ellipse((230, 40, 350, 160), fill=(200, 120, 0))
    path = tmp_path / "logo.png"
    image.save(path)
    return path


def test_a_consultant_works_from_the_workspace(live_server, new_page, tmp_path):
    from pypdf import PdfReader

    live_server.app.config["SIGNUP"] = "open"
    base = live_server.url
    checked: list[str] = []

    colleague = new_page(width=390, height=844)
    signup(colleague, base, "kollega@example.dk")
    check(colleague, "empty workspace, phone", checked, phone=True)

    page = new_page(width=1280, height=900)
    signup(page, base, "konsulent@example.dk")
    check(page, "empty workspace", checked)

    page.get_by_role("link", name="Sammenlign en ledelseskæde").click()
    page.get_by_label("Organisation").fill("Horsens Kommune")
    page.get_by_role("button", name="Opret organisationen").click()
    assert "I dit arbejdsområde som ejer." in page.inner_text("main")
    check(page, "organisation with workspace panel", checked)

    page.get_by_role("link", name="Mit arbejdsområde").click()
    page.get_by_role("link", name="Start en selvevaluering").click()
    page.get_by_label("Organisation").fill("Horsens Kommune")
    page.get_by_label("Ledelsesteam").fill("Direktionen")
    page.get_by_role("button", name="Opret selvevalueringen").click()
    assert "I dit arbejdsområde som ejer." in page.inner_text("main")
    check(page, "results with workspace panel", checked)

    page.get_by_role("link", name="Hvem har adgang").click()
    check(page, "access page", checked)
    page.get_by_label("E-mailadresse på en eksisterende konto").fill("kollega@example.dk")
    page.locator("#role-group").get_by_text("Facilitator – står for selvevalueringen").click()
    page.get_by_role("button", name="Giv adgang").click()
    assert "kollega@example.dk har nu adgang som facilitator." in page.inner_text("main")
    check(page, "access given", checked)

    page.get_by_role("link", name="konsulent@example.dk").click()
    page.get_by_label("Navn på rapporterne").fill("Konsulenthuset Nord")
    page.locator("input[type=file]").set_input_files(str(logo_file(tmp_path)))
    page.get_by_role("button", name="Gem logo og navn").click()
    assert "Logo og navn er gemt." in page.inner_text("main")
    assert page.get_by_role("img", name="Logoet, der bruges nu").is_visible()
    check(page, "account with branding", checked)

    page.get_by_role("link", name="Mit arbejdsområde").click()
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    check(page, "workspace with two items", checked)
    page.get_by_role("link", name="Horsens Kommune · Direktionen").click()
    # No one has answered, so the page offers no download button yet: fetch the report's
    # address with the page's own login, as the button would.
    response = page.request.get(page.url + "/report.pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    assert "Udarbejdet af Konsulenthuset Nord" in reader.pages[0].extract_text()
    assert len(reader.pages[0].images) == 1 and len(reader.pages[1].images) >= 1

    # The colleague sees the shared assessment, on a phone, without its facilitator link.
    colleague.get_by_role("link", name="Mit arbejdsområde").click()
    assert "Horsens Kommune · Direktionen" in colleague.inner_text("main")
    check(colleague, "shared workspace, phone", checked, phone=True)
    colleague.get_by_role("link", name="Horsens Kommune · Direktionen").click()
    text = colleague.inner_text("main")
    assert "I dit arbejdsområde som facilitator." in text and "Dit facilitatorlink" not in text
    check(colleague, "shared results, phone", checked, phone=True)
    colleague.goto(base + "/account")
    check(colleague, "account, phone", checked, phone=True)
    colleague.goto(base + "/login")  # logged in already: the form still reads well
    check(colleague, "login, phone", checked, phone=True)
    assert len(checked) == 12
