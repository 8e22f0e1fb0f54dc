"""Rendering a report: the Jinja environment, the safe URL fetcher, fonts, HTML to PDF.

Rendering is safe with untrusted text: templates escape everything, and the fetcher lets
WeasyPrint read only ``data:`` URLs and files inside the package's static folder (checked
after resolving the real path).
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import threading
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from selfcheck.core.exact import rounded
from selfcheck.core.presentation import format_score
from selfcheck.dates import format_day
from selfcheck.resources import PACKAGE_DIR, templates_dir

STATIC_DIR = PACKAGE_DIR / "static"


TRANSLATIONS_DIR = PACKAGE_DIR / "translations"


def is_allowed_url(url: str, root: Path = STATIC_DIR) -> bool:
    """Only ``data:`` URLs and existing files whose real path lies inside ``root``."""
    scheme = url.split(":", 1)[0].lower()
    if scheme == "data":
        return True
    if scheme != "file":
        return False
    return _static_file(url, root) is not None


def _static_file(url: str, root: Path) -> Path | None:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or parts.query:
        return None
    path = unquote(parts.path)
    if "\x00" in path:
        return None
    real = Path(os.path.realpath(path))
    root = Path(os.path.realpath(root))
    if not real.is_relative_to(root) or not real.is_file():
        return None
    return real


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        """WeasyPrint's fetcher, limited to data: URLs and the package's static files.

        Files are opened here, at the path that was checked, so no later
        decoding step can point the read somewhere else. ``refused`` lists every
        URL that was turned away (the tests read it).
        """

        def __init__(self, root: Path = STATIC_DIR):
            super().__init__(timeout=1, allowed_protocols={"data", "file"},
                             allow_redirects=False)
            self.root = root
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            path = _static_file(url, self.root) if scheme == "file" else None
            if path is None:
                self.refused.append(url)
                raise ValueError(f"selfcheck does not fetch {url[:80]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": content_type})

    return SafeURLFetcher


def safe_url_fetcher(root: Path = STATIC_DIR):
    return _fetcher_class()(root)


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


FONT_DIR = STATIC_DIR / "vendor/dkfds/fonts/IBMPlexSans/complete/ttf"


@cache
def translations(lang: str) -> Translations:
    return Translations.load(str(TRANSLATIONS_DIR), [lang])


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(["html", "css"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["format_decimal"] = lambda value, format: format_decimal(
        value, format=format, locale=lang)
    env.globals["format_date"] = lambda value, format="medium": format_day(value, lang, format)
    env.globals["rounded"] = rounded
    env.globals["format_score"] = lambda value, digits=1: format_score(value, lang, digits)
    env.globals["format_day"] = lambda value: format_day(value, lang)
    # Every report (the team's and the chain's) embeds the app's own IBM Plex Sans.
    env.globals["font_dir"] = FONT_DIR.as_uri()
    return env


_fonts = threading.local()


def font_configuration():
    """One WeasyPrint FontConfiguration per thread, reused for every render.

    WeasyPrint makes a new one per document by default, and each leaves about 0.25 MiB
    behind outside the Python heap (fontconfig): 50 MiB per 200 renders in a worker. Reused,
    200 renders grow it by under 1 MiB and render faster (bench/bench_report.py measures
    it). Per thread, because fontconfig is not made for sharing across threads.
    """
    if not hasattr(_fonts, "configuration"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.configuration = FontConfiguration()
    return _fonts.configuration


def html_to_pdf(html: str, fetcher=None) -> bytes:
    """Bare WeasyPrint with the safe fetcher: a tagged PDF/UA-1 document."""
    from weasyprint import HTML

    fetcher = fetcher or safe_url_fetcher()
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(pdf_variant="pdf/ua-1", font_config=font_configuration())


@cache
def renderer_version() -> str:
    """A hash of the report's templates, so changing them invalidates cached PDFs."""
    digest = hashlib.sha256()
    for path in sorted((templates_dir() / "report").rglob("*")) + [templates_dir() /
                                                                   "_macros.html"]:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def ascii_slug(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text.translate(_DANISH))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = "".join(c if c.isalnum() else "-" for c in text)
    slug = "-".join(part for part in slug.split("-") if part)
    return slug[:40] or "x"
