"""Branding on reports: a logo that is cleaned before it is stored, on the cover and pages."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from selfcheck.models import Branding

from .conftest import csrf_token, html_text

pytestmark = pytest.mark.both_databases


def png(width=300, height=100, colour=(0, 90, 60), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(width=300, height=100) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_bomb(width=20_000, height=20_000) -> bytes:
    """A valid 1-bit PNG of ``width`` × ``height`` pixels that compresses to a few kB."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def upload(consultant, url: str, data: bytes | None, name="logo.png", brand="Konsulenthuset"):
    """Post the branding form as a browser does. The body is encoded here, in memory:
    Werkzeug's test client would spool a large one to a temporary file it never closes."""
    from werkzeug.test import encode_multipart

    page = consultant.client.get("/account")
    form = {"csrf_token": csrf_token(page.get_data(as_text=True)), "name": brand}
    if data is not None:
        form["logo"] = FileStorage(io.BytesIO(data), filename=name,
                                   content_type="application/octet-stream")
    boundary, body = encode_multipart(form)
    return consultant.client.post(url, data=body,
                                  content_type=f"multipart/form-data; boundary={boundary}")


def branding_rows(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(Branding))


def noisy_png(width=300, height=100) -> bytes:
    import random

    generator = random.Random(7)
    image = Image.frombytes("RGB", (width, height),
                            bytes(generator.randrange(256) for _ in range(width * height * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_a_cut_off_logo_is_refused_even_after_weasyprint_was_imported(kind):
    """WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process."""
    import weasyprint  # noqa: F401 - imported for its side effect on Pillow
    from PIL import ImageFile

    from selfcheck.services.accounts.branding import LogoError, clean_logo

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    whole = noisy_png() if kind == "png" else noisy_jpeg()
    assert clean_logo(whole).width == 300
    with pytest.raises(LogoError) as refused:
        clean_logo(whole[: len(whole) // 2])
    assert refused.value.code == "broken"


def noisy_jpeg() -> bytes:
    image = Image.open(io.BytesIO(noisy_png()))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def test_the_bomb_is_small_but_huge():
    bomb = png_bomb()
    assert len(bomb) < 60_000
    assert struct.unpack(">II", bomb[16:24]) == (20_000, 20_000)  # the header's size


@pytest.mark.parametrize(("data", "name", "message"), [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg",
     "Logoet skal være et PNG- eller JPEG-billede."),
    (b"GIF89a" + png()[6:], "logo.png", "Logoet skal være et PNG- eller JPEG-billede."),
    (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\xff" * 200, "logo.png",
     "Logoet kunne ikke læses som et billede."),
    (noisy_png()[:2000], "logo.png", "Logoet kunne ikke læses som et billede."),
    (None, "bomb.png", "Logoet har for mange pixels"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (1_000_001 - 8), "big.png",
     "Logoet fylder mere end 1 MB."),
])
def test_a_hostile_logo_is_refused_and_nothing_is_stored(consultant, db, data, name, message):
    data = png_bomb() if data is None else data
    response = upload(consultant, "/account/branding", data, name)
    assert response.status_code == 400
    assert message in html_text(response)
    assert branding_rows(db) == 0


def test_a_request_over_the_limit_is_refused_with_a_clear_page(consultant, db):
    response = upload(consultant, "/account/branding", b"\x89PNG\r\n\x1a\n" + b"\x00" * 3_000_000)
    assert response.status_code == 413
    assert "En fil må højst fylde 1 MB." in html_text(response)
    assert branding_rows(db) == 0


def test_a_logo_is_decoded_and_written_again(consultant, db):
    original = png(2400, 800, (0, 90, 60, 128), mode="RGBA")
    response = upload(consultant, "/account/branding", original)
    assert response.status_code == 302
    branding = db.scalars(select(Branding)).one()
    assert (branding.name, branding.logo_type) == ("Konsulenthuset", "image/png")
    assert branding.logo != original
    assert Image.open(io.BytesIO(branding.logo)).size == (1200, 400)  # scaled down
    response = upload(consultant, "/account/branding", jpeg(), "logo.jpg")
    db.expire_all()
    assert db.scalars(select(Branding)).one().logo_type == "image/jpeg"
    removed = consultant.form_post("/account/branding", {"name": "Konsulenthuset",
                                                         "remove_logo": "y"},
                                   page_url="/account")
    assert removed.status_code == 302
    db.expire_all()
    assert db.scalars(select(Branding)).one().logo is None


def test_the_name_is_length_checked(consultant, db):
    response = upload(consultant, "/account/branding", None, brand="x" * 201)
    assert response.status_code == 400 and "Skriv højst 200 tegn." in html_text(response)
    assert branding_rows(db) == 0


def test_a_nul_in_the_name_is_refused(consultant, db):
    response = upload(consultant, "/account/branding", None, brand="Konsulent\x00huset")
    assert response.status_code == 400
    assert "Fjern de usynlige kontroltegn fra teksten." in html_text(response)
    assert branding_rows(db) == 0


def pdf_cover(pdf: bytes):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return reader


def test_the_report_carries_the_accounts_branding(app, consultant):
    assessment_id, token = consultant.create_assessment()
    plain = consultant.client.get(f"/f/{token}/report.pdf").data
    assert upload(consultant, "/account/branding", png()).status_code == 302
    branded = consultant.client.get(f"/f/{token}/report.pdf").data
    assert branded != plain  # a new logo is a new PDF, not the cached one
    reader = pdf_cover(branded)
    assert "Udarbejdet af Konsulenthuset" in reader.pages[0].extract_text()
    for page in reader.pages:
        assert len(page.images) >= 1  # the logo on the cover and in every page header
    assert all(not page.images for page in pdf_cover(plain).pages[:2])


def test_the_chain_report_carries_the_organisations_branding(app, consultant, db):
    organisation_id, token = consultant.create_organisation()
    consultant.form_post(f"/o/{token}/teams", {"level": "1", "team": "Direktionen",
                                               "answers": "anonymous"}, page_url=f"/o/{token}")
    assert upload(consultant, "/account/branding", png(), brand="Konsulenthuset").status_code \
        == 302
    response = upload(consultant, f"/w/o/{organisation_id}/branding", jpeg(),
                      brand="Eksempel Kommune, HR")
    assert response.status_code == 302
    chain = pdf_cover(consultant.client.get(f"/o/{token}/report.pdf").data)
    assert "Udarbejdet af Eksempel Kommune, HR" in chain.pages[0].extract_text()
    team_id = db.scalars(select(Branding.id)).all()
    assert len(team_id) == 2
    from selfcheck.models import Assessment

    team = db.scalars(select(Assessment)).one()
    team_pdf = pdf_cover(consultant.client.get(f"/f/a{team.id}/report.pdf").data)
    assert "Udarbejdet af Eksempel Kommune, HR" in team_pdf.pages[0].extract_text()
