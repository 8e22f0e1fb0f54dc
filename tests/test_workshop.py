"""Workshop mode through the client: reveal, consensus, action plan, anonymity, closing."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from selfcheck.models import Action, Assessment, ThemeDecision

from .conftest import Facilitator, Member, csrf_token, html_text

pytestmark = pytest.mark.both_databases


def answered_team(app, questionnaire, *, answers="named", reveal="when_revealed",
                  names=("Anne", "Bo", "Carl"), values=(2, 4, 5)):
    facilitator = Facilitator(app)
    page = facilitator.client.get("/new")
    response = facilitator.client.post("/new", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "organisation": "Kommune",
        "team": "Team", "language": "da", "answers": answers, "reveal": reveal})
    facilitator.token = response.headers["Location"].rsplit("/f/", 1)[1]
    members = []
    for name, value in zip(names, values, strict=True):
        member = Member(app, facilitator.join_url()).join(name if answers == "named" else None)
        # Reverse-worded statements get the mirrored answer, so every theme score is `value`
        # and the agenda keeps the questionnaire's order.
        answers_given = {q.id: 6 - value if q.reverse else value
                         for q in questionnaire.questions}
        member.answer_all(questionnaire, answers_given,
                          comments={"purpose": f"Kommentar fra {name}"})
        members.append(member)
    return facilitator, members


def post_form(client, page_url: str, action_url: str, data: dict):
    page = client.get(page_url)
    return client.post(action_url, data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                         **data})


def workshop_url(facilitator, position=1):
    return f"{facilitator.results_url}/workshop/{position}"


# ------------------------------------------------------------------------- reveal


def test_reveal_off_members_see_only_their_own_answers_until_revealed(app, questionnaire):
    facilitator, members = answered_team(app, questionnaire)
    member = members[0]
    url = f"/p/{member.token}/results"
    before_submit = html_text(member.client.get(url))
    assert "Send dine svar først. Så kan du se teamets resultater." in before_submit
    member.submit()
    waiting = html_text(member.client.get(url))
    assert "Facilitatoren har ikke vist teamets resultater endnu." in waiting
    assert "Dine egne svar" in waiting and "Samlet score" not in waiting
    assert facilitator.post("reveal").status_code == 302
    shown = html_text(member.client.get(url))
    assert "Samlet score" in shown
    assert "Din score ved siden af teamets, for hvert tema" in shown
    assert facilitator.post("hide").status_code == 302
    assert "Samlet score" not in html_text(member.client.get(url))


def test_reveal_on_members_see_results_as_soon_as_they_submit(app, questionnaire, db):
    _facilitator, members = answered_team(app, questionnaire, reveal="after_submit")
    assert set(db.scalars(select(Assessment.reveal))) == {"after_submit"}
    member = members[1]
    assert "Send dine svar først." in html_text(member.client.get(f"/p/{member.token}/results"))
    member.submit()
    shown = html_text(member.client.get(f"/p/{member.token}/results"))
    assert "Samlet score 4,0 af 5" in shown  # only Bo's answers (all 4) have been submitted


# ------------------------------------------------------------------------- consensus


def test_record_change_and_clear_consensus(app, questionnaire, db):
    facilitator, members = answered_team(app, questionnaire)
    for member in members:
        member.submit()
    # Member scores 2, 4 and 5 in every theme: every theme is disagreed with the same spread,
    # so the agenda keeps the questionnaire's order and position 1 is the first theme.
    page = html_text(facilitator.client.get(workshop_url(facilitator)))
    assert "1 af 6 på dagsordenen" in page and questionnaire.themes[0].title.da in page
    url = f"{workshop_url(facilitator)}/decision"
    response = post_form(facilitator.client, workshop_url(facilitator), url,
                         {"consensus": "2", "note": "Vi skal tale mere om hensigten."})
    assert response.status_code == 302
    decision = db.scalars(select(ThemeDecision)).one()
    assert (decision.theme_id, decision.consensus, decision.note,
            decision.agreed_to_disagree) == ("purpose", 2.0, "Vi skal tale mere om hensigten.",
                                             False)
    results = html_text(facilitator.results())
    assert "Aftalt score: 2,0 (teamets gennemsnit er 3,7). Kategori og forslag følger den " \
           "aftalte score." in results
    assert "1. Alle kender målene og hensigten ⚠ Uenighed 3,7 2,0 67 % Udviklingsområde" in results

    post_form(facilitator.client, workshop_url(facilitator), url,
              {"consensus": "4.5", "note": "", "agreed_to_disagree": "y"})
    db.expire_all()
    decision = db.scalars(select(ThemeDecision)).one()
    assert (decision.consensus, decision.note, decision.agreed_to_disagree) == (4.5, "", True)
    assert "Teamet blev enige om at være uenige." in html_text(facilitator.results())

    post_form(facilitator.client, workshop_url(facilitator), url, {"consensus": "", "note": ""})
    db.expire_all()
    assert db.scalars(select(ThemeDecision)).all() == []


@pytest.mark.parametrize("value", ["0", "6", "3.3", "abc"])
def test_consensus_off_the_scale_gets_400(app, questionnaire, db, value):
    facilitator, members = answered_team(app, questionnaire)
    members[0].submit()
    response = post_form(facilitator.client, workshop_url(facilitator),
                         f"{workshop_url(facilitator)}/decision", {"consensus": value})
    assert response.status_code == 400
    assert db.scalars(select(ThemeDecision)).all() == []


def test_workshop_follows_the_agenda_most_disagreement_first(app, questionnaire):
    facilitator = Facilitator(app).create()
    theme = questionnaire.theme("few_concrete")
    for value_in_theme in (1, 5, 3):
        member = Member(app, facilitator.join_url()).join()
        answers = {q.id: 3 for q in questionnaire.questions}
        answers.update({q.id: 6 - value_in_theme if q.reverse else value_in_theme
                        for q in theme.questions})
        member.answer_all(questionnaire, answers)
        member.submit()
    first = html_text(facilitator.client.get(workshop_url(facilitator)))
    assert "1 af 6 på dagsordenen Næste →" in first
    number = [t.title.da for t in questionnaire.themes].index("Få og konkrete mål") + 1
    assert f"Tema {number} Få og konkrete mål" in first
    assert "⚠ Teamet er uenigt her." in first
    assert facilitator.client.get(workshop_url(facilitator, 7)).status_code == 404


# ------------------------------------------------------------------------- actions


def test_actions_from_a_suggestion_and_by_hand_edit_and_delete(app, questionnaire, db):
    facilitator, members = answered_team(app, questionnaire, values=(1, 2, 2))
    for member in members:
        member.submit()
    page_url = workshop_url(facilitator)
    theme = questionnaire.themes[0]
    suggestion = theme.suggestions_for("develop")[0]
    response = post_form(facilitator.client, page_url, f"{page_url}/suggestions",
                         {"suggestion_id": suggestion.id})
    assert response.status_code == 302
    response = post_form(facilitator.client, page_url, f"{page_url}/actions", {
        "text": "Tal om målene på næste personalemøde", "owner": "Bo",
        "due_date": "2027-01-31", "status": "planned"})
    assert response.status_code == 302
    actions = db.scalars(select(Action).order_by(Action.id)).all()
    assert [(a.theme_id, a.suggestion_id, a.owner, a.due_date, a.status) for a in actions] == [
        ("purpose", suggestion.id, "", None, "planned"),
        ("purpose", None, "Bo", date(2027, 1, 31), "planned"),
    ]
    assert actions[0].text == f"{suggestion.title.da}. {suggestion.text.da}"
    page = html_text(facilitator.client.get(page_url))
    assert f"{suggestion.title.da}. {suggestion.text.da} (i planen)" in page

    edit_url = f"{facilitator.results_url}/actions/{actions[0].id}"
    response = post_form(facilitator.client, edit_url, edit_url, {
        "text": "Sig målene med egne ord – på ledermødet", "owner": "Anne",
        "due_date": "2027-02-15", "status": "started"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{facilitator.results_url}#plan")
    db.expire_all()
    edited = db.get(Action, actions[0].id)
    assert (edited.text, edited.owner, edited.due_date, edited.status) == (
        "Sig målene med egne ord – på ledermødet", "Anne", date(2027, 2, 15), "started")
    plan = html_text(facilitator.results())
    assert "Alle kender målene og hensigten Sig målene med egne ord – på ledermødet Anne " \
           "15. feb. 2027 I gang" in plan

    bad = post_form(facilitator.client, edit_url, edit_url, {
        "text": "", "owner": "x", "due_date": "31-02-2027", "status": "finished"})
    assert bad.status_code == 400
    db.expire_all()
    assert db.get(Action, actions[0].id).text == "Sig målene med egne ord – på ledermødet"

    response = post_form(facilitator.client, edit_url, f"{edit_url}/delete", {})
    assert response.status_code == 302
    db.expire_all()
    assert [a.id for a in db.scalars(select(Action))] == [actions[1].id]


def test_unknown_suggestion_and_other_assessments_action_are_refused(app, questionnaire, db):
    facilitator, members = answered_team(app, questionnaire)
    members[0].submit()
    page_url = workshop_url(facilitator)
    other_theme_suggestion = questionnaire.themes[5].suggestions[0].id
    for value in ("nope", other_theme_suggestion):
        response = post_form(facilitator.client, page_url, f"{page_url}/suggestions",
                             {"suggestion_id": value})
        assert response.status_code == 400
    assert db.scalars(select(Action)).all() == []
    post_form(facilitator.client, page_url, f"{page_url}/actions", {"text": "Min handling",
                                                                     "status": "planned"})
    action_id = db.scalars(select(Action.id)).one()
    other = Facilitator(app).create()
    assert other.client.get(f"{other.results_url}/actions/{action_id}").status_code == 404
    response = post_form(other.client, other.results_url,
                         f"{other.results_url}/actions/{action_id}/delete", {})
    assert response.status_code == 404
    assert db.scalars(select(Action.id)).all() == [action_id]


# ------------------------------------------------------------------------- anonymity, closing


def test_anonymous_assessment_shows_no_name_anywhere(app, questionnaire, db):
    facilitator = Facilitator(app).create(answers="anonymous")
    tokens = []
    for name in ("Hemmelige Hanne", "Skjulte Sven", "Anonyme Anna"):
        member = Member(app, facilitator.join_url())
        page = member.client.get(member.join_url)
        # A member who types a name into a tampered form still stays anonymous.
        response = member.client.post(member.join_url, data={
            "csrf_token": csrf_token(page.get_data(as_text=True)), "display_name": name})
        member.token = response.headers["Location"].split("/p/", 1)[1].rstrip("/")
        member.answer_all(questionnaire, {q.id: 3 for q in questionnaire.questions},
                          comments={"purpose": f"Mening uden navn {len(tokens)}"})
        member.submit()
        tokens.append(member)
    assert facilitator.post("reveal").status_code == 302
    pages = [facilitator.results(), facilitator.client.get(workshop_url(facilitator)),
             tokens[0].client.get(f"/p/{tokens[0].token}/results"),
             facilitator.client.get(f"{facilitator.results_url}/invite")]
    pdf = facilitator.client.get(f"{facilitator.results_url}/report.pdf").data
    texts = [html_text(p) for p in pages]
    texts.append("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    for text in texts:
        for name in ("Hanne", "Sven", "Anna"):
            assert name not in text
    assert "Mening uden navn 0" in texts[0] and "Mening uden navn 0" in texts[4]


def test_closing_stops_answers_but_not_the_workshop(app, questionnaire, db):
    facilitator, members = answered_team(app, questionnaire)
    for member in members:
        member.submit()
    page_url = workshop_url(facilitator)
    post_form(facilitator.client, page_url, f"{page_url}/actions", {"text": "Før lukning",
                                                                     "status": "planned"})
    action_id = db.scalars(select(Action.id)).one()
    assert facilitator.post("close").status_code == 302
    answer = members[0].post_step(1, {q.id: 1 for q in questionnaire.themes[0].questions})
    assert answer.status_code == 409
    assert "Svarene kan ikke længere ændres." in html_text(answer)
    attempts = [
        post_form(facilitator.client, page_url, f"{page_url}/decision", {"consensus": "3"}),
        post_form(facilitator.client, page_url, f"{page_url}/actions", {"text": "Efter",
                                                                         "status": "planned"}),
        post_form(facilitator.client, page_url, f"{page_url}/suggestions",
                  {"suggestion_id": questionnaire.themes[0].suggestions[0].id}),
        post_form(facilitator.client, page_url,
                  f"{facilitator.results_url}/actions/{action_id}",
                  {"text": "Ændret", "status": "done"}),
    ]
    assert [r.status_code for r in attempts] == [302] * 4
    db.expire_all()
    assert [d.consensus for d in db.scalars(select(ThemeDecision))] == [3]
    texts = {a.text: a.status for a in db.scalars(select(Action))}
    assert (texts["Efter"], texts["Ændret"], len(texts)) == ("planned", "done", 3)
    delete = post_form(facilitator.client, page_url,
                       f"{facilitator.results_url}/actions/{action_id}/delete", {})
    assert delete.status_code == 302
    assert db.get(Action, action_id) is None


def test_invite_page_has_a_qr_code_and_the_join_link(app, facilitator):
    facilitator.create()
    page = facilitator.client.get(f"{facilitator.results_url}/invite")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<svg role="img" aria-label="QR-kode med linket til at deltage"' in html
    text = html_text(page)
    code = re.search(r'id="join-code">([A-Z0-9 ]+)</code>',
                     facilitator.results().get_data(as_text=True)).group(1)
    assert f"Gå på din telefon til localhost/kode og skriv koden {code}" in text
    assert "0 af 0 medlemmer har sendt deres svar." in text


def test_participation_endpoint_for_the_dashboard(app, questionnaire):
    facilitator, members = answered_team(app, questionnaire)
    members[0].submit()
    response = facilitator.client.get(f"{facilitator.results_url}/participation.json")
    assert response.status_code == 200
    assert response.get_json() == {
        "submitted": 1, "started": 3,
        "text": "1 af 3 medlemmer har sendt deres svar."}
    assert facilitator.client.get("/f/wrong/participation.json").status_code == 404
