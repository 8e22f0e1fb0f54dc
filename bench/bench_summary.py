"""Benchmark the two-page summary against the full PDF report (run with `make bench`).

Measured in one run, as a ratio, the two sides alternating (bench/pairs.py), on the same
assessment: the demo's 12 members, as its export document reads it:

* full:    report/team.render_pdf, the full report (context, HTML, PDF);
* summary: report/summary.render_team_summary, the two pages (context, HTML, PDF).

Goal: summary_ratio = summary / full <= 0.35. The summary is two pages instead of the
report's many, so most of what it costs is what every PDF costs: the fonts, the CSS, the
document's structure tree.
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
    from selfcheck.report import summary
    from selfcheck.report import team as report
    from selfcheck.services import demo, exports
    from selfcheck.services.assessments import find_by_facilitator_token

    folder = Path(tempfile.mkdtemp(prefix="selfcheck-bench-summary-"))
    try:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite'}"
        upgrade_database(url)
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url,
                          "RATELIMIT_STORAGE_URI": "memory://",
                          "REPORT_CACHE_DIR": str(folder / "cache")})
        with app.app_context():
            links = demo.create_demo(get_session(), app.extensions["questionnaire_document"])
            data = exchange.load_export(exports.export_assessment(
                find_by_facilitator_token(get_session(), links.facilitator_token)))
        today = date.today()
        sizes = {}

        def full():
            sizes["full"] = len(report.render_pdf(data, "da", today))

        def two_pages():
            sizes["summary"] = len(summary.render_team_summary(data, "da", today))

        ratio = Ratio("summary_ratio", alternate(lambda: seconds(full),
                                                 lambda: seconds(two_pages), pairs=PAIRS),
                      "<= 0.35")
        print(f"summary: 12 members, {PAIRS} alternating pairs, full report "
              f"{sizes['full'] // 1024} KiB, summary {sizes['summary'] // 1024} KiB")
        print(ratio.line())
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
