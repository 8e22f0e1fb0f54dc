"""``selfcheck serve``: the app under gunicorn, the production WSGI server.
"""

from __future__ import annotations

import os
import sys

import click

from selfcheck.core.content import ContentError, load_questionnaire
from selfcheck.resources import default_questions_file

from .common import create_command_app

#: Requests a gunicorn worker serves before it is replaced (selfcheck serve).
MAX_REQUESTS = 1000


#: Threads per gunicorn worker (selfcheck serve --threads).
THREADS = 16


def _warm_render_pool(_worker) -> None:
    from selfcheck.report.pool import warm

    warm()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=THREADS, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker.")
def serve_command(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app with gunicorn, the production WSGI server."""
    from gunicorn.app.base import BaseApplication

    path = os.environ.get("SELFCHECK_QUESTIONS") or default_questions_file()
    try:
        load_questionnaire(path)
    except ContentError as exc:
        click.echo(f"{path}: the app cannot start, {len(exc.problems)} problem(s):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    # A bad setting (a database server without a shared secret key …) is one line here,
    # before gunicorn starts workers that would each fail to boot.
    app = create_command_app()
    app.extensions["db_engine"].dispose()
    database_url = app.config["DATABASE_URL"]

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            # Threads, so that a PDF being rendered (a second or more) holds one thread while
            # the members' pages go on in the others; the report cache lets concurrent
            # requests for one report wait for a single render (report.ReportCache).
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("post_worker_init", _warm_render_pool)
            # No gunicorn access log: it would write every link's secret token into the log.
            # The app logs each request itself, with the tokens left out (logs.py).
            self.cfg.set("accesslog", None)
            # A backstop against memory that native libraries keep: each worker is replaced
            # after about a thousand requests (jitter, so they do not all restart at once).
            self.cfg.set("max_requests", MAX_REQUESTS)
            self.cfg.set("max_requests_jitter", MAX_REQUESTS // 10)

        def load(self):
            from selfcheck.logs import to_stdout

            to_stdout()
            app = create_command_app()
            app.config["REPORT_RENDER_POOL"] = True  # report/pool.py: PDFs off the threads
            return app

    for line in _addresses(host, port):
        click.echo(line)
    from contextlib import nullcontext

    from selfcheck import backup
    from selfcheck.config import is_server

    # While it serves, the embedded database is "in use": `selfcheck restore` refuses to
    # replace it (backup.py). The workers inherit the lock with the file.
    with nullcontext() if is_server(database_url) else \
            backup.in_use(backup.sqlite_path(database_url)):
        Server().run()


def _addresses(host: str, port: int) -> list[str]:
    """What to open, and what phones in the room can reach (printed by `make run`)."""
    import socket

    if host not in ("0.0.0.0", "::", ""):
        local = f"http://{host}:{port}/"
        lines = [f"selfcheck on {local}"]
        if host in ("127.0.0.1", "localhost", "::1"):
            lines.append("Only this computer can open it. For phones in a meeting room: "
                         "make run HOST=0.0.0.0")
        return lines
    lines = [f"selfcheck on http://127.0.0.1:{port}/ (this computer)"]
    try:  # the address other devices on this network use; no packet is sent
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
        probe.close()
    except OSError:
        address = None
    if address and not address.startswith("127."):
        lines.append(f"Phones on the same network: open http://{address}:{port}/ on the "
                     "facilitator's computer too, so links and QR codes use that address.")
    lines.append("Anyone on this network can now reach the app: use it on a network you trust.")
    return lines
