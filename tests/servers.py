"""Real servers for the tests: PostgreSQL, Redis, nginx and gunicorn, on loopback.

Each is Debian's own binary (`make test` installs the packages), started by the tests in a
throwaway folder on a free port and stopped afterwards: never a mock, never a server someone
must start by hand. PostgreSQL refuses to run as root, so as root it runs as the ``postgres``
user that Debian's package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, timeout: float = 30,
                  log: Path | None = None) -> None:
    """Wait until something listens on ``port`` (or fail with the server's log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    text = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"nothing listens on port {port}; log:\n{text}")


def stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop a server this module started (SIGTERM, then SIGKILL), by its own process id."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


def _binary(pattern: str, package: str) -> str:
    """The file matching ``pattern`` with the highest version number in its path."""
    found = sorted(glob.glob(pattern),
                   key=lambda path: [int(n) for n in re.findall(r"/(\d+)/", path)])
    if not found:
        pytest.fail(f"{pattern} is missing: `make test` installs Debian's {package}")
    return found[-1]


# ----------------------------------------------------------------------------- PostgreSQL


class PostgresServer:
    """A throwaway PostgreSQL cluster: ``initdb`` + ``pg_ctl`` in a temporary folder.

    Durability is switched off (``fsync``, ``synchronous_commit``, ``full_page_writes``):
    the cluster is thrown away, and every test database is a copy of a migrated template,
    which makes a fresh database per test cost tens of milliseconds.
    """

    user = "selfcheck"

    def __init__(self) -> None:
        self.bin = Path(_binary("/usr/lib/postgresql/*/bin/initdb", "postgresql")).parent
        self.root = Path(tempfile.mkdtemp(prefix="selfcheck-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        self.counter = 0

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.owner else []
        result = subprocess.run(prefix + list(command), capture_output=True, text=True,
                                timeout=120)
        if result.returncode:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}{log}")

    def start(self) -> PostgresServer:
        if self.owner:
            os.chown(self.root, self.owner.pw_uid, self.owner.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user,
                  "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every connection is cut, the server comes back."""
        # -l as at the start: else the new server writes to (and holds open) our pipe
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-m",
                  "fast", "-w", "-t", "60", "restart")

    def stop(self) -> None:
        with contextlib.suppress(BaseException):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                      "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def libpq_url(self, database: str) -> str:
        """The address as pg_dump and pg_restore take it."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def binary(self, name: str) -> str:
        """A client program of this server's version (pg_dump, pg_restore …)."""
        return str(self.bin / name)

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user,
                             dbname="postgres", autocommit=True) as connection:
            connection.execute(sql)

    def create_database(self, template: str | None = None) -> str:
        """A new, empty database, or a copy of ``template``; returns its name."""
        self.counter += 1
        name = f"test_{os.getpid()}_{self.counter}"
        copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        self.execute(f"CREATE DATABASE {name}{copy}")
        return name

    def drop_database(self, name: str) -> None:
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# ----------------------------------------------------------------------------- Redis


class RedisServer:
    """Debian's redis-server on a free loopback port, keeping nothing on disk."""

    def __init__(self, folder: Path) -> None:
        self.binary = _binary("/usr/bin/redis-server", "redis-server")
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        log = self.folder / "redis.log"
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder), "--logfile", str(log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process, log=log)
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


# ----------------------------------------------------------------------------- nginx

NGINX_SAMPLE = Path(__file__).parent.parent / "docs/nginx.conf"


def nginx_site(upstreams: tuple[int, int], http_port: int, https_port: int, certificate: Path,
               key: Path) -> str:
    """docs/nginx.conf with this test's ports and certificate: every sample value is replaced
    exactly once, so the README's server block is the one the test runs."""
    text = NGINX_SAMPLE.read_text()
    for sample, value in (("127.0.0.1:8001", f"127.0.0.1:{upstreams[0]}"),
                          ("127.0.0.1:8002", f"127.0.0.1:{upstreams[1]}"),
                          ("listen 80;", f"listen 127.0.0.1:{http_port};"),
                          ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
                          ("/etc/ssl/certs/selfcheck.example.dk.pem", str(certificate)),
                          ("/etc/ssl/private/selfcheck.example.dk.key", str(key))):
        assert text.count(sample) == 1, f"docs/nginx.conf should hold {sample!r} once"
        text = text.replace(sample, value)
    return text


class Nginx:
    """Debian's nginx with the sample site, its own config, pid file, logs and temp paths.

    It runs in a folder of its own made readable for nginx's worker user (as root the
    workers run as ``nobody``). The access log records which instance served each request.
    """

    def __init__(self, upstreams: tuple[int, int]) -> None:
        self.binary = _binary("/usr/sbin/nginx", "nginx")
        self.root = Path(tempfile.mkdtemp(prefix="selfcheck-nginx-"))
        os.chmod(self.root, 0o755)
        self.upstreams = upstreams
        self.http_port = free_port()
        self.https_port = free_port()
        self.certificate = self.root / "cert.pem"
        self.key = self.root / "key.pem"
        self.access_log = self.root / "access.log"
        self.error_log = self.root / "error.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def _config(self) -> str:
        temp = []
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            folder = self.root / f"{name}_temp"
            folder.mkdir()
            os.chmod(folder, 0o777)
            temp.append(f"    {name}_temp_path {folder};")
        site = nginx_site(self.upstreams, self.http_port, self.https_port, self.certificate,
                          self.key)
        user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
        return (f"{user}worker_processes 1;\npid {self.root / 'nginx.pid'};\n"
                f"error_log {self.error_log} info;\n"
                "events { worker_connections 256; }\n"
                "http {\n"
                "    log_format upstream '$request_method $uri $status $upstream_addr';\n"
                f"    access_log {self.access_log} upstream;\n"
                + "\n".join(temp) + "\n" + site + "\n}\n")

    def start(self) -> Nginx:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(self.key), "-out", str(self.certificate)],
                       check=True, capture_output=True, timeout=60)
        config = self.root / "nginx.conf"
        config.write_text(self._config())
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.root), "-e", str(self.error_log), "-c", str(config),
             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for_port(self.https_port, self.process, log=self.error_log)
        return self

    def served_by(self) -> list[tuple[str, str, int]]:
        """(path, upstream port, status) of every request nginx passed on, in order."""
        rows = []
        for line in self.access_log.read_text().splitlines():
            _method, path, status, upstream = line.split(" ", 3)
            rows.append((path, upstream.rsplit(":", 1)[-1], int(status)))
        return rows

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
        shutil.rmtree(self.root, ignore_errors=True)


# ----------------------------------------------------------------------------- the app


class Instance:
    """One app instance: ``selfcheck serve`` (gunicorn, 2 workers) on its own port."""

    def __init__(self, environment: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.environment = environment
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Instance:
        import sys

        command = [str(Path(sys.executable).parent / "selfcheck"), "serve", "--port",
                   str(self.port), "--workers", "2"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env=self.environment, stdout=log,
                                            stderr=subprocess.STDOUT)
        return self

    def wait(self) -> None:
        wait_for_port(self.port, self.process, timeout=60, log=self.log)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
