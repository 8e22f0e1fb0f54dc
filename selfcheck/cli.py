"""The ``selfcheck`` command.

``selfcheck check`` works without the app (it is how a consultant checks an
edited questionnaire); the other commands build the app with ``create_app``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from .content import LANGUAGES, ContentError, load_questionnaire
from .resources import default_questions_file


def _create_app():
    """The app for a command; a bad setting or questionnaire is one line, never a traceback."""
    from . import create_app
    from .config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except ContentError as exc:
        from .exchange import shown

        raise click.ClickException(
            f"the questionnaire has {len(exc.problems)} problem(s): "
            + "; ".join(shown(exc.problems, 5)) + " (see `selfcheck check`)") from None


def _require_schema() -> None:
    """Commands that read or write assessments need the tables: say so instead of failing."""
    from sqlalchemy.exc import SQLAlchemyError

    from .db import schema_is_current

    try:
        current = schema_is_current(current_app.extensions["db_engine"])
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database cannot be opened: "
                                   f"{str(getattr(exc, 'orig', None) or exc)[:200]}") from None
    if not current:
        raise click.ClickException("the database is not set up or is out of date: run "
                                   "`selfcheck db upgrade` first")


class _Group(FlaskGroup):
    """The command group; a file that cannot be read or written is one line of error."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None


@click.group(cls=_Group, create_app=_create_app, add_default_commands=False)
def main() -> None:
    """selfcheck: a self-assessment of management by objectives for leadership teams."""


@main.command("check")
@click.option("--strict", is_flag=True,
              help="Treat writing warnings as errors: exit 1 when there is any.")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def check_command(path: Path | None, strict: bool) -> None:
    """Validate a questionnaire file (default: SELFCHECK_QUESTIONS or questions.toml).

    Problems make the file unusable (exit 1). Warnings point at texts that break the
    writing rules (selfcheck/content_checks.py); they go to stderr with their key paths
    and the exit code stays 0, unless --strict makes them errors.
    """
    from .content import parse_questionnaire, read_document
    from .content_checks import warnings

    path = path or Path(os.environ.get("SELFCHECK_QUESTIONS") or default_questions_file())
    try:
        document = read_document(path)
        questionnaire = parse_questionnaire(document)
    except ContentError as exc:
        click.echo(f"{path}: {len(exc.problems)} problem(s)", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    found = warnings(questionnaire, document)
    if found:
        mode = "errors with --strict" if strict else "use --strict to make them errors"
        click.echo(f"{path}: {len(found)} warning(s) ({mode})", err=True)
        for warning in found:
            click.echo(f"  {warning}", err=True)
        if strict:
            sys.exit(1)
    q = questionnaire
    click.echo(f"{path}: OK")
    click.echo(f"{q.title.da} (version {q.version})")
    click.echo(f"Source: {q.source.title}, {q.source.publisher}, {q.source.year}")
    click.echo(f"Languages: {', '.join(LANGUAGES)}")
    labels = ", ".join(f"{p.value} {p.label.da}" for p in q.scale.points)
    click.echo(f"Scale: {labels}; + {q.scale.dont_know.da}")
    bands = []
    for band in q.bands:
        limit = f" < {float(band.below):g}" if band.below is not None else ""
        bands.append(f"{band.id}{limit}")
    click.echo(f"Bands: {', '.join(bands)}; disagreement range {float(q.disagreement_range):g}")
    levels = f"levels {', '.join(level.id for level in q.levels)}" if q.levels else "no levels"
    chain_suggestions = sum(len(theme.chain_suggestions) for theme in q.themes)
    click.echo(f"Chain: gap {float(q.chain_gap):g}; {levels}; "
               f"{chain_suggestions} chain suggestions")
    click.echo(f"Themes: {len(q.themes)}")
    for i, theme in enumerate(q.themes, 1):
        reverse = sum(1 for question in theme.questions if question.reverse)
        click.echo(
            f"  {i}. {theme.id:<18} {len(theme.questions)} statements "
            f"({reverse} reverse), {len(theme.suggestions)} suggestions, "
            f"{len(theme.chain_suggestions)} for the chain – {theme.title.da}"
        )
    click.echo(f"Statements: {len(q.questions)} in all")
    click.echo(f"Warnings: {len(found)}")


#: Requests a gunicorn worker serves before it is replaced (selfcheck serve).
MAX_REQUESTS = 1000
#: Threads per gunicorn worker (selfcheck serve --threads).
THREADS = 16


def _warm_render_pool(_worker) -> None:
    from .render_pool import warm

    warm()


@main.command("serve")
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
    _create_app().extensions["db_engine"].dispose()

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
            from .logs import to_stdout

            to_stdout()
            app = _create_app()
            app.config["REPORT_RENDER_POOL"] = True  # render_pool.py: PDFs off the threads
            return app

    for line in _addresses(host, port):
        click.echo(line)
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


@main.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade_command(revision: str) -> None:
    """Create or upgrade the database schema to REVISION (default: head)."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from .db import upgrade_database

    try:
        upgrade_database(current_app.config["DATABASE_URL"], revision)
    except (CommandError, SQLAlchemyError) as exc:
        raise click.ClickException(f"the database cannot be upgraded: "
                                   f"{str(getattr(exc, 'orig', None) or exc)[:200]}") from None
    click.echo(f"Database ready: {_safe_url(current_app.config['DATABASE_URL'])}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.command("demo")
@click.option("--lang", type=click.Choice(LANGUAGES), default="da", show_default=True)
@with_appcontext
def demo_command(lang: str) -> None:
    """Create the example leadership chain and the example assessment (12 members).

    Prints the organisation link, then the assessment's facilitator link last."""
    from .db import get_session
    from .demo import create_demo, create_demo_organisation

    _require_schema()
    document = current_app.extensions["questionnaire_document"]
    organisation_token = create_demo_organisation(get_session(), document, lang)
    click.echo("Example leadership chain created: Eksempel Kommune, 4 levels, 9 teams.")
    click.echo(f"Organisation link: /o/{organisation_token}")
    links = create_demo(get_session(), document, lang)
    click.echo("Example assessment created: Eksempel Kommune, Direktionen, 12 members.")
    click.echo(f"Join link for more members: /j/{links.join_token}")
    click.echo("Facilitator link (results):")
    click.echo(f"/f/{links.facilitator_token}")


@main.command("export")
@click.argument("assessment")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write. CSV writes two files: NAME-answers.csv and NAME-results.csv.")
@click.option("--format", "kind", type=click.Choice(["json", "csv", "xlsx"]), default="json",
              show_default=True)
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the texts in CSV and XLSX (default: the assessment's).")
@with_appcontext
def export_command(assessment: str, output: Path, kind: str, lang: str | None) -> None:
    """Export an assessment. ASSESSMENT is its number, facilitator token or link."""
    from datetime import UTC, datetime

    from . import assessments, exchange, tables
    from .db import get_session
    from .models import Assessment

    _require_schema()
    session = get_session()
    if assessment.isdigit():
        found = session.get(Assessment, int(assessment)) if len(assessment) <= 18 else None
    else:
        token = assessment.rstrip("/").rsplit("/f/", 1)[-1]
        found = assessments.find_by_facilitator_token(session, token)
    if found is None:
        raise click.ClickException("no assessment has that number or facilitator token")
    document = exchange.export_assessment(found, exported_at=datetime.now(UTC))
    if kind == "json":
        output.write_text(exchange.dumps(document), encoding="utf-8")
        click.echo(f"Wrote {output} ({len(document['members'])} members)")
        return
    data = exchange.load_export(document)
    lang = lang or data.language
    if kind == "xlsx":
        output.write_bytes(tables.to_xlsx(data, lang))
        click.echo(f"Wrote {output}")
        return
    stem = output.with_suffix("")
    for name, columns, rows in (("answers", tables.ANSWER_COLUMNS, tables.answer_rows),
                                ("results", tables.RESULT_COLUMNS, tables.result_rows)):
        path = stem.parent / f"{stem.name}-{name}.csv"
        path.write_text(tables.to_csv(columns, rows(data, lang)), encoding="utf-8")
        click.echo(f"Wrote {path}")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Create an assessment from an exported JSON file and print its facilitator link."""
    from . import assessments
    from .db import get_session

    document, data = _read_export(file)
    _require_schema()
    if isinstance(data, _organisation_data_class()):
        from . import organisations

        organisation, token = organisations.import_organisation(get_session(), document, data)
        teams = sum(len(level.teams) for level in data.levels)
        click.echo(f"Imported the organisation {data.name}: {len(data.levels)} levels, "
                   f"{teams} teams.")
        click.echo("Organisation link:")
        click.echo(f"/o/{token}")
        return
    _assessment, links = assessments.import_document(get_session(), document, data)
    click.echo(f"Imported {data.organisation}, {data.team}: {len(data.members)} members.")
    click.echo("Facilitator link:")
    click.echo(f"/f/{links.facilitator_token}")


def _organisation_data_class():
    from .chain_report import OrganisationData

    return OrganisationData


def _read_export(file: Path, organisation_only: bool = False):
    """The document and its validated data (an assessment's or an organisation's export), or
    a ClickException listing every problem."""
    from . import chain_report, exchange, jsondoc

    try:
        document = jsondoc.loads(file.read_bytes()[: jsondoc.MAX_BYTES + 1])
        if organisation_only or (isinstance(document, dict)
                                 and document.get("format") == chain_report.FORMAT):
            return document, chain_report.load_organisation_export(document)
        return document, exchange.load_export(document)
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot be read ({exc.strerror})") from None
    except jsondoc.JSONFileError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    except exchange.ExchangeError as exc:
        raise click.ClickException(f"{file}: " + "; ".join(exchange.shown(exc.problems))) \
            from None


def _pdf_from_file(whose: str):
    """The arguments of an offline report command: FILE, -o OUTPUT and --lang."""
    def decorate(command):
        command = click.option("--lang", type=click.Choice(LANGUAGES), default=None,
                               help=f"Language of the report (default: the {whose}'s).")(command)
        command = click.option("-o", "--output", type=click.Path(dir_okay=False,
                                                                 path_type=Path),
                               required=True, help="Where to write the PDF.")(command)
        return click.argument("file", type=click.Path(exists=True, dir_okay=False,
                                                      path_type=Path))(command)
    return decorate


@main.command("chain-report")
@_pdf_from_file("organisation")
def chain_report_command(file: Path, output: Path, lang: str | None) -> None:
    """Build the leadership chain's PDF offline from an organisation's exported JSON file."""
    from datetime import date

    from . import chain_report, exchange

    _document, data = _read_export(file, organisation_only=True)
    try:
        pdf = chain_report.render_pdf(data, lang or data.language, date.today())
    except exchange.ExchangeError as exc:
        raise click.ClickException(f"{file}: " + "; ".join(exc.problems)) from None
    output.write_bytes(pdf)
    click.echo(f"Wrote {output} ({len(pdf) // 1024} KiB)")


@main.command("report")
@_pdf_from_file("assessment")
def report_command(file: Path, output: Path, lang: str | None) -> None:
    """Build the PDF report offline from an exported JSON file."""
    from datetime import date

    from . import report

    _document, data = _read_export(file)
    if isinstance(data, _organisation_data_class()):
        raise click.ClickException(f"{file}: an organisation's export; use `selfcheck "
                                   "chain-report`")
    pdf = report.render_pdf(data, lang or data.language, date.today())
    output.write_bytes(pdf)
    click.echo(f"Wrote {output} ({len(pdf) // 1024} KiB)")


# ----------------------------------------------------------------------------- accounts

@main.group("user")
def user_group() -> None:
    """Accounts for facilitators and consultants (an administrator's commands)."""


def _password_problem_text(code: str) -> str:
    from .accounts.passwords import PASSWORD_MAX, PASSWORD_MIN

    return {
        "email": "that is not an e-mail address",
        "taken": "an account with that e-mail address already exists",
        "too_short": f"the password must have at least {PASSWORD_MIN} characters",
        "too_long": f"the password must have at most {PASSWORD_MAX} characters",
        "control": "the password contains a character that cannot be typed",
        "common": "the password is on a list of common passwords",
        "guessable": "the password is too easy to guess; add a few more words",
    }.get(code, code)


def _prompt_password() -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


@user_group.command("add")
@click.argument("email")
@with_appcontext
def user_add_command(email: str) -> None:
    """Create an account for EMAIL; asks for the password twice."""
    from .accounts import users
    from .db import get_session

    _require_schema()
    if users.normalise_email(email) is None:
        raise click.ClickException(_password_problem_text("email"))
    if users.find_by_email(get_session(), email) is not None:
        raise click.ClickException(_password_problem_text("taken"))
    try:
        account = users.create_account(get_session(), email, _prompt_password())
    except users.AccountError as exc:
        raise click.ClickException(_password_problem_text(exc.code)) from None
    click.echo(f"Account created: {account.email}")


@user_group.command("set-password")
@click.argument("email")
@with_appcontext
def user_set_password_command(email: str) -> None:
    """Give EMAIL's account a new password; every login of the account ends."""
    from .accounts import users
    from .db import get_session

    _require_schema()
    account = users.find_by_email(get_session(), email)
    if account is None:
        raise click.ClickException(f"no account has the e-mail address {email[:254]!r}")
    try:
        users.set_password(get_session(), account, _prompt_password())
    except users.AccountError as exc:
        raise click.ClickException(_password_problem_text(exc.code)) from None
    click.echo(f"Password changed for {account.email}; it is logged out everywhere.")


@main.command("purge")
@click.option("--days", type=click.IntRange(1, 36500),
              help="Delete what was closed more than this many days ago "
                   "(default: SELFCHECK_RETENTION_DAYS).")
@with_appcontext
def purge_command(days: int | None) -> None:
    """Delete closed assessments (and finished organisations) older than the retention time.

    Meant for cron, e.g. every night: `selfcheck purge`. Prints what it deleted."""
    from .accounts import retention
    from .db import get_session
    from .report import ReportCache

    _require_schema()
    days = days or current_app.config.get("RETENTION_DAYS")
    if not days:
        raise click.ClickException("no retention time: set SELFCHECK_RETENTION_DAYS or pass "
                                   "--days")
    cache = ReportCache(Path(current_app.config["REPORT_CACHE_DIR"]))
    done = retention.purge(get_session(), int(days), cache)
    click.echo(f"Deleted {done.assessments} assessment(s) and {done.organisations} "
               f"organisation(s) closed more than {days} days ago: {done.members} member(s), "
               f"{done.answers} answer(s), {done.comments} comment(s), {done.actions} "
               f"action(s), {done.pdfs} saved PDF(s).")
