"""The whole journey through the Flask client, with CSRF protection on.

Create → join as several members → answer → review → submit → results → close.
The numbers on the results page are checked against scoring.py run on the same
answers in the test.
"""

from __future__ import annotations

import re

import pytest
from babel.numbers import format_decimal
from sqlalchemy import func, select

from selfcheck.cli import main
from selfcheck.core.content import document_hash
from selfcheck.core.exact import rounded
from selfcheck.core.scoring import score_assessment
from selfcheck.core.tokens import hash_token
from selfcheck.models import Answer, Assessment, Participant, ThemeComment

from .conftest import Member, csrf_token, html_text

pytestmark = pytest.mark.both_databases


def answers_for(questionnaire, pattern):
    """One member's answers: value by question position, cycling through ``pattern``."""
    return {q.id: pattern[i % len(pattern)] for i, q in enumerate(questionnaire.questions)}


def da(value, digits=1):
    return format_decimal(rounded(value, digits), format="0." + "0" * digits, locale="da")


def test_create_stores_hashed_tokens_and_a_snapshot(app, facilitator, db, questions_document):
    facilitator.create(organisation="Region Syd", team="Koncernledelsen", language="en",
                       answers="named")
    (assessment,) = db.scalars(select(Assessment)).all()
    assert (assessment.organisation, assessment.team, assessment.language) == (
        "Region Syd", "Koncernledelsen", "en")
    assert assessment.anonymous is False
    assert assessment.status == "open"
    assert assessment.facilitator_token_hash == hash_token(facilitator.token)
    assert facilitator.token not in assessment.facilitator_token_hash
    assert len(facilitator.token) >= 43  # 256 random bits, base64url
    assert assessment.questionnaire_hash == document_hash(questions_document)
    assert assessment.questionnaire == questions_document


def test_create_form_validation_saves_nothing(app, db):
    client = app.test_client()
    page = client.get("/new").get_data(as_text=True)
    response = client.post("/new", data={
        "csrf_token": csrf_token(page), "organisation": "  ", "team": "x" * 201,
        "language": "de", "answers": "anonymous"})
    assert response.status_code == 400
    text = html_text(response)
    assert "Skriv navnet på organisationen." in text
    assert "Leadership team" not in text
    assert "Ledelsesteam: Skriv højst 200 tegn." in text
    assert "Sprog i spørgeskema og rapport: Vælg et sprog." in text
    assert db.scalar(select(func.count()).select_from(Assessment)) == 0


def test_whole_journey_three_members(app, facilitator, questionnaire, db):
    facilitator.create(answers="named")
    join_url = facilitator.join_url()
    patterns = {
        "Anne": [5, 4, 4, 5, 2],
        "Bo": [2, 1, None, 2, 4],
        "Carl": [3, 3, 4, None, 3],
    }
    members = {}
    for name, pattern in patterns.items():
        member = Member(app, join_url).join(name)
        member.answer_all(questionnaire, answers_for(questionnaire, pattern),
                          comments={"follow_up": f"Kommentar fra {name}"})
        members[name] = member
    # Carl has answered but not submitted: his answers do not count yet.
    members["Anne"].submit()
    members["Bo"].submit()

    assert db.scalar(select(func.count()).select_from(Participant)) == 3
    assert db.scalar(select(func.count()).select_from(Answer)) == 3 * 31
    assert db.scalar(select(func.count()).select_from(ThemeComment)) == 3
    stored = db.scalar(select(Answer).join(Participant).where(
        Participant.display_name == "Bo", Answer.question_id == "purpose_what_over_why"))
    assert stored.value is None  # "Ved ikke"

    expected = score_assessment(
        questionnaire,
        [answers_for(questionnaire, patterns["Anne"]), answers_for(questionnaire, patterns["Bo"])],
    )
    page = facilitator.results()
    assert page.status_code == 200
    text = html_text(page)
    assert "2 af 3 medlemmer har sendt deres svar." in text
    assert "Anne Sendt" in text and "Carl I gang, ikke sendt" in text
    assert f"Samlet score {da(expected.overall)} af 5" in text
    rows = zip(questionnaire.themes, expected.themes, strict=True)
    for number, (theme, result) in enumerate(rows, 1):
        band = questionnaire.band(result.band_id).label.da
        agreement = "⚠ Uenighed" if result.disagreed else ("Enighed" if result.n > 1 else "–")
        marker = " ⚠ Uenighed" if result.disagreed else ""  # repeated for phones
        row = (f"{number}. {theme.title.da}{marker} {da(result.score)} – {da(result.percent, 0)} % "
               f"{band} {result.n} {da(result.min)}–{da(result.max)} {agreement}")
        assert row in text, row
        for suggestion in theme.suggestions_for(result.band_id):
            assert suggestion.title.da in text
    assert "Kommentar fra Anne – Anne" in text
    assert "Kommentar fra Carl" not in text  # not submitted

    # Carl submits; the results change to three members.
    members["Carl"].submit()
    assert "3 af 3 medlemmer har sendt deres svar." in html_text(facilitator.results())

    # Close: no more changes; the facilitator can reopen.
    assert facilitator.post("close").status_code == 302
    closed = members["Anne"].post_step(1, {q.id: 1 for q in questionnaire.themes[0].questions})
    assert closed.status_code == 409
    assert "Der er lukket for svar. Svarene kan ikke længere ændres." in html_text(closed)
    anne_first = db.scalar(select(Answer).join(Participant).where(
        Participant.display_name == "Anne", Answer.question_id == "purpose_why"))
    db.refresh(anne_first)
    assert anne_first.value == 5
    late = Member(app, join_url)
    page = late.client.get(join_url)
    assert "Selvevalueringen er lukket. Det er ikke længere muligt at svare." in html_text(page)
    assert facilitator.post("reopen").status_code == 302
    reopened = members["Anne"].post_step(1, {q.id: 1 for q in questionnaire.themes[0].questions})
    assert reopened.status_code == 302
    db.refresh(anne_first)
    assert anne_first.value == 1


def test_saving_a_step_twice_is_an_upsert(app, facilitator, questionnaire, db):
    facilitator.create()
    member = Member(app, facilitator.join_url()).join()
    theme = questionnaire.themes[0]
    first = {q.id: 2 for q in theme.questions}
    assert member.post_step(1, first, "Første").status_code == 302
    assert member.post_step(1, first, "Første").status_code == 302
    second = {q.id: 4 for q in theme.questions}
    assert member.post_step(1, second, "Anden").status_code == 302
    assert db.scalar(select(func.count()).select_from(Answer)) == len(theme.questions)
    assert set(db.scalars(select(Answer.value))) == {4}
    assert db.scalars(select(ThemeComment.text)).all() == ["Anden"]
    # Emptying the comment removes it.
    assert member.post_step(1, second, "").status_code == 302
    assert db.scalar(select(func.count()).select_from(ThemeComment)) == 0


def test_back_saves_what_was_answered_and_shows_it_again(app, facilitator, questionnaire, db):
    facilitator.create()
    member = Member(app, facilitator.join_url()).join()
    theme = questionnaire.themes[1]
    partial = {theme.questions[0].id: 3, theme.questions[1].id: None}
    response = member.post_step(2, partial, nav="back")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{member.token}/step/1")
    html = member.client.get(member.step_url(2)).get_data(as_text=True)
    checked = re.findall(r'<input checked[^>]* name="(q_[a-z_]+)"[^>]* value="([^"]+)"', html)
    assert checked == [(f"q_{theme.questions[0].id}", "3"), (f"q_{theme.questions[1].id}", "dk")]
    assert db.scalar(select(func.count()).select_from(Answer)) == 2


def test_empty_statement_gets_a_message_and_saves_nothing(app, facilitator, questionnaire, db):
    facilitator.create()
    member = Member(app, facilitator.join_url()).join()
    theme = questionnaire.themes[0]
    answers = {q.id: 4 for q in theme.questions[1:]}
    response = member.post_step(1, answers, "En kommentar")
    assert response.status_code == 400
    text = html_text(response)
    assert f"{theme.questions[0].text.da}: Vælg et svar eller “Ved ikke”." in text
    assert text.count("Vælg et svar eller “Ved ikke”.") == 2  # summary and the statement
    assert db.scalar(select(func.count()).select_from(Answer)) == 0
    assert db.scalar(select(func.count()).select_from(ThemeComment)) == 0


def test_review_lists_answers_and_submit_needs_every_step(app, facilitator, questionnaire, db):
    facilitator.create()
    member = Member(app, facilitator.join_url()).join()
    theme = questionnaire.themes[0]
    member.post_step(1, {q.id: 5 for q in theme.questions})
    review = member.client.get(f"/p/{member.token}/review")
    text = html_text(review)
    assert f"{theme.questions[0].text.da} 5 – Helt enig" in text
    assert text.count("Ikke besvaret endnu.") == 5
    refused = member.client.post(f"/p/{member.token}/review",
                                 data={"csrf_token": csrf_token(review.get_data(as_text=True))})
    assert refused.status_code == 400
    assert "Besvar alle trin, før du sender dine svar." in html_text(refused)
    assert db.scalar(select(Participant.submitted_at)) is None


def test_example_assessment_from_the_front_page(app, db):
    client = app.test_client()
    front = client.get("/")
    assert "Se et eksempel" in html_text(front)
    response = client.post("/example", data={"csrf_token": csrf_token(front.get_data(as_text=True)),
                                             "lang": "da"})
    assert response.status_code == 302
    results = client.get(response.headers["Location"])
    text = html_text(results)
    assert "Eksempel Kommune · Direktionen" in text
    assert "11 af 12 medlemmer har sendt deres svar." in text
    assert text.count("⚠ Uenighed") == 4  # two disagreed themes, wide and narrow table cells
    # 12 members now, and 10 in the closed assessment of last year that the example follows up
    assert db.scalar(select(func.count()).select_from(Participant)) == 22


def test_demo_command_prints_the_facilitator_link_last(app, runner):
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("/f/")
    client = app.test_client()
    assert client.get(last).status_code == 200


def test_language_follows_the_assessment_and_can_be_switched(app, facilitator, questionnaire):
    facilitator.create(language="en")
    member = Member(app, facilitator.join_url())
    page = member.client.get(member.join_url)
    assert '<html lang="en">' in page.get_data(as_text=True)
    assert "Before you start" in html_text(page)
    member.join()
    step = member.client.get(member.step_url(1))
    text = html_text(step)
    assert "Step 1 of 6" in text and questionnaire.themes[0].questions[0].text.en in text
    switched = member.client.post("/language", data={
        "csrf_token": csrf_token(step.get_data(as_text=True)), "lang": "da",
        "next": member.step_url(1)})
    assert switched.status_code == 302
    assert switched.headers["Location"] == member.step_url(1)
    text = html_text(member.client.get(member.step_url(1)))
    assert "Trin 1 af 6" in text and questionnaire.themes[0].questions[0].text.da in text


def test_language_switch_never_redirects_off_site(client):
    page = client.get("/").get_data(as_text=True)
    response = client.post("/language", data={"csrf_token": csrf_token(page), "lang": "en",
                                              "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
