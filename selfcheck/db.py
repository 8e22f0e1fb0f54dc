"""Database engine and sessions.

SQLite is the default and must survive a whole team pressing Next at the same
moment: WAL lets readers and one writer work together, ``busy_timeout`` makes a
second writer wait instead of failing, and views keep write transactions short
(one commit per request). Any SQLAlchemy URL works via ``SELFCHECK_DATABASE_URL``;
PostgreSQL (``postgresql+psycopg://``) is tested on every run. The SQLite pragmas are
set only on SQLite; a server's pooled connections are pinged before use, so a restarted
database or a proxy's idle timeout costs a reconnect, not a failed request.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite connections get WAL, busy_timeout and foreign keys."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    from selfcheck.config import is_server

    if not is_server(url):
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    from selfcheck import revisions

    revisions.install(app.extensions["db_sessionmaker"])
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """The database session of this request or CLI command, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db_sessionmaker"]()
    return g.db_session


def discard_session() -> None:
    """End this request's session now (its connection failed); the next use opens another."""
    _close_session(None)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.close()  # rolls back anything a failed request left uncommitted
    except DBAPIError:
        # The database went away after the answer was ready (a restart): the rollback
        # cannot reach it, and there is nothing to roll back. Throw the connection away
        # instead of failing a request that has already succeeded.
        session.invalidate()


def alembic_config(url: str):
    """An Alembic config pointing at the package's migrations and ``url``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the schema at ``url`` up to ``revision`` (creating it on first run)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def known_revisions(url: str) -> set[str]:
    """Every schema revision this version's migrations know (a restore refuses others)."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in
            ScriptDirectory.from_config(alembic_config(url)).walk_revisions()}


def schema_is_current(engine: Engine) -> bool:
    """Whether the database is at the newest migration (the CLI checks before it writes)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads
