"""The meeting room through the client: join codes, the team, a workshop that runs to the end."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from selfcheck.core.tokens import JOIN_CODE_ALPHABET, hash_token, join_code_for, normalise_code
from selfcheck.models import Answer, Assessment, Participant
from selfcheck.services import assessments as service
from selfcheck.services import results as result_service

from .conftest import Facilitator, Member, csrf_token, html_text

pytestmark = pytest.mark.both_databases


def code_on_page(facilitator) -> str:
    html = facilitator.results().get_data(as_text=True)
    return re.search(r'id="join-code">([A-Z0-9 ]+)</code>', html).group(1)


def join_by_code(app, code: str, name: str | None = None):
    """A member on their phone: /kode, type the code, then the join page it leads to."""
    client = app.test_client()
    page = client.get("/kode")
    response = client.post("/kode", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                          "code": code})
    return client, response


# ----------------------------------------------------------------------------- join code


def test_codes_have_no_look_alikes_and_are_hashed_at_rest(app, facilitator, db):
    facilitator.create()
    code = code_on_page(facilitator)
    assert re.fullmatch(r"[A-Z0-9]{4} [A-Z0-9]{4}", code)
    assert set(code.replace(" ", "")) <= set(JOIN_CODE_ALPHABET)
    # one of each look-alike group at most: 0/O/D/Q, 1/I/L/7, 2/Z, 5/S, 8/B, 6/G, U/V
    assert not set("0OD1IL7Z2S5B6GUV") - set("8") & set(JOIN_CODE_ALPHABET)
    stored = db.scalar(select(Assessment.join_code_hash))
    assert stored == hash_token(code.replace(" ", ""))
    assert code.replace(" ", "") not in str(db.scalars(select(Assessment)).one().__dict__)
    assert normalise_code(" " + code.lower().replace(" ", "-") + " ") == code.replace(" ", "")
    assert normalise_code("ACEF34") is None and normalise_code("ACEF 348O") is None


def test_a_code_collision_takes_the_next_attempt(app, db):
    with app.app_context():
        from selfcheck.web.context import current_document

        session = app.extensions["db_sessionmaker"]()
        first, links = service.create_assessment(session, current_document(), organisation="K",
                                                 team="A", language="da", anonymous=True)
        # a second assessment whose first code is taken gets attempt 1
        second, _ = service._new_assessment(session, current_document(), organisation="K",
                                            team="B", language="da", anonymous=True)
        session.add(second)
        taken = join_code_for(links.facilitator_token, 0)
        service.assign_join_code(session, second, links.facilitator_token)
        assert (second.join_code_attempt, second.join_code_hash) == (
            1, hash_token(join_code_for(links.facilitator_token, 1)))
        assert first.join_code_hash == hash_token(taken)
        session.rollback()
        session.close()


def test_a_member_joins_by_typing_the_code(app, facilitator, questionnaire, db):
    facilitator.create(answers="named")
    code = code_on_page(facilitator)
    client, response = join_by_code(app, code.lower().replace(" ", ""))
    assert response.status_code == 302
    assert response.headers["Location"] == "/kode/" + code.replace(" ", "")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Dit navn" in html_text(page)
    response = client.post(response.headers["Location"], data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "display_name": "Ane"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/p/")
    assert db.scalars(select(Participant.display_name)).all() == ["Ane"]


def test_a_code_only_joins_and_expires_when_answering_closes(app, facilitator, db):
    facilitator.create()
    code = code_on_page(facilitator).replace(" ", "")
    client = app.test_client()
    # the code opens nothing of the facilitator's or members' pages
    for url in (f"/f/{code}", f"/j/{code}", f"/p/{code}/", f"/f/{code}/export.json"):
        assert client.get(url).status_code == 404
    assert facilitator.post("close").status_code == 302
    _client, response = join_by_code(app, code)
    assert response.status_code == 404
    assert "Ingen åben selvevaluering har den kode." in html_text(response)
    assert client.get(f"/kode/{code}").status_code == 404
    text = html_text(facilitator.results())
    assert "Der er lukket for svar." in text and "koden virker ikke længere" in text
    assert facilitator.post("reopen").status_code == 302
    assert join_by_code(app, code)[1].status_code == 302


def test_wrong_codes_are_rate_limited_per_client(app, facilitator):
    facilitator.create()
    right = code_on_page(facilitator).replace(" ", "")
    wrong = "".join(JOIN_CODE_ALPHABET[(JOIN_CODE_ALPHABET.index(c) + 1) % 19] for c in right)
    client = app.test_client()
    page = client.get("/kode")
    token = csrf_token(page.get_data(as_text=True))
    statuses = [client.post("/kode", data={"csrf_token": token, "code": wrong}).status_code
                for _ in range(10)]
    assert statuses == [404] * 10
    # the 11th try within the minute is refused, even with the right code
    refused = client.post("/kode", data={"csrf_token": token, "code": right})
    assert refused.status_code == 429
    assert "For mange forsøg" in html_text(refused)
    # typing errors that cannot be a code, and another client, are not held back
    other = app.test_client()
    other_page = other.get("/kode", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    response = other.post("/kode", environ_base={"REMOTE_ADDR": "10.0.0.2"}, data={
        "csrf_token": csrf_token(other_page.get_data(as_text=True)), "code": right})
    assert response.status_code == 302


def test_the_code_address_and_links_use_the_public_url(tmp_path, migrated_database):
    import shutil

    from selfcheck import create_app

    from .conftest import QUESTIONS_FILE

    database = tmp_path / "public.sqlite"
    shutil.copyfile(migrated_database, database)
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "QUESTIONS_FILE": str(QUESTIONS_FILE),
                      "DATABASE_URL": f"sqlite:///{database}",
                      "PUBLIC_URL": "https://selfcheck.example.dk"})
    facilitator = Facilitator(app).create()
    html = facilitator.results().get_data(as_text=True)
    assert "https://selfcheck.example.dk/j/" in html
    assert "selfcheck.example.dk/kode" in html
    assert "http://localhost" not in html
    invite = facilitator.client.get(f"{facilitator.results_url}/invite").get_data(as_text=True)
    assert "selfcheck.example.dk/kode" in invite
    app.extensions["db_engine"].dispose()


def test_without_a_public_url_links_use_the_address_the_browser_used(app, facilitator):
    facilitator.create()
    html = facilitator.client.get(facilitator.results_url,
                                  base_url="http://192.168.1.20:5000").get_data(as_text=True)
    assert "http://192.168.1.20:5000/j/" in html
    assert "192.168.1.20:5000/kode" in html


def test_the_invitation_text_in_both_languages(app, facilitator):
    facilitator.create(answers="named")
    html = facilitator.results().get_data(as_text=True)
    code = code_on_page(facilitator)
    danish = re.search(r'id="invitation-da"[^>]*>([^<]+)</textarea>', html).group(1)
    english = re.search(r'id="invitation-en"[^>]*>([^<]+)</textarea>', html).group(1)
    assert "Kære alle" in danish and f"skriv koden {code}" in danish
    assert "localhost/kode" in danish and "http://localhost/j/" in danish
    assert "Dear all" in english and f"type the code {code}" in english
    assert "Svarene er med navn" in danish


# ----------------------------------------------------------------------------- the team


def team_of_three(app, questionnaire, answers="named"):
    facilitator = Facilitator(app).create(answers=answers)
    members = []
    for name, value in (("Ane", 2), ("Bo", 4), ("Carl", 5)):
        member = Member(app, facilitator.join_url()).join(name if answers == "named" else None)
        member.answer_all(questionnaire, {q.id: 6 - value if q.reverse else value
                                          for q in questionnaire.questions})
        member.submit()
        members.append(member)
    return facilitator, members


def test_removing_a_member_removes_their_answers_everywhere(app, questionnaire, db):
    facilitator, _members = team_of_three(app, questionnaire)
    pdf_before = facilitator.client.get(f"{facilitator.results_url}/report.pdf").data
    carl = db.scalar(select(Participant).where(Participant.display_name == "Carl"))
    page = facilitator.results()
    assert "Fjern Carl" in html_text(page)
    response = facilitator.client.post(f"{facilitator.results_url}/members/{carl.id}/remove",
                                       data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    text = html_text(facilitator.results())
    assert "Carl er fjernet med alle svar og kommentarer." in text
    assert "2 af 2 medlemmer har sendt deres svar." in text
    assert db.scalar(select(func.count()).select_from(Answer)) == 2 * len(questionnaire.questions)
    first = questionnaire.themes[0].title.da
    assert f"{first} 3,0" in text  # (2 + 4) / 2 without Carl's 5
    csv_text = facilitator.client.get(f"{facilitator.results_url}/export-answers.csv").data
    assert b"Carl" not in csv_text
    pdf_after = facilitator.client.get(f"{facilitator.results_url}/report.pdf").data
    assert pdf_after != pdf_before and b"Carl" not in pdf_after


def test_a_new_personal_link_replaces_the_old_one(app, questionnaire, db):
    facilitator, members = team_of_three(app, questionnaire)
    ane = members[0]
    old = f"/p/{ane.token}/"
    assert ane.client.get(old).status_code == 200
    participant = db.scalar(select(Participant).where(Participant.display_name == "Ane"))
    page = facilitator.results()
    response = facilitator.client.post(
        f"{facilitator.results_url}/members/{participant.id}/new-link",
        data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 200
    new = re.search(r'id="new-link">http://localhost(/p/[A-Za-z0-9_-]+/)</code>',
                    response.get_data(as_text=True)).group(1)
    assert ane.client.get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    assert "Velkommen, Ane" in html_text(app.test_client().get(new))


def test_who_has_started_and_a_reminder_for_those_not_done(app, questionnaire):
    facilitator = Facilitator(app).create(answers="named")
    Member(app, facilitator.join_url()).join("Ane")
    bo = Member(app, facilitator.join_url()).join("Bo")
    bo.post_step(1, {q.id: 3 for q in questionnaire.themes[0].questions})
    text = html_text(facilitator.results())
    assert "Ane Tilmeldt, ingen svar endnu" in text
    assert "Bo I gang, ikke sendt" in text
    html = facilitator.results().get_data(as_text=True)
    reminder = re.search(r'id="reminder-text"[^>]*>([^<]+)</textarea>', html).group(1)
    assert reminder.startswith("Hej Ane, Bo,")


def test_change_from_the_review_page_returns_to_it(app, questionnaire):
    facilitator = Facilitator(app).create()
    member = Member(app, facilitator.join_url()).join()
    member.answer_all(questionnaire, {q.id: 3 for q in questionnaire.questions})
    review = member.client.get(f"/p/{member.token}/review").get_data(as_text=True)
    assert f"/p/{member.token}/step/2?from=review" in review
    page = member.client.get(f"/p/{member.token}/step/2?from=review")
    assert "Gem og gennemse" in html_text(page)
    response = member.client.post(f"/p/{member.token}/step/2?from=review", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "nav": "next",
        **{f"q_{q.id}": "4" for q in questionnaire.themes[1].questions}})
    assert response.headers["Location"] == f"/p/{member.token}/review"


def test_a_step_with_missing_answers_gets_the_danish_error_summary(app, questionnaire):
    facilitator = Facilitator(app).create()
    member = Member(app, facilitator.join_url()).join()
    page = member.client.get(member.step_url(1))
    assert "novalidate" in page.get_data(as_text=True).split('action="/p/')[1].split(">")[0]
    first, *rest = questionnaire.themes[0].questions
    response = member.post_step(1, {q.id: 3 for q in rest})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Ret venligst følgende" in html_text(response)
    assert f'href="#q_{first.id}-group"' in html


# ----------------------------------------------------------------------------- the workshop


def test_the_workshop_keeps_working_after_answering_closes(app, questionnaire, db):
    facilitator, _members = team_of_three(app, questionnaire)
    assert facilitator.post("close").status_code == 302
    url = f"{facilitator.results_url}/workshop/1"
    page = facilitator.client.get(url)
    text = html_text(page)
    assert "Der er lukket for svar: medlemmernes svar ændrer sig ikke længere." in text
    assert "Gem teamets vurdering" in text and "Tilføj handlingen" in text
    token = csrf_token(page.get_data(as_text=True))
    assert facilitator.client.post(f"{url}/decision", data={
        "csrf_token": token, "consensus": "3.5", "note": "Enige"}).status_code == 302
    response = facilitator.client.post(f"{url}/actions", data={
        "csrf_token": token, "text": "Nyt årshjul", "owner": "", "due_date": "2027-03-31",
        "status": "planned"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#actions")
    page = html_text(facilitator.client.get(url))
    assert "Handlingen er føjet til planen." in page
    # the confirmation is in the actions section, where the user is looking
    actions_part = page.split("Handlinger", 1)[1]
    assert "Handlingen er føjet til planen." in actions_part
    assert "Frist: 31. mar. 2027" in page and "Ansvarlig:" not in page.split("Nyt årshjul")[1][:40]


def test_the_workshop_numbers_recommendations_by_their_own_number(app, questionnaire):
    facilitator = Facilitator(app).create(answers="named")
    # Ane and Bo disagree only on the last recommendation, so it leads the agenda
    last = questionnaire.themes[-1]
    for name, value in (("Ane", 1), ("Bo", 5)):
        member = Member(app, facilitator.join_url()).join(name)
        answers = {q.id: 3 for q in questionnaire.questions}
        answers.update({q.id: (6 - value if q.reverse else value) for q in last.questions})
        member.answer_all(questionnaire, answers)
        member.submit()
    text = html_text(facilitator.client.get(f"{facilitator.results_url}/workshop/1"))
    total = len(questionnaire.themes)
    assert f"1 af {total} på dagsordenen" in text
    assert f"Tema {total} {last.title.da}" in text


def test_the_closing_page_sums_up(app, questionnaire):
    facilitator, _members = team_of_three(app, questionnaire)
    url = f"{facilitator.results_url}/workshop"
    last = len(questionnaire.themes)
    page = html_text(facilitator.client.get(f"{url}/{last}"))
    assert "Opsamling →" in page
    first = questionnaire.themes[0]
    agenda = result_service.results(facilitator_assessment(app, facilitator)).agenda
    position = agenda.index(first.id) + 1
    theme_page = facilitator.client.get(f"{url}/{position}")
    token = csrf_token(theme_page.get_data(as_text=True))
    facilitator.client.post(f"{url}/{position}/decision",
                            data={"csrf_token": token, "consensus": "2.5", "note": "Vi starter"})
    facilitator.client.post(f"{url}/{position}/actions", data={
        "csrf_token": token, "text": "Målkort på én side", "owner": "Ane", "due_date": "",
        "status": "planned"})
    end = html_text(facilitator.client.get(f"{url}/end"))
    assert f"1. {first.title.da} 3,7 2,5 Vi starter" in end
    assert "Stadig uafklaret" in end
    assert questionnaire.themes[1].title.da in end.split("Stadig uafklaret")[1]
    assert "Målkort på én side" in end and "Ansvarlig: Ane" in end
    assert "Hent PDF-rapporten" in end


def facilitator_assessment(app, facilitator):
    session = app.extensions["db_sessionmaker"]()
    return service.find_by_facilitator_token(session, facilitator.token)


def test_the_presenter_view_follows_the_facilitator(app, questionnaire, db):
    facilitator, _members = team_of_three(app, questionnaire)
    present = f"{facilitator.results_url}/present"
    page = facilitator.client.get(present)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<form" not in html.split("<main", 1)[1]  # nothing to edit on the shared screen
    assert f'data-state="{present}/state"' in html
    assert facilitator.client.get(f"{present}/state").get_json()["position"] == 1
    workshop = facilitator.client.get(f"{facilitator.results_url}/workshop/3")
    response = facilitator.client.post(
        f"{facilitator.results_url}/workshop/3/current",
        data={"csrf_token": csrf_token(workshop.get_data(as_text=True))})
    assert response.status_code == 302
    assert facilitator.client.get(f"{present}/state").get_json()["position"] == 3
    assessment = db.scalars(select(Assessment)).one()
    agenda = result_service.results(assessment).agenda
    third = questionnaire.theme(agenda[2])
    assert third.title.da in html_text(facilitator.client.get(present))
    # a fixed position does not follow, and links back to following
    fixed = html_text(facilitator.client.get(f"{present}/2"))
    assert "Følg facilitatoren" in fixed
    assert questionnaire.theme(agenda[1]).title.da in fixed


@pytest.mark.parametrize("url", ["/f/{t}/present/state", "/f/{t}/present", "/f/{t}/workshop/end"])
def test_workshop_pages_need_the_facilitator_link(client, url):
    assert client.get(url.format(t="x" * 43)).status_code == 404


# ----------------------------------------------------------------------------- dashboard


def test_a_fresh_dashboard_says_what_to_do_first(app, facilitator):
    facilitator.create()
    text = html_text(facilitator.results())
    assert "Kom i gang" in text
    assert "0 af 0 medlemmer" not in text
    assert "Vis resultaterne for medlemmerne" not in text


def test_results_come_first_once_answers_exist(app, questionnaire):
    facilitator, _members = team_of_three(app, questionnaire)
    html = facilitator.results().get_data(as_text=True)
    assert html.index('id="overview-heading"') < html.index('id="participation-heading"') \
        < html.index('id="links-heading"')


def test_the_csv_help_shows_the_comment_column(app, facilitator):
    facilitator.create()
    text = html_text(facilitator.results())
    assert "“comment:<temaets id>”" in text
