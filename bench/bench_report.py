"""Benchmark the PDF report (run with `make bench`).

Measured in one run, as ratios against a floor, never as absolute limits:

* floor:  bare WeasyPrint rendering the finished report HTML (default fetcher);
* render: the app's download of a 12-member report with an empty cache
          (export from the database, scoring, HTML, safe fetcher, PDF);
* cached: the same download once the PDF is cached.

Targets: render_ratio = render / floor ≤ 1.20; cached_ratio = cached / render < 0.05.
"""

from __future__ import annotations

import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

RUNS = 7
WARMUP = 2


def median_seconds(action, runs: int = RUNS, before=None) -> float:
    for _ in range(WARMUP):
        if before:
            before()
        action()
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    from weasyprint import HTML

    from selfcheck import create_app, demo, exchange, report
    from selfcheck.assessments import find_by_facilitator_token
    from selfcheck.db import get_session, upgrade_database

    folder = Path(tempfile.mkdtemp(prefix="selfcheck-bench-"))
    try:
        url = f"sqlite:///{folder / 'bench.sqlite'}"
        upgrade_database(url)
        cache_dir = folder / "cache"
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url,
                          "REPORT_CACHE_DIR": str(cache_dir)})
        with app.app_context():
            links = demo.create_demo(get_session(), app.extensions["questionnaire_document"])
            assessment = find_by_facilitator_token(get_session(), links.facilitator_token)
            data = exchange.load_export(exchange.export_assessment(assessment))
        today = date.today()
        html = report.render_html(report.report_context(data, "da", today))
        base_url = report.STATIC_DIR.as_uri() + "/"
        client = app.test_client()
        path = f"/f/{links.facilitator_token}/report.pdf"

        def floor():
            HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")

        def download():
            response = client.get(path)
            assert response.status_code == 200 and response.data.startswith(b"%PDF")

        def empty_cache():
            shutil.rmtree(cache_dir, ignore_errors=True)

        floor_s = median_seconds(floor)
        render_s = median_seconds(download, before=empty_cache)
        download()  # fill the cache
        cached_s = median_seconds(download, runs=RUNS * 3)
        pages = len(HTML(string=html, base_url=base_url).render().pages)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"report: 12 members, {pages} pages, median of {RUNS} warm runs")
        print(f"floor  (bare WeasyPrint, same HTML): {floor_s * 1000:8.1f} ms")
        print(f"render (app download, empty cache):  {render_s * 1000:8.1f} ms")
        print(f"cached (app download, cached PDF):   {cached_s * 1000:8.1f} ms")
        print(f"peak memory (max RSS): {peak_mib:.0f} MiB")
        print(f"render_ratio={render_s / floor_s:.3f}")
        print(f"cached_ratio={cached_s / render_s:.4f}")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
