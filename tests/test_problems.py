"""One kind of domain error: a problem is a path, a code and parameters, said in the reader's
language where it is shown (exchange/problems.py).

One problem of each source, on a Danish page and on an English one: the JSON import
(test_exchange.py shows it in both, and the command line's unchanged line), the organisation
import, the CSV import, the pasted team list, a level and an account. The command line keeps
printing the English it always printed.
"""

from __future__ import annotations

import copy
import json
import pickle
import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from selfcheck.cli import main
from selfcheck.exchange import organisation as organisation_json
from selfcheck.exchange import safejson
from selfcheck.exchange.problems import (
    MESSAGES,
    Column,
    ExchangeError,
    Line,
    Problem,
    Row,
    lines,
    message,
    shown,
    text,
)
from selfcheck.models import Account, Assessment, Level

from .conftest import Consultant, csrf_token, html_text
from .test_exchange import post_csv


def english(client) -> None:
    """The visitor chose English (the language switch keeps it in the session)."""
    with client.session_transaction() as session:
        session["lang"] = "en"


def in_both(app, problem: Problem) -> tuple[str, str]:
    with app.test_request_context(), force_locale("da"):
        danish = text(problem, gettext)
    with app.test_request_context(), force_locale("en"):
        assert text(problem, gettext) == text(problem)  # the English page says the CLI's words
    return danish, text(problem)


# ----------------------------------------------------------------------------- the type


def test_a_problem_is_a_path_a_code_and_parameters(app):
    problem = Problem(("members", 3, "answers", "q1"), "off_scale",
                      {"value": "7", "min": 1, "max": 5})
    assert in_both(app, problem) == ("members[3].answers.q1: 7 er ikke på skalaen 1–5.",
                                     "members[3].answers.q1: 7 is not on the scale 1–5")
    assert in_both(app, Problem((Row(3), Column("q1")), "missing")) == (
        "Række 3, kolonne q1: Mangler.", "Row 3, column q1: missing")
    assert in_both(app, Problem((Line(8),), "unknown_level", {"name": "Afdelingsledere"})) == (
        "Linje 8: Der er intet niveau, der hedder “Afdelingsledere”.",
        "Line 8: There is no level called “Afdelingsledere”.")
    assert in_both(app, Problem(("actions", 0, "status"), "must_be",
                                {"value": ("planned", "started", "done")})) == (
        "actions[0].status: Skal være planned, started eller done.",
        "actions[0].status: must be planned, started or done")
    # a form field's error is the reason alone
    with app.test_request_context(), force_locale("da"):
        assert message(Problem(("password",), "too_long", {"max": 256}), gettext) == \
            "Brug højst 256 tegn."


def test_every_code_has_a_message_and_a_danish_translation(app):
    with app.test_request_context(), force_locale("da"):
        untranslated = [code for code, english_text in MESSAGES.items()
                        if gettext(english_text) == english_text]
    assert untranslated == []


def test_the_error_carries_every_problem_through_a_pipe():
    error = ExchangeError([Problem(("levels", 0), "level_meta", {"max": 100}),
                           Problem((Line(2),), "team_name", {"max": 200})])
    again = pickle.loads(pickle.dumps(error))  # the render pool sends errors back this way
    assert type(again) is ExchangeError and again.problems == error.problems
    assert str(again) == ("levels[0]: needs name_da, name_en (1–100 characters) and teams\n"
                          "Line 2: A team's name must be 1–200 characters.")
    refused = pytest.raises(safejson.JSONFileError, safejson.loads, b"[NaN]").value
    assert isinstance(refused, ExchangeError)
    assert pickle.loads(pickle.dumps(refused)).problems == refused.problems


def test_a_long_list_ends_with_how_many_more():
    problems = [Problem(("members", i, "answers", "x"), "unknown_statement") for i in range(53)]
    assert lines(shown(problems, 50))[-2:] == ["members[49].answers.x: unknown statement",
                                               "… and 3 more"]
    assert shown(["a", "b", "c"], 2) == ["a", "b", "… and 1 more"]  # English lines still work


# ----------------------------------------------------------------------------- organisation import


@pytest.fixture
def organisation_export(app, runner, tmp_path) -> dict:
    """The demo chain as the host exports it, answers included (export-organisation)."""
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    organisation_url = re.search(r"/o/\S+", result.output).group(0)
    path = tmp_path / "host.json"
    result = runner.invoke(main, ["export-organisation", organisation_url, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))


def test_an_organisation_import_problem_in_both_languages(app, runner, db, tmp_path,
                                                          organisation_export):
    document = copy.deepcopy(organisation_export)
    document["levels"][1]["name_da"] = ""
    document["levels"][0]["teams"][0]["members"][0]["answers"]["purpose_why"] = 9
    with pytest.raises(ExchangeError) as refused:
        organisation_json.load_organisation_export(document)
    first, second = refused.value.problems
    assert in_both(app, first) == (
        "levels[0].teams[0].members[0].answers.purpose_why: 9 er ikke på skalaen 1–5.",
        "levels[0].teams[0].members[0].answers.purpose_why: 9 is not on the scale 1–5")
    assert in_both(app, second) == (
        "levels[1]: Skal have name_da og name_en (1–100 tegn) og teams.",
        "levels[1]: needs name_da, name_en (1–100 characters) and teams")
    path = tmp_path / "organisation.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(main, ["import", str(path)])
    assert (result.exit_code, result.output) == (1, (
        f"Error: {path}: levels[0].teams[0].members[0].answers.purpose_why: 9 is not on the "
        "scale 1–5; levels[1]: needs name_da, name_en (1–100 characters) and teams\n"))
    document["levels"] = document["levels"] * 3  # 12 levels
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(main, ["import", str(path)])
    assert result.output == f"Error: {path}: levels: a list of 1–8 levels\n"


# ----------------------------------------------------------------------------- CSV import


def test_a_csv_import_problem_in_both_languages(app, facilitator, questionnaire, db):
    facilitator.create()
    header = ["member", "name"] + [q.id for q in questionnaire.questions[1:]]
    raw = (",".join(header) + "\n" + ",".join(["r1", ""] + ["3"] * (len(header) - 2)) + "\n")
    first = questionnaire.questions[0].id
    response = post_csv(facilitator, raw.encode("utf-8"))
    assert response.status_code == 400
    assert f"Intet blev importeret. Ret filen, og prøv igen: Kolonne {first}: Mangler." in \
        html_text(response)
    english(facilitator.client)
    response = post_csv(facilitator, raw.encode("utf-8"))
    assert response.status_code == 400
    assert f"Nothing was imported. Correct the file and try again: Column {first}: missing" in \
        html_text(response)
    assert db.scalar(select(func.count()).select_from(Assessment)) == 1


# ----------------------------------------------------------------------------- team list, levels


def post(client, page_url: str, url: str, data: dict):
    page = client.get(page_url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                  **data})


LEVELS = ("Direktion", "Chefgruppe", "Institutionsledere")


@pytest.fixture
def organisation(app, db):
    """An organisation in Danish with three levels named as in LEVELS, whatever the content's
    default levels are called (there is no Afdelingsledere): (client, its URL)."""
    client = app.test_client()
    page = client.get("/o/new")
    response = client.post("/o/new", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                           "name": "Vejle Kommune", "language": "da"})
    url = response.headers["Location"]
    while len(levels := db.scalars(select(Level).order_by(Level.position)).all()) > len(LEVELS):
        assert post(client, url, f"{url}/levels/{levels[-1].id}",
                    {"action": "delete"}).status_code == 302
        db.expire_all()
    while len(levels) < len(LEVELS):
        assert post(client, url, f"{url}/levels", {}).status_code == 302
        db.expire_all()
        levels = db.scalars(select(Level).order_by(Level.position)).all()
    for level, name in zip(levels, LEVELS, strict=True):
        assert post(client, url, f"{url}/levels/{level.id}", {
            "action": "rename", "name_da": name, "name_en": ""}).status_code == 302
    return client, url


def test_a_team_list_with_an_unknown_level_in_both_languages(app, db, organisation):
    client, url = organisation
    teams = "\n".join([*(f"Chefgruppe; Chefgruppen {n}" for n in range(1, 8)),
                       "Afdelingsledere; Afdeling 1"])
    response = post(client, url, f"{url}/team-list", {"teams": teams, "list_answers": "named"})
    assert response.status_code == 400
    assert "Linje 8: Der er intet niveau, der hedder “Afdelingsledere”." in html_text(response)
    english(client)
    response = post(client, url, f"{url}/team-list", {"teams": teams, "list_answers": "named"})
    assert response.status_code == 400
    assert "Line 8: There is no level called “Afdelingsledere”." in html_text(response)
    assert db.scalar(select(func.count()).select_from(Assessment)) == 0


def test_every_line_that_cannot_be_read_is_named(app, db, organisation):
    client, url = organisation
    teams = "Ukendt; Team A\n\nDirektion; " + "x" * 201 + "\nDirektionen"
    response = post(client, url, f"{url}/team-list", {"teams": teams, "list_answers": "named"})
    assert response.status_code == 400
    assert ("Linje 1: Der er intet niveau, der hedder “Ukendt”. "
            "Linje 3: Et teams navn skal have 1–200 tegn.") in html_text(response)


def test_a_level_that_cannot_be_removed_in_both_languages(app, db, organisation):
    client, url = organisation
    top = db.scalars(select(Level).where(Level.position == 1)).one()
    assert post(client, url, f"{url}/team-list", {"teams": "Direktionen",
                                                  "list_answers": "named"}).status_code == 200
    response = post(client, url, f"{url}/levels/{top.id}", {"action": "delete"})
    assert response.status_code == 409
    assert "Et niveau med teams kan ikke fjernes." in html_text(response)
    english(client)
    response = post(client, url, f"{url}/levels/{top.id}", {"action": "delete"})
    assert response.status_code == 409
    assert "A level with teams cannot be removed." in html_text(response)
    assert db.scalar(select(func.count()).select_from(Level)) == 3


# ----------------------------------------------------------------------------- accounts


def test_an_account_problem_in_both_languages(app, db):
    app.config["SIGNUP"] = "open"
    person = Consultant(app, "anne@aarhus.dk", "kort")
    response = person.form_post("/signup", {"email": person.email, "password": "kort"})
    assert response.status_code == 400
    assert "Adgangskode: Brug mindst 12 tegn. Et par ord efter hinanden er lette at huske." in \
        html_text(response)
    english(person.client)
    response = person.form_post("/signup", {"email": person.email, "password": "kort"})
    assert response.status_code == 400
    assert "Password: Use at least 12 characters. A few words in a row are easy to remember." \
        in html_text(response)
    assert db.scalar(select(func.count()).select_from(Account)) == 0
