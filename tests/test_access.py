"""Every /f, /o and /w address × every kind of visitor: the exact answer each one gets.

The table ``EXPECTED`` says, for each route (its rule, as ``app.url_map`` writes it) and each
method, what every visitor gets. ``test_the_table_knows_every_route`` reads ``app.url_map``:
a new route under /f/, /o/ or /w that the table does not know fails there, and so does a
table entry whose route is gone. Each route is then tried with real values in its URL (the
assessment's members, actions and positions, the organisation's levels, the access rows,
both kinds "a"/"o", every choice of an ``any(…)`` part) by every visitor:

==============  =============================================================================
owner           logged in, owns the assessment/organisation, key ``a<id>``
facilitator     logged in, shared with as facilitator, key ``a<id>``
stranger        logged in, no access, key ``a<id>``
anonymous       not logged in, key ``a<id>``
member          a member's own browser (not logged in), their personal token as the key
join            not logged in, the join token as the key
link            not logged in, the capability link's token as the key
link_account    the stranger's browser (logged in) with the link's token
wrong_link      not logged in, the other kind's link (the organisation's on /f, a team's on /o)
==============  =============================================================================

On /w the key is the number: there ``member`` and ``join`` put their token in its place; the
link roles do not apply. Pages without a key (/w, /o/new) are tried by the five browsers.

A refused POST (403, 404, a login, or a 4xx after the access check) must change nothing, and
no GET may change anything: every row of every table is compared with a saved copy. An
allowed POST may change things; the database is then put back from the copy, so every case
starts from the same data, built once per module. Each POST carries its browser's CSRF token,
so a refusal is about access (a CSRF refusal would be a 400 with its own message).

Also here: a team's pages through its organisation's access; ids of another assessment,
organisation or access row in a page's URL; numbers too large for the database. Access is
decided above the database (services/accounts/access.py), so the matrix runs on SQLite only,
restored with SQLite's backup API; only the large numbers, which reach the database, are tried
on PostgreSQL too.
"""

from __future__ import annotations

import gc
import re
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from selfcheck import create_app, models
from selfcheck.models import Access, Action, Assessment, Level

from .conftest import Consultant, Member, app_config, csrf_token

PREFIXES = ("/f/", "/o/", "/w")
METHODS = ("GET", "POST")
TOKEN = r"[A-Za-z0-9_-]{43}"  # a link token (core/tokens.py: 32 random bytes)

KEYED_ROLES = ("owner", "facilitator", "stranger", "anonymous", "member", "join", "link",
               "link_account", "wrong_link")
NUMBERED_ROLES = ("owner", "facilitator", "stranger", "anonymous", "member", "join")
KEYLESS_ROLES = ("owner", "facilitator", "stranger", "anonymous", "member")


# ----------------------------------------------------------------------------- outcomes

@dataclass(frozen=True)
class Outcome:
    """A response: its status and, for a redirect, where to (formatted with the URL's values,
    ``key`` and ``path``; a regular expression when ``pattern``, in which ``{key}`` stands for
    the key itself); ``text`` must be on the page."""

    status: int
    location: str | None = None
    pattern: bool = False
    text: str | None = None

    @property
    def refused(self) -> bool:
        return self.status >= 400 or (self.location or "").startswith("/login")


OK = Outcome(200)
FORBIDDEN = Outcome(403)
NOT_FOUND = Outcome(404)
LOGIN = Outcome(302, "/login?next={path}")


def to(location: str) -> Outcome:
    return Outcome(302, location)


def facilitation(allowed: Outcome) -> dict[str, Outcome]:
    """A facilitator page (/f/<key>…) or an organisation page (/o/<key>…): the link, or an
    account with access; nobody else, and never a member's or the join token."""
    return {"owner": allowed, "facilitator": allowed, "stranger": NOT_FOUND, "anonymous": LOGIN,
            "member": NOT_FOUND, "join": NOT_FOUND, "link": allowed, "link_account": allowed,
            "wrong_link": NOT_FOUND}


def holding(held: Outcome) -> dict[str, Outcome]:
    """"Føj til mit arbejdsområde": a logged-in holder of the link only; an ``a<id>`` key
    is already an account's, and a visitor without a login is sent to log in first."""
    return {"owner": NOT_FOUND, "facilitator": NOT_FOUND, "stranger": NOT_FOUND,
            "anonymous": LOGIN, "member": LOGIN, "join": LOGIN, "link": LOGIN,
            "link_account": held, "wrong_link": LOGIN}


def team_secrets(allowed: Outcome) -> dict[str, Outcome]:
    """The new teams' facilitator links (/o/<key>/new-teams…): the organisation's owners and
    whoever holds its link; a facilitator the owners gave access runs the chain without them."""
    return {**facilitation(allowed), "facilitator": FORBIDDEN}


def owner_only(allowed: Outcome) -> dict[str, Outcome]:
    """A workspace page for sharing, branding or deleting (/w/<kind>/<number>…)."""
    return {"owner": allowed, "facilitator": FORBIDDEN, "stranger": NOT_FOUND,
            "anonymous": LOGIN, "member": NOT_FOUND, "join": NOT_FOUND}


def everyone(allowed: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(KEYLESS_ROLES, allowed)


@dataclass(frozen=True)
class Expect:
    outcomes: dict[str, Outcome]
    data: dict = field(default_factory=dict)  # the POST's form; "{name}" takes a World value


ACTION = {"text": "Tal om målene hver måned", "status": "started"}
REPORT = {"conclusion": "Teamet står stærkt", "section": "summary"}  # the Rapport page's form

#: rule → method → what each visitor gets. Positions are 1; ids are real (World).
EXPECTED: dict[str, dict[str, Expect]] = {
    # ------------------------------------------------------------------- /f: facilitation
    "/f/<token>": {"GET": Expect(facilitation(OK))},
    "/f/<token>/<any(close, reopen):action>": {
        "POST": Expect(facilitation(to("/f/{key}")))},
    "/f/<token>/<any(reveal, hide):action>": {
        "POST": Expect(facilitation(to("/f/{key}")))},
    "/f/<token>/actions/<int:action_id>": {
        "GET": Expect(facilitation(OK)),
        "POST": Expect(facilitation(to("/f/{key}#plan")), ACTION)},
    "/f/<token>/actions/<int:action_id>/delete": {
        "POST": Expect(facilitation(to("/f/{key}#plan")))},
    "/f/<token>/export-<any(answers, results):table>.csv": {"GET": Expect(facilitation(OK))},
    "/f/<token>/export.<any(json, xlsx):kind>": {"GET": Expect(facilitation(OK))},
    "/f/<token>/follow-up": {"POST": Expect(facilitation(Outcome(
        409, text="Luk selvevalueringen, før du starter en opfølgning.")))},
    "/f/<token>/hold": {"POST": Expect(holding(to("/f/{key}")))},
    "/f/<token>/import-answers": {"POST": Expect(facilitation(Outcome(
        400, text="Vælg en fil.")))},
    "/f/<token>/invite": {"GET": Expect(facilitation(OK))},
    "/f/<token>/members/<int:member_id>/new-link": {"POST": Expect(facilitation(Outcome(
        200, text="/p/")))},
    "/f/<token>/members/<int:member_id>/remove": {
        "POST": Expect(facilitation(to("/f/{key}#participation-heading")))},
    "/f/<token>/participation.json": {"GET": Expect(facilitation(OK))},
    "/f/<token>/present": {"GET": Expect(facilitation(OK))},
    "/f/<token>/present/<int:position>": {"GET": Expect(facilitation(OK))},
    "/f/<token>/present/state": {"GET": Expect(facilitation(OK))},
    "/f/<token>/report.pdf": {"GET": Expect(facilitation(OK))},
    "/f/<token>/summary.pdf": {"GET": Expect(facilitation(OK))},
    "/f/<token>/report.docx": {"GET": Expect(facilitation(OK))},
    "/f/<token>/report": {"GET": Expect(facilitation(OK)),
                          "POST": Expect(facilitation(to("/f/{key}/report")), REPORT)},
    "/f/<token>/report/autosave": {"POST": Expect(facilitation(OK), REPORT)},
    "/f/<token>/report/preview": {"GET": Expect(facilitation(OK))},
    "/f/<token>/workshop": {"GET": Expect(facilitation(to("/f/{key}/workshop/1")))},
    "/f/<token>/workshop/<int:position>": {"GET": Expect(facilitation(OK))},
    "/f/<token>/workshop/<int:position>/actions": {
        "POST": Expect(facilitation(to("/f/{key}/workshop/{position}#actions")), ACTION)},
    "/f/<token>/workshop/<int:position>/current": {
        "POST": Expect(facilitation(to("/f/{key}/workshop/{position}")))},
    "/f/<token>/workshop/<int:position>/decision": {
        "POST": Expect(facilitation(to("/f/{key}/workshop/{position}#decision")),
                       {"consensus": "3", "note": "Vi er enige"})},
    "/f/<token>/workshop/<int:position>/suggestions": {
        "POST": Expect(facilitation(to("/f/{key}/workshop/{position}#actions")),
                       {"suggestion_id": "{suggestion}"})},
    "/f/<token>/workshop/end": {"GET": Expect(facilitation(OK))},
    # ------------------------------------------------------------------- /o: the chain
    "/o/new": {"GET": Expect(everyone(OK)),
               "POST": Expect(everyone(Outcome(302, f"/o/{TOKEN}", pattern=True)),
                              {"name": "Ny Kommune", "language": "da"})},
    "/o/<token>": {"GET": Expect(facilitation(OK))},
    "/o/<token>/export.json": {"GET": Expect(facilitation(OK))},
    "/o/<token>/follow-up": {
        "POST": Expect(facilitation(Outcome(302, f"/o/{TOKEN}", pattern=True)))},
    "/o/<token>/hold": {"POST": Expect(holding(to("/o/{key}")))},
    "/o/<token>/levels": {"POST": Expect(facilitation(  # the new level's rename form
        Outcome(302, r"/o/{key}#level-\d+-edit", pattern=True)))},
    "/o/<token>/levels/<int:level_id>": {
        "POST": Expect(facilitation(to("/o/{key}#levels")),
                       {"action": "rename", "name_da": "Topledelse", "name_en": "Top"})},
    "/o/<token>/links.<any(csv, xlsx):kind>": {"GET": Expect(facilitation(OK))},
    "/o/<token>/new-teams.<any(csv, xlsx):kind>": {"POST": Expect(team_secrets(OK),
                                                                  {"team": "{t_link}"})},
    "/o/<token>/report.pdf": {"GET": Expect(facilitation(OK))},
    "/o/<token>/summary.pdf": {"GET": Expect(facilitation(OK))},
    "/o/<token>/report.docx": {"GET": Expect(facilitation(OK))},
    "/o/<token>/report": {"GET": Expect(facilitation(OK)),
                          "POST": Expect(facilitation(to("/o/{key}/report")), REPORT)},
    "/o/<token>/report/autosave": {"POST": Expect(facilitation(OK), REPORT)},
    "/o/<token>/report/preview": {"GET": Expect(facilitation(OK))},
    "/o/<token>/team-list": {"POST": Expect(facilitation(OK), {
        "teams": "Nyt team", "list_answers": "anonymous"})},
    "/o/<token>/teams": {"POST": Expect(facilitation(OK), {
        "level": "1", "team": "Nyt team", "answers": "anonymous"})},
    # ------------------------------------------------------------------- /w: the workspace
    "/w": {"GET": Expect({"owner": OK, "facilitator": OK, "stranger": OK, "anonymous": LOGIN,
                          "member": LOGIN})},
    "/w/<any(a, o):kind>/<int:number>/access": {
        "GET": Expect(owner_only(OK)),
        "POST": Expect(owner_only(to("/w/{kind}/{number}/access")),
                       {"email": "fremmed@example.dk", "role": "facilitator"})},
    "/w/<any(a, o):kind>/<int:number>/access/<int:access_id>/remove": {
        "POST": Expect(owner_only(to("/w/{kind}/{number}/access")))},
    "/w/<any(a, o):kind>/<int:number>/delete": {
        "GET": Expect(owner_only(OK)),
        "POST": Expect(owner_only(to("/w")), {"confirm": "y"})},
    "/w/<any(a, o):kind>/<int:number>/invite": {
        "POST": Expect(owner_only(OK), {"invite-role": "facilitator"})},
    "/w/o/<int:number>/branding": {
        "GET": Expect(owner_only(OK)),
        "POST": Expect(owner_only(to("/w/o/{number}/branding")), {"name": "Ny Kommune"})},
}

#: (method, rule, role) → why today's answer is wrong: the case asserts the right answer and
#: is marked xfail(strict=True). None today.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


# ----------------------------------------------------------------------------- routes

ARGUMENT = re.compile(r"<(?:([a-z]+)(?:\(([^)]*)\))?:)?(\w+)>")


def normal(rule: str) -> str:
    """A rule without spaces in its converters: ``any(a, o)`` and ``any(a,o)`` are one rule."""
    return re.sub(r"<[^>]+>", lambda m: m.group(0).replace(" ", ""), rule)


def routes_in(url_map) -> set[tuple[str, str]]:
    """Every (rule, method) of the app under /f/, /o/ and /w."""
    found = set()
    for rule in url_map.iter_rules():
        if rule.endpoint == "static" or not rule.rule.startswith(PREFIXES):
            continue
        for method in sorted(rule.methods & set(METHODS)):
            found.add((normal(rule.rule), method))
    return found


def area(rule: str) -> str:
    """"key" (/f/<token>, /o/<token>), "number" (/w/…/<number>) or "none" (/w, /o/new)."""
    names = {m.group(3) for m in ARGUMENT.finditer(rule)}
    return "key" if "token" in names else "number" if "number" in names else "none"


def kind_of(rule: str, variant: dict[str, str]) -> str | None:
    """A workspace page's kind: "a" (an assessment) or "o" (an organisation)."""
    if not rule.startswith("/w/"):
        return None
    return variant.get("kind") or ("o" if rule.startswith("/w/o/") else "a")


def roles_for(rule: str) -> tuple[str, ...]:
    return {"key": KEYED_ROLES, "number": NUMBERED_ROLES, "none": KEYLESS_ROLES}[area(rule)]


def variants(rule: str) -> list[dict[str, str]]:
    """One set of values for the rule's ``any(…)`` parts per choice (all combinations)."""
    combos: list[dict[str, str]] = [{}]
    for converter, arguments, name in ARGUMENT.findall(rule):
        if converter == "any":
            choices = [c.strip() for c in arguments.split(",")]
            combos = [{**combo, name: choice} for combo in combos for choice in choices]
    return combos


def cases():
    for rule, methods in EXPECTED.items():
        for method in methods:
            for variant in variants(rule):
                for role in roles_for(rule):
                    shown = ",".join(variant.values())
                    marks = []
                    reason = KNOWN_BUGS.get((method, rule, role))
                    if reason:
                        marks.append(pytest.mark.xfail(strict=True, reason=reason))
                    yield pytest.param(method, rule, variant, role, marks=marks,
                                       id=f"{method} {rule}{f' [{shown}]' if shown else ''} "
                                          f"{role}")


CASES = list(cases())


# ----------------------------------------------------------------------------- the data

class World:
    """One owner's assessment (A, with a member who answered and an action) and organisation
    (O, with a team T and its member), shared with a facilitator; a stranger; browsers."""

    def __init__(self, app, database: Path, copy: Path):
        self.app = app
        self.database = database
        self.copy = copy

    def build(self, questionnaire) -> None:
        app = self.app
        owner = Consultant(app, "ejer@example.dk").signup()
        colleague = Consultant(app, "kollega@example.dk").signup()
        stranger = Consultant(app, "fremmed@example.dk").signup()
        holder = Consultant(app, "holder@example.dk").signup()

        # other organisations first, so that A, T and O have three different ids
        other, _token = owner.create_organisation("Anden Kommune")
        owner.create_organisation("Tredje Kommune")
        self.assessment, self.a_link = owner.create_assessment()
        self.organisation, self.o_link = owner.create_organisation()
        for kind, number in (("a", self.assessment), ("o", self.organisation)):
            shared = owner.form_post(f"/w/{kind}/{number}/access",
                                     {"email": colleague.email, "role": "facilitator"})
            assert shared.status_code == 302, shared.get_data(as_text=True)

        page = owner.client.get(f"/f/a{self.assessment}").get_data(as_text=True)
        self.a_join = re.search(r"/j/([A-Za-z0-9_-]+)", page).group(1)
        members = []
        for value in (2, 3, 4):  # three: enough to show the results (ANONYMITY_THRESHOLD)
            member = Member(app, f"/j/{self.a_join}").join()
            member.answer_all(questionnaire, {q.id: value for q in questionnaire.questions})
            member.submit()
            members.append(member)
        member_a = members[0]
        self.a_member = member_a.token

        workshop = f"/f/a{self.assessment}/workshop/1"
        added = owner.form_post(f"{workshop}/actions", ACTION, page_url=workshop)
        assert added.status_code == 302, added.get_data(as_text=True)
        self.suggestion = re.search(r'name="suggestion_id" value="([^"]+)"', owner.client.get(
            workshop).get_data(as_text=True)).group(1)

        # the organisation's team T, with a member and an action of its own
        created = owner.form_post(f"/o/a{self.organisation}/teams", {
            "level": "1", "team": "Direktionen", "answers": "anonymous"},
            page_url=f"/o/a{self.organisation}")
        assert created.status_code == 200, created.get_data(as_text=True)
        html = created.get_data(as_text=True)
        self.t_link = re.search(rf"http://localhost/f/({TOKEN})", html).group(1)
        self.t_join = re.search(rf"http://localhost/j/({TOKEN})", html).group(1)
        member_t = Member(app, f"/j/{self.t_join}").join()
        self.t_member = member_t.token
        workshop = f"/f/{self.t_link}/workshop/1"
        added = owner.form_post(f"{workshop}/actions", ACTION, page_url=workshop)
        assert added.status_code == 302, added.get_data(as_text=True)
        # an account that added the organisation's link to its workspace: that never
        # opened a team's page (covers_teams is false)
        held = holder.form_post(f"/o/{self.o_link}/hold", page_url=f"/o/{self.o_link}")
        assert held.status_code == 302, held.get_data(as_text=True)

        session = app.extensions["db_sessionmaker"]()
        try:
            self.team = session.scalars(select(Assessment.id).where(
                Assessment.level_id.is_not(None))).one()
            assert len({self.assessment, self.team, self.organisation}) == 3
            self.member, self.t_member_id = (session.scalar(
                select(models.Participant.id).where(models.Participant.assessment_id == number)
                .order_by(models.Participant.id)) for number in (self.assessment, self.team))
            self.action, self.t_action = (session.scalars(select(Action.id).where(
                Action.assessment_id == number)).one() for number in (self.assessment, self.team))
            self.level, self.other_level = (session.scalars(select(Level.id).where(
                Level.organisation_id == number).order_by(Level.position)).first()
                for number in (self.organisation, other))
            facilitator = session.scalars(select(models.Account.id).where(
                models.Account.email == colleague.email)).one()
            self.access = {
                "a": session.scalars(select(Access.id).where(
                    Access.assessment_id == self.assessment,
                    Access.account_id == facilitator)).one(),
                "o": session.scalars(select(Access.id).where(
                    Access.organisation_id == self.organisation,
                    Access.account_id == facilitator)).one(),
            }
        finally:
            session.close()

        self.browsers = {"owner": owner.client, "facilitator": colleague.client,
                         "stranger": stranger.client, "holder": holder.client,
                         "member_a": member_a.client, "member_t": member_t.client}
        for name in ("anonymous", "join", "link", "wrong_link"):
            self.browsers[name] = app.test_client()
        self.csrf = {}
        for name, browser in self.browsers.items():
            self.csrf[name] = csrf_token(browser.get("/new").get_data(as_text=True))
        self.save()

    # --------------------------------------------------------------- who, with which key

    def visit(self, role: str, rule: str, variant: dict[str, str]) -> tuple[str, str | None]:
        """The browser (a name in ``browsers``) and the key or number it puts in the URL."""
        where = area(rule)
        if where == "none":
            return ("member_a" if role == "member" else role), None
        organisation = rule.startswith("/o/") or kind_of(rule, variant) == "o"
        if role in ("owner", "facilitator", "stranger", "anonymous"):
            number = self.organisation if organisation else self.assessment
            return role, (str(number) if where == "number" else f"a{number}")
        if role == "member":
            return ("member_t", self.t_member) if organisation else ("member_a", self.a_member)
        if role == "join":
            return "join", self.t_join if organisation else self.a_join
        if role in ("link", "link_account"):
            return ("stranger" if role == "link_account" else "link"), (
                self.o_link if organisation else self.a_link)
        assert role == "wrong_link"
        return "wrong_link", self.t_link if organisation else self.o_link

    def values(self, rule: str, variant: dict[str, str], key: str | None,
               **overrides: str) -> dict[str, str]:
        """Every argument of the rule, with real values (of A and O unless overridden)."""
        kind = kind_of(rule, variant) or "a"
        known = {"token": key, "number": key, "position": "1", "action_id": str(self.action),
                 "member_id": str(self.member), "level_id": str(self.level),
                 "access_id": str(self.access[kind]), **variant, **overrides}
        values = {}
        for _converter, _arguments, name in ARGUMENT.findall(rule):
            assert name in known, f"no value for <{name}> in {rule}: add one to World.values"
            values[name] = known[name]
        return values

    # --------------------------------------------------------------- the database

    def rows(self) -> dict[str, list]:
        """Every row of every table, in a fixed order."""
        engine = self.app.extensions["db_engine"]
        with engine.connect() as connection:
            return {table.name: sorted(connection.execute(select(table)).all(), key=repr)
                    for table in models.Base.metadata.sorted_tables}

    def save(self) -> None:
        self._copy(self.database, self.copy)
        self.saved = self.rows()
        # PRAGMA data_version changes when another connection commits: most requests commit
        # nothing, and then the rows need no comparing.
        self.monitor = sqlite3.connect(self.database, isolation_level=None)
        self.version = self._version()

    def _version(self) -> int:
        return self.monitor.execute("PRAGMA data_version").fetchone()[0]

    def changed(self) -> bool:
        """Whether the database differs from the saved copy; if so, it is put back."""
        version = self._version()
        if version == self.version:
            return False
        self.version = version
        if self.rows() == self.saved:
            return False
        self.restore()
        return True

    def restore(self) -> None:
        self._copy(self.copy, self.database)
        assert self.rows() == self.saved
        self.version = self._version()

    def _copy(self, source_path: Path, target_path: Path) -> None:
        """SQLite's online backup, with the app's pooled connections closed first."""
        self.app.extensions["db_engine"].dispose()
        source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    def close(self) -> None:
        self.monitor.close()
        self.app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def world(tmp_path_factory, migrated_database):
    folder = tmp_path_factory.mktemp("access")
    database = folder / "access.sqlite"
    shutil.copyfile(migrated_database, database)
    app = create_app(app_config(f"sqlite:///{database}",
                                REPORT_CACHE_DIR=str(folder / "report-cache")))
    built = World(app, database, folder / "saved.sqlite")
    built.build(app.extensions["questionnaire"])
    yield built
    built.close()


# ----------------------------------------------------------------------------- the tests

def test_the_table_knows_every_route(world):
    """A route under /f/, /o/ or /w that the table lacks (or a gone one it has) fails here."""
    in_app = routes_in(world.app.url_map)
    in_table = {(normal(rule), method) for rule, methods in EXPECTED.items()
                for method in methods}
    assert sorted(in_app - in_table) == [], "routes without expectations: add them to EXPECTED"
    assert sorted(in_table - in_app) == [], "expectations for routes the app does not have"
    for rule, methods in EXPECTED.items():
        for method, expect in methods.items():
            assert set(expect.outcomes) == set(roles_for(rule)), (method, rule)


def answer(world, method: str, path: str, browser: str, expected: Outcome, data=None,
           **values: str) -> None:
    """Send the request and check the answer exactly; a refused POST (and any GET) must
    change nothing, and no refusal may come from the CSRF check."""
    client = world.browsers[browser]
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={"csrf_token": world.csrf[browser], **(data or {})})
    changed = world.changed()  # and put back, so the next case starts from the same data
    body = response.get_data().decode("utf-8", "replace")  # a PDF or XLSX is not text
    if method == "GET":
        assert not changed, f"{browser}'s GET {path} changed the database"
    else:
        assert "sikkerhedstjek" not in body and "security check" not in body, \
            "refused by the CSRF check, not by access"
        if expected.refused:
            assert not changed, f"{browser}'s refused {method} {path} changed the database"
    assert response.status_code == expected.status, (
        browser, method, path, body[:300] if response.status_code != 200 else "")
    if expected.location is not None:
        location = unquote(response.headers["Location"])
        if expected.pattern:
            pattern = expected.location.replace("{key}", re.escape(values.get("key") or ""))
            assert re.fullmatch(pattern, location), (browser, method, path, location)
        else:
            assert location == expected.location.format(path=path, **values), (
                browser, method, path)
    if expected.text is not None:
        assert expected.text in body, (browser, method, path)


@pytest.mark.parametrize(("method", "rule", "variant", "role"), CASES)
def test_every_route_answers_every_visitor(world, method, rule, variant, role):
    expect = EXPECTED[rule][method]
    browser, key = world.visit(role, rule, variant)
    values = world.values(rule, variant, key)
    path = ARGUMENT.sub(lambda m: values[m.group(3)], rule)
    data = {name: value.format(**vars(world)) for name, value in expect.data.items()}
    answer(world, method, path, browser, expect.outcomes[role], data, key=key, **values)


# ----------------------------------------------------------------------------- teams

TEAM_VISITORS = ("organisation_facilitator", "organisation_link_holder", "team_link")
TEAM_CASES = [pytest.param(rule, variant, visitor,
                           id=f"{rule}{' [' + ','.join(variant.values()) + ']' if variant else ''}"
                              f" {visitor}")
              for rule, methods in EXPECTED.items() if rule.startswith("/f/") and "GET" in methods
              for variant in variants(rule) for visitor in TEAM_VISITORS]


@pytest.mark.parametrize(("rule", "variant", "visitor"), TEAM_CASES)
def test_a_team_opens_through_its_organisation_unless_only_its_link_was_held(
        world, rule, variant, visitor):
    """T's facilitator pages: the organisation's facilitator (no access to T of its own) runs
    them; an account that held only the organisation's link does not; T's own link does."""
    allowed = EXPECTED[rule]["GET"].outcomes["owner"]
    browser, key, expected = {
        "organisation_facilitator": ("facilitator", f"a{world.team}", allowed),
        "organisation_link_holder": ("holder", f"a{world.team}", NOT_FOUND),
        "team_link": ("anonymous", world.t_link, allowed),
    }[visitor]
    values = world.values(rule, variant, key, action_id=str(world.t_action))
    path = ARGUMENT.sub(lambda m: values[m.group(3)], rule)
    answer(world, "GET", path, browser, expected, key=key, **values)


# ----------------------------------------------------------------------------- foreign ids

FOREIGN = [  # A's or O's page, with the id of something that belongs to another one
    ("POST", "/f/a{assessment}/members/{t_member_id}/remove", {}),
    ("POST", "/f/a{assessment}/members/{t_member_id}/new-link", {}),
    ("GET", "/f/a{assessment}/actions/{t_action}", {}),
    ("POST", "/f/a{assessment}/actions/{t_action}", ACTION),
    ("POST", "/f/a{assessment}/actions/{t_action}/delete", {}),
    ("POST", "/o/a{organisation}/levels/{other_level}",
     {"action": "rename", "name_da": "Topledelse", "name_en": ""}),
    ("POST", "/o/a{organisation}/levels/{other_level}", {"action": "delete"}),
    ("POST", "/w/a/{assessment}/access/{access_o}/remove", {}),
    ("POST", "/w/o/{organisation}/access/{access_a}/remove", {}),
]


@pytest.mark.parametrize(("method", "path", "data"), FOREIGN,
                         ids=[f"{method} {path} {data.get('action', '')}".rstrip()
                              for method, path, data in FOREIGN])
def test_an_id_of_something_else_is_not_found_even_by_its_owner(world, method, path, data):
    """The owner owns both, and still each page only reaches its own members, actions,
    levels and access rows."""
    ids = {**vars(world), "access_a": world.access["a"], "access_o": world.access["o"]}
    answer(world, method, path.format(**ids), "owner", NOT_FOUND, data)


# ----------------------------------------------------------------------------- huge numbers

INT4, INT8 = 2**31, 2**63  # one past PostgreSQL's integer, one past SQLite's INTEGER

OUT_OF_RANGE = [  # a<id> has at most 18 digits (guards.ACCOUNT_KEY); /w's <int:> has no limit
    ("/f/a{n}", INT4), ("/f/a{n}", 10**18 - 1), ("/o/a{n}", INT4), ("/o/a{n}", 10**18 - 1),
    ("/w/a/{n}/access", INT4), ("/w/a/{n}/access", INT8),
    ("/w/o/{n}/delete", INT4), ("/w/o/{n}/delete", INT8),
    ("/w/o/{n}/branding", INT4), ("/w/o/{n}/branding", INT8),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def logged_in(request, world):
    """A logged-in account's browser, on SQLite (the world's) or on PostgreSQL."""
    if request.param == "sqlite":
        yield world.app, world.browsers["stranger"]
        return
    postgres = request.getfixturevalue("postgres")
    name = postgres.create_database(template=request.getfixturevalue("postgres_template"))
    folder = Path(world.copy).parent
    app = create_app(app_config(postgres.url(name), REPORT_CACHE_DIR=str(folder / "pg-cache")))
    yield app, Consultant(app, "fremmed@example.dk").signup().client
    gc.collect()  # end any session a request left to the garbage collector (conftest.app)
    app.extensions["db_engine"].dispose()
    postgres.drop_database(name)


@pytest.mark.parametrize(("path", "number"), OUT_OF_RANGE,
                         ids=[path.format(n=n) for path, n in OUT_OF_RANGE])
def test_a_number_too_large_for_the_database_is_not_found(request, monkeypatch, logged_in,
                                                          path, number):
    app, client = logged_in
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # the visitor's 500 page
    response = client.get(path.format(n=number))
    assert response.status_code == 404
