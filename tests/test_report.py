"""The PDF report: contents parsed from the PDF, safe rendering, caching, the CLI."""

from __future__ import annotations

import io
import json
import logging
import os
from datetime import date

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from pypdf import PdfReader

from selfcheck.cli import main
from selfcheck.core.exact import rounded
from selfcheck.core.scoring import score_assessment
from selfcheck.exchange.team import load_export
from selfcheck.report import render
from selfcheck.report import team as report
from selfcheck.services import answers as answer_service
from selfcheck.services import exports
from selfcheck.services import results as result_service
from selfcheck.services.exports import export_assessment

from .conftest import Facilitator, Member, csrf_token

TODAY = date.today()


class WeasyPrintLog(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_weasyprint_warnings():
    """Every render in these tests must log no WeasyPrint warning or error."""
    handler = WeasyPrintLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield
    logger.removeHandler(handler)
    assert [r.getMessage() for r in handler.records] == []


@pytest.fixture
def fetchers(monkeypatch):
    """Record every URL fetcher the report uses, to see what it was asked for."""
    made = []
    original = render.safe_url_fetcher

    def recording(*args, **kwargs):
        fetcher = original(*args, **kwargs)
        made.append(fetcher)
        return fetcher

    monkeypatch.setattr(render, "safe_url_fetcher", recording)
    return made


def da(value, digits=1):
    return format_decimal(rounded(value, digits), format="0." + "0" * digits, locale="da")


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def demo_results(app, runner):
    result = runner.invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_report_of_the_twelve_member_example(app, runner, fetchers, questionnaire):
    path = demo_results(app, runner)
    client = app.test_client()
    response = client.get(f"{path}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=selfcheck-eksempel-kommune-direktionen-{TODAY.isoformat()}.pdf")
    pdf = response.data
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 10  # issue 19: at most 10 (tests/test_report_layout.py)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "da"
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title == "Selvevalueringsrapport: Eksempel Kommune, Direktionen"
    pages = pdf_pages(pdf)
    text = "\n".join(pages)
    assert "INDHOLD" in pages[0] and "Metode og kilde" in pages[0]  # the cover's contents

    # The numbers are those of the results page: scoring.py on the same answers.
    with app.app_context():
        from selfcheck.db import get_session
        from selfcheck.services import assessments

        assessment = assessments.find_by_facilitator_token(get_session(), path.rsplit("/", 1)[1])
        expected = result_service.results(assessment)
    # The 1–5 score, no percent beside it: "2,8 af 5 (44 %)" read as a sum error (issue 19).
    assert f"Samlet score: {da(expected.overall)} på skalaen fra 1 til 5" in pages[1]
    assert "%" not in pages[1].rsplit("\n", 2)[0]
    # Cut the report's text (without the running header and footer) at each recommendation's
    # heading.
    body = "\n".join(p.rsplit("\n", 2)[0] for p in pages)
    starts = [body.index(f"\n{n}. {t.title.da}\n{t.summary.da.split()[0]} ")
              for n, t in enumerate(questionnaire.themes, 1)]
    starts.append(body.index("\nMetode og kilde\n", starts[-1]))
    decided = {d.theme_id for d in assessment.decisions}
    for number, (theme, result) in enumerate(zip(questionnaire.themes, expected.themes,
                                                 strict=True), 1):
        section = body[starts[number - 1]:starts[number]]
        assert f"Medlemmernes gennemsnit\n{da(result.score)}\n" in section
        assert "%" not in section
        assert f"Lavest–højest\n{da(result.min)}–{da(result.max)}" in section
        band = questionnaire.band(result.band_id)
        assert f"Forslag ({band.label.da})" in section
        for suggestion in theme.suggestions_for(result.band_id):
            assert suggestion.title.da in section.replace("\n", " ")
        # Before the team decided, the disagreement is a call to talk; after, a fact.
        assert ("Teamet er uenigt her." in section) == (result.disagreed
                                                        and theme.id not in decided)
        assert ("point fra hinanden" in section.replace("\n", " ")) == result.disagreed
    assert "Vores tværgående mål findes på papiret." in text
    # The workshop: consensus next to the mean, the note, agreed to disagree, the plan.
    follow_up = body[starts[5]:starts[6]]
    assert "Aftalt score\n◆ 2,5" in follow_up
    assert "Aftalt score: 2,5 (teamets gennemsnit er" in follow_up.replace("\n", " ")
    assert "Vi måler meget, men følger sjældent op med beslutninger." in follow_up
    assert "Teamet blev enige om at være uenige." in body[starts[2]:starts[3]]
    plan = pages[2]  # right after the summary
    assert plan.startswith("Handleplan\n")
    for owner in ("Anne Holm", "Erik Møller", "Bo Lauridsen"):
        assert owner in plan.replace("\n", " ")
    assert "1. feb. 2027" in plan and "I gang" in plan
    assert "– Bo Lauridsen" in text  # named assessment: comments carry names
    assert "Når målstyring virker – set fra et toplederperspektiv" in pages[-1]
    assert f"version {questionnaire.version}" in pages[-1]
    # Only the package's fonts were fetched, from the static folder.
    assert all(f.refused == [] for f in fetchers)


def test_report_for_a_single_member_in_english(app, facilitator, questionnaire):
    facilitator.create(language="en", answers="named", organisation="Region Nord",
                       team="Koncernledelsen")
    member = Member(app, facilitator.join_url()).join("Solo")
    answers = {q.id: 4 for q in questionnaire.questions}
    member.answer_all(questionnaire, answers)
    expected = score_assessment(questionnaire, [answers])
    member.submit()
    pdf = facilitator.client.get(f"{facilitator.results_url}/report.pdf").data
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    pages = pdf_pages(pdf)
    assert len(pages) == 10  # cover, summary, plan, six themes, method
    long_date = format_date(TODAY, format="long", locale="en_GB")  # "2 December 2026"
    assert f"Region Nord Koncernledelsen\n{long_date} 1\n" in pages[0]  # the facts, two by two
    assert "MEMBERS WHO ANSWERED" in pages[0]
    overall = format_decimal(rounded(expected.overall, 1), format="0.0", locale="en")
    assert f"Overall score: {overall} on the scale from 1 to 5 · 1 member answered." in pages[1]
    for theme in questionnaire.themes:
        assert any(p.startswith(theme.title.en) or f". {theme.title.en}\n" in p for p in pages)


def test_anonymous_report_below_the_threshold_shows_no_results(app, facilitator,
                                                               questionnaire):
    facilitator.create(answers="anonymous")
    for _ in range(2):
        member = Member(app, facilitator.join_url()).join()
        member.answer_all(questionnaire, {q.id: 2 for q in questionnaire.questions},
                          comments={"purpose": "Hemmelig kommentar"})
        member.submit()
    text = "\n".join(pdf_pages(facilitator.client.get(
        f"{facilitator.results_url}/report.pdf").data))
    assert "resultaterne først, når mindst 3 medlemmer" in text.replace("\n", " ")
    assert "Hemmelig kommentar" not in text
    assert "Medlemmernes scorer:" not in text and "Forslag (" not in text


HOSTILE = (
    '<img src="file:///etc/passwd"> <link rel=attachment href=file:///etc/passwd> '
    '<style>@import url(http://127.0.0.1:9/x.css);</style> http://127.0.0.1:9/ '
    '@import "file:///etc/passwd";'
)


def test_hostile_text_is_escaped_and_nothing_is_fetched(app, fetchers, questionnaire):
    facilitator = Facilitator(app).create(organisation="Evil " + HOSTILE[:150], answers="named")
    member = Member(app, facilitator.join_url()).join("<b>Mallory</b>")
    member.answer_all(questionnaire, {q.id: 3 for q in questionnaire.questions},
                      comments={t.id: HOSTILE for t in questionnaire.themes})
    member.submit()
    pdf = facilitator.client.get(f"{facilitator.results_url}/report.pdf").data
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(p.extract_text() for p in reader.pages)
    with open("/etc/passwd") as handle:
        first_line = handle.readline().strip()
    assert first_line not in text
    assert b"root:x:0:0" not in pdf
    assert reader.attachments == {}
    assert '<img src="file:///etc/passwd">' in text  # shown as text, not loaded
    assert "<b>Mallory</b>" in text
    # The fetcher was asked only for the bundled fonts, never for a hostile URL.
    assert fetchers and all(f.refused == [] for f in fetchers)


def test_url_fetcher_allows_only_data_and_static_files(tmp_path):
    static = render.STATIC_DIR
    font = static / "vendor/dkfds/fonts/IBMPlexSans/complete/ttf/IBMPlexSans-Regular.ttf"
    assert render.is_allowed_url(font.as_uri())
    assert render.is_allowed_url("data:image/svg+xml;base64,PHN2Zy8+")
    escaping = [
        (static / "../report.py").as_uri(),
        static.as_uri() + "/vendor/../../report.py",
        static.as_uri() + "/%2e%2e/report.py",
        static.as_uri() + "/%2E%2E/%2E%2E/questions.toml",
        static.as_uri() + "/vendor/%2e%2e%2f%2e%2e%2freport.py",
        static.as_uri() + "/%252e%252e/report.py",
        "file:///etc/passwd",
        "file://evil.example" + font.as_posix(),
        font.as_uri() + "?x=1",
        "http://127.0.0.1:9/",
        "https://example.com/font.ttf",
        "ftp://127.0.0.1/x",
        static.as_uri(),  # a folder, not a file
    ]
    for url in escaping:
        assert not render.is_allowed_url(url), url


def test_url_fetcher_does_not_follow_a_symlink_out_of_the_root(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", root / "innocent.css")
    (root / "real.css").write_text("p {}")
    assert render.is_allowed_url((root / "real.css").as_uri(), root)
    assert not render.is_allowed_url((root / "innocent.css").as_uri(), root)
    fetcher = render.safe_url_fetcher(root)
    with pytest.raises(ValueError):
        fetcher.fetch((root / "innocent.css").as_uri())
    with pytest.raises(ValueError):
        fetcher.fetch("http://127.0.0.1:9/")
    assert fetcher.refused == [(root / "innocent.css").as_uri(), "http://127.0.0.1:9/"]
    response = fetcher.fetch((root / "real.css").as_uri())
    assert response.read() == b"p {}"


def test_second_download_comes_from_the_cache(app, facilitator, questionnaire, monkeypatch):
    facilitator.create()
    members = []
    for value in (2, 4, 5):
        member = Member(app, facilitator.join_url()).join()
        member.answer_all(questionnaire, {q.id: value for q in questionnaire.questions})
        member.submit()
        members.append(member)
    calls = []
    real_render = report.render_pdf

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real_render(*args, **kwargs)

    monkeypatch.setattr(report, "render_pdf", counting)
    url = f"{facilitator.results_url}/report.pdf"
    first = facilitator.client.get(url).data
    second = facilitator.client.get(url).data
    assert first == second and calls == ["da"]
    # A changed answer gives a fresh report.
    theme = questionnaire.themes[0]
    assert members[0].post_step(1, {q.id: 1 for q in theme.questions}).status_code == 302
    third = facilitator.client.get(url).data
    assert calls == ["da", "da"] and third != first
    # So does another language.
    page = facilitator.results().get_data(as_text=True)
    facilitator.client.post("/language", data={"csrf_token": csrf_token(page), "lang": "en",
                                               "next": facilitator.results_url})
    english = facilitator.client.get(url)
    assert calls == ["da", "da", "en"]
    assert PdfReader(io.BytesIO(english.data)).trailer["/Root"]["/Lang"] == "en"


def test_export_and_offline_report_match_the_web(app, runner, tmp_path, questionnaire):
    path = demo_results(app, runner)
    token = path.rsplit("/", 1)[1]
    out = tmp_path / "assessment.json"
    result = runner.invoke(main, ["export", f"http://127.0.0.1:5000{path}", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote {out} (12 members)"
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("selfcheck-assessment", 1)
    assert document["assessment"]["organisation"] == "Eksempel Kommune"
    assert len(document["members"]) == 12
    data = load_export(document)
    expected = score_assessment(questionnaire, [m.answers for m in data.submitted_members],
                                data.consensus)
    with app.app_context():
        from selfcheck.db import get_session
        from selfcheck.services import assessments

        assessment = assessments.find_by_facilitator_token(get_session(), token)
        assert result_service.results(assessment) == expected
        assert export_assessment(assessment)["members"] == document["members"]

    pdf_path = tmp_path / "out.pdf"
    result = runner.invoke(main, ["report", str(out), "-o", str(pdf_path)])
    assert result.exit_code == 0, result.output
    offline = pdf_pages(pdf_path.read_bytes())
    web = pdf_pages(app.test_client().get(f"{path}/report.pdf").data)
    assert web == offline  # the same report, page for page

    english_path = tmp_path / "en.pdf"
    result = runner.invoke(main, ["report", str(out), "-o", str(english_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    english = pdf_pages(english_path.read_bytes())
    assert f"Overall score: {rounded(expected.overall, 1)} on the scale from 1 to 5" in english[1]
    assert "Method and source" in english[-1]


def test_offline_report_rejects_a_bad_file(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "selfcheck-assessment", "version": 99}))
    result = runner.invoke(main, ["report", str(bad), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "version: 99 is not supported (expected 1)" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_filename_is_ascii_safe():
    assert report.filename("Ærø Kommune", "Social & Sundhed/Øst", date(2026, 1, 2)) == \
        "selfcheck-aeroe-kommune-social-sundhed-oest-2026-01-02.pdf"


def test_report_for_fifteen_anonymous_members(app, questionnaire, db):
    """A large anonymous team: every theme, comments without names, no member name anywhere."""
    import random

    from selfcheck.services import assessments

    rng = random.Random(15)
    assessment, _links = assessments.create_assessment(
        db, app.extensions["questionnaire_document"], organisation="Københavns Kommune",
        team="Forvaltningsledelsen", language="da", anonymous=True)
    for index in range(15):
        participant, _token = answer_service.join(db, assessment, f"Navn{index}")
        for theme in questionnaire.themes:
            values = {q.id: rng.choice([None, 1, 2, 3, 4, 5]) for q in theme.questions}
            answer_service.save_step(db, participant, theme, values,
                                  f"Kommentar {index} om {theme.id}" if index % 4 == 0 else "")
        answer_service.submit(db, participant)
    data = load_export(export_assessment(assessment))
    assert {m.name for m in data.members} == {None}
    pdf = report.render_pdf(data, "da", TODAY)
    pages = pdf_pages(pdf)
    text = "\n".join(pages)
    assert len(pages) >= 9
    assert "MEDLEMMER, DER HAR SVARET" in pages[0] and " 15\n" in pages[0]
    for theme in questionnaire.themes:
        assert f". {theme.title.da}\n" in text
        assert f"Kommentar 0 om {theme.id}" in text
    assert "Navn" not in text
    assert "Svarene var anonyme." in text.replace("\n", " ")


def test_reusing_one_font_configuration_gives_the_same_pdf(app, questionnaire):
    """render.font_configuration() is reused per thread (it stops a leak outside the Python
    heap). The report must read the same as with WeasyPrint's fresh configuration: the same
    pages, text and fonts. (The bytes of a font subset can differ once the configuration
    has seen other documents; the same report rendered twice is byte for byte the same.)"""
    import io
    from datetime import date

    from pypdf import PdfReader
    from weasyprint import HTML

    from selfcheck.db import get_session
    from selfcheck.exchange import team as exchange
    from selfcheck.report import team as report
    from selfcheck.services import demo
    from selfcheck.services.assessments import find_by_facilitator_token

    from .test_chain import embedded_fonts

    with app.app_context():
        links = demo.create_demo(get_session(), app.extensions["questionnaire_document"])
        data = exchange.load_export(exports.export_assessment(
            find_by_facilitator_token(get_session(), links.facilitator_token)))
    html = report.render_html(report.report_context(data, "da", date(2026, 11, 28)))
    fresh = HTML(string=html, base_url=render.STATIC_DIR.as_uri() + "/",
                 url_fetcher=render.safe_url_fetcher()).write_pdf(pdf_variant="pdf/ua-1")
    first = render.html_to_pdf(html)
    assert render.font_configuration() is render.font_configuration()
    assert render.html_to_pdf(html) == first

    def read(pdf: bytes) -> list[str]:
        return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]

    assert read(first) == read(fresh) and len(read(first)) >= 10
    assert embedded_fonts(first) == embedded_fonts(fresh)


def test_concurrent_downloads_of_one_report_wait_for_one_render(app, facilitator, monkeypatch):
    import threading
    import time

    from selfcheck.report import team as report

    facilitator.create()
    renders = []
    real = report.render_pdf

    def counted(*args, **kwargs):
        renders.append(1)
        time.sleep(0.3)  # long enough for every request to arrive while it renders
        return real(*args, **kwargs)

    monkeypatch.setattr(report, "render_pdf", counted)
    url = f"{facilitator.results_url}/report.pdf"
    barrier = threading.Barrier(6)
    responses = []

    def download():
        client = app.test_client()
        barrier.wait()
        responses.append(client.get(url))

    threads = [threading.Thread(target=download) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(renders) == 1
    assert [r.status_code for r in responses] == [200] * 6
    assert len({r.data for r in responses}) == 1
    assert sorted(r.headers["X-Report-Cache"] for r in responses) == ["hit"] * 5 + ["miss"]


def test_a_report_rendered_in_the_helper_process_is_the_same(app, questionnaire):
    """selfcheck serve renders PDFs in a helper process (render_pool.py) so its threads go on
    serving pages; the PDF reads the same as one rendered in-process."""
    import io
    from datetime import date

    from pypdf import PdfReader

    from selfcheck.db import get_session
    from selfcheck.exchange import team as exchange
    from selfcheck.report import pool as render_pool
    from selfcheck.services import demo
    from selfcheck.services.assessments import find_by_facilitator_token

    with app.app_context():
        links = demo.create_demo(get_session(), app.extensions["questionnaire_document"])
        data = exchange.load_export(exports.export_assessment(
            find_by_facilitator_token(get_session(), links.facilitator_token)))
        from selfcheck.exchange import chain as chain_json
        from selfcheck.services import organisations

        organisation = organisations.find_by_token(get_session(), demo.create_demo_organisation(
            get_session(), app.extensions["questionnaire_document"]))
        chain = chain_json.load_chain_export(exports.export_chain(
            get_session(), organisations.load_chain(get_session(), organisation.id),
            questionnaire, app.extensions["questionnaire_document"]), trusted=True)
    day = date(2026, 11, 28)
    try:
        pooled = render_pool.render_team_report(data, "da", day, None, in_pool=True)
        pooled_chain = render_pool.render_chain_report(chain, "da", day, None, in_pool=True)
    finally:
        render_pool._reset()
    local = render_pool.render_team_report(data, "da", day, None, in_pool=False)
    local_chain = render_pool.render_chain_report(chain, "da", day, None, in_pool=False)

    def read(pdf: bytes) -> list[str]:
        return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]

    assert read(pooled) == read(local) and len(read(local)) >= 10
    assert read(pooled_chain) == read(local_chain) and len(read(local_chain)) > 3


# ------------------------------------------------------- a cache folder that cannot be written

@pytest.fixture
def full_disk(tmp_path):
    """A real file system with room for 16 KiB: a tmpfs, mounted for this test."""
    import subprocess

    folder = tmp_path / "full"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    assert mounted.returncode == 0, f"the test mounts a small tmpfs (as root): {mounted.stderr}"
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.parametrize("where", ["a file", "a full disk"])
def test_a_cache_folder_that_cannot_be_written_still_serves_the_pdf(app, facilitator,
                                                                    questionnaire, tmp_path,
                                                                    caplog, where, request):
    import logging

    if where == "a file":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the cache folder should be")
        app.config["REPORT_CACHE_DIR"] = str(blocker / "cache")
    else:
        app.config["REPORT_CACHE_DIR"] = str(request.getfixturevalue("full_disk") / "cache")
    facilitator.create(answers="named")
    Member(app, facilitator.join_url()).join("Anne").answer_all(
        questionnaire, {q.id: 4 for q in questionnaire.questions}).submit()
    with caplog.at_level(logging.WARNING):
        first = facilitator.client.get(f"{facilitator.results_url}/report.pdf")
        second = facilitator.client.get(f"{facilitator.results_url}/report.pdf")
    for response in (first, second):
        assert response.status_code == 200
        assert response.data.startswith(b"%PDF-")
        assert response.headers["X-Report-Cache"] == "miss"  # rendered, not kept
    warnings = [r.getMessage() for r in caplog.records if "cannot be written" in r.getMessage()]
    assert len(warnings) == 2
    assert "the report is served without being cached" in warnings[0]
