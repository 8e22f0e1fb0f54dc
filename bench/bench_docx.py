"""Benchmark the Word report (run with `make bench`).

Measured in one run as a ratio, the two sides alternating (bench/pairs.py), on the demo's
12-member assessment, both from the same records (exchange/team.load_export):

* pdf:  the full PDF render (report/team.render_pdf: scores, HTML, WeasyPrint);
* docx: the Word report (report/docx.render_team_docx: scores, charts as PNG, python-docx).

Goal: docx_ratio = docx / pdf <= 0.5.
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


def main() -> int:
    from selfcheck import create_app
    from selfcheck.db import get_session, upgrade_database
    from selfcheck.exchange import team as exchange
    from selfcheck.report import docx as word
    from selfcheck.report import team as report
    from selfcheck.services import demo, exports
    from selfcheck.services.assessments import find_by_facilitator_token

    folder = Path(tempfile.mkdtemp(prefix="selfcheck-bench-docx-"))
    try:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite'}"
        upgrade_database(url)
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url,
                          "RATELIMIT_STORAGE_URI": "memory://",
                          "REPORT_CACHE_DIR": str(folder / "cache")})
        with app.app_context():
            links = demo.create_demo(get_session(), app.extensions["questionnaire_document"])
            assessment = find_by_facilitator_token(get_session(), links.facilitator_token)
            data = exchange.load_export(exports.export_assessment(assessment))
        app.extensions["db_engine"].dispose()
        today = date.today()
        sizes: dict[str, int] = {}

        def pdf():
            sizes["pdf"] = len(report.render_pdf(data, "da", today))

        def docx():
            sizes["docx"] = len(word.render_team_docx(data, "da", today))

        docx_ratio = Ratio("docx_ratio", alternate(lambda: seconds(pdf), lambda: seconds(docx),
                                                   pairs=PAIRS), "<= 0.5")
        print(f"word report: 12 members, {sizes['docx'] // 1024} KiB (the PDF: "
              f"{sizes['pdf'] // 1024} KiB), {PAIRS} alternating pairs")
        print(docx_ratio.line())
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
