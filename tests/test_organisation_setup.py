"""Setting up an organisation, as a consultant does it (issue 22, part 4).

- An empty organisation leads with adding teams and says nothing about breaks; with teams but
  no scores it leads with sending the links; the comparison comes with the first scores.
- A refused form comes back at that form (its address carries the form's fragment), in the
  page's language, with what was typed.
- A level is added by one click, named "Niveau 5" until renamed, at most ``MAX_LEVELS``.
- The page after adding teams downloads every new team's links at once, facilitator links
  included, and those go only to the organisation's owners (and its link's holder).
- "Start en opfølgning" only once a team has answers.
"""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from selfcheck.limits import MAX_LEVELS, MAX_TEAMS
from selfcheck.models import Assessment, Level

from .conftest import Consultant, Member, csrf_token, html_text

pytestmark = pytest.mark.both_databases

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
TOKEN = r"[A-Za-z0-9_-]{43}"
OPEN = re.compile(r'<details class="level-edit" id="level-\d+-edit" open>')  # an open level form
NO_COMPARISON = ('id="breaks-heading"', 'id="heatmap-heading"', 'id="charts-heading"',
                 'class="levels-figure"', "/report.pdf")
NO_COMPARISON_DA = ("Hvor kæden knækker", "Intet brud", "Niveauer og temaer",
                    "Hvert tema gennem kæden", "Hent kædens PDF-rapport")


def new_organisation(client) -> str:
    """A Danish organisation made through the form; its URL."""
    page = client.get("/o/new")
    response = client.post("/o/new", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                           "name": "Vejle Kommune", "language": "da"})
    assert response.status_code == 302
    return response.headers["Location"]


def post(client, page_url: str, url: str, data: dict):
    page = client.get(page_url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                  **data})


def english(client) -> None:
    """The visitor chose English (the language switch keeps it in the session)."""
    with client.session_transaction() as session:
        session["lang"] = "en"


def headings(html: str) -> list[str]:
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", h)).split())
            for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]


def between(html: str, start: str, end: str | None = None) -> str:
    part = html[html.index(start):]
    return part[:part.index(end)] if end else part


def team_list(client, url: str, teams: str, answers: str = "named"):
    return post(client, url, f"{url}/team-list", {"teams": teams, "list_answers": answers})


def join_links(html: str) -> dict[str, str]:
    """Team name → its join path, from the page shown after adding teams."""
    return dict(re.findall(r'<th scope="row" data-title="Team">([^<]+)<br>.*?'
                           r'class="link-box"><code>http://localhost(/j/[A-Za-z0-9_-]+)</code>',
                           html, re.S))


def answer(app, questionnaire, join: str, value: int = 3, name: str | None = "Leder"):
    member = Member(app, join).join(name)
    member.answer_all(questionnaire, {q.id: value for q in questionnaire.questions})
    member.submit()


# ----------------------------------------------------------------------------- the first task


def test_an_empty_organisation_leads_with_adding_teams_and_says_nothing_about_breaks(
        app, questionnaire):
    client = app.test_client()
    url = new_organisation(client)
    html = client.get(url).get_data(as_text=True)
    text = html_text(client.get(url))
    assert headings(html) == ["Tilføj teamene", "Niveauerne"]
    assert "Første skridt: de teams, der skal svare. Hvert team får sit eget link og sin " \
           "egen kode." in text
    names = ", ".join(level.name.da for level in questionnaire.levels)
    assert f"En linje uden niveau kommer på det øverste niveau. Niveauerne er: {names}." in text
    for marker in NO_COMPARISON:
        assert marker not in html
    for words in (*NO_COMPARISON_DA, "Start en opfølgning af kæden", "Links og koder",
                  "Ingen teams på dette niveau endnu."):
        assert words not in text
    # the first form is the pasted list, then one team at a time, then the levels
    assert html.index('action="' + url + '/team-list#add-teams"') < \
        html.index('action="' + url + '/teams#add-team"') < html.index('id="levels"')
    # the creation's confirmation is in the link's own panel, not in a box of its own
    panel = between(html, 'class="links-panel"', "</div>")
    assert "Organisationen er klar. Gem linket: det er nøglen til sammenligningen." in panel
    assert html.count("Organisationen er klar.") == 1

    english(client)
    html = client.get(url).get_data(as_text=True)
    assert headings(html) == ["Add the teams", "The levels"]
    assert "No break" not in html and "Where the chain breaks" not in html


def test_teams_without_answers_lead_with_sending_their_links(app, questionnaire):
    client = app.test_client()
    url = new_organisation(client)
    top, second = (level.name.da for level in questionnaire.levels[:2])
    created = team_list(client, url, f"{top}; Direktionen\n{second}; Chef A")
    assert created.status_code == 200
    Member(app, join_links(created.get_data(as_text=True))["Direktionen"]).join("Anna")
    html = client.get(url).get_data(as_text=True)
    text = html_text(client.get(url))
    assert headings(html) == ["Niveauer og teams", "Tilføj flere teams"]
    assert "Næste skridt: Send hvert team dets link og kode. Koderne står ved hvert team " \
           "nedenfor, og linkene er i “Links og koder”. Sammenligningen af niveauerne kommer " \
           "her, når et team har svar, der tæller med." in text
    assert "Links og koder (XLSX)" in text and "Links og koder (CSV)" in text
    for marker in NO_COMPARISON:
        assert marker not in html
    for words in (*NO_COMPARISON_DA, "Start en opfølgning af kæden"):
        assert words not in text  # a member who joined but did not submit has no answers


def test_the_follow_up_comes_with_answers_and_the_comparison_with_scores(app, questionnaire):
    """The comparison comes with the first level score (core/chain.ChainResult.has_scores)."""
    client = app.test_client()
    url = new_organisation(client)
    top, second = (level.name.da for level in questionnaire.levels[:2])
    anonymous = team_list(client, url, f"{top}; Direktionen", answers="anonymous")
    for _ in range(2):  # two anonymous members: answers, but a team counts from three
        answer(app, questionnaire, join_links(anonymous.get_data(as_text=True))["Direktionen"],
               name=None)
    html = client.get(url).get_data(as_text=True)
    text = html_text(client.get(url))
    assert "Start en opfølgning af kæden" in text
    for marker in NO_COMPARISON:
        assert marker not in html
    assert "Næste skridt: Send hvert team dets link og kode." in text

    named = team_list(client, url, f"{second}; Chef A")
    answer(app, questionnaire, join_links(named.get_data(as_text=True))["Chef A"])
    # one member: a level's score from one person would be that person's own, so none yet
    html = client.get(url).get_data(as_text=True)
    for marker in NO_COMPARISON:
        assert marker not in html
    answer(app, questionnaire, join_links(named.get_data(as_text=True))["Chef A"], name="Bo")
    html = client.get(url).get_data(as_text=True)
    text = html_text(client.get(url))
    assert headings(html)[:3] == ["Hvor kæden knækker", "Niveauer og temaer",
                                  "Hvert tema gennem kæden"]
    assert headings(html)[3:] == ["Niveauer og teams", "Tilføj flere teams", "Igen om et år"]
    assert html.count('class="levels-figure"') == len(questionnaire.themes)
    assert "Hent kædens PDF-rapport" in text and "Næste skridt" not in text
    assert f"Direktionen ({top}): anonyme svar fra 2 medlemmer" in text


# ----------------------------------------------------------------------------- errors at the form


def test_a_refused_team_list_comes_back_at_its_form_with_what_was_typed(app, db):
    client = app.test_client()
    url = new_organisation(client)
    assert team_list(client, url, "Direktionen").status_code == 200
    typed = "1; Chef <A> & \"B\" 'C'\nFoo; Bar"
    response = team_list(client, url, typed)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    form = between(html, 'id="add-teams"', 'id="add-team"')  # the list's own part of the page
    assert f'action="{url}/team-list#add-teams"' in form
    assert "Linje 2: Der er intet niveau, der hedder “Foo”." in html_text_of(form)
    assert ">Ret venligst følgende<" in form
    assert f">\r\n{escape(typed)}</textarea>" in form
    assert re.search(r'<input checked[^>]*name="list_answers"[^>]*value="named"', form)
    assert "Linje 2" not in html[:html.index('id="add-teams"')]  # nowhere above the form
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Assessment)) == 1

    english(client)
    response = team_list(client, url, typed)
    assert response.status_code == 400
    form = between(response.get_data(as_text=True), 'id="add-teams"', 'id="add-team"')
    assert "Line 2: There is no level called “Foo”." in html_text_of(form)
    assert ">Please correct the following<" in form


def html_text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_refused_single_team_comes_back_at_its_form_with_what_was_chosen(app):
    client = app.test_client()
    url = new_organisation(client)
    assert team_list(client, url, "Direktionen").status_code == 200
    response = post(client, url, f"{url}/teams", {"level": "2", "team": "  ",
                                                  "answers": "named"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    form = between(html, 'id="add-team"', "</section>")
    assert f'action="{url}/teams#add-team"' in form
    assert "Team: Skriv navnet på teamet." in html_text_of(form)
    assert re.search(r'<option selected value="2">', form)
    assert re.search(r'<input checked[^>]*name="answers"[^>]*value="named"', form)
    assert "Skriv navnet på teamet." not in html[:html.index('id="add-team"')]
    english(client)
    response = post(client, url, f"{url}/teams", {"level": "1", "team": "",
                                                  "answers": "named"})
    assert "Team: Write the name of the team." in html_text_of(
        between(response.get_data(as_text=True), 'id="add-team"', "</section>"))


def test_a_refused_rename_comes_back_at_its_level_with_what_was_typed(app, db):
    client = app.test_client()
    url = new_organisation(client)
    levels = db.scalars(select(Level).order_by(Level.position)).all()
    second, third = levels[1], levels[2]
    response = post(client, url, f"{url}/levels/{second.id}",
                    {"action": "rename", "name_da": " ", "name_en": "Heads & <co>"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    block = between(html, f'id="level-{second.id}"', f'id="level-{third.id}"')
    assert f'<details class="level-edit" id="level-{second.id}-edit" open>' in block
    assert f'action="{url}/levels/{second.id}#level-{second.id}-edit"' in block
    assert "Fejl: Skriv navnet på niveauet." in html_text_of(block)
    assert 'value="Heads &amp; &lt;co&gt;"' in block
    assert len(OPEN.findall(html)) == 1  # only the refused level's
    long = post(client, url, f"{url}/levels/{second.id}",
                {"action": "rename", "name_da": "x" * 101, "name_en": ""})
    assert long.status_code == 400
    assert "Skriv højst 100 tegn." in html_text_of(between(
        long.get_data(as_text=True), f'id="level-{second.id}"', f'id="level-{third.id}"'))
    english(client)
    response = post(client, url, f"{url}/levels/{second.id}",
                    {"action": "rename", "name_da": "", "name_en": ""})
    assert "Error: Write the level's name." in html_text_of(between(
        response.get_data(as_text=True), f'id="level-{second.id}"', f'id="level-{third.id}"'))
    db.expire_all()
    assert (db.get(Level, second.id).name_da, db.get(Level, second.id).name_en) == (
        levels[1].name_da, levels[1].name_en)


# ----------------------------------------------------------------------------- levels


def test_a_level_is_added_by_one_click_with_a_name_to_change(app, db):
    client = app.test_client()
    url = new_organisation(client)
    count = db.scalar(select(func.count()).select_from(Level))
    number = count + 1
    assert f"Det kommer nederst og hedder “Niveau {number}”." in html_text(client.get(url))
    response = post(client, url, f"{url}/levels", {})
    db.expire_all()
    added = db.scalars(select(Level).where(Level.position == number)).one()
    assert response.status_code == 302  # to the new level's rename form, open
    assert response.headers["Location"] == f"{url}#level-{added.id}-edit"
    assert (added.name_da, added.name_en) == (f"Niveau {number}", f"Level {number}")
    html = client.get(url).get_data(as_text=True)
    block = between(html, f'id="level-{added.id}"', 'id="add-level"')
    assert f"Niveauet “Niveau {number}” er tilføjet nederst. Giv det sit eget navn her." \
        in html_text_of(block)
    assert f'<details class="level-edit" id="level-{added.id}-edit" open>' in block
    assert len(OPEN.findall(html)) == 1
    # a name that a level has already is not given twice (team lists name levels by name)
    renamed = post(client, url, f"{url}/levels/{added.id}", {
        "action": "rename", "name_da": f"Niveau {number + 1}", "name_en": "Team leaders"})
    assert renamed.status_code == 302
    english(client)
    assert post(client, url, f"{url}/levels", {}).status_code == 302
    db.expire_all()
    newest = db.scalars(select(Level).where(Level.position == number + 1)).one()
    assert (newest.name_da, newest.name_en) == (f"Niveau {number + 2}", f"Level {number + 2}")
    assert f"The level “Level {number + 2}” is added at the bottom. Give it its own name " \
           "here." in html_text(client.get(url))


def test_a_full_chain_says_so_at_the_button(app, db):
    client = app.test_client()
    url = new_organisation(client)
    while db.scalar(select(func.count()).select_from(Level)) < MAX_LEVELS:
        assert post(client, url, f"{url}/levels", {}).status_code == 302
        db.expire_all()
    html = client.get(url).get_data(as_text=True)
    assert f'action="{url}/levels#add-level"' not in html
    assert f"En organisation har højst {MAX_LEVELS} niveauer." in \
        html_text_of(between(html, 'id="add-level"', "</section>"))
    response = post(client, url, f"{url}/levels", {})
    assert response.status_code == 409
    part = between(response.get_data(as_text=True), 'id="add-level"', "</section>")
    assert 'role="alert"' in part
    assert f"Fejl: En organisation har højst {MAX_LEVELS} niveauer." in html_text_of(part)
    english(client)
    response = post(client, url, f"{url}/levels", {})
    assert response.status_code == 409
    assert f"Error: An organisation has at most {MAX_LEVELS} levels." in html_text_of(
        between(response.get_data(as_text=True), 'id="add-level"', "</section>"))
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Level)) == MAX_LEVELS


# ----------------------------------------------------------------------------- the new teams' links


def created_rows(html: str) -> list[tuple[str, str, str, str]]:
    """(team, facilitator URL, join URL, code) of each row of the page after adding teams."""
    return re.findall(r'<th scope="row" data-title="Team">([^<]+)<br>.*?'
                      rf'<code id="f-\d+">(http://localhost/f/{TOKEN})</code>.*?'
                      rf'class="link-box"><code>(http://localhost/j/{TOKEN})</code>.*?'
                      r'<strong>([A-Z0-9]{4} [A-Z0-9]{4})</strong>', html, re.S)


def download(client, url: str, page_html: str, kind: str, tokens: list[str]):
    data = MultiDict([("csrf_token", csrf_token(page_html)), *(("team", t) for t in tokens)])
    return client.post(f"{url}/new-teams.{kind}", data=data)


def test_the_new_teams_links_download_at_once_for_who_set_them_up(app, questionnaire):
    client = app.test_client()
    url = new_organisation(client)
    level_names = [level.name.da for level in questionnaire.levels]
    teams = [(level_names[0], "Direktionen"), (level_names[1], "Chef A"),
             (level_names[-1], "Skoleledere")]
    created = team_list(client, url, "\n".join(f"{lv}; {team}" for lv, team in teams))
    assert created.status_code == 200
    html = created.get_data(as_text=True)
    text = html_text(created)
    assert "Facilitatorlinkene er hemmelige. Den, der har et teams facilitatorlink, kan åbne " \
           "teamets resultater og workshop. Giv kun linket til teamets facilitator." in text
    assert "Pas på filen som på en adgangskode, og send den ikke rundt. Den indeholder " \
           "facilitatorlinkene." in text
    # the warning next to the download, the download before the table of links
    assert html.index("send den ikke rundt") < html.index("/new-teams.xlsx") < \
        html.index("/new-teams.csv") < html.index('class="table')
    rows = created_rows(html)
    assert [row[0] for row in rows] == [team for _lv, team in teams]
    tokens = re.findall(rf'<input type="hidden" name="team" value="({TOKEN})">', html)
    assert len(tokens) == 2 * len(teams)  # the same list in the XLSX and the CSV form
    assert [f"http://localhost/f/{t}" for t in tokens[:len(teams)]] == [r[1] for r in rows]
    expected = [[level, team, join, code, "http://localhost/kode", facilitator]
                for (level, _t), (team, facilitator, join, code) in zip(teams, rows,
                                                                        strict=True)]
    response = download(client, url, html, "csv", tokens[:len(teams)])
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert re.fullmatch(r"attachment; filename=selfcheck-kaede-vejle-kommune-"
                        r"\d{4}-\d{2}-\d{2}-new-teams\.csv",
                        response.headers["Content-Disposition"])
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == ["Niveau", "Team", "Link til at deltage", "Kode", "Adresse til koden",
                        "Facilitatorlink (hemmeligt)"]
    assert table[1:] == expected
    response = download(client, url, html, "xlsx", tokens[:len(teams)])
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == table
    # the links work: each facilitator link opens its team, each join link its join page
    for _team, facilitator, join, _code in rows:
        assert app.test_client().get(facilitator.removeprefix("http://localhost")
                                     ).status_code == 200
        assert app.test_client().get(join.removeprefix("http://localhost")).status_code == 200
    english(client)
    response = download(client, url, html, "csv", tokens[:1])
    assert response.get_data(as_text=True).splitlines()[0] == \
        "Level,Team,Join link,Join code,Address for the code,Facilitator link (secret)"


def test_the_download_gives_no_link_its_holder_does_not_have(app, db):
    client = app.test_client()
    url = new_organisation(client)
    html = team_list(client, url, "Direktionen").get_data(as_text=True)
    token = re.search(rf'name="team" value="({TOKEN})"', html).group(1)
    other = app.test_client()
    other_url = new_organisation(other)
    other_token = re.search(rf'name="team" value="({TOKEN})"', team_list(
        other, other_url, "Andet team").get_data(as_text=True)).group(1)
    join = join_links(html)["Direktionen"].rsplit("/", 1)[1]
    for tokens in ([token[:-1] + ("A" if token[-1] != "A" else "B")],  # a changed link
                   [other_token],  # another organisation's team
                   [token, other_token],
                   [join],  # a join link is not a facilitator link
                   [],
                   [token] * (MAX_TEAMS + 1),
                   ["x" * 5000]):
        response = download(client, url, html, "csv", tokens)
        assert response.status_code == 400, tokens[:2]
        assert "Content-Disposition" not in response.headers
        assert "Listen over de nye teams kan ikke læses." in html_text(response)
    other_page = other.get(url).get_data(as_text=True)  # the link is the key, whoever holds it
    assert download(other, url, other_page, "csv", [token]).status_code == 200


def test_facilitator_links_go_only_to_the_organisations_owners(app, consultant, db):
    organisation_id, _token = consultant.create_organisation()
    colleague = Consultant(app, "kollega@example.dk").signup()
    shared = consultant.form_post(f"/w/o/{organisation_id}/access",
                                  {"email": colleague.email, "role": "facilitator"})
    assert shared.status_code == 302
    key = f"/o/a{organisation_id}"
    # the colleague runs the chain: adds teams through the account's address ...
    created = colleague.form_post(f"{key}/teams", {"level": "1", "team": "Direktionen",
                                                   "answers": "anonymous"}, page_url=key)
    assert created.status_code == 200
    html = created.get_data(as_text=True)
    text = html_text(created)
    assert re.search(r"/f/[A-Za-z0-9_-]{20,}", html) is None  # no facilitator link
    assert 'name="team"' not in html and "/new-teams." not in html
    assert "Facilitatorlink" not in text
    assert "Kun organisationens ejere får teamenes facilitatorlinks. Links og koder til at " \
           "deltage står her, på organisationens side og i dens liste med links." in text
    assert re.search(r"http://localhost/j/" + TOKEN, html)  # the join link and code are there
    assert re.search(r"<strong>[A-Z0-9]{4} [A-Z0-9]{4}</strong>", html)
    listed = colleague.form_post(f"{key}/team-list", {"teams": "Chef A", "list_answers": "named"},
                                 page_url=key)
    assert listed.status_code == 200 and "/f/" not in listed.get_data(as_text=True)
    # ... and adds levels; its access still opens the teams' own pages
    assert colleague.form_post(f"{key}/levels", {}, page_url=key).status_code == 302
    team = db.scalars(select(Assessment).where(Assessment.team == "Direktionen")).one()
    assert colleague.client.get(f"/f/a{team.id}").status_code == 200
    # an owner gets the links and the download
    owned = consultant.form_post(f"{key}/team-list", {"teams": "Chef B",
                                                      "list_answers": "named"}, page_url=key)
    owned_html = owned.get_data(as_text=True)
    token = re.search(rf'name="team" value="({TOKEN})"', owned_html).group(1)
    assert f"http://localhost/f/{token}" in owned_html
    assert download(consultant.client, key, owned_html, "csv", [token]).status_code == 200
    # the colleague's own request for them is refused, whatever token it sends
    page = colleague.client.get(key).get_data(as_text=True)
    refused = download(colleague.client, key, page, "csv", [token])
    assert refused.status_code == 403
    assert "Content-Disposition" not in refused.headers
    assert "Kun organisationens ejere får teamenes facilitatorlinks." in html_text(refused)


# ----------------------------------------------------------------------------- fuzzing


@pytest.fixture
def organisation(app):
    client = app.test_client()
    url = new_organisation(client)
    page = client.get(url).get_data(as_text=True)
    return client, url, csrf_token(page)


LINES = st.lists(st.one_of(
    st.text(max_size=60),
    st.builds(lambda level, team: f"{level};{team}",
              st.sampled_from(["Direktion", "direktion ", "1", "9", "Chefgruppe", "", "Ukendt"]),
              st.text(max_size=210))), max_size=8).map("\n".join)


@FUZZ
@given(text=LINES)
def test_any_team_list_is_added_or_refused_at_its_form(organisation, text):
    client, url, token = organisation
    response = client.post(f"{url}/team-list", data={"csrf_token": token, "teams": text,
                                                     "list_answers": "named"})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        form = between(response.get_data(as_text=True), 'id="add-teams"', 'id="add-team"')
        assert 'role="alert"' in form
        assert f">\r\n{escape(text)}</textarea>" in form


@FUZZ
@given(name_da=st.text(max_size=120), name_en=st.text(max_size=120))
def test_any_rename_is_saved_or_refused_at_its_level(app, organisation, name_da, name_en):
    client, url, token = organisation
    session = app.extensions["db_sessionmaker"]()
    try:
        level = session.scalars(select(Level).order_by(Level.position)).first()
        level_id = level.id
    finally:
        session.close()
    response = client.post(f"{url}/levels/{level_id}", data={
        "csrf_token": token, "action": "rename", "name_da": name_da, "name_en": name_en})
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        block = between(response.get_data(as_text=True), f'id="level-{level_id}"',
                        'class="level-block"')
        assert f'<details class="level-edit" id="level-{level_id}-edit" open>' in block
        assert 'role="alert"' in block
        assert f'value="{escape(name_da)}"' in block


@FUZZ
@given(tokens=st.lists(st.text(max_size=60), max_size=5),
       kind=st.sampled_from(["csv", "xlsx"]))
def test_any_list_of_links_sent_back_gives_no_file(organisation, tokens, kind):
    client, url, token = organisation
    response = client.post(f"{url}/new-teams.{kind}",
                           data=MultiDict([("csrf_token", token),
                                           *(("team", t) for t in tokens)]))
    assert response.status_code == 400
    assert "Content-Disposition" not in response.headers
