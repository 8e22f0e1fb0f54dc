"""Exports, imports and progress over time (JSON, CSV, XLSX; follow-up assessments)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from babel.numbers import format_decimal
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from selfcheck.cli import main
from selfcheck.core.exact import rounded
from selfcheck.core.scoring import score_assessment
from selfcheck.exchange import tables
from selfcheck.exchange import team as exchange
from selfcheck.models import Action, Answer, Assessment, Participant, ThemeComment, ThemeDecision
from selfcheck.services import assessments, exports
from selfcheck.services import results as result_service

from .conftest import Facilitator, Member, csrf_token, html_text

pytestmark = pytest.mark.both_databases

SCHEMA = json.loads((Path(__file__).parent.parent / "docs/export-schema.json").read_text())


def row_counts(db) -> tuple[int, ...]:
    return tuple(db.scalar(select(func.count()).select_from(model)) for model in
                 (Assessment, Participant, Answer, ThemeComment, ThemeDecision, Action))


def without_volatile(document: dict) -> dict:
    """An export without what differs between two copies of the same content."""
    return {k: v for k, v in document.items() if k != "exported_at"}


@pytest.fixture
def example(app, runner):
    """The demo: 12 members, a workshop, and last year's closed assessment it follows up.

    Returns the facilitator token; give the CLI the link form (/f/…), since a
    token may begin with "-", which click would read as an option.
    """
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1].rsplit("/", 1)[1]
    return token


def load(app, token):
    session = app.extensions["db_sessionmaker"]()
    return session, assessments.find_by_facilitator_token(session, token)


# ------------------------------------------------------------------------- JSON


def test_json_export_is_schema_valid_and_round_trips(app, runner, example, tmp_path, db):
    first = tmp_path / "first.json"
    assert runner.invoke(main, ["export", f"/f/{example}", "-o", str(first)]).exit_code == 0
    document = json.loads(first.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert len(document["history"]) == 1 and len(document["actions"]) == 3

    result = runner.invoke(main, ["import", str(first)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Imported Eksempel Kommune, Direktionen: 12 members."
    new_token = result.output.strip().splitlines()[-1].rsplit("/", 1)[1]
    assert new_token != example
    second = tmp_path / "second.json"
    assert runner.invoke(main, ["export", f"/f/{new_token}", "-o", str(second)]).exit_code == 0
    again = json.loads(second.read_text(encoding="utf-8"))
    jsonschema.validate(again, SCHEMA)
    # The same content apart from the tokens (never exported) and history (not imported).
    expected = without_volatile(document) | {"history": []}
    assert without_volatile(again) == expected
    # Exporting the imported copy twice gives the same bytes apart from exported_at.
    third = tmp_path / "third.json"
    assert runner.invoke(main, ["export", f"/f/{new_token}", "-o", str(third)]).exit_code == 0
    strip = [line for line in second.read_text().splitlines() if '"exported_at"' not in line]
    assert strip == [line for line in third.read_text().splitlines()
                     if '"exported_at"' not in line]


def test_json_export_from_the_page_has_no_names_when_anonymous(app, questionnaire):
    facilitator = Facilitator(app).create(answers="anonymous")
    for value in (2, 3, 4):
        member = Member(app, facilitator.join_url()).join()
        member.answer_all(questionnaire, {q.id: value for q in questionnaire.questions})
        member.submit()
    response = facilitator.client.get(f"{facilitator.results_url}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename=selfcheck-aarhus-kommune-direktionen-')
    document = json.loads(response.data)
    jsonschema.validate(document, SCHEMA)
    assert [m["name"] for m in document["members"]] == [None, None, None]


# ------------------------------------------------------------------------- CSV and XLSX


def test_csv_and_xlsx_match_the_scoring_results(app, runner, example, tmp_path):
    session, assessment = load(app, example)
    with app.app_context():
        expected = result_service.results(assessment)
    questionnaire = assessments.questionnaire_of(assessment)
    out = tmp_path / "team.csv"
    result = runner.invoke(main, ["export", f"/f/{example}", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"Wrote {tmp_path / 'team-answers.csv'}",
                                          f"Wrote {tmp_path / 'team-results.csv'}"]
    with open(tmp_path / "team-results.csv", encoding="utf-8", newline="") as handle:
        results = list(csv.DictReader(handle))
    assert [r["theme_id"] for r in results] == [t.id for t in questionnaire.themes]
    for row, theme in zip(results, expected.themes, strict=True):
        # shown numbers: half-up on the exact value, as on the page and in the PDF
        assert row["score"] == str(rounded(theme.score, 1))
        assert row["percent"] == str(rounded(theme.percent, 0))
        assert int(row["members"]) == theme.n
        assert row["lowest"] == str(rounded(theme.min, 1))
        assert row["highest"] == str(rounded(theme.max, 1))
        assert row["standard_deviation"] == str(rounded(theme.sd, 2))
        assert row["disagreement"] == ("true" if theme.disagreed else "false")
        assert row["level"] == questionnaire.band(theme.band_id).label.da
        assert row["agreed_score"] == ("" if theme.consensus is None
                                       else str(rounded(theme.consensus, 1)))
    with open(tmp_path / "team-answers.csv", encoding="utf-8", newline="") as handle:
        answers = list(csv.DictReader(handle))
    assert len(answers) == 12 * 31
    # The answers read back give the same scores.
    members: dict[str, dict] = {}
    submitted = set()
    for row in answers:
        members.setdefault(row["member"], {})[row["statement_id"]] = \
            int(row["answer"]) if row["answer"] else None
        if row["submitted"] == "true":
            submitted.add(row["member"])
    consensus = result_service.consensus_of(assessment)
    again = score_assessment(questionnaire, [a for m, a in members.items() if m in submitted],
                             consensus)
    assert again == expected

    xlsx = tmp_path / "team.xlsx"
    assert runner.invoke(main, ["export", f"/f/{example}", "--format", "xlsx", "-o", str(xlsx),
                                "--lang", "en"]).exit_code == 0
    workbook = load_workbook(xlsx)
    assert workbook.sheetnames == ["Answers", "Results"]
    rows = list(workbook["Results"].iter_rows(values_only=True))
    assert rows[0] == tables.RESULT_COLUMNS
    for row, theme in zip(rows[1:], expected.themes, strict=True):
        assert row[0] == theme.theme_id
        assert row[2] == float(rounded(theme.score, 1))
        assert row[3] == int(rounded(theme.percent, 0))  # XLSX: numbers stay numbers
        assert row[4] == theme.n
        assert row[7] == float(rounded(theme.sd, 2))
        assert row[8] is theme.disagreed
    answer_rows = list(workbook["Answers"].iter_rows(values_only=True))
    assert len(answer_rows) == 1 + 12 * 31
    assert answer_rows[1][4] == questionnaire.themes[0].title.en
    session.close()


def test_anonymous_csv_has_no_names(app, questionnaire):
    facilitator = Facilitator(app).create(answers="anonymous")
    for value in (2, 3, 4):
        member = Member(app, facilitator.join_url())
        page = member.client.get(member.join_url)
        response = member.client.post(member.join_url, data={
            "csrf_token": csrf_token(page.get_data(as_text=True)), "display_name": "Hemmelig"})
        member.token = response.headers["Location"].split("/p/", 1)[1].rstrip("/")
        member.answer_all(questionnaire, {q.id: value for q in questionnaire.questions})
        member.submit()
    for url in ("export-answers.csv", "export-results.csv", "export.xlsx", "export.json"):
        data = facilitator.client.get(f"{facilitator.results_url}/{url}").data
        assert b"Hemmelig" not in data
    answers = facilitator.client.get(f"{facilitator.results_url}/export-answers.csv")
    assert {row["name"] for row in csv.DictReader(io.StringIO(answers.data.decode()))} == {""}


# ------------------------------------------------------------------------- imports


def broken_export(app, example, change) -> bytes:
    _session, assessment = load(app, example)
    document = exports.export_assessment(assessment)
    change(document)
    return json.dumps(document).encode("utf-8")


# The command line prints the English line; the upload form says it in the page's language.
IMPORT_CASES = {
    "wrong version": (lambda d: d.update(version=2),
                      "version: 2 is not supported (expected 1)",
                      "version: Version 2 kan ikke læses. Filen skal have version 1."),
    "unknown statement": (lambda d: d["members"][0]["answers"].update(nope=3),
                          "members[0].answers.nope: unknown statement",
                          "members[0].answers.nope: Ukendt udsagn."),
    "value 7": (lambda d: d["members"][1]["answers"].update(purpose_why=7),
                "members[1].answers.purpose_why: 7 is not on the scale 1–5",
                "members[1].answers.purpose_why: 7 er ikke på skalaen 1–5."),
    "bad action status": (lambda d: d["actions"][0].update(status="soon"),
                          "actions[0].status: must be planned, started or done",
                          "actions[0].status: Skal være planned, started eller done."),
}


def upload_json(client, raw: bytes):
    page = client.get("/new")
    return client.post("/import", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "file": (io.BytesIO(raw), "broken.json")}, content_type="multipart/form-data")


@pytest.mark.parametrize("case", sorted(IMPORT_CASES))
def test_broken_json_import_changes_nothing(app, example, db, tmp_path, runner, case):
    change, english, danish = IMPORT_CASES[case]
    path = tmp_path / "broken.json"
    path.write_bytes(broken_export(app, example, change))
    before = row_counts(db)
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert result.output == f"Error: {path}: {english}\n"
    # The same file through the upload form, in Danish and in English.
    response = upload_json(app.test_client(), path.read_bytes())
    assert response.status_code == 400
    assert "Intet blev importeret." in html_text(response)
    assert danish in html_text(response)
    assert english not in html_text(response)
    client = app.test_client()
    with client.session_transaction() as session:
        session["lang"] = "en"
    response = upload_json(client, path.read_bytes())
    assert response.status_code == 400
    assert f"Nothing was imported. Correct the file and try again: {english}" in \
        html_text(response)
    assert row_counts(db) == before


def test_json_import_with_the_wrong_encoding(app, db, tmp_path, runner):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"format": "selfcheck-assessment", "team": "Ærø"}'.encode("latin-1"))
    before = row_counts(db)
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 1 and f"{path}: the file is not UTF-8 text" in result.output
    assert row_counts(db) == before


def test_upload_form_imports_an_export(app, example, db):
    _session, assessment = load(app, example)
    document = exports.export_assessment(assessment)
    client = app.test_client()
    page = client.get("/new")
    response = client.post("/import", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "file": (io.BytesIO(json.dumps(document).encode()), "export.json")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    results = html_text(client.get(response.headers["Location"]))
    assert "Selvevalueringen er importeret." in results
    assert "11 af 12 medlemmer har sendt deres svar." in results


def answers_csv(questionnaire, rows: list[dict]) -> bytes:
    columns = ["member", "name"] + [q.id for q in questionnaire.questions] + ["comment:purpose"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def post_csv(facilitator, raw: bytes):
    page = facilitator.results()
    return facilitator.client.post(f"{facilitator.results_url}/import-answers", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "file": (io.BytesIO(raw), "answers.csv")}, content_type="multipart/form-data")


def test_csv_answers_import(app, facilitator, questionnaire, db):
    facilitator.create(answers="named")
    rows = [{"member": f"r{i}", "name": f"Person {i}",
             **{q.id: str(value) for q in questionnaire.questions},
             "comment:purpose": "Fra det andet værktøj" if i == 1 else ""}
            for i, value in enumerate((2, 4, 5), 1)]
    rows[0]["purpose_why"] = ""  # don't know
    response = post_csv(facilitator, answers_csv(questionnaire, rows))
    assert response.status_code == 302
    text = html_text(facilitator.results())
    assert "3 medlemmer blev importeret fra filen." in text
    assert "3 af 3 medlemmer har sendt deres svar." in text
    assert "Fra det andet værktøj – Person 1" in text
    assert db.scalar(select(func.count()).select_from(Answer)) == 3 * 31
    assert db.scalar(select(Answer.value).where(Answer.question_id == "purpose_why")
                     .order_by(Answer.id)) is None


CSV_CASES = {
    "value 7": (lambda rows, cols: rows[1].update(purpose_why="7"), None,
                "Række 3, kolonne purpose_why: '7' er ikke på skalaen 1–5. Lad cellen være tom "
                "for “Ved ikke”."),
    "missing column": (None, lambda cols: cols.remove("follow_up_strategy"),
                       "Kolonne follow_up_strategy: Mangler."),
    "unknown column": (None, lambda cols: cols.append("purpose_extra"),
                       "Kolonne purpose_extra: Kendes ikke. Brug et udsagns id, member, name "
                       "eller comment:<temaets id>."),
    "duplicate member": (lambda rows, cols: rows[1].update(member="r1"), None,
                         "Række 3, kolonne member: r1 står også i række 2."),
}


@pytest.mark.parametrize("case", sorted(CSV_CASES))
def test_broken_csv_import_changes_nothing(app, facilitator, questionnaire, db, case):
    facilitator.create()
    change_rows, change_columns, message = CSV_CASES[case]
    columns = ["member", "name"] + [q.id for q in questionnaire.questions]
    rows = [{"member": f"r{i}", "name": "", **{q.id: "3" for q in questionnaire.questions}}
            for i in (1, 2)]
    if change_rows:
        change_rows(rows, columns)
    if change_columns:
        change_columns(columns)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore",
                            lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "3") for c in columns})
    before = row_counts(db)
    response = post_csv(facilitator, buffer.getvalue().encode("utf-8"))
    assert response.status_code == 400
    assert "Intet blev importeret." in html_text(response)
    assert message in html_text(response)
    assert row_counts(db) == before


def test_csv_with_the_wrong_encoding_changes_nothing(app, facilitator, questionnaire, db):
    facilitator.create()
    raw = ("member,name," + ",".join(q.id for q in questionnaire.questions) + "\n"
           + "r1,Søren," + ",".join("3" for _ in questionnaire.questions) + "\n")
    before = row_counts(db)
    response = post_csv(facilitator, raw.encode("latin-1"))
    assert response.status_code == 400
    byte = raw.index("ø")  # the first byte that is not UTF-8 (all before it are ASCII)
    assert f"Filen er ikke UTF-8-tekst (byte {byte}). Gem den som CSV UTF-8." in \
        html_text(response)
    assert row_counts(db) == before


# ------------------------------------------------------------------------- follow-up


def team_with_scores(app, facilitator, questionnaire, values):
    """Members whose score is exactly `value` in every theme (reverse answers mirrored)."""
    for index, value in enumerate(values):
        member = Member(app, facilitator.join_url()).join(f"Medlem {index}")
        member.answer_all(questionnaire, {q.id: 6 - value if q.reverse else value
                                          for q in questionnaire.questions})
        member.submit()


def test_follow_up_chain_of_three_shows_change_and_trend(app, questionnaire, db):
    first = Facilitator(app).create(answers="named")  # named: two members show results
    team_with_scores(app, first, questionnaire, (2, 3))  # team score 2.5 everywhere
    page_url = f"{first.results_url}/workshop/1"
    page = first.client.get(page_url)
    first.client.post(f"{page_url}/decision", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "consensus": "2", "note": ""})
    first.client.post(f"{page_url}/actions", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "text": "Første handling",
        "owner": "Ida", "due_date": "2026-06-01", "status": "done"})
    # A follow-up needs a closed assessment.
    refused = first.post("follow-up")
    assert refused.status_code == 409
    assert first.post("close").status_code == 302
    response = first.post("follow-up")
    assert response.status_code == 302
    second = Facilitator(app)
    second.client = first.client
    second.token = response.headers["Location"].rsplit("/f/", 1)[1]
    assert "Opfølgningen er klar." in html_text(second.results())
    team_with_scores(app, second, questionnaire, (3, 4))  # 3.5 everywhere: +1.0
    text = html_text(second.results())
    assert "Samlet score dengang 2,5, nu 3,5. ↑ +1,0 (steget)" in text
    # purpose was agreed at 2.0 last time
    assert "Alle kender målene og hensigten 2,5 3,5 ↑ +1,0 (steget) 2,0" in text
    assert "Første handling Ida 1. jun. 2026 Færdig" in text

    assert second.post("close").status_code == 302
    third_location = second.post("follow-up").headers["Location"]
    third = Facilitator(app)
    third.client = first.client
    third.token = third_location.rsplit("/f/", 1)[1]
    team_with_scores(app, third, questionnaire, (3, 3))  # 3.0: −0.5 since the second
    text = html_text(third.results())
    assert "Udefra og ind 2,5 3,5 3,0 ↓ -0,5 (faldet) –" in text
    rows = db.execute(select(Assessment.id, Assessment.previous_id).order_by(Assessment.id))
    ids = [tuple(r) for r in rows]
    assert [p for _i, p in ids] == [None, ids[0][0], ids[1][0]]

    # The PDF of the follow-up shows the same changes, and `selfcheck report` reads its export.
    pdf = third.client.get(f"{third.results_url}/report.pdf").data
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = " ".join(pdf_text.split())
    assert "Udvikling siden sidst" in flat
    assert "Samlet score dengang 3,5, nu 3,0. ↓ -0,5" in flat
    assert "Medlemmer, der har svaret: 2 sidst, 2 nu." in flat
    # The summary's table: the score now, its category and range, then last time's and the
    # change (the page shows every round; the PDF the last two).
    assert "2. Udefra og ind 3,0 – På vej 3,0–3,0 3,5 ↓ -0,5" in flat


def test_offline_report_of_an_exported_follow_up(app, runner, example, tmp_path):
    exported = tmp_path / "follow-up.json"
    assert runner.invoke(main, ["export", f"/f/{example}", "-o", str(exported)]).exit_code == 0
    pdf_path = tmp_path / "follow-up.pdf"
    result = runner.invoke(main, ["report", str(exported), "-o", str(pdf_path)])
    assert result.exit_code == 0, result.output
    data = exchange.load_export(json.loads(exported.read_text()))
    assert len(data.history) == 1
    pages = [p.extract_text() for p in PdfReader(pdf_path).pages]
    progress = next(p for p in pages if "Handlinger fra sidst" in p)
    summary = " ".join(next(p for p in pages if p.startswith("Sammenfatning")).split())
    _session, assessment = load(app, example)
    with app.app_context():
        now = result_service.results(assessment)
    before = data.history[0]
    purpose_now = format_decimal(rounded(now.theme("purpose").score, 1), format="0.0",
                                 locale="da")
    purpose_then = format_decimal(rounded(before.scores["purpose"], 1), format="0.0",
                                  locale="da")
    assert re.search(rf"1\. Alle kender målene og hensigten {purpose_now} .+? [\d,]+–[\d,]+ "
                     rf"{purpose_then} ", summary), summary
    assert "Alle chefer bruger én side om målene på deres personalemøder." in " ".join(
        progress.split("\n"))
    assert date.fromisoformat(before.created_at[:10]) < date.today()
