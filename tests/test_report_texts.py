"""The consultant's own words in a report (issue 19, part 1): stored, checked, exported,
written on the "Rapport" page with and without JavaScript, and keyed into the PDF caches.

The rules hold at their edges: the longest text is kept whole on SQLite and PostgreSQL and
one character more is refused; a control character other than a line break or a tab is
refused; a theme, reflection or section that does not exist is refused; and a refusal
changes nothing, not even the report's revision.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from selfcheck.cli import main
from selfcheck.core.records import REFLECTION_IDS, REPORT_SECTIONS, ReportTexts
from selfcheck.exchange import chain as chain_json
from selfcheck.exchange import team as team_json
from selfcheck.exchange.problems import ExchangeError
from selfcheck.limits import OBSERVATION_MAX, REPORT_TEXT_MAX
from selfcheck.models import Assessment, Level, Organisation, ReportText
from selfcheck.services import report_texts
from selfcheck.services.accounts import retention

from .conftest import Facilitator, Member, csrf_token, html_text

MARKUP = "<script>alert(1)</script> & ]]> <w:p>"


def theme_ids(app) -> list[str]:
    return [t.id for t in app.extensions["questionnaire"].themes]


def answered(app, questionnaire, members: int = 1) -> Facilitator:
    """A team of ``members`` who have all submitted, made through the web."""
    facilitator = Facilitator(app).create(answers="named")
    join = facilitator.join_url()
    for index in range(members):
        member = Member(app, join).join(f"Medlem {index + 1}")
        member.answer_all(questionnaire, {q.id: 4 for q in questionnaire.questions})
        member.submit()
    return facilitator


def the_assessment(db) -> Assessment:
    db.expire_all()
    return db.scalars(select(Assessment).order_by(Assessment.id.desc())).first()


def stored(db, assessment_id: int | None = None) -> ReportTexts:
    db.expire_all()
    assessment = db.get(Assessment, assessment_id) if assessment_id else the_assessment(db)
    return report_texts.read(assessment)


def full_texts(app, conclusion="Konklusion") -> ReportTexts:
    ids = theme_ids(app)
    return ReportTexts(conclusion=conclusion, observations={ids[0]: "Første", ids[1]: "Anden"},
                       next_steps="Næste skridt",
                       reflections={r: f"Svar på {r}" for r in REFLECTION_IDS},
                       sections=("conclusion", "summary", "themes"))


def form_of(texts: ReportTexts) -> dict:
    data = {"conclusion": texts.conclusion, "next_steps": texts.next_steps,
            "section": list(texts.sections)}
    data.update({f"observation-{k}": v for k, v in texts.observations.items()})
    data.update({f"reflection-{k}": v for k, v in texts.reflections.items()})
    return data


def report_url(facilitator: Facilitator) -> str:
    return f"{facilitator.results_url}/report"


def post_form(facilitator: Facilitator, data: dict, url: str | None = None, **kwargs):
    page = facilitator.client.get(report_url(facilitator))
    return facilitator.client.post(url or report_url(facilitator), data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), **data}, **kwargs)


# ----------------------------------------------------------------------------- storage


@pytest.mark.both_databases
@pytest.mark.parametrize("field", ["conclusion", "next_steps", "observation", "reflection"])
def test_the_longest_text_is_stored_whole_and_one_more_is_refused(app, db, field):
    """On SQLite and PostgreSQL: a text of exactly its limit (with a letter outside the Basic
    Multilingual Plane) comes back whole; one more character is refused and nothing moves."""
    Facilitator(app).create()
    assessment = the_assessment(db)
    theme = theme_ids(app)[2]
    limit = OBSERVATION_MAX if field == "observation" else REPORT_TEXT_MAX

    def texts(text: str) -> ReportTexts:
        if field == "observation":
            return ReportTexts(observations={theme: text})
        if field == "reflection":
            return ReportTexts(reflections={"learn_more": text})
        return ReportTexts(**{field: text})

    longest = "Æ😀\n" + "x" * (limit - 3)
    report_texts.save(db, assessment, texts(longest), theme_ids(app))
    assert stored(db) == texts(longest)
    revision = the_assessment(db).revision
    with pytest.raises(ExchangeError) as refused:
        report_texts.save(db, the_assessment(db), texts(longest + "y"), theme_ids(app))
    assert [(p.code, p.params) for p in refused.value.problems] == [
        ("text_too_long", {"length": limit + 1, "limit": limit})]
    db.rollback()
    assert stored(db) == texts(longest)
    assert the_assessment(db).revision == revision
    assert db.scalar(select(func.count()).select_from(ReportText)) == 1


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ud800"])
def test_a_control_character_is_refused_and_nothing_is_saved(app, db, character):
    Facilitator(app).create()
    report_texts.save(db, the_assessment(db), ReportTexts(conclusion="Før"), theme_ids(app))
    revision = the_assessment(db).revision
    with pytest.raises(ExchangeError) as refused:
        report_texts.save(db, the_assessment(db),
                          ReportTexts(conclusion=f"Efter{character}tekst"), theme_ids(app))
    assert [(p.path, p.code, p.params) for p in refused.value.problems] == [
        (("conclusion",), "text_control_character", {"character": f"U+{ord(character):04X}"})]
    db.rollback()
    assert stored(db).conclusion == "Før"
    assert the_assessment(db).revision == revision


def test_line_breaks_and_tabs_are_kept_and_a_browsers_crlf_counts_as_one(app, db):
    Facilitator(app).create()
    typed = "Linje 1\r\n\tLinje 2\r\n" + "x" * (REPORT_TEXT_MAX - 17)  # 5000 as typed
    saved = report_texts.save(db, the_assessment(db), ReportTexts(conclusion=f"  {typed}  "),
                              theme_ids(app))
    assert saved.conclusion == typed.replace("\r\n", "\n")
    assert (len(typed), len(saved.conclusion)) == (REPORT_TEXT_MAX + 2, REPORT_TEXT_MAX)
    assert stored(db).conclusion == saved.conclusion


@pytest.mark.parametrize(("texts", "problem"), [
    (ReportTexts(observations={"no_such_theme": "Tekst"}),
     (("observations", "no_such_theme"), "not_a_recommendation")),
    (ReportTexts(reflections={"worried": "Tekst"}), (("reflections", "worried"),
                                                     "unknown_reflection")),
    (ReportTexts(sections=("summary", "appendix")), (("sections", 1), "unknown_section")),
])
def test_an_unknown_theme_reflection_or_section_is_refused(app, db, texts, problem):
    Facilitator(app).create()
    before = full_texts(app)
    report_texts.save(db, the_assessment(db), before, theme_ids(app))
    revision = the_assessment(db).revision
    with pytest.raises(ExchangeError) as refused:
        report_texts.save(db, the_assessment(db), texts, theme_ids(app))
    assert [(p.path, p.code) for p in refused.value.problems] == [problem]
    db.rollback()
    assert stored(db) == before
    assert the_assessment(db).revision == revision


def test_saving_bumps_the_revision_once_and_the_same_texts_again_do_not(app, db):
    Facilitator(app).create()
    start = the_assessment(db).revision
    report_texts.save(db, the_assessment(db), full_texts(app), theme_ids(app))
    assert the_assessment(db).revision == start + 1
    report_texts.save(db, the_assessment(db), full_texts(app), theme_ids(app))
    assert the_assessment(db).revision == start + 1
    report_texts.save(db, the_assessment(db), full_texts(app, "Ny"), theme_ids(app))
    assert the_assessment(db).revision == start + 2
    # no texts at all: every section, nothing written
    assert report_texts.read(Assessment()) == ReportTexts(sections=REPORT_SECTIONS)


def test_deleting_an_assessment_or_an_organisation_deletes_its_texts(app, db):
    Facilitator(app).create()
    report_texts.save(db, the_assessment(db), full_texts(app), theme_ids(app))
    client = app.test_client()
    page = client.get("/o/new")
    client.post("/o/new", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                "name": "Vejle Kommune", "language": "da"})
    organisation = db.scalars(select(Organisation)).one()
    organisation_id = organisation.id
    report_texts.save(db, organisation, ReportTexts(conclusion="Kæden"), [])
    assert db.scalar(select(func.count()).select_from(ReportText)) == 2
    retention.delete_assessment(db, the_assessment(db), None)
    assert db.scalars(select(ReportText.organisation_id)).all() == [organisation_id]
    retention.delete_organisation(db, db.scalars(select(Organisation)).one(), None)
    assert db.scalar(select(func.count()).select_from(ReportText)) == 0


# ----------------------------------------------------------------------------- the page


def test_the_page_saves_without_javascript_and_shows_the_texts_again(app, db, questionnaire):
    facilitator = Facilitator(app).create()
    page = facilitator.client.get(report_url(facilitator))
    text = html_text(page)
    assert page.status_code == 200
    assert "Konsulentens vurdering" in text
    for question in ("Hvad har overrasket jer positivt?", "Hvad er mest relevant for jer?",
                     "Hvad vil I gerne vide mere om?"):
        assert question in text
    for number, theme in enumerate(questionnaire.themes, 1):
        assert f"Tema {number}: {theme.title.get('da')}" in text
    assert 'href="' + facilitator.results_url + '/report.pdf" download>Hent rapport (PDF)' \
        in page.get_data(as_text=True)
    texts = full_texts(app)
    response = post_form(facilitator, form_of(texts))
    assert (response.status_code, response.headers["Location"]) == (302, report_url(facilitator))
    assert stored(db) == texts
    again = facilitator.client.get(report_url(facilitator))
    assert "Rapportens tekster er gemt." in html_text(again)
    html = again.get_data(as_text=True)
    assert ">\nNæste skridt</textarea>" in html
    assert 'value="summary" id="section-summary" checked' in html
    assert 'value="plan" id="section-plan">' in html  # unticked


def test_a_refused_form_shows_why_keeps_what_was_typed_and_saves_nothing(app, db):
    facilitator = Facilitator(app).create()
    post_form(facilitator, form_of(full_texts(app)))
    theme = theme_ids(app)[0]
    response = post_form(facilitator, {**form_of(full_texts(app, "Ny konklusion")),
                                       f"observation-{theme}": "y" * (OBSERVATION_MAX + 1)})
    assert response.status_code == 400
    text = html_text(response)
    assert "Teksterne er ikke gemt." in text
    assert f"Skriv højst {OBSERVATION_MAX} tegn. Teksten har {OBSERVATION_MAX + 1}." in text
    assert ">\nNy konklusion</textarea>" in response.get_data(as_text=True)
    assert stored(db) == full_texts(app)


def test_the_autosave_endpoint_answers_json_and_checks_the_csrf_token(app, db):
    facilitator = Facilitator(app).create()
    url = report_url(facilitator) + "/autosave"
    saved = post_form(facilitator, form_of(full_texts(app)), url)
    assert (saved.status_code, saved.get_json()) == (200, {"saved": True, "message": "Gemt"})
    assert stored(db) == full_texts(app)
    # without the token: refused, nothing changed
    forged = facilitator.client.post(url, data=form_of(full_texts(app, "Forfalsket")))
    assert forged.status_code == 400
    assert stored(db) == full_texts(app)
    refused = post_form(facilitator, {**form_of(full_texts(app)), "conclusion": "a\x1bb"}, url)
    assert refused.status_code == 400
    assert refused.get_json() == {
        "saved": False, "message": "Ikke gemt.",
        "errors": {"conclusion": ["Teksten indeholder et usynligt kontroltegn (U+001B), som "
                                  "ikke kan gemmes. Fjern det."]},
        "lines": ["Konsulentens vurdering: Teksten indeholder et usynligt kontroltegn "
                  "(U+001B), som ikke kan gemmes. Fjern det."]}
    unknown = post_form(facilitator, {**form_of(full_texts(app)),
                                      "observation-nope": "x"}, url)
    assert unknown.status_code == 400
    assert unknown.get_json()["lines"] == ["'nope' er ikke et tema i spørgeskemaet."]
    assert stored(db) == full_texts(app)


def test_the_report_is_written_after_answering_has_closed(app, db):
    facilitator = Facilitator(app).create()
    assert facilitator.post("close").status_code == 302
    page = facilitator.client.get(report_url(facilitator))
    assert "Besvarelsen er lukket. Du kan stadig skrive rapporten." in html_text(page)
    assert post_form(facilitator, form_of(full_texts(app))).status_code == 302
    assert stored(db) == full_texts(app)


def test_the_page_has_the_rights_of_the_results_page(app, db, consultant):
    facilitator = Facilitator(app).create()
    assert app.test_client().get("/f/" + "x" * 43 + "/report").status_code == 404
    number, _token = consultant.create_assessment()
    assert consultant.client.get(f"/f/a{number}/report").status_code == 200
    stranger = app.test_client()
    login = stranger.get(f"/f/a{number}/report")
    assert login.status_code == 302 and "/login" in login.headers["Location"]
    page = stranger.get("/new")
    refused = stranger.post(f"/f/a{number}/report/autosave",
                            data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                  "conclusion": "x"})
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert stored(db, number) == ReportTexts()
    assert facilitator.client.get(report_url(facilitator)).status_code == 200


def test_typed_markup_shows_literally_on_the_page_and_in_the_export(app, db, questionnaire):
    facilitator = answered(app, questionnaire)
    assert post_form(facilitator, {"conclusion": MARKUP, "section": list(REPORT_SECTIONS)}
                     ).status_code == 302
    html = facilitator.client.get(report_url(facilitator)).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; ]]&gt; &lt;w:p&gt;" in html
    assert "<script>alert" not in html and "<w:p>" not in html
    exported = facilitator.client.get(facilitator.results_url + "/export.json").get_json()
    assert exported["report"]["conclusion"] == MARKUP
    preview = facilitator.client.get(report_url(facilitator) + "/preview")
    assert "<script>alert" not in preview.get_data(as_text=True)
    assert preview.headers["Content-Security-Policy"].startswith("default-src 'none';")
    assert "script-src" not in preview.headers["Content-Security-Policy"]  # so: none
    assert "/static/vendor/dkfds/fonts/IBMPlexSans/complete/ttf/IBMPlexSans-Regular.ttf" in \
        preview.get_data(as_text=True)
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"


# ----------------------------------------------------------------------------- exports


def test_the_texts_travel_in_the_export_and_come_back_on_import(app, db, runner, tmp_path,
                                                                 questionnaire):
    facilitator = answered(app, questionnaire)
    texts = full_texts(app)
    post_form(facilitator, form_of(texts))
    document = facilitator.client.get(facilitator.results_url + "/export.json").get_json()
    assert document["report"] == {
        "conclusion": "Konklusion",
        "observations": dict(texts.observations),
        "next_steps": "Næste skridt",
        "reflections": {r: f"Svar på {r}" for r in REFLECTION_IDS},
        "sections": ["conclusion", "summary", "themes"]}
    assert team_json.schema_problems(document) == []
    assert team_json.load_export(document).report == texts
    # a file from before the texts existed is still valid, with none
    old = copy.deepcopy(document)
    del old["report"]
    assert team_json.load_export(old).report == ReportTexts()
    # the offline report reads the same file
    path = tmp_path / "team.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(main, ["report", str(path), "-o", str(tmp_path / "team.pdf")])
    assert result.exit_code == 0, result.output
    # `selfcheck import` restores them
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 0, result.output
    assert stored(db) == texts
    assert the_assessment(db).id != db.scalars(select(Assessment.id).order_by(Assessment.id)
                                               ).first()


@pytest.mark.parametrize(("change", "problem"), [
    (lambda r: r.update(conclusion="x" * (REPORT_TEXT_MAX + 1)),
     "report.conclusion: 5001 characters, at most 5000"),
    (lambda r: r["observations"].update(nope="x"),
     "report.observations.nope: 'nope' is not a recommendation of the questionnaire"),
    (lambda r: r.update(sections=["summary", "appendix"]),
     "report.sections[1]: must be conclusion, summary, plan, progress, themes, comments, "
     "reflections or next_steps"),
    (lambda r: r.update(next_steps="a\x1bb"),
     "report.next_steps: contains an invisible control character, which cannot be stored"),
    (lambda r: r["reflections"].update(worried="x"),
     "report.reflections: unknown key 'worried'"),
])
def test_a_file_with_wrong_texts_is_refused_with_the_path(app, db, questionnaire, change,
                                                          problem):
    facilitator = answered(app, questionnaire)
    post_form(facilitator, form_of(full_texts(app)))
    document = facilitator.client.get(facilitator.results_url + "/export.json").get_json()
    change(document["report"])
    with pytest.raises(ExchangeError) as refused:
        team_json.load_export(document)
    assert problem in str(refused.value).splitlines()


def test_the_schema_states_the_limits():
    docs = Path(__file__).resolve().parent.parent / "docs"
    schema = json.loads((docs / "export-schema.json").read_text(encoding="utf-8"))
    chain_schema = json.loads((docs / "chain-export-schema.json").read_text(encoding="utf-8"))
    for report in (schema["$defs"]["report"], chain_schema["$defs"]["report"]):
        props = report["properties"]
        assert props["conclusion"]["maxLength"] == props["next_steps"]["maxLength"] == \
            REPORT_TEXT_MAX
        assert props["observations"]["additionalProperties"]["maxLength"] == OBSERVATION_MAX
        assert set(props["reflections"]["properties"]) == set(REFLECTION_IDS)
        assert {r["maxLength"] for r in props["reflections"]["properties"].values()} == {
            REPORT_TEXT_MAX}
        assert props["sections"]["items"]["enum"] == list(REPORT_SECTIONS)


# ----------------------------------------------------------------------------- PDF cache


def test_a_new_text_is_a_new_pdf(app, db, questionnaire):
    facilitator = answered(app, questionnaire)
    assert f'href="{report_url(facilitator)}">Skriv rapporten</a>' in \
        facilitator.results().get_data(as_text=True)
    pdf_url = facilitator.results_url + "/report.pdf"
    first = facilitator.client.get(pdf_url)
    assert (first.status_code, first.headers["X-Report-Cache"]) == (200, "miss")
    assert facilitator.client.get(pdf_url).headers["X-Report-Cache"] == "hit"
    post_form(facilitator, form_of(full_texts(app, "En ny vurdering")))
    changed = facilitator.client.get(pdf_url)
    assert (changed.status_code, changed.headers["X-Report-Cache"]) == (200, "miss")
    # what the PDF is built from carries the new words
    document = facilitator.client.get(facilitator.results_url + "/export.json").get_json()
    assert team_json.load_export(document).report.conclusion == "En ny vurdering"


def small_chain(app, questionnaire):
    """An organisation with one team on its top level, whose one member has answered:
    (client, organisation URL, the team's join URL)."""
    client = app.test_client()
    page = client.get("/o/new")
    response = client.post("/o/new", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                           "name": "Vejle Kommune", "language": "da"})
    url = response.headers["Location"]
    page = client.get(url)
    created = client.post(f"{url}/team-list", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "teams": "Direktionen",
        "list_answers": "named"})
    join = re.search(r"http://localhost(/j/[A-Za-z0-9_-]+)", created.get_data(as_text=True))
    member = Member(app, join.group(1)).join("Anne")
    member.answer_all(questionnaire, {q.id: 4 for q in questionnaire.questions})
    member.submit()
    return client, url, join.group(1)


def test_the_chain_pdf_is_cached_and_a_new_text_or_answer_is_a_new_pdf(app, db, questionnaire):
    client, url, join = small_chain(app, questionnaire)
    first = client.get(f"{url}/report.pdf")
    assert (first.status_code, first.headers["X-Report-Cache"]) == (200, "miss")
    assert first.data.startswith(b"%PDF-")
    second = client.get(f"{url}/report.pdf")
    assert (second.headers["X-Report-Cache"], second.data) == ("hit", first.data)
    # the organisation's own texts
    page = client.get(f"{url}/report")
    assert page.status_code == 200
    saved = client.post(f"{url}/report/autosave", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "conclusion": "Kædens vurdering",
        "section": ["conclusion", "themes"]})
    assert saved.get_json() == {"saved": True, "message": "Gemt"}
    assert client.get(f"{url}/report.pdf").headers["X-Report-Cache"] == "miss"
    assert client.get(f"{url}/report.pdf").headers["X-Report-Cache"] == "hit"
    document = client.get(f"{url}/export.json").get_json()
    # the sections a chain's report has not (plan, progress, comments) stay as they were
    assert chain_json.load_chain_export(document).report == ReportTexts(
        conclusion="Kædens vurdering",
        sections=("conclusion", "plan", "progress", "themes", "comments"))
    # a team's new answer
    member = Member(app, join).join("Bo")
    member.answer_all(questionnaire, {q.id: 2 for q in questionnaire.questions})
    member.submit()
    assert client.get(f"{url}/report.pdf").headers["X-Report-Cache"] == "miss"
    # a level renamed
    level = db.scalars(select(Level).order_by(Level.position)).first()
    page = client.get(url)
    renamed = client.post(f"{url}/levels/{level.id}", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "action": "rename",
        "name_da": "Topledelsen", "name_en": "Top"})
    assert renamed.status_code == 302
    assert client.get(f"{url}/report.pdf").headers["X-Report-Cache"] == "miss"
    assert client.get(f"{url}/report.pdf").headers["X-Report-Cache"] == "hit"


def test_the_organisation_page_offers_the_chains_sections_and_keeps_the_others(app, db,
                                                                               questionnaire):
    client, url, _join = small_chain(app, questionnaire)
    page = client.get(f"{url}/report")
    html = page.get_data(as_text=True)
    assert 'value="plan"' not in html and 'value="comments"' not in html
    assert "Tilbage til organisationen" in html_text(page)
    assert f'href="{url}/report.pdf" download>Hent rapport (PDF)' in html
    response = client.post(f"{url}/report", data={
        "csrf_token": csrf_token(html), "conclusion": "Kæden", "section": ["summary"]})
    assert response.status_code == 302
    db.expire_all()
    texts = report_texts.read(db.scalars(select(Organisation)).one())
    assert texts.sections == ("summary", "plan", "progress", "comments")
    assert client.get(f"{url}/report/preview").status_code == 200


def test_the_host_moves_an_organisation_with_its_texts_and_its_teams(app, db, runner,
                                                                     tmp_path, questionnaire):
    client, url, _join = small_chain(app, questionnaire)
    organisation = db.scalars(select(Organisation)).one()
    team = db.scalars(select(Assessment)).one()
    report_texts.save(db, organisation, ReportTexts(conclusion="Kæden", sections=("themes",)),
                      theme_ids(app))
    report_texts.save(db, team, full_texts(app), theme_ids(app))
    path = tmp_path / "org.json"
    assert runner.invoke(main, ["export-organisation", url, "-o", str(path)]).exit_code == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["report"]["conclusion"] == "Kæden"
    assert document["levels"][0]["teams"][0]["report"]["conclusion"] == "Konklusion"
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 0, result.output
    db.expire_all()
    new_organisation = db.scalars(select(Organisation).order_by(Organisation.id.desc())).first()
    assert new_organisation.id != organisation.id
    assert report_texts.read(new_organisation) == ReportTexts(conclusion="Kæden",
                                                              sections=("themes",))
    assert stored(db) == full_texts(app)


# ----------------------------------------------------------------------------- fuzz

FIELDS = st.sampled_from(["conclusion", "next_steps", "observation-purpose",
                          "observation-no_theme", "reflection-surprised", "reflection-x",
                          "section", "other"])
VALUES = st.text(max_size=60) | st.sampled_from(
    ["x" * (OBSERVATION_MAX + 1), "x" * (REPORT_TEXT_MAX + 1), "a\x00b", "a\x1bb", "summary",
     "appendix", "\r\n"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(FIELDS, VALUES), max_size=8), st.booleans())
def test_any_form_is_saved_or_refused_never_a_500(app, db, fields, with_javascript):
    """Whatever is posted, with or without JavaScript, is saved or a 400 that changes
    nothing."""
    facilitator = getattr(app, "_fuzz_facilitator", None)
    if facilitator is None:
        facilitator = app._fuzz_facilitator = Facilitator(app).create()
    before = stored(db)
    revision = the_assessment(db).revision
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    url = report_url(facilitator) + ("/autosave" if with_javascript else "")
    response = post_form(facilitator, data, url)
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 400:
        assert stored(db) == before
        assert the_assessment(db).revision == revision
        if with_javascript:
            assert response.get_json()["saved"] is False
    else:
        assert response.status_code == (200 if with_javascript else 302)
