"""Benchmark the PDF report (run with `make bench`).

Measured in one run, as ratios against a floor, never as absolute limits, the two sides
alternating (bench/pairs.py):

* floor:  bare WeasyPrint rendering the finished report HTML (its defaults);
* render: the app's download of a 12-member report with an empty cache
          (export from the database, scoring, HTML, safe fetcher, PDF);
* cached: the same download once the PDF is cached.

Goals: render_ratio = render / floor <= 1.2; cached_ratio = cached / render <= 0.05.
Also the memory a process keeps after 1 000 renders (goal: at most 50 MiB).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from pairs import Ratio, alternate, seconds  # noqa: E402

PAIRS = 7
RENDERS_FOR_MEMORY = 1000


def resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> int:
    from weasyprint import HTML

    from selfcheck import create_app
    from selfcheck.db import get_session, upgrade_database
    from selfcheck.exchange import team as exchange
    from selfcheck.report import render
    from selfcheck.report import team as report
    from selfcheck.services import demo, exports
    from selfcheck.services.assessments import find_by_facilitator_token

    folder = Path(tempfile.mkdtemp(prefix="selfcheck-bench-"))
    try:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite'}"
        upgrade_database(url)
        cache_dir = folder / "cache"
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url,
                          "RATELIMIT_STORAGE_URI": "memory://",
                          "REPORT_CACHE_DIR": str(cache_dir)})
        with app.app_context():
            links = demo.create_demo(get_session(), app.extensions["questionnaire_document"])
            assessment = find_by_facilitator_token(get_session(), links.facilitator_token)
            data = exchange.load_export(exports.export_assessment(assessment))
        today = date.today()
        html = report.render_html(report.report_context(data, "da", today))
        base_url = render.STATIC_DIR.as_uri() + "/"
        client = app.test_client()
        path = f"/f/{links.facilitator_token}/report.pdf"

        def floor():
            HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")

        def download():
            response = client.get(path)
            assert response.status_code == 200 and response.data.startswith(b"%PDF")

        def empty_cache():
            shutil.rmtree(cache_dir, ignore_errors=True)

        def cached():
            if not cache_dir.exists():
                download()
            return seconds(download)

        render_ratio = Ratio("render_ratio", alternate(
            lambda: seconds(floor), lambda: seconds(download, before=empty_cache),
            pairs=PAIRS), "<= 1.2")
        cached_ratio = Ratio("cached_ratio", alternate(
            lambda: seconds(download, before=empty_cache), cached, pairs=PAIRS), "<= 0.05")
        pages = len(HTML(string=html, base_url=base_url).render().pages)

        before = resident_mib()
        for _ in range(RENDERS_FOR_MEMORY):
            render.html_to_pdf(_small_document(report))
        growth = resident_mib() - before
        print(f"report: 12 members, {pages} pages, {PAIRS} alternating pairs")
        print(render_ratio.line())
        print(cached_ratio.line())
        verdict = "met" if growth <= 50 else "NOT met"
        print(f"memory_growth_mib={growth:.1f} after {RENDERS_FOR_MEMORY} renders in one "
              f"process (goal <= 50: {verdict})")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _small_document(report) -> str:
    """A one-page document with the report's font: many renders in little time."""
    from selfcheck.report import render

    return (f'<html lang="da"><head><title>Prøve</title><style>@font-face {{ font-family: '
            f'"IBM Plex Sans"; src: url("{render.FONT_DIR.as_uri()}/IBMPlexSans-Regular.ttf");'
            f' }} body {{ font-family: "IBM Plex Sans"; }}</style></head><body><h1>Rapport</h1>'
            f'<p>Æble, ødelagt å.</p></body></html>')


if __name__ == "__main__":
    sys.exit(main())
