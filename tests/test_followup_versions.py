"""A follow-up across two versions of the questionnaire compares statements by id only.

tests/data/questions-1.0.toml is the questionnaire as it was before version 2.0
rewrote most statements, and tests/data/questions-2.0.toml (``git show
307b645:questions.toml``) the one before version 3.0 did it again. Statement ids that
kept their meaning were kept, new meanings got new ids: a follow-up must compare the
kept ones and say "no comparison" for the new ones, never show a change from a
different question.
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

DATA = Path(__file__).parent / "data"
OLD = DATA / "questions-1.0.toml"
V2 = DATA / "questions-2.0.toml"

#: The statements of 2.0 that 3.0 kept (same meaning, wording perhaps tidied); every other
#: statement of 3.0 is new and is compared with nothing (docs/questionnaire.md).
KEPT_FROM_2_0 = {
    "purpose_why", "purpose_what_over_why",
    "outside_in_difference", "outside_in_involve",
    "cross_cutting_shared", "cross_cutting_owner",
    "leadership_chain_commitment", "leadership_chain_supplement",
    "few_concrete_too_many", "few_concrete_reached", "few_concrete_trade_off",
    "follow_up_strategy", "follow_up_effect", "follow_up_politicians",
}


def test_exactly_these_statement_ids_are_shared_by_2_0_and_3_0(questionnaire):
    old = parse_questionnaire(read_document(V2))
    assert (old.version, questionnaire.version) == ("2.0", "3.0")
    assert {q.id for q in old.questions} & {q.id for q in questionnaire.questions} \
        == KEPT_FROM_2_0
    # a kept statement stays in its theme and keeps its direction (reverse or not)
    for question_id in KEPT_FROM_2_0:
        before, after = old.question(question_id), questionnaire.question(question_id)
        assert (before.theme_id, before.reverse) == (after.theme_id, after.reverse), question_id


@pytest.mark.parametrize(("old_file", "kept_example", "new_example"), [
    (OLD, "outside_in_difference", "purpose_why"),
    (V2, "purpose_why", "purpose_staff_explain"),
], ids=["1.0", "2.0"])
def test_a_follow_up_across_versions_marks_new_statements_as_not_comparable(
        app, questionnaire, runner, tmp_path, old_file, kept_example, new_example):
    old_document = read_document(old_file)
    old = parse_questionnaire(old_document)
    new = questionnaire
    kept = {q.id for q in old.questions} & {q.id for q in new.questions}
    added = {q.id for q in new.questions} - kept
    assert kept_example in kept and new_example in added  # see docs/questionnaire.md
    if old_file == V2:
        assert kept == KEPT_FROM_2_0

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
    # this year, on version 3.0: Ane answers 4 everywhere
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
    kept_text = new.question(kept_example).text.da
    assert f"{kept_text} 2,0 4,0 ↑ +2,0" in text
    new_text = new.question(new_example).text.da
    assert f"{new_text} – 4,0 Ingen sammenligning: et nyt udsagn" in text

    # the export carries the statements of last time, and the offline report says the same
    exported = json.loads(client.get(f"{follow_up_url}/export.json").data)
    carried = {s["statement_id"]: s for s in exported["history"][0]["statements"]}
    assert set(carried) == {q.id for q in old.questions}
    assert carried[kept_example]["mean"] == 2
    data = exchange.load_export(exported)
    theme_id = new.question(kept_example).theme_id
    assert data.history[0].statements[kept_example] == (theme_id, Fraction(2))
    pdf = client.get(f"{follow_up_url}/report.pdf").data
    flat = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Spørgeskemaet er ændret siden sidst:" in flat
