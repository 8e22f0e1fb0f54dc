"""Accounts: sign-up, login, rate limits, logging out everywhere, passwords, the CLI, resets."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from selfcheck.cli import main
from selfcheck.models import Account
from selfcheck.services.accounts.passwords import PASSWORD_MIN, common_passwords

from .conftest import PASSWORD, Consultant, csrf_token, html_text

pytestmark = pytest.mark.both_databases


def count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


# ----------------------------------------------------------------------------- sign-up

def test_signup_open_creates_the_account_and_logs_in(app, db):
    app.config["SIGNUP"] = "open"
    person = Consultant(app, "  Anne.Hansen@Aarhus.DK ")
    response = person.form_post("/signup", {"email": person.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/w"
    account = db.scalars(select(Account)).one()
    assert account.email == "anne.hansen@aarhus.dk"
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash
    page = person.client.get("/w")
    assert page.status_code == 200
    assert "Dit arbejdsområde" in html_text(page) and "anne.hansen@aarhus.dk" in html_text(page)


def test_signup_closed_refuses_and_stores_nothing(app, db):
    assert app.config["SIGNUP"] == "closed"  # the default; `make run` opens it
    client = app.test_client()
    page = client.get("/signup")
    assert page.status_code == 403
    assert "Her kan kun administratoren oprette konti." in html_text(page)
    login_page = client.get("/login")
    response = client.post("/signup", data={"csrf_token": csrf_token(
        login_page.get_data(as_text=True)), "email": "a@b.dk", "password": PASSWORD})
    assert response.status_code == 403
    assert count(db, Account) == 0
    assert "Opret en konto" not in html_text(login_page)


def twelve_character_common_password() -> str:
    return next(p for p in sorted(common_passwords()) if len(p) >= PASSWORD_MIN)


@pytest.mark.parametrize(("password", "message"), [
    ("x" * (PASSWORD_MIN - 1), "Brug mindst 12 tegn."),
    ("passwordpassword", "for let at gætte"),
    ("Kodeord12345", "for let at gætte"),
    ("Sommer2026!", "Brug mindst 12 tegn."),
    ("x" * 257, "Skriv højst 256 tegn."),
])
def test_password_rules(app, db, password, message):
    app.config["SIGNUP"] = "open"
    person = Consultant(app, "anne@aarhus.dk", password)
    response = person.form_post("/signup", {"email": person.email, "password": password})
    assert response.status_code == 400
    assert message in html_text(response)
    assert count(db, Account) == 0


def test_a_password_on_the_common_list_of_exactly_twelve_characters_is_refused(app, db):
    app.config["SIGNUP"] = "open"
    password = twelve_character_common_password()
    assert password in common_passwords() and len(password) >= 12
    person = Consultant(app, "anne@aarhus.dk", password)
    response = person.form_post("/signup", {"email": person.email, "password": password})
    assert response.status_code == 400
    assert "almindelige adgangskoder" in html_text(response)


def test_twelve_characters_exactly_is_enough(app, db):
    app.config["SIGNUP"] = "open"
    password = "hest ko gris"  # 12 characters, three words
    assert len(password) == PASSWORD_MIN
    Consultant(app, "bo@aarhus.dk", password).signup()
    assert count(db, Account) == 1


def test_the_same_address_twice_in_another_case_is_refused(app, db, consultant):
    app.config["SIGNUP"] = "open"
    other = Consultant(app, "KONSULENT@example.dk")
    response = other.form_post("/signup", {"email": other.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "findes allerede en konto" in html_text(response)
    assert count(db, Account) == 1


@pytest.mark.parametrize("email", ["", "anne", "anne@", "@aarhus.dk", "anne@aarhus",
                                   "a b@aarhus.dk", "anne@aarhus.dk\x00", "x" * 250 + "@a.dk"])
def test_bad_addresses_are_refused(app, db, email):
    app.config["SIGNUP"] = "open"
    person = Consultant(app, email)
    response = person.form_post("/signup", {"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert count(db, Account) == 0


# ----------------------------------------------------------------------------- login

def test_login_and_wrong_password(app, consultant):
    person = Consultant(app, consultant.email)
    wrong = person.login("not the password at all")
    assert wrong.status_code == 400
    assert "E-mailadressen eller adgangskoden er forkert." in html_text(wrong)
    assert person.client.get("/w").status_code == 302
    unknown = Consultant(app, "nobody@example.dk").login()
    assert unknown.status_code == 400
    assert "E-mailadressen eller adgangskoden er forkert." in html_text(unknown)
    right = person.login()
    assert right.status_code == 302 and right.headers["Location"] == "/w"
    assert person.client.get("/w").status_code == 200


def test_login_goes_back_to_the_page_asked_for_and_never_off_site(app, consultant):
    assessment_id, _token = consultant.create_assessment()
    person = Consultant(app, consultant.email)
    asked = person.client.get(f"/f/a{assessment_id}")
    assert asked.status_code == 302
    assert asked.headers["Location"] == f"/login?next=/f/a{assessment_id}"
    response = person.form_post(f"/login?next=/f/a{assessment_id}",
                                {"email": person.email, "password": person.password})
    assert response.headers["Location"] == f"/f/a{assessment_id}"
    other = Consultant(app, consultant.email)
    response = other.form_post("/login?next=//evil.example/",
                               {"email": other.email, "password": other.password})
    assert response.headers["Location"] == "/w"


def test_login_starts_a_new_session(app, consultant):
    person = Consultant(app, consultant.email)
    person.client.get("/login")
    with person.client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["sid"] = "chosen by an attacker"
        session["lang"] = "en"
    assert person.login().status_code == 302
    with person.client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith("1:")
        first = session["sid"]
        assert len(first) >= 20 and first != "chosen by an attacker"
        assert session["lang"] == "en"  # the language choice is kept
    assert person.login().status_code == 302
    with person.client.session_transaction() as session:
        assert session["sid"] != first


def test_logout(app, consultant):
    response = consultant.form_post("/logout", page_url="/w")
    assert response.status_code == 302
    assert consultant.client.get("/w").status_code == 302


def test_failed_logins_are_limited_per_account(app, consultant):
    attacker = Consultant(app, consultant.email)
    statuses = [attacker.login(f"wrong password {i}").status_code for i in range(5)]
    assert statuses == [400] * 5
    # the 6th try within the minute is refused, even with the right password
    refused = attacker.login()
    assert refused.status_code == 429
    assert "For mange mislykkede forsøg på at logge ind" in html_text(refused)
    # from another client too: the limit is on the account
    elsewhere = Consultant(app, consultant.email)
    page = elsewhere.client.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    response = elsewhere.client.post("/login", environ_base={"REMOTE_ADDR": "10.0.0.9"}, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "email": consultant.email,
        "password": PASSWORD})
    assert response.status_code == 429
    # another account from the first client still logs in
    other = Consultant(app, "bo@example.dk").signup()
    assert Consultant(app, other.email).login().status_code == 302


def test_failed_logins_are_limited_per_client(app, consultant):
    attacker = app.test_client()
    page = attacker.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    statuses = [attacker.post("/login", data={
        "csrf_token": token, "email": f"guess{i}@example.dk", "password": "x" * 12}).status_code
        for i in range(20)]
    assert statuses == [400] * 20
    refused = attacker.post("/login", data={"csrf_token": token, "email": consultant.email,
                                            "password": PASSWORD})
    assert refused.status_code == 429


def test_log_out_everywhere_ends_every_session(app, consultant, db):
    laptop = Consultant(app, consultant.email)
    assert laptop.login().status_code == 302
    assert laptop.client.get("/w").status_code == 200
    secret = db.scalars(select(Account)).one().session_secret
    response = consultant.form_post("/account/logout-everywhere", page_url="/account")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert laptop.client.get("/w").status_code == 302
    assert consultant.client.get("/w").status_code == 302
    db.expire_all()
    assert db.scalars(select(Account)).one().session_secret != secret
    assert Consultant(app, consultant.email).login().status_code == 302


def test_changing_the_password_logs_out_the_other_devices(app, consultant):
    laptop = Consultant(app, consultant.email)
    laptop.login()
    new_password = "en helt ny og lang adgangskode"
    wrong = consultant.form_post("/account", {"current": "wrong one here",
                                              "password": new_password})
    assert wrong.status_code == 400 and "Den nuværende adgangskode er forkert." in html_text(
        wrong)
    response = consultant.form_post("/account", {"current": PASSWORD, "password": new_password})
    assert response.status_code == 302
    assert consultant.client.get("/w").status_code == 200  # this device stays logged in
    assert laptop.client.get("/w").status_code == 302
    assert Consultant(app, consultant.email).login().status_code == 400
    assert Consultant(app, consultant.email, new_password).login().status_code == 302


# ----------------------------------------------------------------------------- the CLI

def test_cli_user_add_and_set_password(app, runner, db):
    result = runner.invoke(main, ["user", "add", "Admin@Region.dk"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Account created: admin@region.dk" in result.output
    assert Consultant(app, "admin@region.dk").login().status_code == 302

    # The command line says what the sign-up page says in English: one table of messages
    # (exchange/problems.py), where it once had wordings of its own.
    again = runner.invoke(main, ["user", "add", "admin@region.dk"])
    assert again.exit_code == 1
    assert again.output.endswith(
        "Error: An account with this e-mail address already exists. Log in instead.\n")

    weak = runner.invoke(main, ["user", "add", "bo@region.dk"], input="kort\nkort\n")
    assert weak.exit_code == 1
    assert weak.output.endswith("Error: Use at least 12 characters. A few words in a row are "
                                "easy to remember.\n")
    assert count(db, Account) == 1

    bad = runner.invoke(main, ["user", "add", "not-an-address"])
    assert bad.exit_code == 1
    assert bad.output == "Error: Write an e-mail address such as anne@aarhus.dk.\n"

    missing = runner.invoke(main, ["user", "set-password", "nobody@region.dk"])
    assert missing.exit_code == 1
    assert "Error: no account has the e-mail address 'nobody@region.dk'" in missing.output

    logged_in = Consultant(app, "admin@region.dk")
    logged_in.login()
    new_password = "et nyt kodeord fra administratoren"
    changed = runner.invoke(main, ["user", "set-password", "ADMIN@region.dk"],
                            input=f"{new_password}\n{new_password}\n")
    assert changed.exit_code == 0, changed.output
    assert "Password changed for admin@region.dk; it is logged out everywhere." in changed.output
    assert logged_in.client.get("/w").status_code == 302
    assert Consultant(app, "admin@region.dk").login().status_code == 400
    assert Consultant(app, "admin@region.dk", new_password).login().status_code == 302


def test_cli_refuses_mismatched_repeats(runner, db):
    result = runner.invoke(main, ["user", "add", "bo@region.dk"],
                           input=f"{PASSWORD}\nsomething else entirely\n")
    assert result.exit_code == 1
    assert count(db, Account) == 0


# ----------------------------------------------------------------------------- e-mail reset

def test_password_reset_by_email(app, consultant, inbox):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{inbox.port}"
    app.config["MAIL_FROM"] = "selfcheck@region.dk"
    app.config["TRUSTED_HOSTS"] = ["localhost"]  # reset links are never built from any Host
    person = Consultant(app, consultant.email)
    assert "Glemt din adgangskode?" in html_text(person.client.get("/login"))
    response = person.form_post("/forgot", {"email": "KONSULENT@example.dk"})
    assert response.status_code == 302
    nobody = person.form_post("/forgot", {"email": "nobody@example.dk"})
    assert nobody.status_code == 302  # the same answer: it does not tell who has an account
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["konsulent@example.dk"]
    assert envelope.mail_from == "selfcheck@region.dk"
    from email import message_from_bytes, policy

    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "Vælg en ny adgangskode til selfcheck"
    body = message.get_content()
    link = re.search(r"http://localhost(/reset/[A-Za-z0-9._-]+)", body).group(1)
    new_password = "vinden blæser over heden"
    response = person.form_post(link, {"password": new_password})
    assert response.status_code == 302 and response.headers["Location"] == "/w"
    assert person.client.get("/w").status_code == 200
    assert consultant.client.get("/w").status_code == 302  # the old session ended
    used = person.client.get(link)
    assert used.status_code == 404
    assert "er udløbet eller er brugt" in html_text(used)
    assert Consultant(app, consultant.email, new_password).login().status_code == 302


def test_without_smtp_the_forgot_page_names_the_administrator(app, client):
    page = client.get("/forgot")
    assert page.status_code == 200
    assert "selfcheck user set-password" in html_text(page)


def test_a_tampered_reset_link_is_refused(app, consultant):
    assert consultant.client.get("/reset/abc.def.ghi").status_code == 404
    assert consultant.client.get("/reset/" + "x" * 5000).status_code == 404
