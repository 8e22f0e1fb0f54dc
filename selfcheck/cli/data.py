"""Commands on the data: the schema, the example, export, import, offline reports, purge.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from selfcheck.core.content import LANGUAGES
from selfcheck.exchange import FORMATS
from selfcheck.exchange.problems import ExchangeError, lines, shown

from .common import require_schema


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade_command(revision: str) -> None:
    """Create or upgrade the database schema to REVISION (default: head)."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from selfcheck.db import upgrade_database

    try:
        upgrade_database(current_app.config["DATABASE_URL"], revision)
    except (CommandError, SQLAlchemyError) as exc:
        raise click.ClickException(f"the database cannot be upgraded: "
                                   f"{str(getattr(exc, 'orig', None) or exc)[:200]}") from None
    click.echo(f"Database ready: {_safe_url(current_app.config['DATABASE_URL'])}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.command("demo")
@click.option("--lang", type=click.Choice(LANGUAGES), default="da", show_default=True)
@with_appcontext
def demo_command(lang: str) -> None:
    """Create the example leadership chain and the example assessment (12 members).

    Prints the organisation link, then the assessment's facilitator link last."""
    from selfcheck.db import get_session
    from selfcheck.services.demo import create_demo, create_demo_organisation

    require_schema()
    document = current_app.extensions["questionnaire_document"]
    organisation_token = create_demo_organisation(get_session(), document, lang)
    from selfcheck.services.organisations import find_by_token

    chain = find_by_token(get_session(), organisation_token)
    teams = sum(len(level.teams) for level in chain.levels)
    click.echo(f"Example leadership chain created: {chain.name}, {len(chain.levels)} levels, "
               f"{teams} teams.")
    click.echo(f"Organisation link: /o/{organisation_token}")
    links = create_demo(get_session(), document, lang)
    click.echo("Example assessment created: Eksempel Kommune, Direktionen, 12 members.")
    click.echo(f"Join link for more members: /j/{links.join_token}")
    click.echo("Facilitator link (results):")
    click.echo(f"/f/{links.facilitator_token}")


@click.command("export")
@click.argument("assessment")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write. CSV writes two files: NAME-answers.csv and NAME-results.csv.")
@click.option("--format", "kind", type=click.Choice(FORMATS), default="json",
              show_default=True)
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of the texts in CSV and XLSX (default: the assessment's).")
@with_appcontext
def export_command(assessment: str, output: Path, kind: str, lang: str | None) -> None:
    """Export an assessment. ASSESSMENT is its number, facilitator token or link."""
    from datetime import UTC, datetime

    from selfcheck.db import get_session
    from selfcheck.models import Assessment
    from selfcheck.services import assessments, exports

    require_schema()
    session = get_session()
    if assessment.isdigit():
        found = session.get(Assessment, int(assessment)) if len(assessment) <= 18 else None
    else:
        token = assessment.rstrip("/").rsplit("/f/", 1)[-1]
        found = assessments.find_by_facilitator_token(session, token)
    if found is None:
        raise click.ClickException("no assessment has that number or facilitator token")
    files = exports.export_files(found, kind, lang, exported_at=datetime.now(UTC))
    for file in files:
        # One file goes where -o says; CSV writes a file per table beside it (NAME-answers.csv).
        path = output.with_name(output.stem + file.suffix) if kind == "csv" else output
        if isinstance(file.body, str):
            path.write_text(file.body, encoding="utf-8")
        else:
            path.write_bytes(file.body)
        click.echo(f"Wrote {path} ({len(found.participants)} members)" if kind == "json"
                   else f"Wrote {path}")


@click.command("export-organisation")
@click.argument("organisation")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the JSON file.")
@with_appcontext
def export_organisation_command(organisation: str, output: Path) -> None:
    """Export an organisation with its teams' answers, to move it to another instance with
    `selfcheck import`. ORGANISATION is its number or link (/o/...).

    For the host, who holds the database anyway: the file holds what the organisation's
    page hides (anonymous teams' answers), so it is never offered as a download there."""
    from selfcheck.db import get_session
    from selfcheck.exchange import team as exchange
    from selfcheck.models import Organisation
    from selfcheck.services import exports, organisations

    require_schema()
    session = get_session()
    if organisation.isdigit():
        found = session.get(Organisation, int(organisation)) if len(organisation) <= 18 \
            else None
    else:
        found = organisations.find_by_token(session, organisation.rstrip("/").rsplit("/o/",
                                                                                    1)[-1])
    if found is None:
        raise click.ClickException("no organisation has that number or link")
    full = organisations.load_chain(session, found.id, with_answers=True)
    output.write_text(exchange.dumps(exports.export_organisation(full)), encoding="utf-8")
    teams = sum(len(level.teams) for level in full.levels)
    click.echo(f"Wrote {output} ({len(full.levels)} levels, {teams} teams)")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Create an assessment from an exported JSON file and print its facilitator link."""
    from selfcheck.db import get_session
    from selfcheck.services import assessments

    document, data = _read_export(file)
    require_schema()
    if isinstance(data, _organisation_data_class()):
        from selfcheck.services import organisations

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
    from selfcheck.core.records import OrganisationData

    return OrganisationData


def _read_export(file: Path, organisation_only: bool = False):
    """The document and its validated data (an assessment's or an organisation's export, or
    with ``organisation_only`` also a chain's comparison), or a ClickException listing every
    problem."""
    from selfcheck.exchange import chain as chain_json
    from selfcheck.exchange import organisation as organisation_json
    from selfcheck.exchange import safejson as jsondoc
    from selfcheck.exchange import team as exchange

    try:
        document = jsondoc.loads(file.read_bytes()[: jsondoc.MAX_BYTES + 1])
        kind = document.get("format") if isinstance(document, dict) else None
        if kind == chain_json.FORMAT:
            if not organisation_only:
                raise ExchangeError.one("chain_not_importable", ("format",))
            return document, chain_json.load_chain_export(document)
        if organisation_only or kind == organisation_json.FORMAT:
            return document, organisation_json.load_organisation_export(document)
        return document, exchange.load_export(document)
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot be read ({exc.strerror})") from None
    except ExchangeError as exc:  # jsondoc.JSONFileError too; in English, on one line
        raise click.ClickException(f"{file}: " + "; ".join(lines(shown(exc.problems)))) \
            from None


#: What an offline report command writes (--kind): the full report, the two-page summary, or
#: the report as an editable Word document.
KINDS = {"report": "", "summary": "_summary", "docx": "_docx"}


def _pdf_from_file(whose: str):
    """The arguments of an offline report command: FILE, -o OUTPUT, --kind and --lang."""
    def decorate(command):
        command = click.option("--lang", type=click.Choice(LANGUAGES), default=None,
                               help=f"Language of the report (default: the {whose}'s).")(command)
        command = click.option("--kind", type=click.Choice(tuple(KINDS)), default="report",
                               show_default=True,
                               help="The full report (PDF), the two-page summary (PDF), or "
                                    "the report as a Word document.")(command)
        command = click.option("-o", "--output", type=click.Path(dir_okay=False,
                                                                 path_type=Path),
                               required=True, help="Where to write the file.")(command)
        return click.argument("file", type=click.Path(exists=True, dir_okay=False,
                                                      path_type=Path))(command)
    return decorate


@click.command("chain-report")
@_pdf_from_file("organisation")
def chain_report_command(file: Path, output: Path, kind: str, lang: str | None) -> None:
    """Build the leadership chain's PDF offline from an organisation's exported JSON file."""
    from datetime import date

    from selfcheck.report import chain as chain_report
    from selfcheck.report import pool

    _document, data = _read_export(file, organisation_only=True)
    try:
        if isinstance(data, _organisation_data_class()):  # an export with answers
            data = chain_report.chain_data(data)
        pdf = pool.render("chain" + KINDS[kind], data, lang or data.language, date.today(), None,
                          in_pool=False)
    except ExchangeError as exc:
        raise click.ClickException(f"{file}: " + "; ".join(lines(exc.problems))) from None
    output.write_bytes(pdf)
    click.echo(f"Wrote {output} ({len(pdf) // 1024} KiB)")


@click.command("report")
@_pdf_from_file("assessment")
def report_command(file: Path, output: Path, kind: str, lang: str | None) -> None:
    """Build the PDF report offline from an exported JSON file."""
    from datetime import date

    from selfcheck.report import pool

    _document, data = _read_export(file)
    if isinstance(data, _organisation_data_class()):
        raise click.ClickException(f"{file}: an organisation's export; use `selfcheck "
                                   "chain-report`")
    pdf = pool.render("team" + KINDS[kind], data, lang or data.language, date.today(), None,
                      in_pool=False)
    output.write_bytes(pdf)
    click.echo(f"Wrote {output} ({len(pdf) // 1024} KiB)")


@click.command("purge")
@click.option("--days", type=click.IntRange(1, 36500),
              help="Delete what was closed more than this many days ago "
                   "(default: SELFCHECK_RETENTION_DAYS).")
@with_appcontext
def purge_command(days: int | None) -> None:
    """Delete closed assessments (and finished organisations) older than the retention time.

    Meant for cron, e.g. every night: `selfcheck purge`. Prints what it deleted."""
    from selfcheck.db import get_session
    from selfcheck.report.cache import ReportCache
    from selfcheck.services.accounts import retention

    require_schema()
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


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a consistent copy of the embedded SQLite database to FILE, while the app serves.

    SQLite's online backup API, never a file copy. Rendered PDFs are not included: they are
    rebuilt on demand. With PostgreSQL, use pg_dump (README, Backups)."""
    from selfcheck import backup

    try:
        database = backup.sqlite_path(current_app.config["DATABASE_URL"])
        size = backup.backup(database, file)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up {database} to {file} ({size // 1024} KiB)")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Replace the embedded SQLite database with the backup FILE.

    Refused while selfcheck serve uses the database, and for a file that is not a selfcheck
    database or comes from a newer version. An older backup is upgraded after the restore."""
    from selfcheck import backup
    from selfcheck.db import known_revisions, upgrade_database

    url = current_app.config["DATABASE_URL"]
    try:
        database = backup.sqlite_path(url)
        backup.restore(file, database, known_revisions(url))
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    current_app.extensions["db_engine"].dispose()
    upgrade_database(url)
    click.echo(f"Restored {file} into {database}")
