"""What an attacker tried on accounts, sharing, branding and organisations (issue 23, §4).

Each test here failed before its fix: it is the attack, replayed, and the outcome we want.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from selfcheck.cli import main
from selfcheck.models import Account, Assessment, Participant

from .conftest import PASSWORD, Consultant, Facilitator, Member, csrf_token, html_text

# ------------------------------------------------------------------- long passwords

#: zxcvbn raises ValueError above 72 characters; the documented maximum is 256.
LONG = "ordene i denne lange sætning er ikke til at gætte for nogen udenforstående " * 4


@pytest.mark.parametrize("length", [72, 73, 100, 256])
def test_a_long_password_is_accepted_on_sign_up(app, length):
    password = LONG[:length]
    person = Consultant(app, f"lang{length}@example.dk", password)
    app.config["SIGNUP"] = "open"
    response = person.form_post("/signup", {"email": person.email, "password": password})
    assert response.status_code == 302
    assert Consultant(app, person.email, password).login().status_code == 302


def test_a_password_of_257_characters_is_refused_with_a_message(app, db):
    app.config["SIGNUP"] = "open"
    person = Consultant(app, "for.lang@example.dk")
    response = person.form_post("/signup", {"email": person.email, "password": LONG[:257]})
    assert response.status_code == 400
    assert "Skriv højst 256 tegn." in html_text(response)
    assert db.scalar(select(func.count()).select_from(Account)) == 0


def test_long_passwords_on_the_account_and_reset_pages_and_the_cli(app, consultant, runner):
    changed = consultant.form_post("/account", {"current": PASSWORD, "password": LONG[:200]})
    assert changed.status_code == 302
    result = runner.invoke(main, ["user", "add", "cli@example.dk"],
                           input=f"{LONG[:150]}\n{LONG[:150]}\n")
    assert result.exit_code == 0, result.output
    assert "ValueError" not in result.output


def test_a_password_equal_to_the_address_is_refused(app, db):
    app.config["SIGNUP"] = "open"
    email = "direktoer.jensen@kommune.dk"
    person = Consultant(app, email, email)
    response = person.form_post("/signup", {"email": email, "password": email.upper()})
    assert response.status_code == 400
    assert "for let at gætte" in html_text(response)
    assert db.scalar(select(func.count()).select_from(Account)) == 0


# ------------------------------------------------------------- addresses that hide things

@pytest.mark.parametrize("address", [
    "bo\x7f@example.dk", "bo\x9b@example.dk", "bo\u202e@example.dk", "b\u200bo@example.dk",
    "bo@exam\u200cple.dk", "\ufeffbo@example.dk",
])
def test_invisible_and_control_characters_in_an_address_are_refused(app, db, address):
    app.config["SIGNUP"] = "open"
    person = Consultant(app, address)
    response = person.form_post("/signup", {"email": address, "password": PASSWORD})
    assert response.status_code == 400
    assert db.scalar(select(func.count()).select_from(Account)) == 0


def test_an_nfd_spelling_of_an_address_finds_the_same_account(app, db):
    import unicodedata

    app.config["SIGNUP"] = "open"
    composed = unicodedata.normalize("NFC", "søren.åberg@kommune.dk")
    decomposed = unicodedata.normalize("NFD", "søren.åberg@kommune.dk")
    assert composed != decomposed
    Consultant(app, composed).signup()
    second = Consultant(app, decomposed)
    response = second.form_post("/signup", {"email": decomposed, "password": PASSWORD})
    assert response.status_code == 400  # the address is taken: no look-alike account
    assert db.scalar(select(func.count()).select_from(Account)) == 1
    assert Consultant(app, decomposed).login().status_code == 302


# ------------------------------------------------------------ control characters in text

@pytest.mark.parametrize("character", ["\x07", "\x1b", "\x0b", "\x7f", "\x85"])
def test_a_control_character_in_a_team_name_is_refused(app, db, character):
    facilitator = Facilitator(app)
    page = facilitator.client.get("/new")
    response = facilitator.client.post("/new", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "organisation": "Aarhus Kommune", "team": f"Direktion{character}en",
        "language": "da", "answers": "anonymous"})
    assert response.status_code == 400
    assert "usynlige kontroltegn" in html_text(response)
    assert db.scalar(select(func.count()).select_from(Assessment)) == 0


def test_a_member_name_with_a_control_character_is_refused(app, db, facilitator):
    facilitator.create(answers="named")
    member = Member(app, facilitator.join_url())
    page = member.client.get(member.join_url)
    response = member.client.post(member.join_url, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "display_name": "Mem\x01ber"})
    assert response.status_code == 400
    assert db.scalar(select(func.count()).select_from(Participant)) == 0


def test_exports_of_text_stored_before_the_rule_drop_control_characters(app, db, facilitator,
                                                                     questionnaire):
    """Data stored before control characters were refused still exports: every writer
    drops them (openpyxl refuses them with IllegalCharacterError)."""
    from openpyxl import load_workbook

    facilitator.create(answers="named")
    member = Member(app, facilitator.join_url()).join("Anna")
    first = questionnaire.themes[0]
    assert member.post_step(1, {q.id: 4 for q in first.questions
                                if q.id in member.asked(1)}).status_code == 302
    assessment = db.scalars(select(Assessment)).one()
    assessment.team = "Direktion\x07en\x1b"
    db.scalars(select(Participant)).one().display_name = "Mem\x01ber\x7f"
    db.commit()
    xlsx = facilitator.client.get(f"{facilitator.results_url}/export.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "Member" in values and not any("\x01" in str(v) for v in values)
    for name in ("export-answers.csv", "export.json"):
        download = facilitator.client.get(f"{facilitator.results_url}/{name}")
        assert download.status_code == 200
        assert not re.search("[\x01\x07\x1b\x7f]", download.get_data(as_text=True))


def test_the_links_sheet_of_an_organisation_drops_control_characters(app, db, consultant):
    from openpyxl import load_workbook

    _number, token = consultant.create_organisation()
    created = consultant.form_post(f"/o/{token}/team-list", {
        "teams": "Direktion; Afdeling A", "list_answers": "anonymous"}, page_url=f"/o/{token}")
    assert created.status_code == 200, created.get_data(as_text=True)
    team = db.scalars(select(Assessment).where(Assessment.team == "Afdeling A")).one()
    team.team = "Afdeling\x07 A\x1b"
    db.commit()
    xlsx = consultant.client.get(f"/o/{token}/links.xlsx")
    assert xlsx.status_code == 200
    values = [c.value for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows()
              for c in row]
    assert "Afdeling A" in values


# ----------------------------------------------------------------- reset-link poisoning

def _reset_mail(inbox) -> str:
    from email import message_from_bytes, policy

    return message_from_bytes(inbox.messages[-1].content, policy=policy.default).get_content()


def test_a_reset_link_is_never_built_from_the_requests_host(app, consultant, inbox):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{inbox.port}"
    app.config["PUBLIC_URL"] = "https://selfcheck.example.dk"
    app.config["WTF_CSRF_ENABLED"] = False  # the test client sends no cookie to another Host
    person = Consultant(app, consultant.email)
    page = person.client.get("/forgot")
    response = person.client.post("/forgot", headers={"Host": "evil.example"}, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "email": consultant.email})
    assert response.status_code == 302
    body = _reset_mail(inbox)
    assert "https://selfcheck.example.dk/reset/" in body
    assert "evil.example" not in body


def test_without_a_public_address_or_allowed_hosts_no_reset_mail_is_sent(app, consultant,
                                                                         inbox, caplog):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{inbox.port}"
    app.config["PUBLIC_URL"] = None
    app.config["WTF_CSRF_ENABLED"] = False  # the test client sends no cookie to another Host
    person = Consultant(app, consultant.email)
    page = person.client.get("/forgot")
    assert page.status_code == 200
    text = html_text(page)
    assert "selfcheck user set-password" in text  # ask an administrator instead
    response = person.client.post("/forgot", headers={"Host": "evil.example"}, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "email": consultant.email})
    assert response.status_code == 200
    assert inbox.messages == []
    assert any("SELFCHECK_PUBLIC_URL" in r.getMessage() for r in caplog.records)


def test_with_allowed_hosts_another_host_is_refused(app, consultant, inbox):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{inbox.port}"
    app.config["PUBLIC_URL"] = None
    app.config["TRUSTED_HOSTS"] = ["localhost"]
    app.config["WTF_CSRF_ENABLED"] = False  # the test client sends no cookie to another Host
    person = Consultant(app, consultant.email)
    page = person.client.get("/forgot")
    refused = person.client.post("/forgot", headers={"Host": "evil.example"}, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "email": consultant.email})
    assert refused.status_code == 400
    assert inbox.messages == []
    allowed = person.form_post("/forgot", {"email": consultant.email})
    assert allowed.status_code == 302
    assert "http://localhost/reset/" in _reset_mail(inbox)


# ------------------------------------------------------------ guessing the current password

def test_guessing_the_current_password_is_limited_like_logins(app, consultant):
    statuses = [consultant.form_post("/account", {"current": f"forkert {n}",
                                                  "password": LONG[:40]}).status_code
                for n in range(8)]
    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429] * 3
    assert Consultant(app, consultant.email).login().status_code == 302  # the password held


# ----------------------------------------------------------------------- a JPEG's comment

def test_a_jpeg_logos_comment_and_metadata_are_dropped(app, consultant):
    from PIL import Image

    from selfcheck.models import Branding

    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "<script>alert(2)</script>"  # ImageDescription
    Image.new("RGB", (60, 30), (200, 30, 30)).save(
        buffer, "JPEG", comment=b"<script>alert(1)</script>", exif=exif.tobytes())
    raw = buffer.getvalue()
    assert b"<script>" in raw
    from werkzeug.datastructures import FileStorage

    page = consultant.client.get("/account")
    response = consultant.client.post("/account/branding", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "name": "Konsulenthuset",
        "logo": FileStorage(io.BytesIO(raw), filename="logo.jpg")})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        from selfcheck.db import get_session

        stored = get_session().scalars(select(Branding)).one().logo
    assert b"<script>" not in stored
    assert b"Exif" not in stored
    assert Image.open(io.BytesIO(stored)).size == (60, 30)


# ------------------------------------------------- an organisation's link and its follow-up

def test_a_follow_up_of_a_chain_needs_the_right_to_its_teams_and_grants_no_more(app, db):
    from selfcheck.models import Access, Organisation

    owner = Consultant(app, "ejer@example.dk").signup()
    organisation_id, token = owner.create_organisation()
    created = owner.form_post(f"/o/{token}/team-list", {
        "teams": "Direktion; Direktionen", "list_answers": "named"}, page_url=f"/o/{token}")
    assert created.status_code == 200
    link_holder = Consultant(app, "link@example.dk").signup()
    held = link_holder.form_post(f"/o/{token}/hold", page_url=f"/o/{token}")
    assert held.status_code == 302
    by_account = f"/o/a{organisation_id}"
    assert link_holder.client.get(by_account).status_code == 200
    team = db.scalars(select(Assessment)).one()
    assert link_holder.client.get(f"/f/a{team.id}").status_code == 404  # as designed

    page = link_holder.client.get(by_account)
    assert "Start en opfølgning af kæden" not in html_text(page)
    refused = link_holder.client.post(f"{by_account}/follow-up", data={
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert refused.status_code == 404
    assert db.scalar(select(func.count()).select_from(Organisation)) == 1
    assert db.scalar(select(func.count()).select_from(Assessment)) == 1

    # The owner starts it: everybody keeps what they had on the round it follows.
    started = owner.form_post(f"{by_account}/follow-up", page_url=by_account)
    assert started.status_code == 302
    new_round = db.scalars(select(Organisation).where(
        Organisation.previous_id == organisation_id)).one()
    roles = {(a.account.email, a.role, a.covers_teams) for a in db.scalars(
        select(Access).where(Access.organisation_id == new_round.id))}
    assert roles == {("ejer@example.dk", "owner", True), ("link@example.dk", "facilitator", False)}
    new_team = db.scalars(select(Assessment).where(Assessment.previous_id == team.id)).one()
    assert link_holder.client.get(f"/f/a{new_team.id}").status_code == 404
    assert owner.client.get(f"/f/a{new_team.id}").status_code == 200


def test_a_facilitator_who_starts_a_teams_follow_up_does_not_become_its_owner(app, db):
    from selfcheck.models import Access

    owner = Consultant(app, "ejer@example.dk").signup()
    assessment_id, _token = owner.create_assessment()
    colleague = Consultant(app, "kollega@example.dk").signup()
    shared = owner.form_post(f"/w/a/{assessment_id}/access",
                             {"email": colleague.email, "role": "facilitator"})
    assert shared.status_code == 302
    page_url = f"/f/a{assessment_id}"
    assert colleague.form_post(f"{page_url}/close", page_url=page_url).status_code == 302
    started = colleague.form_post(f"{page_url}/follow-up", page_url=page_url)
    assert started.status_code == 302
    new = db.scalars(select(Assessment).where(Assessment.previous_id == assessment_id)).one()
    roles = {(a.account.email, a.role) for a in db.scalars(
        select(Access).where(Access.assessment_id == new.id))}
    assert roles == {("ejer@example.dk", "owner"), ("kollega@example.dk", "facilitator")}


# ------------------------------------------------------------------- logging out

def test_logging_out_ends_every_copy_of_that_sessions_cookie(app, consultant):
    stolen = app.test_client()
    stolen.set_cookie("session", consultant.client.get_cookie("session").value)
    assert stolen.get("/w").status_code == 200  # a copy works while the login lasts
    other_device = Consultant(app, consultant.email)
    assert other_device.login().status_code == 302
    response = consultant.form_post("/logout", page_url="/w")
    assert response.status_code == 302
    assert consultant.client.get("/w").status_code == 302
    assert stolen.get("/w").status_code == 302  # the copy ended with it
    assert other_device.client.get("/w").status_code == 200  # another login goes on


def test_log_out_everywhere_and_a_new_password_end_every_login(app, consultant):
    other_device = Consultant(app, consultant.email)
    assert other_device.login().status_code == 302
    ended = consultant.form_post("/account/logout-everywhere", page_url="/account")
    assert ended.status_code == 302
    assert other_device.client.get("/w").status_code == 302
    assert consultant.client.get("/w").status_code == 302


# ----------------------------------------------------- login limits across workers

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`selfcheck serve` as `make run` starts it: the embedded SQLite database, 2 workers,
    nothing else set, and one account."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from .servers import Instance

    folder = tmp_path_factory.mktemp("served")
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("SELFCHECK_")}
    environment.update({"SELFCHECK_DATABASE_URL": f"sqlite:///{folder / 'selfcheck.sqlite'}",
                        "SELFCHECK_SECRET_KEY": "served", "SELFCHECK_SIGNUP": "open"})
    command = str(Path(sys.executable).parent / "selfcheck")
    subprocess.run([command, "db", "upgrade"], env=environment, check=True,
                   capture_output=True, timeout=120)
    subprocess.run([command, "user", "add", "offer@example.dk"], env=environment, check=True,
                   capture_output=True, input=f"{PASSWORD}\n{PASSWORD}\n", text=True,
                   timeout=120)
    instance = Instance(environment, folder / "serve.log").start()
    try:
        instance.wait()
        yield instance
    finally:
        instance.stop()


def _login_with_a_new_connection(url: str, email: str, password: str) -> int:
    import httpx

    with httpx.Client(base_url=url, timeout=30) as client:
        page = client.get("/login")
        return client.post("/login", data={"csrf_token": csrf_token(page.text), "email": email,
                                           "password": password}).status_code


def test_login_limits_hold_across_the_workers_of_selfcheck_serve(served):
    """Counters in memory were one per worker: 8-10 of 14 wrong passwords were checked."""
    statuses = [_login_with_a_new_connection(served.url, "offer@example.dk", f"forkert {n}")
                for n in range(9)]
    assert statuses == [400] * 5 + [429] * 4
    # the right password is refused too while the account is limited
    assert _login_with_a_new_connection(served.url, "offer@example.dk", PASSWORD) == 429


# ------------------------------------------------------------------ who may create

def test_with_create_accounts_only_a_logged_in_account_creates(app, db):
    from selfcheck.models import Organisation

    app.config["CREATE"] = "accounts"
    visitor = Facilitator(app)
    page = visitor.client.get("/new")
    assert page.status_code == 302 and page.headers["Location"] == "/login?next=/new"
    for url, data in (("/new", {"organisation": "Aarhus Kommune", "team": "Direktionen",
                                "language": "da", "answers": "anonymous"}),
                      ("/o/new", {"name": "Aarhus Kommune", "language": "da"}),
                      ("/example", {"lang": "da"})):
        token = csrf_token(visitor.client.get("/").get_data(as_text=True))
        response = visitor.client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    assert db.scalar(select(func.count()).select_from(Assessment)) == 0
    assert db.scalar(select(func.count()).select_from(Organisation)) == 0
    login_page = visitor.client.get("/login?next=/new")
    assert "Log ind for at oprette en selvevaluering eller en organisation her." in \
        html_text(login_page)

    consultant = Consultant(app, "konsulent@example.dk").signup()
    assessment_id, _token = consultant.create_assessment()
    consultant.create_organisation()
    assert db.scalar(select(func.count()).select_from(Assessment)) == 1


def test_creation_without_an_account_is_limited_per_client(app, db):
    from selfcheck.web.guards import CREATIONS_PER_CLIENT

    assert CREATIONS_PER_CLIENT.startswith("20 per hour")
    visitor = Facilitator(app)
    for _ in range(20):
        visitor.create()
    page = visitor.client.get("/new")
    refused = visitor.client.post("/new", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "organisation": "Aarhus Kommune",
        "team": "Direktion 21", "language": "da", "answers": "anonymous"})
    assert refused.status_code == 429
    assert db.scalar(select(func.count()).select_from(Assessment)) == 20
    # a form refused for its content does not count against the limit of another client …
    other = Facilitator(app)
    other.client.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert other.create().token
    # … and an account is not limited
    consultant = Consultant(app, "konsulent@example.dk").signup()
    consultant.client.environ_base["REMOTE_ADDR"] = "127.0.0.1"
    assert consultant.create_assessment()


def test_forgot_answers_the_same_for_a_known_address_when_mail_is_down(app, consultant,
                                                                       caplog):
    import socket

    with socket.socket() as probe:  # a port where no mail server listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    app.config["PUBLIC_URL"] = "https://selfcheck.example.dk"
    person = Consultant(app, consultant.email)
    known = person.form_post("/forgot", {"email": consultant.email})
    unknown = person.form_post("/forgot", {"email": "ingen@example.dk"})
    assert (known.status_code, known.headers["Location"]) == \
        (unknown.status_code, unknown.headers["Location"]) == (302, "/login")
    assert any("could not be sent" in r.getMessage() for r in caplog.records)
