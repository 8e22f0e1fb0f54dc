"""The workspace: the list, shared facilitation per role, holding old links, deletion, purge."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from selfcheck import models
from selfcheck.cli import main
from selfcheck.models import Access, Assessment, Invitation, Organisation

from .conftest import Consultant, Facilitator, Member, csrf_token, html_text

pytestmark = pytest.mark.both_databases


def rows(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def all_counts(db) -> dict[str, int]:
    """Rows in every table of the schema."""
    return {table.name: rows(db, table) for table in models.Base.metadata.sorted_tables}


def join_url_of(client, key: str) -> str:
    html = client.get(f"/f/{key}").get_data(as_text=True)
    return "/j/" + re.search(r"/j/([A-Za-z0-9_-]+)", html).group(1)


def answered(app, questionnaire, client, key: str, values=(2, 4), comment="Godt"):
    """Members who joined through the page's join link, answered everything and submitted."""
    members = []
    for value in values:
        member = Member(app, join_url_of(client, key)).join()
        member.answer_all(questionnaire, {q.id: value for q in questionnaire.questions},
                          comments={"purpose": comment})
        member.submit()
        members.append(member)
    return members


# ----------------------------------------------------------------------------- the list

def test_the_workspace_lists_newest_activity_first_with_participation(
        app, questionnaire, consultant):
    first_id, _ = consultant.create_assessment("Aarhus Kommune", "Direktionen")
    second_id, _ = consultant.create_assessment("Region Midt", "Koncernledelsen")
    organisation_id, _ = consultant.create_organisation("Eksempel Kommune")
    answered(app, questionnaire, consultant.client, f"a{first_id}", values=(3, 4))
    Member(app, join_url_of(consultant.client, f"a{first_id}")).join()  # joined, not answered
    page = consultant.client.get("/w")
    text = html_text(page)
    assert page.status_code == 200
    order = [m.group(1) for m in re.finditer(
        r'href="(/(?:f|o)/a\d+)"', page.get_data(as_text=True))]
    assert order == [f"/f/a{first_id}", f"/o/a{organisation_id}", f"/f/a{second_id}"]
    assert "Aarhus Kommune · Direktionen" in text and "2 af 3" in text
    assert "Region Midt · Koncernledelsen" in text and "0 af 0" in text
    assert "Ledelseskæde, 0 teams" in text
    assert text.count("Ejer") == 3  # the role column
    assert "3 elementer, nyeste aktivitet først." in text


def test_the_workspace_filters_by_client_and_status(app, consultant):
    first_id, first_token = consultant.create_assessment("Aarhus Kommune", "Direktionen")
    consultant.create_assessment("Region Midt", "Koncernledelsen")
    closed = consultant.form_post(f"/f/{first_token}/close", page_url=f"/f/{first_token}")
    assert closed.status_code == 302
    by_client = html_text(consultant.client.get("/w?client=Region+Midt"))
    assert "Region Midt · Koncernledelsen" in by_client and "Direktionen" not in by_client
    by_status = html_text(consultant.client.get("/w?status=closed"))
    assert "Aarhus Kommune · Direktionen" in by_status and "Koncernledelsen" not in by_status
    assert "Lukket for svar" in by_status
    nothing = html_text(consultant.client.get("/w?client=Aarhus+Kommune&status=open"))
    assert "Intet passer til filteret." in nothing
    odd = consultant.client.get("/w?status=%00&client=" + "x" * 5000)
    assert odd.status_code == 200


def test_an_empty_workspace_says_how_to_begin(consultant):
    text = html_text(consultant.client.get("/w"))
    assert "Her er intet endnu" in text and "Føj til mit arbejdsområde" in text


def test_the_workspace_needs_a_login(client):
    response = client.get("/w")
    assert response.status_code == 302
    assert unquote(response.headers["Location"]) == "/login?next=/w"


def test_the_list_costs_the_same_for_two_and_twelve_items(app, consultant):
    from sqlalchemy import event

    def statements_for_list() -> int:
        engine = app.extensions["db_engine"]
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert consultant.client.get("/w").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    for i in range(2):
        consultant.create_assessment("Kommune", f"Team {i}")
    few = statements_for_list()
    for i in range(2, 12):
        consultant.create_assessment("Kommune", f"Team {i}")
    assert statements_for_list() == few


# ----------------------------------------------------------------------------- roles

@pytest.fixture
def shared(app, consultant, db):
    """An assessment owned by the consultant, shared with a facilitator; and a stranger."""
    assessment_id, token = consultant.create_assessment()
    colleague = Consultant(app, "kollega@example.dk").signup()
    stranger = Consultant(app, "fremmed@example.dk").signup()
    response = consultant.form_post(f"/w/a/{assessment_id}/access",
                                    {"email": "Kollega@Example.dk", "role": "facilitator"})
    assert response.status_code == 302
    return {"id": assessment_id, "token": token, "owner": consultant,
            "facilitator": colleague, "stranger": stranger, "anonymous": Facilitator(app)}


PAGES = [  # (path, status for owner, facilitator, stranger); {id} is the assessment id
    ("/f/a{id}", 200, 200, 404),
    ("/f/a{id}/invite", 200, 200, 404),
    ("/f/a{id}/workshop/1", 200, 200, 404),
    ("/f/a{id}/export.json", 200, 200, 404),
    ("/w/a/{id}/access", 200, 403, 404),
    ("/w/a/{id}/delete", 200, 403, 404),
]


@pytest.mark.parametrize(("path", "owner", "facilitator", "stranger"), PAGES)
def test_every_page_checks_the_role(shared, path, owner, facilitator, stranger):
    url = path.format(id=shared["id"])
    for role, expected in (("owner", owner), ("facilitator", facilitator),
                           ("stranger", stranger)):
        response = shared[role].client.get(url)
        assert response.status_code == expected, (role, url)
    anonymous = shared["anonymous"].client.get(url)
    assert anonymous.status_code == 302
    assert unquote(anonymous.headers["Location"]) == f"/login?next={url}"


@pytest.mark.parametrize("action", ["access", "invite", "delete"])
def test_owner_only_actions_are_refused_to_a_facilitator(shared, db, action):
    before = (rows(db, Access), rows(db, Invitation), rows(db, Assessment))
    url = f"/w/a/{shared['id']}/{action}"
    data = {"access": {"email": "fremmed@example.dk", "role": "owner"},
            "invite": {"invite-role": "owner"}, "delete": {"confirm": "y"}}[action]
    response = shared["facilitator"].form_post(url, data, page_url=f"/f/a{shared['id']}")
    assert response.status_code == 403
    stranger = shared["stranger"].form_post(url, data, page_url="/w")
    assert stranger.status_code == 404
    assert (rows(db, Access), rows(db, Invitation), rows(db, Assessment)) == before


def test_the_account_page_never_shows_the_link_and_removing_access_closes_it(shared, db):
    owner, colleague = shared["owner"], shared["facilitator"]
    page = colleague.client.get(f"/f/a{shared['id']}")
    text = html_text(page)
    assert "Dit facilitatorlink" not in text and shared["token"] not in page.get_data(
        as_text=True)
    assert "Link til teamet" in text  # the join link is there, from the sealed token
    assert "I dit arbejdsområde som facilitator." in text
    assert "Kommune · Direktionen" not in html_text(shared["stranger"].client.get("/w"))
    assert "Aarhus Kommune · Direktionen" in html_text(colleague.client.get("/w"))
    access_page = owner.client.get(f"/w/a/{shared['id']}/access")
    colleague_row = db.scalars(select(Access).where(Access.role == "facilitator")).one()
    response = owner.form_post(f"/w/a/{shared['id']}/access/{colleague_row.id}/remove",
                               page_url=f"/w/a/{shared['id']}/access")
    assert access_page.status_code == 200 and response.status_code == 302
    assert colleague.client.get(f"/f/a{shared['id']}").status_code == 404
    assert "Direktionen" not in html_text(colleague.client.get("/w"))
    assert rows(db, Access) == 1


def test_the_last_owner_cannot_be_removed(shared, db):
    owner_row = db.scalars(select(Access).where(Access.role == "owner")).one()
    page = shared["owner"].client.get(f"/w/a/{shared['id']}/access").get_data(as_text=True)
    removable = re.findall(r'/access/(\d+)/remove', page)
    assert len(removable) == 1 and int(removable[0]) != owner_row.id  # only the facilitator
    response = shared["owner"].form_post(f"/w/a/{shared['id']}/access/{owner_row.id}/remove",
                                         page_url=f"/w/a/{shared['id']}/access")
    assert response.status_code == 302
    page = shared["owner"].client.get(response.headers["Location"])
    assert "Den sidste ejer kan ikke fjernes." in html_text(page)
    assert rows(db, Access) == 2


def test_sharing_with_an_address_without_an_account(shared, db):
    response = shared["owner"].form_post(f"/w/a/{shared['id']}/access",
                                         {"email": "ny@example.dk", "role": "owner"})
    assert response.status_code == 400
    assert "Ingen konto har denne e-mailadresse." in html_text(response)
    assert rows(db, Access) == 2


def test_an_invitation_link_works_once(app, shared, db):
    response = shared["owner"].form_post(f"/w/a/{shared['id']}/invite", {"invite-role": "owner"},
                                         page_url=f"/w/a/{shared['id']}/access")
    assert response.status_code == 200
    link = re.search(r"http://localhost(/invite/[A-Za-z0-9_-]+)",
                     response.get_data(as_text=True)).group(1)
    invited = shared["stranger"]
    offer = invited.client.get(link)
    assert "Du er inviteret til Aarhus Kommune – Direktionen som ejer." in html_text(offer)
    accepted = invited.form_post(link)
    assert accepted.status_code == 302 and accepted.headers["Location"] == f"/f/a{shared['id']}"
    assert invited.client.get(f"/w/a/{shared['id']}/access").status_code == 200
    assert rows(db, Invitation) == 0
    again = Consultant(app, "tredje@example.dk").signup().client.get(link)
    assert again.status_code == 404
    expired = shared["owner"].form_post(f"/w/a/{shared['id']}/invite",
                                        {"invite-role": "facilitator"},
                                        page_url=f"/w/a/{shared['id']}/access")
    link = re.search(r"(/invite/[A-Za-z0-9_-]+)", expired.get_data(as_text=True)).group(1)
    invitation = db.scalars(select(Invitation)).one()
    invitation.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.commit()
    assert shared["stranger"].client.get(link).status_code == 404


def test_an_invitation_asks_for_a_login_first(app, shared):
    response = shared["owner"].form_post(f"/w/a/{shared['id']}/invite",
                                         {"invite-role": "facilitator"},
                                         page_url=f"/w/a/{shared['id']}/access")
    link = re.search(r"(/invite/[A-Za-z0-9_-]+)", response.get_data(as_text=True)).group(1)
    visitor = app.test_client().get(link)
    assert visitor.status_code == 302
    assert unquote(visitor.headers["Location"]) == f"/login?next={link}"


# ----------------------------------------------------------------------------- organisations

def test_organisation_roles_and_its_teams(app, consultant, db):
    organisation_id, token = consultant.create_organisation()
    created = consultant.form_post(f"/o/{token}/teams", {
        "level": "1", "team": "Direktionen", "answers": "anonymous"}, page_url=f"/o/{token}")
    assert created.status_code == 200
    team = db.scalars(select(Assessment)).one()
    colleague = Consultant(app, "kollega@example.dk").signup()
    consultant.form_post(f"/w/o/{organisation_id}/access",
                         {"email": colleague.email, "role": "facilitator"})
    page = colleague.client.get(f"/o/a{organisation_id}")
    assert page.status_code == 200
    assert f'href="/f/a{team.id}"' in page.get_data(as_text=True)  # the team opens
    assert colleague.client.get(f"/f/a{team.id}").status_code == 200
    assert colleague.client.get(f"/w/o/{organisation_id}/branding").status_code == 403
    assert consultant.client.get(f"/w/o/{organisation_id}/branding").status_code == 200
    assert "Organisationens link" not in html_text(page)


ORGANISATION_FACILITATOR = ("Facilitator – ser sammenligningen, tilføjer teams og niveauer, "
                            "starter opfølgningen og åbner teamenes sider. Får ikke teamenes "
                            "facilitatorlinks.")
ORGANISATION_OWNER = ("Ejer – kan også dele, sætte logo på og slette. Får facilitatorlinkene til "
                      "de teams, ejeren selv tilføjer.")


def test_an_organisations_access_page_says_what_each_role_may_do_in_the_chain(app, consultant):
    organisation_id, _token = consultant.create_organisation()
    text = html_text(consultant.client.get(f"/w/o/{organisation_id}/access"))
    # the form to give access and the invitation's form
    assert text.count(ORGANISATION_FACILITATOR) == 2 and text.count(ORGANISATION_OWNER) == 2
    assert "står for selvevalueringen" not in text
    assert ("Alle, der har organisationens link, kan også åbne den – med eller uden konto. "
            "Linket åbner aldrig et teams side.") in text
    # an assessment's own page keeps the assessment's words
    assessment_id, _token = consultant.create_assessment()
    text = html_text(consultant.client.get(f"/w/a/{assessment_id}/access"))
    assert "Facilitator – står for selvevalueringen" in text
    assert "Ejer – kan også dele, sætte logo på og slette" in text
    assert ORGANISATION_FACILITATOR not in text
    with consultant.client.session_transaction() as session:
        session["lang"] = "en"
    text = html_text(consultant.client.get(f"/w/o/{organisation_id}/access"))
    assert ("Facilitator – sees the comparison, adds teams and levels, starts the follow-up and "
            "opens the teams' pages. Gets no team's facilitator link.") in text
    assert ("Owner – may also share, brand and delete, and gets the facilitator links of the "
            "teams they add.") in text


def test_holding_an_organisations_link_never_opens_its_teams(app, questionnaire, db):
    creator = app.test_client()
    page = creator.get("/o/new")
    response = creator.post("/o/new", data={"csrf_token": csrf_token(page.get_data(
        as_text=True)), "name": "Gammel Kommune", "language": "da"})
    token = response.headers["Location"].rsplit("/o/", 1)[1]
    page = creator.get(f"/o/{token}")
    creator.post(f"/o/{token}/teams", data={"csrf_token": csrf_token(page.get_data(
        as_text=True)), "level": "1", "team": "Direktionen", "answers": "anonymous"})
    team = db.scalars(select(Assessment)).one()
    holder = Consultant(app, "direktør@example.dk").signup()
    offer = holder.client.get(f"/o/{token}")
    assert "Føj til mit arbejdsområde" in html_text(offer)
    held = holder.form_post(f"/o/{token}/hold", page_url=f"/o/{token}")
    assert held.status_code == 302
    access = db.scalars(select(Access)).one()
    assert (access.role, access.covers_teams) == ("owner", False)
    assert holder.client.get(f"/o/a{access.organisation_id}").status_code == 200
    assert holder.client.get(f"/f/a{team.id}").status_code == 404
    assert db.get(Organisation, access.organisation_id).token_sealed
    # its access page offers no more than it has: a facilitator it adds opens no team's page
    text = html_text(holder.client.get(f"/w/o/{access.organisation_id}/access"))
    assert text.count("Facilitator – ser sammenligningen, tilføjer teams og niveauer og "
                      "starter opfølgningen. Får ikke teamenes facilitatorlinks.") == 2
    assert "åbner teamenes sider" not in text


# ----------------------------------------------------------------------------- holding a link

def test_a_logged_in_facilitator_adds_an_old_link_to_the_workspace(app, db):
    old = Facilitator(app).create()
    first = Consultant(app, "første@example.dk").signup()
    page = first.client.get(f"/f/{old.token}")
    assert "Føj til mit arbejdsområde" in html_text(page)
    response = first.form_post(f"/f/{old.token}/hold", page_url=f"/f/{old.token}")
    assert response.status_code == 302
    assert "I dit arbejdsområde som ejer." in html_text(first.client.get(f"/f/{old.token}"))
    assessment = db.scalars(select(Assessment)).one()
    assert assessment.facilitator_token_sealed and old.token not in \
        assessment.facilitator_token_sealed
    second = Consultant(app, "anden@example.dk").signup()
    second.form_post(f"/f/{old.token}/hold", page_url=f"/f/{old.token}")
    roles = sorted(a.role for a in db.scalars(select(Access)))
    assert roles == ["facilitator", "owner"]
    assert "Aarhus Kommune · Direktionen" in html_text(second.client.get("/w"))
    # the join link on the account's page is the same as on the link's page
    assert join_url_of(second.client, f"a{assessment.id}") == join_url_of(
        old.client, old.token)
    # not logged in: the button asks for a login and changes nothing
    anonymous = Facilitator(app)
    anonymous.token = old.token
    response = anonymous.post("hold")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert rows(db, Access) == 2


# ----------------------------------------------------------------------------- deletion

def test_deleting_an_assessment_removes_everything_and_says_so(
        app, questionnaire, consultant, db):
    keep_id, _ = consultant.create_assessment("Aarhus Kommune", "Andet team")
    answered(app, questionnaire, consultant.client, f"a{keep_id}", values=(3,))
    assessment_id, token = consultant.create_assessment()
    answered(app, questionnaire, consultant.client, f"a{assessment_id}", values=(2, 4, 5))
    workshop = f"/f/{token}/workshop/1"
    consultant.form_post(f"{workshop}/decision", {"consensus": "3"}, page_url=workshop)
    consultant.form_post(f"{workshop}/actions", {"text": "Tal om målene", "status": "planned"},
                         page_url=workshop)
    colleague = Consultant(app, "kollega@example.dk").signup()
    consultant.form_post(f"/w/a/{assessment_id}/access",
                         {"email": colleague.email, "role": "facilitator"})
    consultant.form_post(f"/w/a/{assessment_id}/invite", {"invite-role": "owner"},
                         page_url=f"/w/a/{assessment_id}/access")
    assert consultant.client.get(f"/f/{token}/report.pdf").status_code == 200
    cache = Path(app.config["REPORT_CACHE_DIR"])
    assert len(list(cache.glob(f"assessment-{assessment_id}-*.pdf"))) == 1
    before = all_counts(db)
    assert (before["assessment"], before["participant"], before["theme_comment"],
            before["theme_decision"], before["action"], before["access"],
            before["invitation"]) == (2, 4, 4, 1, 1, 3, 1)

    confirm = consultant.client.get(f"/w/a/{assessment_id}/delete")
    assert "med 3 medlemmer og alle svar og kommentarer" in html_text(confirm)
    unconfirmed = consultant.form_post(f"/w/a/{assessment_id}/delete", {},
                                       page_url=f"/w/a/{assessment_id}/delete")
    assert unconfirmed.status_code == 400 and "Sæt hak for at bekræfte." in html_text(
        unconfirmed)
    assert all_counts(db) == before
    response = consultant.form_post(f"/w/a/{assessment_id}/delete", {"confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/w"
    message = html_text(consultant.client.get("/w"))
    assert ("Aarhus Kommune – Direktionen er slettet: 1 selvevalueringer, 3 medlemmer med "
            f"{3 * len(questionnaire.questions)} svar og 3 kommentarer, 1 beslutninger, "
            "1 handlinger og 1 gemte PDF-rapporter.") in message
    after = all_counts(db)
    per_member = len(questionnaire.questions)
    assert after == {**before, "assessment": 1, "participant": 1, "answer": per_member,
                     "theme_comment": 1, "theme_decision": 0, "action": 0, "access": 1,
                     "invitation": 0}
    assert list(cache.glob(f"assessment-{assessment_id}-*.pdf")) == []
    assert consultant.client.get(f"/f/{token}").status_code == 404
    assert colleague.client.get(f"/f/a{assessment_id}").status_code == 404


def test_deleting_an_organisation_removes_its_teams(app, questionnaire, consultant, db):
    organisation_id, token = consultant.create_organisation()
    page = f"/o/{token}"
    created = consultant.form_post(f"{page}/team-list", {
        "teams": "Direktion; Direktionen\nDirektion; Stab", "list_answers": "anonymous"},
        page_url=page)
    assert created.status_code == 200
    team_ids = list(db.scalars(select(Assessment.id).order_by(Assessment.id)))
    answered(app, questionnaire, consultant.client, f"a{team_ids[0]}", values=(2, 3))
    other_id, _ = consultant.create_assessment("Region", "Uden for kæden")
    before = all_counts(db)
    assert (before["organisation"], before["level"], before["assessment"]) == (
        1, len(questionnaire.levels), 3)
    response = consultant.form_post(f"/w/o/{organisation_id}/delete", {"confirm": "y"})
    assert response.status_code == 302
    after = all_counts(db)
    assert (after["organisation"], after["level"], after["assessment"], after["participant"],
            after["answer"], after["access"]) == (0, 0, 1, 0, 0, 1)
    assert db.get(Assessment, other_id) is not None
    assert consultant.client.get(page).status_code == 404


# ----------------------------------------------------------------------------- purge

def _close(db, assessment_id: int, days_ago: int) -> None:
    assessment = db.get(Assessment, assessment_id)
    assessment.status = "closed"
    assessment.closed_at = datetime.now(UTC) - timedelta(days=days_ago)
    db.commit()


def test_purge_deletes_what_was_closed_before_the_retention_time(
        app, questionnaire, consultant, runner, db):
    old_id, _ = consultant.create_assessment("Kommune", "Gammel")
    answered(app, questionnaire, consultant.client, f"a{old_id}", values=(2,))
    recent_id, _ = consultant.create_assessment("Kommune", "Ny")
    boundary_id, _ = consultant.create_assessment("Kommune", "Grænse")
    open_id, _ = consultant.create_assessment("Kommune", "Åben")
    finished_id, finished_token = consultant.create_organisation("Færdig Kommune")
    running_id, running_token = consultant.create_organisation("Igangværende Kommune")
    for token in (finished_token, running_token):
        consultant.form_post(f"/o/{token}/team-list", {
            "teams": "Direktion; A\nDirektion; B", "list_answers": "anonymous"},
            page_url=f"/o/{token}")
    teams = {(t.level.organisation_id, t.team): t.id for t in db.scalars(select(Assessment))
             if t.level_id}
    _close(db, old_id, 31)
    _close(db, recent_id, 29)
    _close(db, boundary_id, 30)  # closed 30 days and a few seconds ago: older than 30 days
    _close(db, teams[(finished_id, "A")], 40)
    _close(db, teams[(finished_id, "B")], 35)
    _close(db, teams[(running_id, "A")], 40)  # B is still open: the chain is running

    refused = runner.invoke(main, ["purge"])
    assert refused.exit_code == 1
    assert "Error: no retention time: set SELFCHECK_RETENTION_DAYS or pass --days" in \
        refused.output
    app.config["RETENTION_DAYS"] = 30
    result = runner.invoke(main, ["purge"])
    assert result.exit_code == 0, result.output
    per_member = len(questionnaire.questions)
    assert result.output.strip() == (
        "Deleted 4 assessment(s) and 1 organisation(s) closed more than 30 days ago: "
        f"1 member(s), {per_member} answer(s), 1 comment(s), 0 action(s), 0 saved PDF(s).")
    left = {a.id for a in db.scalars(select(Assessment))}
    assert left == {recent_id, open_id, teams[(running_id, "A")], teams[(running_id, "B")]}
    assert [o.id for o in db.scalars(select(Organisation))] == [running_id]
    bad = runner.invoke(main, ["purge", "--days", "0"])
    assert bad.exit_code == 2
