"""The results page with 10 000 assessments in the database against 10 (run with `make bench`).

Both databases hold the same example team (12 members) and filler assessments with two
members who answered everything, sharing the stored questionnaire as real ones do. The results
page of the example team is requested in alternating rounds (bench/pairs.py); each round's
95th percentile is compared. Goal: results_p95_ratio = p95(10 000) / p95(10) <= 1.2.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from pairs import Ratio, alternate, seconds  # noqa: E402

PAIRS = 5
REQUESTS = 40


def build(url: str, assessments: int):
    """An app on ``url`` with the example team and ``assessments`` − 1 filler assessments."""
    from sqlalchemy import insert, select

    from selfcheck import create_app
    from selfcheck.core.tokens import hash_token, new_token
    from selfcheck.db import get_session, upgrade_database
    from selfcheck.models import Answer, Assessment, Participant
    from selfcheck.services import demo

    upgrade_database(url)
    app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url,
                      "RATELIMIT_STORAGE_URI": "memory://",
                      "REPORT_CACHE_DIR": tempfile.mkdtemp(prefix="selfcheck-bench-cache-")})
    document = app.extensions["questionnaire_document"]
    with app.app_context():
        session = get_session()
        links = demo.create_demo(session, document)
        example = session.scalars(select(Assessment)).first()
        snapshot_hash = example.questionnaire_hash  # one stored questionnaire for them all
        questions = [q["id"] for theme in document["themes"] for q in theme["questions"]]
        now = datetime.now(UTC)
        connection = session.connection()
        for start in range(0, assessments - 1, 500):
            batch = range(start, min(start + 500, assessments - 1))
            rows = [dict(organisation=f"Kommune {i % 98}", team=f"Team {i}", language="da",
                         anonymous=True, status="closed", created_at=now, closed_at=now,
                         questionnaire_hash=snapshot_hash,
                         facilitator_token_hash=hash_token(new_token()),
                         join_token_hash=hash_token(new_token()), reveal="when_revealed",
                         join_code_attempt=0, revision=0) for i in batch]
            ids = [row.id for row in connection.execute(
                insert(Assessment).returning(Assessment.id), rows)]
            members = [dict(assessment_id=assessment_id, resume_token_hash=hash_token(
                new_token()), started_at=now, submitted_at=now)
                for assessment_id in ids for _ in range(2)]
            member_ids = [row.id for row in connection.execute(
                insert(Participant).returning(Participant.id), members)]
            connection.execute(insert(Answer), [
                dict(participant_id=member_id, question_id=question, value=1 + n % 5,
                     updated_at=now)
                for member_id in member_ids for n, question in enumerate(questions)])
        session.commit()
    return app, links


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="selfcheck-bench-scale-"))
    try:
        base = os.environ.get("BENCH_DATABASE_URL")
        small_url = base or f"sqlite:///{folder / 'small.sqlite'}"
        large_url = os.environ.get("BENCH_DATABASE_URL_LARGE") if base \
            else f"sqlite:///{folder / 'large.sqlite'}"
        small, small_links = build(small_url, 10)
        large, large_links = build(large_url, 10_000)
        sides = []
        for app, links in ((small, small_links), (large, large_links)):
            client = app.test_client()
            path = f"/f/{links.facilitator_token}"
            assert client.get(path).status_code == 200

            def round_p95(client=client, path=path) -> float:
                times = sorted(seconds(lambda: client.get(path)) for _ in range(REQUESTS))
                return times[int(0.95 * len(times)) - 1]

            sides.append(round_p95)
        ratio = Ratio("results_p95_ratio", alternate(sides[0], sides[1], pairs=PAIRS),
                      "<= 1.2")
        print(f"results page of a 12-member team, {REQUESTS} requests per round, "
              f"10 against 10 000 assessments ({_size(large_url)})")
        print(ratio.line())
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _size(url: str) -> str:
    if url.startswith("sqlite:///"):
        return f"{Path(url.removeprefix('sqlite:///')).stat().st_size / 2**20:.0f} MiB"
    return url.split("/")[-1]


if __name__ == "__main__":
    sys.exit(main())
