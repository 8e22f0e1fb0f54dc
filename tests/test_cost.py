"""What a page costs in SQL statements: fixed, whatever the size of the team.

The facilitator's results page, its JSON export and its PDF load the assessment with
its members, answers, comments, decisions and actions in a fixed number of statements
(selectinload), and the earlier assessment it follows up the same way.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from .conftest import Facilitator, Member

pytestmark = pytest.mark.both_databases


def statements(app, client, url: str) -> int:
    engine = app.extensions["db_engine"]
    seen = []

    def count(*args):
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(seen)


def team(app, questionnaire, members: int) -> Facilitator:
    from selfcheck.core.tokens import hash_token, new_token
    from selfcheck.models import Answer, Participant, utcnow
    from selfcheck.services import assessments

    facilitator = Facilitator(app).create(answers="named")
    Member(app, facilitator.join_url()).join("Første")  # one through the web, the rest at once
    session = app.extensions["db_sessionmaker"]()
    assessment = assessments.find_by_facilitator_token(session, facilitator.token)
    for i in range(members - 1):
        assessment.participants.append(Participant(
            resume_token_hash=hash_token(new_token()), display_name=f"M{i}",
            submitted_at=utcnow(),
            answers=[Answer(question_id=q.id, value=1 + i % 5) for q in questionnaire.questions]))
    session.commit()
    session.close()
    return facilitator


@pytest.mark.parametrize("path", ["", "/export.json", "/workshop/1"])
def test_a_page_costs_the_same_for_4_and_for_48_members(app, questionnaire, path):
    counts = []
    for members in (4, 48):
        facilitator = team(app, questionnaire, members)
        url = facilitator.results_url + path
        facilitator.client.get(url)  # warm: the questionnaire snapshot is parsed once per hash
        counts.append(statements(app, facilitator.client, url))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12, counts


def test_a_cached_pdf_costs_one_statement_for_4_and_48_members(app, questionnaire):
    counts = []
    for members in (4, 48):
        facilitator = team(app, questionnaire, members)
        url = facilitator.results_url + "/report.pdf"
        first = facilitator.client.get(url)
        assert first.status_code == 200
        counts.append(statements(app, facilitator.client, url))
        assert facilitator.client.get(url).data == first.data
    assert counts == [1, 1]


def test_every_change_the_report_shows_makes_a_new_revision(app, questionnaire, db):
    from sqlalchemy import select

    from selfcheck.models import Assessment

    from .conftest import csrf_token

    facilitator = Facilitator(app).create(answers="named")

    def revision() -> int:
        db.expire_all()
        return db.scalars(select(Assessment.revision)).one()

    seen = [revision()]
    member = Member(app, facilitator.join_url()).join("Anne")
    seen.append(revision())  # a member joined
    theme = questionnaire.themes[0]
    member.post_step(1, {q.id: 3 for q in theme.questions}, "En kommentar")
    seen.append(revision())  # answers and a comment
    member.answer_all(questionnaire, {q.id: 4 for q in questionnaire.questions})
    member.submit()
    seen.append(revision())
    workshop = f"{facilitator.results_url}/workshop/1"
    page = facilitator.client.get(workshop)
    facilitator.client.post(f"{workshop}/current", data={
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert revision() == seen[-1]  # moving the workshop along is not shown in the report
    facilitator.client.post(f"{workshop}/decision", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "consensus": "3"})
    seen.append(revision())
    facilitator.post("close")
    seen.append(revision())
    assert seen == sorted(set(seen)), seen  # each step a new, higher revision
