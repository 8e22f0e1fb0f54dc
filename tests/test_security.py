"""Capability links, tampered posts, CSRF, headers and error pages (DESIGN.md §5)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from selfcheck.models import Answer, Assessment, Participant, ThemeComment

from .conftest import Facilitator, Member, csrf_token, html_text

pytestmark = pytest.mark.both_databases


def snapshot(db) -> list:
    """Every stored answer and comment, to prove a request changed nothing."""
    db.expire_all()
    answers = db.execute(select(Answer.participant_id, Answer.question_id, Answer.value,
                                Answer.updated_at).order_by(Answer.id)).all()
    comments = db.execute(select(ThemeComment.participant_id, ThemeComment.theme_id,
                                 ThemeComment.text).order_by(ThemeComment.id)).all()
    participants = db.execute(select(Participant.id, Participant.submitted_at)).all()
    return [answers, comments, participants]


@pytest.fixture
def two_assessments(app, questionnaire):
    """Assessment A and B, one member each, the first step answered."""
    first = questionnaire.themes[0]
    result = {}
    for name in ("A", "B"):
        facilitator = Facilitator(app).create(organisation=f"Kommune {name}", answers="named")
        member = Member(app, facilitator.join_url()).join(f"Medlem {name}")
        assert member.post_step(1, {q.id: 3 for q in first.questions}, f"Note {name}") \
            .status_code == 302
        result[name] = (facilitator, member)
    return result


def test_tokens_are_stored_only_as_hashes(app, two_assessments, db):
    dump = "\n".join(str(row) for table in ("assessment", "participant")
                     for row in db.execute(text(f"SELECT * FROM {table}")))
    for facilitator, member in two_assessments.values():
        join_token = facilitator.join_url().rsplit("/", 1)[1]
        for token in (facilitator.token, join_token, member.token):
            assert token not in dump
    hashes = db.scalars(select(Assessment.facilitator_token_hash)).all()
    assert all(len(h) == 64 for h in hashes)


def test_one_assessments_tokens_do_not_open_another(app, two_assessments):
    facilitator_a, member_a = two_assessments["A"]
    facilitator_b, _member_b = two_assessments["B"]
    join_a = facilitator_a.join_url().rsplit("/", 1)[1]
    client = app.test_client()
    page_a = html_text(client.get(f"/f/{facilitator_a.token}"))
    assert "Kommune A" in page_a and "Kommune B" not in page_a and "Medlem B" not in page_a
    # Each kind of token opens only its own kind of page.
    for url in (f"/j/{facilitator_a.token}", f"/f/{join_a}", f"/f/{member_a.token}",
                f"/p/{facilitator_a.token}/", f"/p/{join_a}/", f"/f/{facilitator_a.token}x",
                "/f/", "/f/" + "A" * 43, "/p/" + "x" * 500 + "/"):
        assert client.get(url).status_code == 404, url


def test_a_member_only_writes_their_own_answers(app, two_assessments, db, questionnaire):
    _facilitator_a, member_a = two_assessments["A"]
    before_b = db.execute(select(Answer.value).join(Participant).where(
        Participant.display_name == "Medlem B")).scalars().all()
    response = member_a.post_step(1, {q.id: 5 for q in questionnaire.themes[0].questions})
    assert response.status_code == 302
    db.expire_all()
    after_b = db.execute(select(Answer.value).join(Participant).where(
        Participant.display_name == "Medlem B")).scalars().all()
    assert before_b == after_b == [3] * len(questionnaire.themes[0].questions)


TAMPERED = {
    "value off the scale": ({"purpose_why": "7"}, "“7” er ikke et svar på skalaen."),
    "value not a number": ({"purpose_why": "abc"}, "“abc” er ikke et svar på skalaen."),
    "value zero": ({"purpose_why": "0"}, "“0” er ikke et svar på skalaen."),
    "unknown statement": ({"q_nope": "3"}, "Ukendt udsagn: nope."),
    "statement of another step": ({"q_follow_up_strategy": "3"},
                                  "Ukendt udsagn: follow_up_strategy."),
    "unknown field": ({"admin": "1"}, "Ukendt felt: admin."),
}


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_tampered_step_gets_400_and_changes_nothing(case, two_assessments, db, questionnaire):
    _facilitator, member = two_assessments["A"]
    before = snapshot(db)
    changes, message = TAMPERED[case]
    answers = {q.id: 4 for q in questionnaire.themes[0].questions}
    extra = {}
    for key, value in changes.items():
        if key in answers:
            extra[f"q_{key}"] = value
        else:
            extra[key] = value
    response = member.post_step(1, answers, "Ny note", extra=extra)
    assert response.status_code == 400
    assert message in html_text(response)
    assert "Intet fra denne handling er gemt." in html_text(response)
    assert snapshot(db) == before


def test_repeated_field_gets_400(two_assessments, db, questionnaire):
    _facilitator, member = two_assessments["A"]
    before = snapshot(db)
    page = member.client.get(member.step_url(1)).get_data(as_text=True)
    data = [("csrf_token", csrf_token(page)), ("nav", "next")]
    data += [(f"q_{q.id}", "4") for q in questionnaire.themes[0].questions]
    data.append(("q_purpose_why", "1"))
    from werkzeug.datastructures import MultiDict

    response = member.client.post(member.step_url(1), data=MultiDict(data))
    assert response.status_code == 400
    assert "Feltet q_purpose_why blev sendt mere end én gang." in html_text(response)
    assert snapshot(db) == before


def test_too_long_comment_gets_400_and_saves_nothing(two_assessments, db, questionnaire):
    _facilitator, member = two_assessments["A"]
    before = snapshot(db)
    answers = {q.id: 5 for q in questionnaire.themes[0].questions}
    response = member.post_step(1, answers, "x" * 2001)
    assert response.status_code == 400
    assert "Kommentar (frivillig): Skriv højst 2000 tegn." in html_text(response)
    assert snapshot(db) == before
    assert member.post_step(1, answers, "x" * 2000).status_code == 302


@pytest.mark.parametrize("token", [None, "", "forged.token.value"])
def test_missing_or_wrong_csrf_token_gets_400(two_assessments, db, questionnaire, token):
    _facilitator, member = two_assessments["A"]
    before = snapshot(db)
    answers = {q.id: 1 for q in questionnaire.themes[0].questions}
    data = {f"q_{qid}": str(v) for qid, v in answers.items()}
    data["nav"] = "next"
    if token is not None:
        data["csrf_token"] = token
    response = member.client.post(member.step_url(1), data=data)
    assert response.status_code == 400
    assert "Formularens sikkerhedstjek fejlede" in html_text(response)
    assert snapshot(db) == before


def test_csrf_token_of_another_browser_is_refused(app, two_assessments, db, questionnaire):
    facilitator, member = two_assessments["A"]
    other = app.test_client()
    token = csrf_token(other.get("/").get_data(as_text=True))
    before = snapshot(db)
    response = member.post_step(1, {q.id: 1 for q in questionnaire.themes[0].questions},
                                csrf=token)
    assert response.status_code == 400
    assert snapshot(db) == before
    closing = facilitator.client.post(f"{facilitator.results_url}/close",
                                      data={"csrf_token": token})
    assert closing.status_code == 400
    db.expire_all()
    assert set(db.scalars(select(Assessment.status))) == {"open"}


def test_get_never_changes_data(app, two_assessments, db):
    facilitator, member = two_assessments["A"]
    before = snapshot(db)
    client = app.test_client()
    assert client.get(f"{facilitator.results_url}/close").status_code == 405
    assert member.client.get(f"/p/{member.token}/review").status_code == 200
    assert member.client.get(f"/p/{member.token}/done").status_code == 302
    assert snapshot(db) == before
    assert set(db.scalars(select(Assessment.status))) == {"open"}


def test_step_number_out_of_range_is_404(two_assessments):
    _facilitator, member = two_assessments["A"]
    assert member.client.get(member.step_url(0)).status_code == 404
    assert member.client.get(member.step_url(7)).status_code == 404


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_no_inline_style_or_script_in_pages(app, two_assessments):
    facilitator, member = two_assessments["A"]
    for client, url in ((facilitator.client, facilitator.results_url),
                        (member.client, member.step_url(1)),
                        (member.client, f"/p/{member.token}/review")):
        html = client.get(url).get_data(as_text=True)
        assert " style=" not in html and "<style" not in html
        # Scripts only from our own files (the CSP forbids inline script anyway).
        scripts = re.findall(r"<script[^>]*>", html)
        assert all(re.search(r' src="/static/js/[a-z]+\.js"', tag) for tag in scripts), scripts


def test_friendly_404_in_both_languages(client):
    response = client.get("/f/does-not-exist")
    assert response.status_code == 404
    assert "Siden findes ikke" in html_text(response)
    assert "Tjek, at du har hele linket med." in html_text(response)
    english = client.get("/nowhere", headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert "Page not found" in html_text(english)


def test_friendly_500_page(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    text = html_text(response)
    assert "Der gik noget galt hos os" in text
    assert "kaboom" not in text


def test_too_large_request_gets_413(client):
    response = client.post("/new", data={"organisation": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Der blev sendt for meget data" in html_text(response)


def test_every_page_of_an_empty_assessment_works(app, facilitator):
    """No answers yet: every facilitator page, export and the PDF still answer 200."""
    facilitator.create()
    base = facilitator.results_url
    for path in ("", "/workshop/1", "/workshop/6", "/invite", "/report.pdf", "/export.json",
                 "/export.xlsx", "/export-answers.csv", "/export-results.csv"):
        response = facilitator.client.get(base + path)
        assert response.status_code == 200, path
    assert facilitator.client.get(base + "/workshop/7").status_code == 404


def test_the_request_log_leaves_out_every_secret(app, facilitator, caplog):
    import logging

    from selfcheck.logs import redact

    assert redact("/f/abcDEF_-123/report.pdf") == "/f/…/report.pdf"
    assert redact("/p/tok/step/2") == "/p/…/step/2"
    assert redact("/kode/ACEF3489") == "/kode/…"
    assert redact("/f/a12/workshop/1") == "/f/a12/workshop/1"  # an account key is no secret
    assert redact("/new") == "/new"
    facilitator.create()
    with caplog.at_level(logging.INFO, logger="selfcheck.access"):
        facilitator.results()
        facilitator.client.get(facilitator.join_url())
    lines = [record.getMessage() for record in caplog.records
             if record.name == "selfcheck.access"]
    assert lines and all(facilitator.token not in line for line in lines)
    assert any(line.startswith("GET /f/… 200 ") for line in lines)
    assert any(line.startswith("GET /j/… 200 ") for line in lines)
