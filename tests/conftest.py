"""Shared fixtures, after the pallets/flask tutorial: ``app``, ``client``, ``runner``.

The ``app`` runs on SQLite. A module (or test) marked ``both_databases`` runs each of its
tests twice, on SQLite and on PostgreSQL (a throwaway cluster started once per session,
tests/servers.py); each PostgreSQL test gets a fresh copy of a migrated template database.
Only the database-touching modules carry the mark, so the suite does not double in time.
"""

from __future__ import annotations

import copy
import gc
import re
import shutil
import threading
from html import unescape
from pathlib import Path

import pytest

from selfcheck import create_app
from selfcheck.core.content import read_document
from selfcheck.db import upgrade_database
from selfcheck.resources import default_questions_file

QUESTIONS_FILE = default_questions_file()


@pytest.fixture(scope="session")
def questions_document() -> dict:
    """The shipped questionnaire as plain data; tests deep-copy it before changing it."""
    return read_document(QUESTIONS_FILE)


@pytest.fixture
def document(questions_document) -> dict:
    """A private, changeable copy of the shipped questionnaire."""
    return copy.deepcopy(questions_document)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """A database file migrated once; each test gets a fresh copy of it."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    upgrade_database(f"sqlite:///{path}")
    return path


DATABASES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    """Tests marked ``both_databases`` that use the database run on SQLite and PostgreSQL."""
    if "database_url" in metafunc.fixturenames and \
            metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize("database_url", DATABASES, indirect=True)


@pytest.fixture(scope="session")
def postgres():
    """A PostgreSQL cluster of this test session (started on first use)."""
    from .servers import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres) -> str:
    """A PostgreSQL database migrated once from empty; each test gets a copy of it."""
    name = postgres.create_database()
    upgrade_database(postgres.url(name))
    return name


@pytest.fixture
def database_url(request, tmp_path: Path, migrated_database: Path):
    """A fresh, migrated database for one test: SQLite unless parametrized otherwise."""
    if getattr(request, "param", "sqlite") == "sqlite":
        database = tmp_path / "test.sqlite"
        shutil.copyfile(migrated_database, database)
        yield f"sqlite:///{database}"
        return
    postgres = request.getfixturevalue("postgres")
    name = postgres.create_database(template=request.getfixturevalue("postgres_template"))
    yield postgres.url(name)
    postgres.drop_database(name)


def app_config(database_url: str, **settings) -> dict:
    """A test app's settings; a database server needs the shared settings too (config.py)."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test",
        "QUESTIONS_FILE": str(QUESTIONS_FILE),
        "DATABASE_URL": database_url,
    }
    if not database_url.startswith("sqlite"):
        config["RATELIMIT_STORAGE_URI"] = "memory://"
    config.update(settings)
    return config


@pytest.fixture
def app(tmp_path: Path, database_url: str):
    app = create_app(app_config(database_url, REPORT_CACHE_DIR=str(tmp_path / "report-cache")))
    yield app
    engine = app.extensions["db_engine"]
    if engine.dialect.name != "sqlite":
        # A session a test left open holds a connection until the garbage collector ends it;
        # end it now, while its database exists. After DROP DATABASE … WITH (FORCE) its
        # rollback would fail and be logged at some random later moment.
        gc.collect()
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_PATTERN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "no CSRF token in page"
    return match.group(1)


def html_text(response) -> str:
    """The page's visible text with whitespace folded, for exact phrase checks."""
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(unescape(text).split())


class Facilitator:
    """Creates an assessment through the web form, as a facilitator would."""

    def __init__(self, app):
        self.client = app.test_client()
        self.token: str | None = None

    def create(self, organisation="Aarhus Kommune", team="Direktionen", language="da",
               answers="anonymous"):
        page = self.client.get("/new")
        response = self.client.post("/new", data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "organisation": organisation, "team": team, "language": language,
            "answers": answers,
        })
        assert response.status_code == 302, response.get_data(as_text=True)
        self.token = response.headers["Location"].rsplit("/f/", 1)[1]
        return self

    @property
    def results_url(self) -> str:
        return f"/f/{self.token}"

    def results(self):
        return self.client.get(self.results_url)

    def join_url(self) -> str:
        html = self.results().get_data(as_text=True)
        return "/j/" + re.search(r"/j/([A-Za-z0-9_-]+)", html).group(1)

    def post(self, action: str):
        page = self.results()
        return self.client.post(f"{self.results_url}/{action}",
                                data={"csrf_token": csrf_token(page.get_data(as_text=True))})


class Member:
    """One team member in their own browser (own cookies), walking the steps."""

    def __init__(self, app, join_url: str):
        self.client = app.test_client()
        self.join_url = join_url
        self.token: str | None = None

    def join(self, name: str | None = None):
        page = self.client.get(self.join_url)
        data = {"csrf_token": csrf_token(page.get_data(as_text=True))}
        if name is not None:
            data["display_name"] = name
        response = self.client.post(self.join_url, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        self.token = response.headers["Location"].split("/p/", 1)[1].rstrip("/")
        return self

    def step_url(self, number: int) -> str:
        return f"/p/{self.token}/step/{number}"

    def post_step(self, number: int, answers: dict, comment: str = "", nav: str = "next",
                  extra: dict | None = None, csrf: str | None = None):
        page = self.client.get(self.step_url(number))
        data = {f"q_{qid}": ("dk" if v is None else str(v)) for qid, v in answers.items()}
        data.update({"comment": comment, "nav": nav})
        data["csrf_token"] = csrf if csrf is not None else csrf_token(page.get_data(as_text=True))
        if extra:
            data.update(extra)
        return self.client.post(self.step_url(number), data=data)

    def asked(self, number: int) -> set[str]:
        """The statement ids step ``number`` asks this member (a team is asked only the
        statements that apply to it)."""
        html = self.client.get(self.step_url(number)).get_data(as_text=True)
        return set(re.findall(r'name="q_([a-z0-9_]+)"', html))

    def answer_all(self, questionnaire, answers: dict, comments: dict | None = None):
        """Answer every statement each step asks, from ``answers`` (which may hold more)."""
        comments = comments or {}
        for number, theme in enumerate(questionnaire.themes, 1):
            asked = self.asked(number)
            values = {q.id: answers[q.id] for q in theme.questions if q.id in asked}
            response = self.post_step(number, values, comments.get(theme.id, ""))
            assert response.status_code == 302, response.get_data(as_text=True)
        return self

    def submit(self):
        page = self.client.get(f"/p/{self.token}/review")
        response = self.client.post(f"/p/{self.token}/review",
                                    data={"csrf_token": csrf_token(page.get_data(as_text=True))})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


@pytest.fixture
def questionnaire(app):
    return app.extensions["questionnaire"]


@pytest.fixture
def facilitator(app):
    return Facilitator(app)


@pytest.fixture
def db(app):
    """A database session for checking rows.

    It is made outside any app context on purpose: a pushed app context would
    be shared by every test-client request and leak ``g`` between them.
    """
    session = app.extensions["db_sessionmaker"]()
    yield session
    session.close()


# --------------------------------------------------------------------- browser tests

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, migrated_database):
    """The app served by a real HTTP server on a free loopback port, in a thread."""
    from werkzeug.serving import make_server

    folder = tmp_path_factory.mktemp("live")
    database = folder / "live.sqlite"
    shutil.copyfile(migrated_database, database)
    app = create_app({"SECRET_KEY": "live", "QUESTIONS_FILE": str(QUESTIONS_FILE),
                      "DATABASE_URL": f"sqlite:///{database}", "DASHBOARD_POLL_SECONDS": 1})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.app = app
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join(5)
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open a page in a fresh browser context (own cookies), closed after the test."""
    contexts = []

    def open_page(width=1280, height=900, locale="da-DK"):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale=locale)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:
    """WCAG 2.1 A/AA violations on the page, as readable lines (empty when none)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                       "resultTypes": ["violations"]})
    assert results.response["testEngine"]["name"] == "axe-core"
    assert results.response["passes"], "axe-core checked nothing"
    lines = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:3]
        lines.append(f"{violation['id']}: {violation['help']} at {targets}")
    return lines


# --------------------------------------------------------------------- accounts

PASSWORD = "korrekt hest batteri hæfteklamme"


class Consultant:
    """An account holder in their own browser (own cookies): signs up or logs in."""

    def __init__(self, app, email: str, password: str = PASSWORD):
        self.app = app
        self.client = app.test_client()
        self.email = email
        self.password = password

    def form_post(self, url: str, data: dict | None = None, page_url: str | None = None,
                  **kwargs):
        page = self.client.get(page_url or url)
        payload = {"csrf_token": csrf_token(page.get_data(as_text=True)), **(data or {})}
        return self.client.post(url, data=payload, **kwargs)

    def signup(self):
        signup = self.app.config["SIGNUP"]
        self.app.config["SIGNUP"] = "open"
        try:
            response = self.form_post("/signup", {"email": self.email,
                                                  "password": self.password})
        finally:
            self.app.config["SIGNUP"] = signup
        assert response.status_code == 302, response.get_data(as_text=True)
        return self

    def login(self, password: str | None = None):
        return self.form_post("/login", {"email": self.email,
                                         "password": password or self.password})

    def create_assessment(self, organisation="Aarhus Kommune", team="Direktionen") -> tuple[
            int, str]:
        """Create an assessment while logged in: (its id, its facilitator token)."""
        response = self.form_post("/new", {"organisation": organisation, "team": team,
                                           "language": "da", "answers": "anonymous",
                                           "reveal": "when_revealed"})
        assert response.status_code == 302, response.get_data(as_text=True)
        token = response.headers["Location"].rsplit("/f/", 1)[1]
        with self.app.app_context():
            from selfcheck.db import get_session
            from selfcheck.services.assessments import find_by_facilitator_token

            return find_by_facilitator_token(get_session(), token).id, token

    def create_organisation(self, name="Eksempel Kommune") -> tuple[int, str]:
        response = self.form_post("/o/new", {"name": name, "language": "da"})
        assert response.status_code == 302, response.get_data(as_text=True)
        token = response.headers["Location"].rsplit("/o/", 1)[1]
        with self.app.app_context():
            from selfcheck.db import get_session
            from selfcheck.services.organisations import find_by_token

            return find_by_token(get_session(), token).id, token


@pytest.fixture
def consultant(app):
    """A signed-up, logged-in account: konsulent@example.dk."""
    return Consultant(app, "konsulent@example.dk").signup()


# ------------------------------------------------------------------------------ e-mail

class Inbox:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox():
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()
