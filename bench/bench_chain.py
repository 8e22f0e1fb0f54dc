"""Benchmark the leadership chain (run with `make bench`).

A chain of 1 direktion + 10 chefgrupper + 50 teams of institution leaders, 8 members each.
Measured in one run as ratios, each pair alternating the two sides (A, B, A, B …) so that a
busy machine slows both alike; the median and the spread of the pairs' ratios are printed:

* chain_pdf_ratio      = the app's first render of the chain PDF (report context, HTML, the
                         safe fetcher, the shared fonts: report/render.py, as the download
                         renders it) / bare WeasyPrint on the same HTML (goal ≤ 1.2)
* chain_download_ratio = the download with nothing cached / the same floor: the render plus
                         reading and scoring the chain (services/exports.export_chain), which
                         is most of what the download adds to the render (for information)
* chain_cached_ratio   = the download served from the cache / the download with nothing
                         cached (goal ≤ 0.05)
* org_page_ratio       = the organisation page / one team's results page (goal ≤ 3)
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PAIRS = 7
WARMUP = 1


def paired_ratio(a, b, pairs: int = PAIRS) -> tuple[float, float, float, float]:
    """Median of a and b, and the median and spread (max − min) of a/b over alternating pairs."""
    for _ in range(WARMUP):
        a()
        b()
    times_a, times_b, ratios = [], [], []
    for _ in range(pairs):
        start = time.perf_counter()
        a()
        ta = time.perf_counter() - start
        start = time.perf_counter()
        b()
        tb = time.perf_counter() - start
        times_a.append(ta)
        times_b.append(tb)
        ratios.append(ta / tb)
    return (statistics.median(times_a), statistics.median(times_b), statistics.median(ratios),
            max(ratios) - min(ratios))


def build_chain(app, questionnaire):
    from selfcheck.core.tokens import hash_token, new_token
    from selfcheck.db import get_session
    from selfcheck.models import Answer, Participant
    from selfcheck.services import organisations
    from selfcheck.web.context import current_document

    session = get_session()
    organisation, token = organisations.create_organisation(
        session, name="Bench Kommune", language="da",
        levels=[("Direktion", "Board"), ("Chefgruppe", "Heads"), ("Institutionsledere", "Leaders")])
    teams = [organisations.NewTeam(1, "Direktionen")]
    teams += [organisations.NewTeam(2, f"Chefgruppe {i}") for i in range(10)]
    teams += [organisations.NewTeam(3, f"Institution {i}") for i in range(50)]
    created = organisations.add_teams(session, organisation, token, current_document(), teams)
    for index, team in enumerate(created):
        for member in range(8):
            value = 1 + (index + member) % 5
            team.assessment.participants.append(Participant(
                resume_token_hash=hash_token(new_token()), submitted_at=team.assessment.created_at,
                answers=[Answer(question_id=q.id, value=value) for q in questionnaire.questions]))
    session.commit()
    return token, created[0].facilitator_token


def main() -> int:
    from weasyprint import HTML

    from selfcheck import create_app
    from selfcheck.db import get_session, upgrade_database
    from selfcheck.exchange import chain as chain_json
    from selfcheck.report import chain as chain_report
    from selfcheck.report import pool as render_pool
    from selfcheck.report import render
    from selfcheck.services import exports, organisations

    folder = Path(tempfile.mkdtemp(prefix="selfcheck-bench-chain-"))
    try:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite'}"
        upgrade_database(url)
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url,
                          "RATELIMIT_STORAGE_URI": "memory://",
                          "REPORT_CACHE_DIR": str(folder / "cache")})
        questionnaire = app.extensions["questionnaire"]
        with app.app_context():
            token, team_token = build_chain(app, questionnaire)
            organisation = organisations.find_by_token(get_session(), token)
            loaded = organisations.load_chain(get_session(), organisation.id)
            data = chain_json.load_chain_export(exports.export_chain(
                get_session(), loaded, questionnaire, app.extensions["questionnaire_document"]),
                trusted=True)
        html = chain_report.render_html(chain_report.report_context(data, "da", date.today()))
        base_url = render.STATIC_DIR.as_uri() + "/"
        client = app.test_client()

        def floor():
            HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")

        def chain_render():
            pdf = render_pool.render_chain_report(data, "da", date.today(), None, in_pool=False)
            assert pdf.startswith(b"%PDF")

        def chain_download():
            shutil.rmtree(folder / "cache", ignore_errors=True)  # a first render every time
            response = client.get(f"/o/{token}/report.pdf")
            assert response.status_code == 200 and response.data.startswith(b"%PDF")

        def chain_download_kept():
            """A first render, as chain_download, leaving the result in the cache."""
            chain_download()

        def chain_cached():
            response = client.get(f"/o/{token}/report.pdf")
            assert response.headers["X-Report-Cache"] == "hit"

        def org_page():
            assert client.get(f"/o/{token}").status_code == 200

        def team_page():
            assert client.get(f"/f/{team_token}").status_code == 200

        pdf_s, floor_s, pdf_ratio, pdf_spread = paired_ratio(chain_render, floor)
        download_s, _floor, download_ratio, download_spread = paired_ratio(chain_download, floor)
        client.get(f"/o/{token}/report.pdf")  # in the cache for chain_cached
        cached_s, first_s, cached_ratio, cached_spread = paired_ratio(chain_cached,
                                                                      chain_download_kept)
        org_s, team_s, page_ratio, page_spread = paired_ratio(org_page, team_page)
        print(f"chain: 61 teams, 488 members, median of {PAIRS} alternating pairs")
        print(f"chain PDF (app render, first):       {pdf_s * 1000:8.1f} ms")
        print(f"chain PDF (download, nothing cached):{download_s * 1000:8.1f} ms")
        print(f"floor (bare WeasyPrint, same HTML):  {floor_s * 1000:8.1f} ms")
        print(f"organisation page:                   {org_s * 1000:8.1f} ms")
        print(f"a team's results page:               {team_s * 1000:8.1f} ms")
        print(f"chain_pdf_ratio={pdf_ratio:.3f} (spread {pdf_spread:.3f}; goal <= 1.2)")
        print(f"chain_download_ratio={download_ratio:.3f} (spread {download_spread:.3f}; "
              "render plus reading and scoring the chain)")
        print(f"chain PDF (download, cached):        {cached_s * 1000:8.1f} ms")
        print(f"chain_cached_ratio={cached_ratio:.4f} (spread {cached_spread:.4f}; "
              "goal <= 0.05)")
        print(f"org_page_ratio={page_ratio:.3f} (spread {page_spread:.3f}; goal <= 3)")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
