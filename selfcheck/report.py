"""The PDF report: context from the scores, HTML from templates/report/, PDF by WeasyPrint.

The report is built from an :class:`~selfcheck.exchange.AssessmentData` (the
export document), never from the database directly, so the web download and
``selfcheck report FILE.json`` produce the same PDF. Its numbers come from
``scoring.score_assessment``, the same call the results page makes.

Rendering is safe with untrusted text: templates escape everything, and
:class:`SafeURLFetcher` lets WeasyPrint read only ``data:`` URLs and files inside
the package's static folder (checked after resolving the real path).
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import threading
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from . import charts, scoring
from .dates import format_day
from .exact import rounded
from .exchange import AssessmentData
from .progress import build_progress
from .resources import PACKAGE_DIR, templates_dir

STATIC_DIR = PACKAGE_DIR / "static"
TRANSLATIONS_DIR = PACKAGE_DIR / "translations"


# ----------------------------------------------------------------------------- fetching


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


# ----------------------------------------------------------------------------- context


@dataclass(frozen=True)
class CommentView:
    author: str | None
    text: str


# Every text in the PDF's radar is this size in its 660-unit viewBox; report.css prints the
# chart 132 mm wide, so the text is 15 × 132 mm / 660 = 8.5 pt (≥ 8 pt, issue 10).
RADAR_FONT_SIZE = 15


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def report_context(data: AssessmentData, lang: str, today: date,
                   brand: Any = None) -> dict[str, Any]:
    """Everything the report template shows; numbers from scoring.score_assessment.

    ``brand`` (accounts.branding.Brand) puts a consultant's or organisation's name and
    logo on the cover and in the page header."""
    questionnaire = data.questionnaire
    submitted = data.submitted_members
    result = scoring.score_assessment(questionnaire, [m.answers for m in submitted],
                                      data.consensus)
    visible = scoring.distributions_visible(data.anonymous, result.respondents)

    def fmt(value, digits: int = 1) -> str:
        if value is None:
            return "–"
        return format_decimal(rounded(value, digits), format="0." + "0" * digits, locale=lang)

    comments: dict[str, list[CommentView]] = {}
    for member in submitted:
        for theme_id, text in member.comments.items():
            author = None if data.anonymous else member.name
            comments.setdefault(theme_id, []).append(CommentView(author, text))
    if data.anonymous:
        for items in comments.values():
            items.sort(key=lambda c: c.text.casefold())

    titles = [t.title.get(lang) for t in questionnaire.themes]
    radar = charts.radar(
        titles, [t.score for t in result.themes], value_labels=[fmt(t.score) for t in
                                                                   result.themes],
        title=_translations(lang).gettext("Team score per recommendation, on a scale from 1 to 5"),
        scale_font_size=RADAR_FONT_SIZE,
    )
    distributions = {
        t.theme_id: _svg_data_uri(charts.distribution(t.member_scores, t.score, title=""))
        for t in result.themes if t.n
    }
    return {
        "lang": lang,
        "brand": brand,
        "data": data,
        "questionnaire": questionnaire,
        "result": result,
        "visible": visible,
        "threshold": scoring.ANONYMITY_THRESHOLD,
        "comments": comments if visible else {},
        "radar_uri": _svg_data_uri(radar),
        "distribution_uris": distributions,
        "report_date": format_date(today, format="long", locale=lang),
        "decisions": {d.theme_id: d for d in data.decisions},
        # As on the results page: no scores of any kind below the anonymity threshold.
        "progress": build_progress(questionnaire, result, data.history) if visible else None,
        "actions": data.actions,
        "numbers": {t.id: number for number, t in enumerate(questionnaire.themes, 1)},
        "weighted": [(question, question.weight) for question in questionnaire.questions
                     if question.weight != 1],
        "fmt": fmt,
    }


# ----------------------------------------------------------------------------- rendering


FONT_DIR = STATIC_DIR / "vendor/dkfds/fonts/IBMPlexSans/complete/ttf"


@cache
def _translations(lang: str) -> Translations:
    return Translations.load(str(TRANSLATIONS_DIR), [lang])


@cache
def _environment(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(["html", "css"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(_translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["format_decimal"] = lambda value, format: format_decimal(
        value, format=format, locale=lang)
    env.globals["format_date"] = lambda value: format_date(value, format="medium", locale=lang)
    env.globals["rounded"] = rounded
    env.globals["format_day"] = lambda value: format_day(value, lang)
    # Every report (the team's and the chain's) embeds the app's own IBM Plex Sans.
    env.globals["font_dir"] = FONT_DIR.as_uri()
    return env


def render_html(context: dict[str, Any]) -> str:
    return _environment(context["lang"]).get_template("report/report.html").render(context)


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


def render_pdf(data: AssessmentData, lang: str, today: date, brand: Any = None) -> bytes:
    return html_to_pdf(render_html(report_context(data, lang, today, brand)))


@cache
def renderer_version() -> str:
    """A hash of the report's templates, so changing them invalidates cached PDFs."""
    digest = hashlib.sha256()
    for path in sorted((templates_dir() / "report").rglob("*")) + [templates_dir() /
                                                                   "_macros.html"]:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


# ----------------------------------------------------------------------------- cache


class ReportCache:
    """Rendered PDFs on disk, keyed by a hash of everything the report shows.

    The folder is ``SELFCHECK_REPORT_CACHE_DIR``; several instances may share it (a network
    file system), so any instance serves another's render. A PDF is written to a unique
    temporary file and renamed into place, so a reader never sees half a file, and two
    instances rendering the same key at once each rename a whole, identical file.

    Each file name starts with its assessment's scope (``assessment-12-…``), so deleting
    an assessment can remove every PDF rendered of it (:meth:`forget`).
    """

    def __init__(self, folder: Path, keep: int = 200):
        self.folder = Path(folder)
        self.keep = keep

    @staticmethod
    def scope(assessment_id: int) -> str:
        return f"assessment-{int(assessment_id)}"

    @staticmethod
    def key(scope: str, content_hash: str, lang: str, today: date, brand: str = "") -> str:
        raw = f"{content_hash}|{lang}|{today.isoformat()}|{renderer_version()}|{brand}"
        return f"{scope}-{hashlib.sha256(raw.encode()).hexdigest()}"

    def forget(self, scope: str) -> int:
        """Remove every PDF cached for ``scope``; returns how many there were."""
        removed = 0
        for path in self.folder.glob(f"{scope}-*.pdf"):
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def get_or_render(self, key: str, render) -> tuple[bytes, bool]:
        """The cached PDF for ``key``, or ``render()`` stored under it; and whether it was
        cached. Concurrent requests for the same key wait for one render instead of each
        starting their own: a lock file per key (``flock``), which holds across threads and
        processes on one machine and on a shared folder."""
        import fcntl

        pdf = self.get(key)
        if pdf is not None:
            return pdf, True
        self.folder.mkdir(parents=True, exist_ok=True)
        lock_path = self.folder / f".{key}.lock"
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # waits while another request renders it
            try:
                pdf = self.get(key)
                if pdf is not None:
                    return pdf, True
                pdf = render()
                self.put(key, pdf)
                return pdf, False
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
                lock_path.unlink(missing_ok=True)

    def put(self, key: str, pdf: bytes) -> None:
        import tempfile

        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pdf)
            os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from another user
            os.replace(temporary, self.path(key))  # atomic: no half-written PDF
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._prune()

    def _prune(self) -> None:
        """Keep the newest ``keep`` PDFs; another instance may be pruning the same folder."""
        dated = []
        for path in self.folder.glob("*.pdf"):
            try:
                dated.append((path.stat().st_mtime, path))
            except FileNotFoundError:
                continue
        dated.sort()
        for _mtime, old in dated[: max(0, len(dated) - self.keep)]:
            old.unlink(missing_ok=True)


def filename(organisation: str, team: str, today: date) -> str:
    """``selfcheck-<organisation>-<team>-<date>.pdf``, ASCII-safe."""
    return f"selfcheck-{_ascii_slug(organisation)}-{_ascii_slug(team)}-{today.isoformat()}.pdf"


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def _ascii_slug(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text.translate(_DANISH))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    slug = "".join(c if c.isalnum() else "-" for c in text)
    slug = "-".join(part for part in slug.split("-") if part)
    return slug[:40] or "x"
