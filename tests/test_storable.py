"""Every text the app stores fits its column on both databases, and NUL is refused.

SQLite stores a NUL character and any length in any column; PostgreSQL refuses a NUL
and a ``varchar(200)`` holds 200 characters. So texts are checked before they reach the
database, through forms and imports alike (limits.py): the longest allowed text is stored
whole on both, one character more and a NUL are refused with the field's own message.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from selfcheck.exchange.problems import CONTROL_PROBLEM
from selfcheck.models import Action, Assessment, Participant, ThemeComment, ThemeDecision

from .conftest import Facilitator, Member, csrf_token, html_text
from .test_exchange import answers_csv, post_csv

pytestmark = pytest.mark.both_databases

NUL_MESSAGE = "Fjern de usynlige kontroltegn fra teksten."
NUL_PROBLEM_DA = "Indeholder et usynligt kontroltegn, som ikke kan gemmes."  # in a file
WIDE = "Æ😀"  # a letter outside ASCII and one outside the Basic Multilingual Plane


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def create(client, organisation: str, team: str = "Direktionen"):
    page = client.get("/new")
    return client.post("/new", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "organisation": organisation,
        "team": team, "language": "da", "answers": "named", "reveal": "when_revealed"})


def test_the_longest_names_are_stored_whole_and_one_more_is_refused(app, db):
    client = app.test_client()
    longest = (WIDE * 100)[:200]
    assert create(client, longest, longest).status_code == 302
    assert db.execute(select(Assessment.organisation, Assessment.team)).one() == (longest,
                                                                                   longest)
    response = create(client, longest + "x")
    assert response.status_code == 400
    assert "Skriv højst 200 tegn." in html_text(response)
    assert count(db, Assessment) == 1


@pytest.mark.parametrize("field", ["organisation", "team"])
def test_a_nul_in_a_name_is_refused(app, db, field):
    values = {"organisation": "Aarhus Kommune", "team": "Direktionen"}
    values[field] = "Aarhus\x00Kommune"
    response = create(app.test_client(), **values)
    assert response.status_code == 400
    assert NUL_MESSAGE in html_text(response)
    assert count(db, Assessment) == 0


def test_a_member_name_and_comment(app, db, questionnaire):
    facilitator = Facilitator(app).create(answers="named")
    join_url = facilitator.join_url()
    refused = Member(app, join_url)
    page = refused.client.get(join_url)
    response = refused.client.post(join_url, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "display_name": "Ann\x00e"})
    assert response.status_code == 400
    assert NUL_MESSAGE in html_text(response)
    assert count(db, Participant) == 0

    name = (WIDE * 50)[:100]
    member = Member(app, join_url).join(name)
    theme = questionnaire.themes[0]
    values = {q.id: 3 for q in theme.questions}
    response = member.post_step(1, values, comment="Godt\x00 arbejde")
    assert response.status_code == 400
    assert NUL_MESSAGE in html_text(response)
    assert count(db, ThemeComment) == 0

    longest = (WIDE * 1000)[:2000]
    assert member.post_step(1, values, comment=longest).status_code == 302
    assert member.post_step(2, {q.id: 3 for q in questionnaire.themes[1].questions},
                            comment=longest + "x").status_code == 400
    assert db.scalar(select(Participant.display_name)) == name
    assert db.scalars(select(ThemeComment.text)).all() == [longest]


def test_the_workshop_note_and_an_action(app, db, questionnaire):
    facilitator = Facilitator(app).create(answers="named")
    Member(app, facilitator.join_url()).join("Anne").answer_all(
        questionnaire, {q.id: 4 for q in questionnaire.questions}).submit()
    url = f"{facilitator.results_url}/workshop/1"

    def post(path: str, **data):
        page = facilitator.client.get(url)
        return facilitator.client.post(f"{url}/{path}", data={
            "csrf_token": csrf_token(page.get_data(as_text=True)), **data})

    for path, data in (("decision", {"consensus": "3", "note": "Vi er\x00 enige"}),
                       ("actions", {"text": "Mål\x00 hver måned", "status": "planned"}),
                       ("actions", {"text": "Mål hver måned", "owner": "Bo\x00",
                                    "status": "planned"})):
        response = post(path, **data)
        assert response.status_code == 400, data
        assert NUL_MESSAGE in html_text(response)
    assert (count(db, ThemeDecision), count(db, Action)) == (0, 0)

    note, text, owner = (WIDE * 500)[:1000], (WIDE * 250)[:500], (WIDE * 50)[:100]
    assert post("decision", consensus="3", note=note).status_code == 302
    assert post("actions", text=text, owner=owner, status="planned").status_code == 302
    assert db.scalar(select(ThemeDecision.note)) == note
    assert db.execute(select(Action.text, Action.owner)).one() == (text, owner)


def test_an_organisation_name(app, db):
    from selfcheck.models import Organisation

    client = app.test_client()
    page = client.get("/o/new")
    response = client.post("/o/new", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "name": "Vejle\x00 Kommune",
        "language": "da"})
    assert response.status_code == 400
    assert NUL_MESSAGE in html_text(response)
    assert count(db, Organisation) == 0


def test_a_nul_in_an_imported_export_is_refused_with_its_path(app, db, questionnaire):
    facilitator = Facilitator(app).create(answers="named")
    Member(app, facilitator.join_url()).join("Anne").answer_all(
        questionnaire, {q.id: 4 for q in questionnaire.questions},
        {"purpose": "Godt arbejde"}).submit()
    document = json.loads(facilitator.client.get(
        f"{facilitator.results_url}/export.json").get_data(as_text=True))
    document["members"][0]["comments"]["purpose"] = "Godt\x00 arbejde"
    document["assessment"]["team"] = "Direktionen\x00"
    before = (count(db, Assessment), count(db, Participant), count(db, ThemeComment))
    page = facilitator.client.get("/new")
    response = facilitator.client.post("/import", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "file": (io.BytesIO(json.dumps(document).encode()), "export.json")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    text = html_text(response)
    assert f"assessment.team: {NUL_PROBLEM_DA}" in text
    assert f"members[0].comments.purpose: {NUL_PROBLEM_DA}" in text
    assert CONTROL_PROBLEM not in text
    assert (count(db, Assessment), count(db, Participant), count(db, ThemeComment)) == before


def test_a_nul_in_an_imported_csv_is_refused(app, db, questionnaire):
    facilitator = Facilitator(app).create(answers="named")
    rows = [{"member": "r1", "name": "Anne", **{q.id: "3" for q in questionnaire.questions},
             "comment:purpose": "Godt\x00 arbejde"}]
    response = post_csv(facilitator, answers_csv(questionnaire, rows))
    assert response.status_code == 400
    assert "Linje 2: Filen indeholder et usynligt kontroltegn. Gem den som CSV UTF-8." in \
        html_text(response)
    assert count(db, Participant) == 0


def test_a_nul_in_an_imported_organisation_is_refused_with_its_path(app, db, runner, tmp_path):
    from selfcheck.cli import main
    from selfcheck.models import Organisation

    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    organisation_url = re.search(r"/o/\S+", result.output).group(0)
    host = tmp_path / "host.json"
    result = runner.invoke(main, ["export-organisation", organisation_url, "-o", str(host)])
    assert result.exit_code == 0, result.output
    document = json.loads(host.read_text(encoding="utf-8"))
    document["organisation"]["name"] = "Vejle\x00 Kommune"
    document["levels"][1]["name_en"] = "Heads\x00"
    document["levels"][0]["teams"][0]["assessment"]["organisation"] = "\x00"
    path = tmp_path / "organisation.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = (count(db, Organisation), count(db, Assessment))
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    for where in ("organisation.name", "levels[1].name_en",
                  "levels[0].teams[0].assessment.organisation"):
        assert f"{where}: {CONTROL_PROBLEM}" in result.output
    assert (count(db, Organisation), count(db, Assessment)) == before
