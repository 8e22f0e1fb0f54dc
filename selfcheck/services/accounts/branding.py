"""Branding on reports: a name and a logo, per account or per organisation.

A logo is untrusted input that ends up inside every PDF. So it must be a PNG or a
JPEG (never SVG, which can fetch and script), at most 1 MB, of a sane size in pixels
(a small file can claim 20 000 × 20 000 pixels and take gigabytes to decode), and it is
decoded and written again by Pillow before it is stored, which drops anything but the
pixels. The report shows the organisation's branding, else the owner's account's.
"""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from selfcheck.limits import ORGANISATION_MAX, has_control_character
from selfcheck.models import (
    Access,
    Account,
    Assessment,
    Branding,
    Organisation,
    team_ids,
    utcnow,
)
from selfcheck.services.accounts.access import OWNER, organisation_id_of

LOGO_MAX_BYTES = 1_000_000  # 1 MB; the request itself may be 1 MiB (MAX_CONTENT_LENGTH)
LOGO_MAX_SIDE = 4000  # pixels, either way
LOGO_MAX_PIXELS = 12_000_000
STORED_SIZE = (1200, 600)  # larger logos are scaled down: the cover shows them 6 cm wide
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


class LogoError(ValueError):
    """Why a logo was refused; ``code`` names it (views translate it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Logo:
    data: bytes
    mime: str
    width: int
    height: int


def clean_logo(raw: bytes) -> Logo:
    """The logo decoded and written again, or LogoError("size" | "type" | "pixels" | "broken")."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    if len(raw) > LOGO_MAX_BYTES:
        raise LogoError("size")
    kind = next((name for magic, name in SIGNATURES.items() if raw.startswith(magic)), None)
    if kind is None:
        raise LogoError("type")
    # WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES when it is imported, after which
    # a cut-off file decodes "fine" with grey filler. So completeness is checked here, on
    # its own: PNG's chunks and checksums by verify(), a JPEG's end-of-image marker.
    if kind == "JPEG" and not raw.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9"):
        raise LogoError("broken")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=[kind]) as whole:
                whole.verify()
            image = Image.open(io.BytesIO(raw), formats=[kind])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise LogoError("pixels") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise LogoError("broken") from None
    try:
        with image:
            width, height = image.size  # read from the header, before any decoding
            if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE \
                    or width * height > LOGO_MAX_PIXELS:
                raise LogoError("pixels")
            image.load()
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            picture = image.convert("RGBA" if has_alpha else "RGB")
    except LogoError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise LogoError("broken") from None
    picture.thumbnail(STORED_SIZE)
    # Only the pixels go on: a new image from the raw bytes carries no ``info`` (Pillow
    # writes a JPEG's comment, EXIF and ICC profile back from it), so nothing of the file's
    # metadata, such as a comment holding <script>, is stored.
    picture = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    out = io.BytesIO()
    if kind == "JPEG" and not has_alpha:
        picture.save(out, format="JPEG", quality=90)
        mime = "image/jpeg"
    else:
        picture.save(out, format="PNG", optimize=True)
        mime = "image/png"
    return Logo(out.getvalue(), mime, *picture.size)


def save_branding(session: Session, owner: Account | Organisation, name: str,
                  logo: Logo | None, remove_logo: bool = False) -> Branding:
    """Set the name and (if given) the logo; one commit."""
    name = name.strip()
    if len(name) > ORGANISATION_MAX or has_control_character(name):
        raise LogoError("name")
    branding = owner.branding
    if branding is None:
        branding = Branding(name="")
        session.add(branding)
        owner.branding = branding
    branding.name = name
    if logo is not None:
        branding.logo, branding.logo_type = logo.data, logo.mime
    elif remove_logo:
        branding.logo, branding.logo_type = None, None
    branding.updated_at = utcnow()
    _new_revisions(session, owner)
    session.commit()
    return branding


def _new_revisions(session: Session, owner: Account | Organisation) -> None:
    """The reports that may carry this branding are new (revisions.py keys the PDF cache)."""
    from selfcheck import revisions

    if isinstance(owner, Organisation):
        organisation_ids = [owner.id]
        direct: list[int] = []
    else:
        held = session.execute(select(Access.assessment_id, Access.organisation_id).where(
            Access.account_id == owner.id, Access.role == OWNER)).all()
        direct = [a for a, _o in held if a is not None]
        organisation_ids = [o for _a, o in held if o is not None]
    teams = list(session.scalars(team_ids(*organisation_ids))) if organisation_ids else []
    revisions.bump(session, set(direct) | set(teams))
    revisions.bump_organisations(session, set(organisation_ids))  # the chain's report too


@dataclass(frozen=True)
class Brand:
    """What a report shows: a name, and the logo as a data: URL (the PDF fetches nothing)."""

    name: str
    logo_url: str | None

    @property
    def fingerprint(self) -> str:
        """Part of the PDF cache key: a new logo or name makes a new PDF."""
        return hashlib.sha256(f"{self.name}|{self.logo_url}".encode()).hexdigest()[:16]


def brand_of(branding: Branding | None) -> Brand | None:
    if branding is None or (not branding.name and not branding.logo):
        return None
    logo_url = None
    if branding.logo and branding.logo_type in ("image/png", "image/jpeg"):
        logo_url = f"data:{branding.logo_type};base64," + base64.b64encode(
            branding.logo).decode("ascii")
    return Brand(branding.name, logo_url)


def _owner_branding(session: Session, **target) -> Branding | None:
    (column, value), = target.items()
    return session.scalars(
        select(Branding).join(Account, Account.branding_id == Branding.id)
        .join(Access, Access.account_id == Account.id)
        .where(getattr(Access, column) == value, Access.role == OWNER)
        .order_by(Access.id).limit(1)).first()


def brand_for_organisation(session: Session, organisation: Organisation) -> Brand | None:
    return brand_of(organisation.branding) or brand_of(
        _owner_branding(session, organisation_id=organisation.id))


def brand_for_assessment(session: Session, assessment: Assessment) -> Brand | None:
    organisation_id = organisation_id_of(session, assessment)
    if organisation_id is not None:
        brand = brand_for_organisation(session, session.get(Organisation, organisation_id))
        if brand is not None:
            return brand
    return brand_of(_owner_branding(session, assessment_id=assessment.id))
