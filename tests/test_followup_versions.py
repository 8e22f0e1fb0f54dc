"""A follow-up across two versions of the questionnaire compares statements by id only.

tests/data/questions-1.0.toml is the questionnaire as it was before version 2.0
rewrote most statements. Statement ids that kept their meaning were kept, new
meanings got new ids: a follow-up must compare the kept ones and say "no
comparison" for the new ones, never show a change from a different question.
"""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from selfcheck.core import progress
from selfcheck.core.content import parse_questionnaire, read_document
from selfcheck.exchange import team as exchange
from selfcheck.services import assessments, history
from selfcheck.services import results as result_service

from .conftest import Member, html_text

pytestmark = pytest.mark.both_databases

OLD = Path(__file__).parent / "data" / "questions-1.0.toml"


def test_a_follow_up_across_versions_marks_new_statements_as_not_comparable(app, questionnaire,
                                                                              runner, tmp_path):
    old_document = read_document(OLD)
    old = parse_questionnaire(old_document)
    new = questionnaire
    kept = {q.id for q in old.questions} & {q.id for q in new.questions}
    added = {q.id for q in new.questions} - kept
    assert "purpose_checked" in kept and "purpose_why" in added  # see docs/questionnaire.md

    session = app.extensions["db_sessionmaker"]()
    earlier, earlier_links = assessments.create_assessment(
        session, old_document, organisation="Kommune", team="Direktionen", language="da",
        anonymous=False)
    session.close()
    # last year: Ane answered 2 to every statement of the old version
    member = Member(app, f"/j/{earlier_links.join_token}").join("Ane")
    member.answer_all(old, {q.id: 2 for q in old.questions})
    member.submit()
    client = app.test_client()
    from .conftest import csrf_token

    page = client.get(f"/f/{earlier_links.facilitator_token}")
    client.post(f"/f/{earlier_links.facilitator_token}/close",
                data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    page = client.get(f"/f/{earlier_links.facilitator_token}")
    response = client.post(f"/f/{earlier_links.facilitator_token}/follow-up",
                           data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    follow_up_url = response.headers["Location"]
    # this year, on version 2.0: Ane answers 4 everywhere
    join = "/j/" + html_text(client.get(follow_up_url)).split("/j/")[1].split()[0]
    member = Member(app, join).join("Ane")
    member.answer_all(new, {q.id: 4 for q in new.questions})
    member.submit()

    session = app.extensions["db_sessionmaker"]()
    now = assessments.find_by_facilitator_token(session, follow_up_url.rsplit("/", 1)[1])
    built = progress.build_progress(new, result_service.results(now),
                                    history.history_entries(now))
    statements = {s.question_id: s for row in built.rows for s in row.statements}
    assert {q for q, s in statements.items() if s.comparable} == kept
    assert {q for q, s in statements.items() if not s.comparable} == added
    for question_id in kept:
        change = statements[question_id].change
        assert (change.before, change.after, change.delta) == (2, 4, 2)
    for question_id in added:
        assert statements[question_id].change.before is None
        assert statements[question_id].change.direction == "none"
    purpose = next(r for r in built.rows if r.theme_id == "purpose")
    old_purpose = {q.id for q in old.theme("purpose").questions}
    new_purpose = {q.id for q in new.theme("purpose").questions}
    assert (purpose.new_statements, purpose.dropped_statements) == (
        len(new_purpose - old_purpose), len(old_purpose - new_purpose))
    assert not purpose.same_statements
    session.close()

    text = html_text(client.get(follow_up_url))
    assert "Spørgeskemaet er ændret siden sidst:" in text
    assert "Ingen sammenligning: et nyt udsagn" in text
    kept_text = new.question("purpose_checked").text.da
    assert f"{kept_text} 2,0 4,0 ↑ +2,0" in text
    why_text = new.question("purpose_why").text.da
    assert f"{why_text} – 4,0 Ingen sammenligning: et nyt udsagn" in text

    # the export carries the statements of last time, and the offline report says the same
    exported = json.loads(client.get(f"{follow_up_url}/export.json").data)
    carried = {s["statement_id"]: s for s in exported["history"][0]["statements"]}
    assert set(carried) == {q.id for q in old.questions}
    assert carried["purpose_checked"]["mean"] == 2
    data = exchange.load_export(exported)
    assert data.history[0].statements["purpose_checked"] == ("purpose", Fraction(2))
    pdf = client.get(f"{follow_up_url}/report.pdf").data
    flat = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Spørgeskemaet er ændret siden sidst:" in flat
