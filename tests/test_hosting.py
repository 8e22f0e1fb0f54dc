"""Hosted: two app instances on one PostgreSQL, behind Debian's nginx, sharing Redis and a cache.

Everything is real and on loopback (tests/servers.py): a throwaway PostgreSQL cluster,
redis-server, nginx with docs/nginx.conf (the README's server block) and a TLS certificate
made for the test, and two ``selfcheck serve`` processes (gunicorn, 2 workers each). A team
of 10 walks its steps alternating between the instances, the facilitator works through
nginx (which passes requests to both), and the database, the cache folder and the
nginx log show that nothing was lost and every instance could serve every request.
"""

from __future__ import annotations

import contextlib
import os
import re
import ssl
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, func, select

from selfcheck import create_app
from selfcheck.cli import main
from selfcheck.config import ConfigError
from selfcheck.core.content import load_questionnaire
from selfcheck.core.tokens import JOIN_CODE_ALPHABET
from selfcheck.models import Answer, Participant, ThemeComment

from .conftest import QUESTIONS_FILE, csrf_token
from .servers import Instance, Nginx, RedisServer

SERVER_URL = "postgresql+psycopg://selfcheck@127.0.0.1:1/selfcheck"
SHARED = ("SELFCHECK_DATABASE_URL names a database server, so every instance must share its "
          "settings: set ")


def text_of(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


# ----------------------------------------------------------------------------- settings


@pytest.fixture
def environment(monkeypatch):
    for name in [n for n in os.environ if n.startswith("SELFCHECK_")]:
        monkeypatch.delenv(name)
    return monkeypatch


def test_a_database_server_without_shared_settings_is_refused_in_one_line(environment):
    environment.setenv("SELFCHECK_DATABASE_URL", SERVER_URL)
    for command in (["serve", "--port", "5999"], ["db", "upgrade"]):
        result = CliRunner().invoke(main, command)
        assert (result.exit_code, result.output) == (1, (
            f"Error: {SHARED}SELFCHECK_SECRET_KEY, SELFCHECK_RATELIMIT_STORAGE (e.g. "
            "redis://host:6379), SELFCHECK_REPORT_CACHE_DIR (a directory every instance "
            "shares)\n"))
    environment.setenv("SELFCHECK_RATELIMIT_STORAGE", "redis://127.0.0.1:1")
    environment.setenv("SELFCHECK_REPORT_CACHE_DIR", "/srv/selfcheck/cache")
    result = CliRunner().invoke(main, ["serve", "--port", "5999"])
    assert (result.exit_code, result.output) == (1, f"Error: {SHARED}SELFCHECK_SECRET_KEY\n")


def test_sqlite_needs_none_of_them_and_a_server_takes_them_from_the_environment(
        environment, tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "SECRET_KEY": "k",
                      "REPORT_CACHE_DIR": str(tmp_path), "QUESTIONS_FILE": str(QUESTIONS_FILE)})
    # the counters of every worker in one file beside the database (ratelimit.py)
    assert app.config["RATELIMIT_STORAGE_URI"] == \
        f"selfcheck-sqlite://{tmp_path / 'x.sqlite.ratelimit'}"
    environment.setenv("SELFCHECK_DATABASE_URL", SERVER_URL)
    environment.setenv("SELFCHECK_SECRET_KEY", "k" * 64)
    environment.setenv("SELFCHECK_RATELIMIT_STORAGE", "redis://127.0.0.1:1")
    environment.setenv("SELFCHECK_REPORT_CACHE_DIR", str(tmp_path / "cache"))
    app = create_app()
    assert (app.config["SECRET_KEY"], app.config["RATELIMIT_STORAGE_URI"],
            app.config["REPORT_CACHE_DIR"]) == ("k" * 64, "redis://127.0.0.1:1",
                                                str(tmp_path / "cache"))


def test_a_hosted_set_up_refuses_open_sign_up_in_one_line(environment, tmp_path):
    """Open sign-up says "already exists" for a known address: for one computer only."""
    for name, value in (("SELFCHECK_DATABASE_URL", SERVER_URL),
                        ("SELFCHECK_SECRET_KEY", "k" * 64),
                        ("SELFCHECK_RATELIMIT_STORAGE", "redis://127.0.0.1:1"),
                        ("SELFCHECK_REPORT_CACHE_DIR", str(tmp_path)),
                        ("SELFCHECK_SIGNUP", "open")):
        environment.setenv(name, value)
    result = CliRunner().invoke(main, ["serve", "--port", "5999"])
    assert (result.exit_code, result.output) == (1, (
        "Error: SELFCHECK_SIGNUP=open is for one computer: a hosted service would tell anyone "
        "which addresses have an account. Create accounts with `selfcheck user add` or share "
        "by invitation\n"))


def test_memory_counters_with_a_database_server_are_allowed_when_chosen_but_logged(caplog,
                                                                                    tmp_path):
    app = create_app({"DATABASE_URL": SERVER_URL, "SECRET_KEY": "k",
                      "RATELIMIT_STORAGE_URI": "memory://",
                      "REPORT_CACHE_DIR": str(tmp_path), "QUESTIONS_FILE": str(QUESTIONS_FILE)})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert [r.getMessage() for r in caplog.records if r.name == app.logger.name] == [
        "SELFCHECK_RATELIMIT_STORAGE is memory://: each app process counts wrong join codes "
        "on its own; use redis:// with several processes"]
    app.extensions["db_engine"].dispose()


def test_a_database_url_that_is_no_url_is_one_line_without_its_value():
    with pytest.raises(ConfigError) as error:
        create_app({"DATABASE_URL": "not a url:secret", "QUESTIONS_FILE": str(QUESTIONS_FILE)})
    assert str(error.value) == ("SELFCHECK_DATABASE_URL is not a database URL such as "
                                "postgresql+psycopg://user@host/selfcheck")


def test_the_readme_shows_the_server_block_the_test_runs():
    from .servers import NGINX_SAMPLE

    sample = NGINX_SAMPLE.read_text()
    block = sample[sample.index("upstream selfcheck"):]
    readme = (NGINX_SAMPLE.parent.parent / "README.md").read_text()
    assert f"```nginx\n{block}```" in readme


# ----------------------------------------------------------------------------- two instances


@pytest.fixture(scope="module")
def hosted(postgres, tmp_path_factory):
    """`selfcheck db upgrade`, then two instances and nginx, as the README's Hosting says."""
    folder = tmp_path_factory.mktemp("hosted")
    database = postgres.create_database()
    redis = RedisServer(folder).start()
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith("SELFCHECK_")}
    environment.update({
        "SELFCHECK_DATABASE_URL": postgres.url(database),
        "SELFCHECK_SECRET_KEY": "a shared secret key for both instances, 64 characters long.",
        "SELFCHECK_RATELIMIT_STORAGE": redis.url,
        "SELFCHECK_REPORT_CACHE_DIR": str(folder / "report-cache"),
        "SELFCHECK_TRUSTED_PROXIES": "1",
    })
    upgrade = subprocess.run([str(Path(sys.executable).parent / "selfcheck"), "db", "upgrade"],
                             env=environment, capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    instances = [Instance(environment, folder / f"instance-{n}.log").start() for n in (1, 2)]
    nginx = None
    try:
        for instance in instances:
            instance.wait()
        nginx = Nginx((instances[0].port, instances[1].port)).start()
        yield {"instances": instances, "nginx": nginx, "redis": redis,
               "database_url": postgres.url(database), "cache": folder / "report-cache"}
    finally:
        if nginx is not None:
            nginx.stop()
        for instance in instances:
            instance.stop()
        redis.stop()
        postgres.drop_database(database)


def walk(member: int, join_path: str, instances, questionnaire) -> int:
    """One member in their own browser: each page is fetched from one instance and its form
    sent to the other, so the session and CSRF token must work across instances."""
    import httpx

    first, second = instances[member % 2], instances[(member + 1) % 2]
    with httpx.Client(timeout=60) as client:
        page = client.get(first.url + join_path)
        response = client.post(second.url + join_path, data={
            "csrf_token": csrf_token(page.text), "display_name": f"Medlem {member}"})
        assert response.status_code == 302, text_of(response)[:300]
        token = response.headers["Location"].split("/p/", 1)[1].rstrip("/")
        for number, theme in enumerate(questionnaire.themes, 1):
            source, target = (first, second) if number % 2 else (second, first)
            page = client.get(f"{source.url}/p/{token}/step/{number}")
            data = {f"q_{q.id}": str(1 + (member + number) % 5) for q in theme.questions}
            data.update(nav="next", csrf_token=csrf_token(page.text),
                        comment=f"Medlem {member} om {theme.id}" if number == 1 else "")
            response = client.post(f"{target.url}/p/{token}/step/{number}", data=data)
            assert response.status_code == 302, text_of(response)[:300]
        page = client.get(f"{second.url}/p/{token}/review")
        response = client.post(f"{first.url}/p/{token}/review",
                               data={"csrf_token": csrf_token(page.text)})
        assert response.status_code == 302, text_of(response)[:300]
    return member


def test_two_instances_behind_nginx_lose_nothing_and_share_sessions_cache_and_counters(
        hosted):
    import httpx
    import redis as redis_client

    instances, nginx = hosted["instances"], hosted["nginx"]
    ports = {str(instance.port) for instance in instances}
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    tls = ssl.create_default_context(cafile=str(nginx.certificate))

    with httpx.Client(base_url=nginx.url, verify=tls, timeout=60) as facilitator:
        page = facilitator.get("/new")
        response = facilitator.post("/new", data={
            "csrf_token": csrf_token(page.text), "organisation": "Vejle Kommune",
            "team": "Direktionen", "language": "da", "answers": "named",
            "reveal": "when_revealed"})
        assert response.status_code == 302, text_of(response)[:300]
        results = response.headers["Location"]
        assert results.startswith("/f/")
        assert facilitator.cookies.jar  # the session cookie came over HTTPS …
        assert all(cookie.secure for cookie in facilitator.cookies.jar)  # … marked Secure
        join_path = re.search(r"/j/[A-Za-z0-9_-]+", facilitator.get(results).text).group(0)

        with ThreadPoolExecutor(10) as pool:
            done = list(pool.map(lambda m: walk(m, join_path, instances, questionnaire),
                                 range(10)))
        assert done == list(range(10))

        page = facilitator.get(results)
        assert "10 af 10 medlemmer har sendt deres svar." in text_of(page)
        response = facilitator.post(f"{results}/close", data={"csrf_token": csrf_token(page.text)})
        assert response.status_code == 302
        assert facilitator.get("/", follow_redirects=False).status_code == 200

    # nothing lost: every member, answer and comment is in the one database
    engine = create_engine(hosted["database_url"])
    with engine.connect() as connection:
        counts = [connection.scalar(select(func.count()).select_from(model)) for model in
                  (Participant, Answer, ThemeComment)]
        submitted = connection.scalar(select(func.count()).select_from(Participant)
                                      .where(Participant.submitted_at.is_not(None)))
    engine.dispose()
    assert counts == [10, 10 * len(questionnaire.questions), 10]
    assert submitted == 10

    # nginx passed the facilitator's requests to both instances; the form of /new came
    # from one instance and was accepted by the other
    served = nginx.served_by()
    assert {port for _path, port, _status in served} == ports
    (_, get_port, _), (_, post_port, post_status) = served[0], served[1]
    assert (served[0][0], served[1][0]) == ("/new", "/new")
    assert get_port != post_port and post_status == 302
    plain = httpx.get(f"http://127.0.0.1:{nginx.http_port}/new")
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://127.0.0.1/new"

    # one instance renders the PDF; the other serves that very file from the shared cache
    first = httpx.get(f"{instances[0].url}{results}/report.pdf", timeout=120)
    assert (first.status_code, first.headers["X-Report-Cache"]) == (200, "miss")
    assert first.content.startswith(b"%PDF-")
    cached = sorted(hosted["cache"].glob("*.pdf"))
    assert len(cached) == 1
    written = cached[0].stat().st_mtime_ns
    second = httpx.get(f"{instances[1].url}{results}/report.pdf", timeout=120)
    assert (second.status_code, second.headers["X-Report-Cache"]) == (200, "hit")
    assert second.content == first.content
    with httpx.Client(base_url=nginx.url, verify=tls, timeout=120) as client:
        proxied = client.get(f"{results}/report.pdf")
    assert (proxied.headers["X-Report-Cache"], proxied.content) == ("hit", first.content)
    assert sorted(hosted["cache"].glob("*.pdf")) == cached
    assert cached[0].stat().st_mtime_ns == written
    assert list(hosted["cache"].glob(".*.tmp")) == []

    # wrong join codes are counted in Redis: 5 on each instance make the 11th refused on both
    wrong = JOIN_CODE_ALPHABET[:8]
    with httpx.Client(timeout=60) as client:
        token = csrf_token(client.get(f"{instances[0].url}/kode").text)
        statuses = [client.post(f"{instances[n % 2].url}/kode",
                                data={"csrf_token": token, "code": wrong}).status_code
                    for n in range(10)]
        assert statuses == [404] * 10
        assert [client.post(f"{instance.url}/kode", data={"csrf_token": token, "code": wrong})
                .status_code for instance in instances] == [429, 429]
    counters = redis_client.Redis.from_url(hosted["redis"].url)
    assert list(counters.scan_iter("*code.enter*"))
    counters.close()


def test_healthz_answers_through_nginx_and_on_each_instance(hosted):
    import httpx

    nginx = hosted["nginx"]
    tls = ssl.create_default_context(cafile=str(nginx.certificate))
    for url in [f"{nginx.url}/healthz", *(f"{i.url}/healthz" for i in hosted["instances"])]:
        response = httpx.get(url, verify=tls, timeout=30)
        assert (response.status_code, response.text) == (200, "ok\n")
        assert "set-cookie" not in response.headers


# ----------------------------------------------------------------------------- faults
# These run last in this module: they stop and restart the servers the instances use.

def _answers_in_database(database_url: str) -> dict[tuple[str, str], int | None]:
    """(member's name, statement id) → the stored answer."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(Participant.display_name, Answer.question_id,
                                         Answer.value).join(Answer.participant)).all()
    engine.dispose()
    return {(name, question): value for name, question, value in rows}


def _wait_until_healthy(url: str, tls, seconds: float = 20) -> float:
    """How long until /healthz answers 200 again; fails after ``seconds``."""
    import time

    import httpx

    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            if httpx.get(f"{url}/healthz", verify=tls, timeout=5).status_code == 200:
                return time.monotonic() - start
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer /healthz within {seconds} s")


def test_a_postgresql_restart_mid_burst_loses_no_acknowledged_answer(hosted, postgres):
    """`pg_ctl restart -m fast` while 10 members answer through nginx: every answer that got
    its 302 is stored, a request cut off gets the 503 "try again" page (never a 500), and the
    instances serve again by themselves."""
    import threading
    import time

    import httpx

    nginx = hosted["nginx"]
    tls = ssl.create_default_context(cafile=str(nginx.certificate))
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    with httpx.Client(base_url=nginx.url, verify=tls, timeout=60) as facilitator:
        page = facilitator.get("/new")
        created = facilitator.post("/new", data={
            "csrf_token": csrf_token(page.text), "organisation": "Kolding Kommune",
            "team": "Direktionen", "language": "da", "answers": "named",
            "reveal": "when_revealed"})
        join_path = re.search(r"/j/[A-Za-z0-9_-]+",
                              facilitator.get(created.headers["Location"]).text).group(0)
    acknowledged: dict[tuple[str, str], int] = {}
    statuses: list[int] = []
    lock = threading.Lock()
    burst_started = threading.Event()

    def member(number: int) -> None:
        name = f"Fejl {number}"
        with httpx.Client(base_url=nginx.url, verify=tls, timeout=60) as client:
            token = None
            while token is None:  # joining may meet the restart too
                page = client.get(join_path)
                if page.status_code == 200:
                    response = client.post(join_path, data={
                        "csrf_token": csrf_token(page.text), "display_name": name})
                    statuses.append(response.status_code)
                    if response.status_code == 302:
                        token = response.headers["Location"].split("/p/", 1)[1].rstrip("/")
                        break
                time.sleep(0.3)
            for step, theme in enumerate(questionnaire.themes, 1):
                values = {q.id: 1 + (number + step) % 5 for q in theme.questions}
                for _attempt in range(60):
                    page = client.get(f"/p/{token}/step/{step}")
                    with lock:
                        statuses.append(page.status_code)
                    if page.status_code != 200:
                        time.sleep(0.3)
                        continue
                    data = {f"q_{k}": str(v) for k, v in values.items()}
                    data.update(nav="next", csrf_token=csrf_token(page.text))
                    response = client.post(f"/p/{token}/step/{step}", data=data)
                    with lock:
                        statuses.append(response.status_code)
                    if response.status_code == 302:
                        with lock:
                            acknowledged.update({(name, k): v for k, v in values.items()})
                        burst_started.set()
                        break
                    assert response.status_code == 503, text_of(response)[:300]
                    assert "Databasen svarede ikke, så intet blev gemt." in text_of(response)
                    time.sleep(0.3)
                else:
                    raise AssertionError(f"{name} could not save step {step}")

    with ThreadPoolExecutor(10) as pool:
        walking = [pool.submit(member, n) for n in range(10)]
        assert burst_started.wait(60)
        postgres.restart()
        for future in walking:
            future.result()
    assert set(statuses) <= {200, 302, 503}, (sorted(set(statuses)), [
        line for i in hosted["instances"] for line in i.log.read_text().splitlines()
        if " 500 " in line or "Error" in line][:20])
    stored = _answers_in_database(hosted["database_url"])
    assert len(acknowledged) == 10 * len(questionnaire.questions)
    assert {key: stored.get(key) for key in acknowledged} == acknowledged  # none lost
    for instance in hosted["instances"]:
        assert _wait_until_healthy(instance.url, tls) < 10
    assert not [line for line in nginx.served_by() if line[2] >= 500 and line[2] != 503]


def test_with_redis_stopped_members_answer_and_logins_stay_limited(hosted):
    """Redis gone: each instance counts on its own (a warning in its log), members and
    facilitators go on; Redis back: the shared counters count again, across instances."""
    import httpx

    instances, redis = hosted["instances"], hosted["redis"]
    redis.stop()
    try:
        first = instances[0]
        with httpx.Client(base_url=first.url, timeout=30) as client:
            assert client.get("/").status_code == 200
            page = client.get("/new")
            created = client.post("/new", data={
                "csrf_token": csrf_token(page.text), "organisation": "Vejen Kommune",
                "team": "Direktionen", "language": "da", "answers": "anonymous",
                "reveal": "when_revealed"})
            assert created.status_code == 302
            statuses = []
            for n in range(7):
                page = client.get("/login")
                statuses.append(client.post("/login", data={
                    "csrf_token": csrf_token(page.text), "email": "ingen@example.dk",
                    "password": f"forkert {n}"}).status_code)
        assert statuses == [400] * 5 + [429] * 2  # still limited, in this instance's memory
        log = first.log.read_text()
        # once in each worker process that met it (selfcheck serve runs two)
        assert log.count("Rate limit storage unreachable - falling back to in-memory storage") \
            in (1, 2)
    finally:
        redis.start()
    # Redis back: each worker that fell back checks it again (backing off from 1 s to 32 s)
    # and goes back to the shared counters.
    import time

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        logs = [instance.log.read_text() for instance in instances]
        if all(text.count("Rate limit storage recovered") >= text.count(
                "Rate limit storage unreachable") for text in logs):
            break
        for instance in instances:
            with httpx.Client(base_url=instance.url, timeout=30) as client:
                client.get("/kode")  # a limited page: it makes the worker check
        time.sleep(0.5)
    else:
        raise AssertionError("the limits did not go back to Redis")
    statuses = []
    for n in range(5):
        with httpx.Client(base_url=instances[n % 2].url, timeout=30) as client:
            page = client.get("/login")
            statuses.append(client.post("/login", data={
                "csrf_token": csrf_token(page.text), "email": "tilbage@example.dk",
                "password": f"forkert {n}"}).status_code)
    assert statuses == [400] * 5
    for instance in instances:  # counted in Redis: the sixth is refused on both
        with httpx.Client(base_url=instance.url, timeout=30) as client:
            page = client.get("/login")
            assert client.post("/login", data={
                "csrf_token": csrf_token(page.text), "email": "tilbage@example.dk",
                "password": "forkert igen"}).status_code == 429


def _processes_of(pid: int) -> list[int]:
    """The gunicorn master and every process under it, read from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    family, grew = {pid}, True
    while grew:
        children = {child for child, parent in parents.items() if parent in family}
        grew = not children <= family
        family |= children
    return sorted(family)


def test_an_instance_killed_mid_burst_tells_the_member_and_loses_no_acknowledged_answer(
        hosted):
    """10 members answer through nginx; one instance stops answering, so requests queue on its
    socket, and is then killed. A page load it held is served by the other (safe to repeat):
    every GET answers 200. A form it held is not repeated by nginx (it may have been saved),
    so that member gets nginx's page saying so, in Danish and English, never a bare "502 Bad
    Gateway", and presses again. Every answer that got its 302 is stored, and nothing else."""
    import signal
    import threading
    import time

    import httpx

    nginx, instances = hosted["nginx"], hosted["instances"]
    victim = instances[0]
    tls = ssl.create_default_context(cafile=str(nginx.certificate))
    questionnaire = load_questionnaire(QUESTIONS_FILE)
    with httpx.Client(base_url=nginx.url, verify=tls, timeout=90) as facilitator:
        page = facilitator.get("/new")
        created = facilitator.post("/new", data={
            "csrf_token": csrf_token(page.text), "organisation": "Ikast-Brande Kommune",
            "team": "Direktionen", "language": "da", "answers": "named",
            "reveal": "when_revealed"})
        join_path = re.search(r"/j/[A-Za-z0-9_-]+",
                              facilitator.get(created.headers["Location"]).text).group(0)
    acknowledged: dict[tuple[str, str], int] = {}
    gets: list[int] = []
    posts: list[int] = []
    told: list = []
    lock = threading.Lock()
    burst_started = threading.Event()

    def post(client, path: str, data: dict[str, str]):
        """Send a form, and again after nginx's page, as the member is told to."""
        for _attempt in range(3):
            response = client.post(path, data=data)
            with lock:
                posts.append(response.status_code)
                if response.status_code == 302:
                    return response
                told.append(response)
        raise AssertionError(f"{path} was not saved")

    def member(number: int) -> None:
        name = f"Afbrudt {number}"
        with httpx.Client(base_url=nginx.url, verify=tls, timeout=90) as client:
            page = client.get(join_path)
            joined = post(client, join_path, {"csrf_token": csrf_token(page.text),
                                              "display_name": name})
            token = joined.headers["Location"].split("/p/", 1)[1].rstrip("/")
            burst_started.set()
            for step, theme in enumerate(questionnaire.themes, 1):
                values = {q.id: 1 + (number + step) % 5 for q in theme.questions}
                page = client.get(f"/p/{token}/step/{step}")
                with lock:
                    gets.append(page.status_code)
                data = {f"q_{k}": str(v) for k, v in values.items()}
                data.update(nav="next", csrf_token=csrf_token(page.text))
                post(client, f"/p/{token}/step/{step}", data)
                with lock:
                    acknowledged.update({(name, k): v for k, v in values.items()})

    def signal_all(number: int) -> list[int]:
        family = _processes_of(victim.process.pid)
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, number)
        return family

    family: list[int] = []
    try:
        with ThreadPoolExecutor(10) as pool:
            walking = [pool.submit(member, n) for n in range(10)]
            assert burst_started.wait(60)
            time.sleep(0.5)
            # It stops answering; nginx still hands it every other request.
            family = signal_all(signal.SIGSTOP)
            time.sleep(3)
            for pid in family:
                os.kill(pid, signal.SIGKILL)
            for future in walking:
                future.result()
    finally:
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        victim.process.wait(timeout=30)
    assert set(gets) == {200}  # those it held were served by the other instance
    assert set(posts) <= {302, 502} and 502 in posts
    assert len(told) == posts.count(502)
    for response in told:
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert response.headers["cache-control"] == "no-store"
        shown = text_of(response)
        assert ("Siden svarede ikke Serveren stoppede, mens den arbejdede på det, du sendte. "
                "Det er måske ikke gemt. Gå tilbage, se at dine svar står der, og tryk på "
                "knappen igen.") in shown
        assert "The page did not answer" in shown and "Bad Gateway" not in shown
    stored = _answers_in_database(hosted["database_url"])
    assert len(acknowledged) == 10 * len(questionnaire.questions)
    assert {key: stored.get(key) for key in acknowledged} == acknowledged  # none lost
    assert {key for key in stored if key[0].startswith("Afbrudt ")} == set(acknowledged)
    victim.start()  # back for the tests after this one (nginx tries it again after 10 s)
    victim.wait()
