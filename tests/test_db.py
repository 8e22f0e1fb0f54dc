"""Schema: the Alembic migrations create exactly what the models describe, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from selfcheck.db import make_engine, upgrade_database
from selfcheck.models import Base

pytestmark = pytest.mark.both_databases


@pytest.fixture
def empty_database_url(request, tmp_path):
    """An empty database (no tables at all), on SQLite or on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'schema.sqlite'}"
        return
    postgres = request.getfixturevalue("postgres")
    name = postgres.create_database()
    yield postgres.url(name)
    postgres.drop_database(name)


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_migrations_from_empty_match_the_models(empty_database_url):
    upgrade_database(empty_database_url)
    engine = create_engine(empty_database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_db_upgrade_command(app, runner, database_url):
    from selfcheck.cli import main

    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    scheme = database_url.split(":", 1)[0]
    assert result.output.startswith(f"Database ready: {scheme}://")
