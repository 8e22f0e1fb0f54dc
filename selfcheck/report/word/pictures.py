"""The report's SVG charts as PNG pictures, for Word.

Word shows PNG everywhere, SVG only in recent versions and only with a PNG beside it, which
python-docx cannot write. WeasyPrint cannot make a bitmap, and Pillow cannot read SVG; so
WeasyPrint lays the charts out as PDF pages, one chart a page sized to its viewBox, with the
report's own IBM Plex Sans, and PDFium (pypdfium2) rasterises each page. One WeasyPrint
render serves every chart of a report, so the pictures cost one small render in all.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import escape

from selfcheck.report.render import FONT_DIR, STATIC_DIR, font_configuration, safe_url_fetcher

#: Pixels per CSS pixel: a chart 660 units wide becomes 1650 pixels, sharp in print at the
#: 13 cm the report gives it (about 320 dpi) and still small as PNG.
SCALE = 2.5

_VIEWBOX = re.compile(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"')


@dataclass(frozen=True)
class Picture:
    png: bytes
    width: int  # pixels
    height: int


def svg_of(data_uri: str) -> str:
    """The SVG text of a ``data:image/svg+xml;base64,`` URI (report_context's charts)."""
    head, _, payload = data_uri.partition(",")
    if not head.startswith("data:image/svg+xml") or not head.endswith(";base64"):
        raise ValueError("not a base64 SVG data URI")
    return base64.b64decode(payload).decode("utf-8")


def _size(svg: str) -> tuple[float, float]:
    match = _VIEWBOX.search(svg)
    if match is None:
        raise ValueError("a chart without a viewBox")
    return float(match.group(1)), float(match.group(2))


def _pages_html(svgs: Sequence[str]) -> str:
    """A document of one page per chart, each page exactly the chart's size."""
    rules, bodies = [], []
    for number, svg in enumerate(svgs):
        width, height = _size(svg)
        rules.append(f"@page p{number} {{ size: {width}px {height}px; margin: 0; }} "
                     f".p{number} {{ page: p{number}; width: {width}px; height: {height}px; }}")
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode()
        bodies.append(f'<div class="p{number}"><img src="{escape(uri)}" alt=""></div>')
    fonts = "".join(
        f'@font-face {{ font-family: "IBM Plex Sans"; font-weight: {weight}; '
        f'src: url("{FONT_DIR.as_uri()}/IBMPlexSans-{name}.ttf"); }}'
        for weight, name in ((400, "Regular"), (600, "SemiBold")))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>charts</title>'
            f'<style>{fonts} html, body {{ margin: 0; }} img {{ display: block; width: 100%; '
            f'height: 100%; }} div {{ break-after: page; overflow: hidden; }} '
            f'{" ".join(rules)}</style></head><body>{"".join(bodies)}</body></html>')


def rasterise(svgs: Sequence[str], scale: float = SCALE) -> list[Picture]:
    """Each SVG chart as a PNG on white, in order."""
    if not svgs:
        return []
    import pypdfium2
    from weasyprint import HTML

    # Plain PDF, not the report's PDF/UA: these pages are only ever rasterised.
    document = HTML(string=_pages_html(svgs), base_url=STATIC_DIR.as_uri() + "/",
                    url_fetcher=safe_url_fetcher())
    pdf = pypdfium2.PdfDocument(document.write_pdf(font_config=font_configuration()))
    try:
        pictures = []
        for page in pdf:
            # PDF pages are in points (0.75 CSS px): render at ``scale`` pixels per CSS px.
            bitmap = page.render(scale=scale / 0.75, fill_color=(255, 255, 255, 255))
            image = bitmap.to_pil().convert("RGB")
            out = io.BytesIO()
            image.save(out, format="PNG", compress_level=6)
            pictures.append(Picture(out.getvalue(), *image.size))
            page.close()
        return pictures
    finally:
        pdf.close()
