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


def test_upgrading_on_sqlite_keeps_every_row(tmp_path, questions_document):
    """Migrations that copy a table on SQLite (batch mode) must not cascade-delete the rows
    that point at it: an upgrade from 0005 keeps organisations, levels, teams and answers."""
    import json

    from sqlalchemy import text

    from selfcheck.core.content import document_hash, parse_questionnaire

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade_database(url, "0005")
    document = questions_document
    questionnaire = parse_questionnaire(document)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO organisation (id, name, language, token_hash, created_at) "
            "VALUES (1, 'Vejle Kommune', 'da', 'h1', '2026-01-05 10:00:00')"))
        connection.execute(text(
            "INSERT INTO level (id, organisation_id, position, name_da, name_en) "
            "VALUES (1, 1, 1, 'Direktion', 'Board')"))
        connection.execute(text(
            "INSERT INTO assessment (id, organisation, team, language, anonymous, status, "
            "created_at, questionnaire, questionnaire_hash, facilitator_token_hash, "
            "join_token_hash, join_code_attempt, reveal, level_id) VALUES (1, 'Vejle Kommune', "
            "'Direktionen', 'da', 1, 'open', '2026-01-05 10:00:00', :document, :hash, 'f1', "
            "'j1', 0, 'when_revealed', 1)"),
            {"document": json.dumps(document), "hash": document_hash(document)})
        connection.execute(text(
            "INSERT INTO participant (id, assessment_id, resume_token_hash, started_at) "
            "VALUES (1, 1, 'r1', '2026-01-05 10:00:00')"))
        connection.execute(text(
            "INSERT INTO answer (participant_id, question_id, value, updated_at) "
            "VALUES (1, :question, 4, '2026-01-05 10:00:00')"),
            {"question": questionnaire.questions[0].id})
        connection.execute(text(
            "INSERT INTO action (assessment_id, theme_id, text, owner, status, created_at, "
            "updated_at) VALUES (1, 'purpose', 'Tal om målene', '', 'planned', "
            "'2026-01-05 10:00:00', '2026-01-05 10:00:00')"))
    tables = ("organisation", "level", "assessment", "participant", "answer", "action")

    def counts() -> dict[str, int]:
        with engine.connect() as connection:
            return {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                    for t in tables}

    assert counts() == dict.fromkeys(tables, 1)
    upgrade_database(url)
    assert counts() == dict.fromkeys(tables, 1)
    engine.dispose()


def test_an_address_stored_before_nfc_is_rewritten_so_its_owner_can_log_in(tmp_path):
    """An account made with the decomposed "å" logs in again after the upgrade; a look-alike
    of another account's address is left as it is (and still cannot log in)."""
    import unicodedata

    from selfcheck import create_app
    from selfcheck.db import get_session
    from selfcheck.services.accounts.passwords import hash_password
    from selfcheck.services.accounts.users import authenticate

    url = f"sqlite:///{tmp_path / 'nfd.sqlite'}"
    upgrade_database(url, "0011")
    decomposed = unicodedata.normalize("NFD", "Søren.Åkjær@Århus.dk")
    look_alike = unicodedata.normalize("NFD", "bo.ågård@example.dk")
    engine = make_engine(url)
    with engine.begin() as connection:
        for number, email in enumerate([decomposed, "bo.ågård@example.dk", look_alike], 1):
            connection.execute(text(
                "INSERT INTO account (id, email, password_hash, session_secret, created_at) "
                "VALUES (:id, :email, :hash, :secret, '2026-11-01 10:00:00')"),
                {"id": number, "email": email, "hash": hash_password("grøn hest 17 løber"),
                 "secret": f"s{number}"})
    upgrade_database(url)
    with engine.connect() as connection:
        stored = dict(connection.execute(text("SELECT id, email FROM account")).all())
    engine.dispose()
    assert stored == {1: "søren.åkjær@århus.dk", 2: "bo.ågård@example.dk", 3: look_alike}
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x" * 32})
    with app.app_context():
        session = get_session()
        assert authenticate(session, "Søren.Åkjær@Århus.dk", "grøn hest 17 løber").id == 1
        assert authenticate(session, look_alike, "grøn hest 17 løber").id == 2
        session.close()
