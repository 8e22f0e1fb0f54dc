"""QR codes as inline SVG (segno), so a team can join from the projector screen."""

from __future__ import annotations

import io
from functools import lru_cache

import segno
from markupsafe import Markup, escape


@lru_cache(maxsize=512)
def qr_svg(url: str, label: str, scale: int = 8) -> Markup:
    """An accessible SVG QR code for ``url``; ``label`` names it for screen readers.

    Kept per address: the facilitator's dashboard is reloaded all through a meeting, and a
    join link's code never changes."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True,
        dark="#000000", light="#ffffff", svgclass="qr-code", lineclass=None,
        omitsize=True,
    )
    svg = buffer.getvalue().decode("utf-8")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))
