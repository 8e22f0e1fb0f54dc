"""The leadership chain: an organisation's levels and teams, compared (DESIGN.md §4, the chain).

The chain built here, every member answering one value to every statement (reverse-worded
ones mirrored), so every member's score is that value in every recommendation:

    Direktion        "Direktionen" (named)  5, 4, 4  → 13/3 = 4.333…   level 13/3
    Chefgruppe       "Chef A" (named)       3        → 3
                     "Chef B" (named)       3, 3     → 3               level 3
    Afdelingsledere  "Afdeling 1" (named)   2, 2     → 2               level 2
                     "Afdeling 2" (anon.)   1, 1     → left out: 2 < 3 anonymous answers

Afdelingsledere has 2 respondents: it shows its score, not its teams' scores.
Breaks (chain_gap = 1): Direktion–Chefgruppe 13/3 − 3 = 4/3 (shown 1,3) and
Chefgruppe–Afdelingsledere exactly 1, in every theme: 12 breaks, the six of
4/3 first in the questionnaire's order, then the six of exactly 1.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import re
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import func, select

from selfcheck.cli import main
from selfcheck.core.chain import TeamInput, compare_chain
from selfcheck.models import Assessment, Level, Organisation

from .conftest import Member, csrf_token, html_text

pytestmark = pytest.mark.both_databases

TEAMS = [("Direktion", "Direktionen", False, [5, 4, 4]),
         ("Chefgruppe", "Chef A", False, [3]),
         ("Chefgruppe", "Chef B", False, [3, 3]),
         ("Afdelingsledere", "Afdeling 1", False, [2, 2]),
         ("Afdelingsledere", "Afdeling 2", True, [1, 1])]


def post(client, page_url: str, url: str, data: dict):
    page = client.get(page_url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                  **data})


def create_organisation(client) -> str:
    page = client.get("/o/new")
    response = client.post("/o/new", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                           "name": "Vejle Kommune", "language": "da"})
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.fixture
def chain(app, questionnaire, db):
    """The chain above, built through the client; returns (client, org URL, created page)."""
    client = app.test_client()
    url = create_organisation(client)
    # three levels with the names above, whatever the content's default levels are
    levels = db.scalars(select(Level).order_by(Level.position)).all()
    for extra in levels[3:]:
        response = post(client, url, f"{url}/levels/{extra.id}", {"action": "delete"})
        assert response.status_code == 302
    for level, name in zip(levels[:3], ("Direktion", "Chefgruppe", "Afdelingsledere"),
                           strict=True):
        response = post(client, url, f"{url}/levels/{level.id}",
                        {"action": "rename", "name_da": name, "name_en": name})
        assert response.status_code == 302
    named = "\n".join(f"{level}; {team}" for level, team, anonymous, _ in TEAMS if not anonymous)
    created = post(client, url, f"{url}/team-list", {"teams": named, "list_answers": "named"})
    assert created.status_code == 200
    created_anon = post(client, url, f"{url}/team-list",
                        {"teams": "Afdelingsledere; Afdeling 2",
                         "list_answers": "anonymous"})
    html = created.get_data(as_text=True) + created_anon.get_data(as_text=True)
    joins = dict(re.findall(r'<th scope="row" data-title="Team">([^<]+)<br>.*?'
                            r'class="link-box"><code>http://localhost(/j/[A-Za-z0-9_-]+)</code>',
                            html, re.S))
    assert set(joins) == {team for _l, team, _a, _v in TEAMS}
    for _level, team, anonymous, values in TEAMS:
        for i, value in enumerate(values):
            member = Member(app, joins[team]).join(None if anonymous else f"{team} {i}")
            member.answer_all(questionnaire, {q.id: 6 - value if q.reverse else value
                                              for q in questionnaire.questions})
            member.submit()
    return client, url, html


def test_the_comparison_page_shows_the_hand_computed_numbers(chain, questionnaire):
    client, url, _html = chain
    text = html_text(client.get(url))
    first = questionnaire.themes[0].title.da
    # levels: 13/3 shows as 4,3; 3,0; 2,0 — with teams and respondents counted
    # (the level's band is printed for screen readers; the colour is never the only signal)
    assert "Direktion 1 team, 3 svarpersoner " + "4,3 (Styrke) " * 5 + "4,3 (Styrke)" in text
    assert "Chefgruppe 2 teams, 3 svarpersoner 3,0 (På vej) 3,0 (På vej)" in text
    assert "Afdelingsledere 1 team, 2 svarpersoner 2,0 (Udviklingsområde)" in text
    assert "Chef A 3,0" in text and "Afdeling 2 (udeladt) – –" in text
    # breaks lead, largest first: 4/3 (1,3) before exactly 1 (1,0), which counts
    breaks = text.split("Hvor kæden knækker")[1].split("Niveauer og temaer")[0]
    assert f"{first}: Direktion 4,3, Chefgruppe 3,0 (1,3 point fra hinanden)" in breaks
    assert f"{first}: Chefgruppe 3,0, Afdelingsledere 2,0 (1,0 point fra hinanden)" in breaks
    assert breaks.count("point fra hinanden") == 2 * len(questionnaire.themes)
    assert breaks.index("(1,3 point") < breaks.index("(1,0 point")
    # what was compared: the institution level is not asked the statements about managers
    # below, so the two levels are compared on the theme's other statements, said so
    chain_theme = questionnaire.theme("leadership_chain")
    common = [q for q in chain_theme.questions if not q.applies_if]
    assert (f"{chain_theme.title.da}, Chefgruppe – Afdelingsledere: sammenlignet på "
            f"{len(common)} af temaets {len(chain_theme.questions)} udsagn. Udeladt, fordi kun "
            "det ene af de to niveauer får udsagnet:") in text
    assert ("Farver: Udviklingsområde (under 2,50) · På vej (2,50 til under 3,75) · Styrke "
            "(3,75 og derover)") in text
    # the anonymous team below the threshold is named as left out, with the reason
    assert ("Afdeling 2 (Afdelingsledere): anonyme svar fra 2 medlemmer; et team tæller med "
            "fra 3 for at beskytte medlemmerne.") in text


def test_exact_arithmetic_and_breaks_in_the_pure_comparison(questionnaire):
    def result(values):
        members = [{q.id: 6 - v if q.reverse else v for q in questionnaire.questions}
                   for v in values]
        return tuple(members)

    teams = [TeamInput(name, level, anonymous, questionnaire, result(values))
             for level, (_l, name, anonymous, values) in zip([0, 1, 1, 2, 2], TEAMS,
                                                             strict=True)]
    compared = compare_chain(3, questionnaire, teams)
    theme = questionnaire.themes[0].id
    assert [level.scores[theme] for level in compared.levels] == [Fraction(13, 3), 3, 2]
    assert [level.respondents for level in compared.levels] == [3, 3, 2]
    assert [level.distribution_visible for level in compared.levels] == [True, True, False]
    assert [(b.upper, b.lower, b.gap) for b in compared.breaks[:1]] == [(0, 1, Fraction(4, 3))]
    assert {b.gap for b in compared.breaks} == {Fraction(4, 3), Fraction(1)}
    assert {b.direction for b in compared.breaks} == {"upper_higher"}
    # a gap just under the threshold is not a break
    narrower = dataclasses.replace(questionnaire,
                                   chain_gap=Fraction(4, 3) + Fraction(1, 10**9))
    assert compare_chain(3, narrower, teams).breaks == ()
    left = compared.left_out()
    assert [(index, team.name, team.reason) for index, team in left] == [
        (2, "Afdeling 2", "anonymous_below_threshold")]


def embedded_fonts(pdf: bytes) -> set[str]:
    """The base names of the fonts a PDF embeds (without WeasyPrint's subset prefix)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def test_the_export_and_the_chain_pdf_carry_the_same_numbers(chain, runner, tmp_path,
                                                              questionnaire):
    client, url, _html = chain
    document = json.loads(client.get(f"{url}/export.json").data)
    assert document["format"] == "selfcheck-chain" and document["version"] == 1
    assert [level["name_da"] for level in document["levels"]] == [
        "Direktion", "Chefgruppe", "Afdelingsledere"]
    theme = questionnaire.themes[0].id
    # exact scores, as the page shows them, and no member anywhere
    assert [level["themes"][0] for level in document["levels"]] == [
        {"theme_id": theme, "score": "13/3", "n": 3}, {"theme_id": theme, "score": "3", "n": 3},
        {"theme_id": theme, "score": "2", "n": 2}]
    outside = json.dumps({k: v for k, v in document.items() if k != "questionnaire"})
    assert '"members"' not in outside and '"answers"' not in outside
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    pdf_path = tmp_path / "chain.pdf"
    result = runner.invoke(main, ["chain-report", str(path), "-o", str(pdf_path)])
    assert result.exit_code == 0, result.output
    offline = " ".join(" ".join(p.extract_text() for p in
                                PdfReader(io.BytesIO(pdf_path.read_bytes())).pages).split())
    web = client.get(f"{url}/report.pdf")
    assert web.status_code == 200 and web.data.startswith(b"%PDF")
    # the text is in the app's own font, as in the team's report (the charts, drawn as
    # images, take the system's sans-serif for their labels)
    for pdf in (web.data, pdf_path.read_bytes()):
        assert {"IBM-Plex-Sans", "IBM-Plex-Sans-Semi-Bold", "IBM-Plex-Sans-Bold"} <= \
            embedded_fonts(pdf)
    web_text = " ".join(" ".join(p.extract_text() for p in
                                 PdfReader(io.BytesIO(web.data)).pages).split())
    first = questionnaire.themes[0].title.da
    for text in (offline, web_text):
        assert "5 (4 af dem med i sammenligningen)" in text  # the cover's teams
        assert f"{first}: Direktion 4,3, Chefgruppe 3,0 (1,3 point fra hinanden)" in text
        assert "Afdeling 2 (Afdelingsledere): anonyme svar fra 2 medlemmer" in text
    # the results cannot be imported (they hold no answers): one line says so
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {path}: format: this file holds a chain's results, not its answers, so it "
        "cannot be imported; build its report with selfcheck chain-report")


def test_the_host_moves_an_organisation_with_its_answers(chain, runner, tmp_path):
    """`selfcheck export-organisation` (the host holds the database) writes the answers, and
    `selfcheck import` rebuilds the same comparison under new links."""
    client, url, _html = chain
    path = tmp_path / "org.json"
    result = runner.invoke(main, ["export-organisation", url, "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote {path} (3 levels, {len(TEAMS)} teams)"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "selfcheck-organisation"
    members = [m for level in document["levels"] for team in level["teams"]
               for m in team["members"]]
    assert len(members) == 10 and {m["name"] for m in members} == {None}  # never a name
    assert runner.invoke(main, ["export-organisation", "999", "-o", str(path)]).output \
        .strip() == "Error: no organisation has that number or link"
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 0, result.output
    new_url = result.output.strip().splitlines()[-1]
    assert new_url.startswith("/o/") and new_url != url
    text = html_text(client.get(new_url))
    assert "Direktion 1 team, 3 svarpersoner 4,3 (Styrke)" in text
    # the chain report builds from the host's file too, the same as from the results
    pdf_path = tmp_path / "chain.pdf"
    result = runner.invoke(main, ["chain-report", str(path), "-o", str(pdf_path)])
    assert result.exit_code == 0, result.output


def test_join_links_and_codes_for_distribution(chain, app):
    client, url, _html = chain
    csv_text = client.get(f"{url}/links.csv").data.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0] == "Niveau,Team,Link til at deltage,Kode,Adresse til koden"
    assert len(lines) == 1 + len(TEAMS)
    assert lines[1].startswith("Direktion,Direktionen,http://localhost/j/")
    assert re.search(r",[A-Z0-9]{4} [A-Z0-9]{4},http://localhost/kode$", lines[1])
    xlsx = client.get(f"{url}/links.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_organisation_link_opens_no_team_and_no_answers(chain, app, db):
    client, url, created_html = chain
    token = url.rsplit("/", 1)[1]
    assert client.get(f"/f/{token}").status_code == 404
    assert client.get(f"/j/{token}").status_code == 404
    assert client.get(f"/p/{token}/").status_code == 404
    page = client.get(url).get_data(as_text=True)
    for facilitator in re.findall(r"/f/([A-Za-z0-9_-]{43})", created_html):
        assert facilitator not in page  # shown once at creation, never on the organisation
        assert app.test_client().get(f"/o/{facilitator}").status_code == 404  # and no way back
    assert "/f/" not in page
    assert "Direktionen 0" not in page  # no member's name
    export = client.get(f"{url}/export.json").get_data(as_text=True)
    assert "Direktionen 0" not in export and "/f/" not in export
    assert client.get("/o/" + "x" * 43).status_code == 404


def test_the_organisation_page_scales_in_statements(app, questionnaire, db):
    """1 direktion + 10 chefgrupper + 50 teams of 8: the page's statements do not grow."""
    from sqlalchemy import event

    from selfcheck.core.tokens import hash_token, new_token
    from selfcheck.models import Answer, Participant
    from selfcheck.services import organisations
    from selfcheck.web.context import current_document

    def fill(session, organisation, members):
        for level in organisation.levels:
            for team in level.teams:
                while len(team.participants) < members:
                    team.participants.append(Participant(
                        resume_token_hash=hash_token(new_token()), display_name=None,
                        submitted_at=team.created_at,
                        answers=[Answer(question_id=q.id, value=3)
                                 for q in questionnaire.questions]))
        session.commit()

    def statements_for(token):
        engine = app.extensions["db_engine"]
        seen = []

        def listener(*args):
            seen.append(args[2])

        event.listen(engine, "before_cursor_execute", listener)
        response = app.test_client().get(f"/o/{token}")
        event.remove(engine, "before_cursor_execute", listener)
        assert response.status_code == 200
        return len(seen)

    session = app.extensions["db_sessionmaker"]()
    with app.app_context():
        organisation, token = organisations.create_organisation(
            session, name="Stor Kommune", language="da",
            levels=[("Direktion", "Board"), ("Chefgruppe", "Heads"), ("Ledere", "Leaders")])
        organisations.add_teams(session, organisation, token, current_document(),
                                [organisations.NewTeam(1, "Direktionen")])
        fill(session, organisation, 2)
        small = statements_for(token)
        organisations.add_teams(session, organisation, token, current_document(),
                                [organisations.NewTeam(2, f"Chefgruppe {i}") for i in range(10)]
                                + [organisations.NewTeam(3, f"Ledere {i}") for i in range(50)])
        fill(session, organisation, 8)
        large = statements_for(token)
    session.close()
    assert small == large, (small, large)
    assert db.scalar(select(func.count()).select_from(Assessment)) == 61


def test_levels_can_be_renamed_added_and_reordered(app, questionnaire, db):
    client = app.test_client()
    url = create_organisation(client)
    levels = db.scalars(select(Level).order_by(Level.position)).all()
    defaults = [level.name.da for level in questionnaire.levels]
    assert [lv.name_da for lv in levels] == defaults == [
        "Direktion", "Chefgrupper", "Institutionsledere"]
    # which statements the teams are asked, from the content's default levels
    assert [lv.conditions for lv in levels] == [["managers_below", "politicians"],
                                                ["managers_below", "politicians"], []]
    second = levels[1]
    assert post(client, url, f"{url}/levels/{second.id}",
                {"action": "rename", "name_da": "Chefer", "name_en": "Heads"}).status_code == 302
    assert post(client, url, f"{url}/levels/{second.id}", {"action": "up"}).status_code == 302
    added = post(client, url, f"{url}/levels", {})  # one click: a level at the bottom
    db.expire_all()
    number = len(defaults) + 1
    new = db.scalars(select(Level).where(Level.position == number)).one()
    assert (new.name_da, new.name_en) == (f"Niveau {number}", f"Level {number}")
    assert added.status_code == 302
    assert added.headers["Location"] == f"{url}#level-{new.id}-edit"
    assert post(client, url, f"{url}/levels/{new.id}",
                {"action": "rename", "name_da": "Teamledere", "name_en": ""}).status_code == 302
    db.expire_all()
    names = [lv.name_da for lv in db.scalars(select(Level).order_by(Level.position))]
    assert names == ["Chefer", "Direktion", "Institutionsledere", "Teamledere"]
    bad = post(client, url, f"{url}/team-list", {"teams": "Ukendt; Team X",
                                                          "list_answers": "named"})
    assert bad.status_code == 400
    assert "Linje 1: Der er intet niveau, der hedder “Ukendt”." in html_text(bad)
    assert db.scalar(select(func.count()).select_from(Assessment)) == 0
    assert db.scalar(select(func.count()).select_from(Organisation)) == 1


def test_a_follow_up_of_the_chain_shows_the_change_per_level(chain, app, questionnaire, db):
    client, url, _html = chain
    response = post(client, url, f"{url}/follow-up", {})
    assert response.status_code == 302
    new_url = response.headers["Location"]
    assert new_url != url
    assert db.scalar(select(func.count()).select_from(Organisation)) == 2
    db.expire_all()
    teams = db.scalars(select(Assessment).order_by(Assessment.id)).all()
    earlier, later = teams[:len(TEAMS)], teams[len(TEAMS):]
    assert {t.status for t in earlier} == {"closed"}
    assert [t.previous_id for t in later] == [t.id for t in earlier]
    # this year the direktion (two of them) answers 3 everywhere: its level falls from 13/3
    # to 3 (one member alone would show no level score: it would be that person's own)
    links = client.get(f"{new_url}/links.csv").data.decode().splitlines()[1:]
    direktion = next(line for line in links if line.startswith("Direktion,"))
    join = "/j/" + direktion.split("/j/")[1].split(",")[0]
    for name in ("Ny direktør", "Anden direktør"):
        member = Member(app, join).join(name)
        member.answer_all(questionnaire, {q.id: 3 for q in questionnaire.questions})
        member.submit()
    text = html_text(client.get(new_url))
    assert "Ændring for hvert niveau siden sidst" in text
    assert "Direktion " + "↓ -1,3 " * 5 + "↓ -1,3" in text
    assert "Chefgruppe – – – – – –" in text  # nobody has answered there yet


def _heatmap(text: str) -> str:
    """The heat map's part of a page's or a PDF's text, whitespace made single."""
    text = " ".join(text.split())
    heading = next(h for h in ("Niveauer og temaer", "Levels and themes") if h in text)
    return text[text.index(heading):]


def test_a_level_under_the_anonymity_limit_shows_no_teams_scores_anywhere(
        chain, runner, tmp_path, questionnaire):
    """Afdelingsledere has 2 respondents in its counted teams (Afdeling 1, named): with one
    member per team, a team's row would be that person's own scores. The level's score is
    shown; its teams' are not, on the page in both languages, in the web and the offline PDF
    (from the results and from the host's export), and after an import."""
    client, url, _html = chain
    dashes = "Afdeling 1 " + " ".join(["–"] * len(questionnaire.themes))
    hidden_da = ("Færre end 3 svarpersoner på niveauet: teamenes scorer vises ikke. Det "
                 "beskytter medlemmerne.")
    hidden_en = ("Fewer than 3 respondents on this level: its teams' scores are not shown, to "
                 "protect the members.")

    def check(text: str, hidden: str, decimal: str) -> None:
        heatmap = _heatmap(text)
        assert dashes in heatmap and f"Afdeling 1 2{decimal}0" not in heatmap
        assert heatmap.count(hidden) == 1  # one level is under the limit
        assert f"Chef A 3{decimal}0" in heatmap  # a level of three shows its teams
        # the level's own score is shown: 2,0 in every theme
        assert heatmap.count(f"2{decimal}0") >= len(questionnaire.themes)

    check(html_text(client.get(url)), hidden_da, ",")
    post(client, url, "/language", {"lang": "en", "next": url})
    check(html_text(client.get(url)), hidden_en, ".")
    check(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get(f"{url}/report.pdf").data)).pages), hidden_en, ".")
    post(client, url, "/language", {"lang": "da", "next": url})

    # the results hold no score of the level's teams, nor of the anonymous team of 2
    results = json.loads(client.get(f"{url}/export.json").data)
    teams = {team["name"]: team for team in results["levels"][2]["teams"]}
    assert teams == {
        "Afdeling 1": {"name": "Afdeling 1", "counted": True, "reason": None,
                       "respondents": 2, "scores": {}, "consensus": {}},
        "Afdeling 2": {"name": "Afdeling 2", "counted": False,
                       "reason": "anonymous_below_threshold", "respondents": 2, "scores": {},
                       "consensus": {}}}
    for name, document in (("results", results), ("host", None)):
        path = tmp_path / f"{name}.json"
        if document is None:
            result = runner.invoke(main, ["export-organisation", url, "-o", str(path)])
            assert result.exit_code == 0, result.output
        else:
            path.write_text(json.dumps(document), encoding="utf-8")
        pdf_path = tmp_path / f"{name}.pdf"
        result = runner.invoke(main, ["chain-report", str(path), "-o", str(pdf_path)])
        assert result.exit_code == 0, result.output
        check(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(
            pdf_path.read_bytes())).pages), hidden_da, ",")
    result = runner.invoke(main, ["import", str(tmp_path / "host.json")])
    assert result.exit_code == 0, result.output
    imported = result.output.strip().splitlines()[-1]
    check(html_text(client.get(imported)), hidden_da, ",")


def test_a_results_file_cannot_smuggle_in_a_hidden_score(chain, runner, tmp_path):
    """A score the page hides is refused in a results file too, so the offline report can
    never print one: the team scores of a level of 2 and a level score of 1 member."""
    client, url, _html = chain
    document = json.loads(client.get(f"{url}/export.json").data)
    theme = document["levels"][2]["themes"][0]["theme_id"]
    document["levels"][2]["teams"][0]["scores"] = {theme: "2"}
    document["levels"][2]["themes"][1]["n"] = 1
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(main, ["chain-report", str(path), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {path}: levels[2].themes[1].score: a score the organisation's page does not "
        "show (too few respondents); the file cannot hold it; levels[2].teams[0].scores."
        f"{theme}: a score the organisation's page does not show (too few respondents); the "
        "file cannot hold it")
    assert not (tmp_path / "x.pdf").exists()


def test_a_level_says_which_statements_its_teams_are_asked(app, questionnaire, db):
    """Institutionsledere (no conditions by default) is not asked the statements that assume
    politicians or managers below; ticking a box while nobody has joined asks them again; once
    a member has joined, the choice is locked and a forced change is refused."""
    client = app.test_client()
    url = create_organisation(client)
    bottom = db.scalars(select(Level).order_by(Level.position.desc())).first()
    assert bottom.conditions == []
    conditional = {q.id for q in questionnaire.questions if q.applies_if}
    politicians = {q.id for q in questionnaire.questions if "politicians" in q.applies_if}
    assert politicians and conditional - politicians
    page = html_text(client.get(url))
    assert ("Teamene får ikke de udsagn, der forudsætter: teamet arbejder direkte med "
            "politikerne; teamet har ledere under sig.") in page
    created = post(client, url, f"{url}/team-list",
                   {"teams": "Institutionsledere; Skolerne", "list_answers": "named"})
    join = re.search(r"http://localhost(/j/[A-Za-z0-9_-]+)", created.get_data(as_text=True))

    def asked() -> set[str]:
        member = Member(app, join.group(1)).join("Skoleleder")
        return set().union(*(member.asked(n) for n in range(1, len(questionnaire.themes) + 1)))

    # the politicians' box ticked: those statements are asked, the others still not
    response = post(client, url, f"{url}/levels/{bottom.id}",
                    {"action": "conditions", "conditions": "politicians"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Level, bottom.id).conditions == ["politicians"]
    assert [t.conditions for t in db.get(Level, bottom.id).teams] == [["politicians"]]
    seen = asked()
    assert politicians <= seen and not (conditional - politicians) & seen
    assert seen == {q.id for q in questionnaire.questions} - (conditional - politicians)
    # a member has joined now: the boxes are locked, and a forced change changes nothing
    assert "Der er medlemmer i gang i et team på dette niveau." in html_text(client.get(url))
    for conditions in ([], ["politicians", "mayor"]):
        refused = post(client, url, f"{url}/levels/{bottom.id}",
                       {"action": "conditions", "conditions": conditions})
        assert refused.status_code == 409
    db.expire_all()
    assert db.get(Level, bottom.id).conditions == ["politicians"]


def test_a_teams_export_keeps_which_statements_it_was_asked(app, questionnaire, db, runner,
                                                             tmp_path):
    """A team of institution leaders exports its conditions; importing it keeps them, so the
    imported team is asked, and scored on, the same statements; the offline report builds."""
    from selfcheck.services import organisations

    client = app.test_client()
    url = create_organisation(client)
    created = post(client, url, f"{url}/team-list",
                   {"teams": "Institutionsledere; Skolerne", "list_answers": "named"})
    html = created.get_data(as_text=True)
    join = re.search(r"http://localhost(/j/[A-Za-z0-9_-]+)", html).group(1)
    facilitator = re.search(r"http://localhost(/f/[A-Za-z0-9_-]{43})", html).group(1)
    member = Member(app, join).join("Skoleleder")
    member.answer_all(questionnaire, {q.id: 4 for q in questionnaire.questions})
    member.submit()
    document = json.loads(client.get(f"{facilitator}/export.json").data)
    assert document["assessment"]["conditions"] == []
    asked = {q.id for q in questionnaire.questions if not q.applies_if}
    assert set(document["members"][0]["answers"]) == asked
    path = tmp_path / "team.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 0, result.output
    db.expire_all()
    imported = db.scalars(select(Assessment).order_by(Assessment.id.desc())).first()
    assert imported.conditions == [] and imported.level_id is None
    with app.app_context():
        from selfcheck.services.assessments import questionnaire_of
        assert {q.id for q in questionnaire_of(imported).questions} == asked
    assert organisations.default_levels(questionnaire)[-1] == (
        "Institutionsledere", "Unit managers", ())
    result = runner.invoke(main, ["report", str(path), "-o", str(tmp_path / "team.pdf")])
    assert result.exit_code == 0, result.output
    # a condition the questionnaire does not know is refused with its path
    document["assessment"]["conditions"] = ["mayor"]
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 1
    assert "assessment.conditions[0]: Unknown choice: 'mayor'." in result.output


def test_one_scored_level_claims_no_break(app, questionnaire):
    """With scores on one level only there is nothing to compare: no "Intet brud"."""
    client = app.test_client()
    url = create_organisation(client)
    created = post(client, url, f"{url}/team-list",
                   {"teams": "Direktion; Direktionen", "list_answers": "named"})
    join = re.search(r"http://localhost(/j/[A-Za-z0-9_-]+)", created.get_data(as_text=True))
    for name in ("A", "B"):
        member = Member(app, join.group(1)).join(name)
        member.answer_all(questionnaire, {q.id: 4 for q in questionnaire.questions})
        member.submit()
    text = html_text(client.get(url))
    assert "Kun ét niveau har scorer indtil videre. Niveauerne sammenlignes, når to har." in text
    assert "Intet brud" not in text


_examples = itertools.count(1)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=300) | st.sampled_from(["politicians", "\x00", "x" * 5000]),
                max_size=14))
def test_any_conditions_posted_are_saved_or_refused_never_a_500(app, db, values):
    """The level's boxes: whatever is posted is a known choice (saved) or a clear 4xx that
    changes nothing."""
    client = app.test_client()
    # a client of its own for each example: 40 organisations are more than one client
    # without an account may create in an hour (guards.CREATIONS_PER_CLIENT)
    number = next(_examples)
    client.environ_base["REMOTE_ADDR"] = f"10.1.{number // 256 % 256}.{number % 256}"
    url = create_organisation(client)
    bottom = db.scalars(select(Level).order_by(Level.id.desc())).first()
    response = post(client, url, f"{url}/levels/{bottom.id}",
                    {"action": "conditions", "conditions": values})
    db.expire_all()
    saved = db.get(Level, bottom.id).conditions
    if set(values) <= {"politicians", "managers_below"}:
        assert response.status_code == 302 and saved == sorted(set(values))
    else:
        assert response.status_code in (400, 409) and saved == []
