"""Backups that restore (issue 23, §2): a consistent copy while members answer, and restores
that refuse what they must.

The burst test takes a backup while four browsers go on answering, restores it into a fresh
database, and checks that every answer acknowledged (a 302 came back) before the backup
began is in the restored database, with the same value, and nothing else is different.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from selfcheck import create_app
from selfcheck.backup import in_use
from selfcheck.cli import main
from selfcheck.models import Assessment

from .conftest import Facilitator, Member, app_config

MEMBERS = 12


def _export(app, token: str) -> dict:
    response = app.test_client().get(f"/f/{token}/export.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def _answers(document: dict) -> dict[str, dict[str, int | None]]:
    return {m["id"]: m["answers"] for m in document["members"]}


def test_a_backup_taken_during_a_burst_restores_every_acknowledged_answer(
        app, questionnaire, tmp_path):
    facilitator = Facilitator(app).create(answers="named")
    join = facilitator.join_url()
    members = [Member(app, join).join(f"Medlem {n}") for n in range(MEMBERS)]
    acknowledged: list[tuple[float, int, int, dict]] = []  # (when, member, step, answers)
    enough = threading.Event()
    lock = threading.Lock()

    def walk(number: int) -> None:
        member = members[number]
        for step, theme in enumerate(questionnaire.themes, 1):
            values = {q.id: 1 + (number + step + i) % 5 for i, q in enumerate(theme.questions)
                      if q.id in member.asked(step)}
            response = member.post_step(step, values)
            assert response.status_code == 302
            with lock:
                acknowledged.append((time.monotonic(), number, step, values))
                if len(acknowledged) >= MEMBERS * 2:
                    enough.set()

    target = tmp_path / "backup.sqlite"
    with ThreadPoolExecutor(4) as pool:
        walking = [pool.submit(walk, n) for n in range(MEMBERS)]
        assert enough.wait(120)
        began = time.monotonic()
        result = app.test_cli_runner().invoke(main, ["backup", str(target)])
        for future in walking:
            future.result()
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Backed up {app.config['DATABASE_URL'][10:]} to {target} (")
    before = [entry for entry in acknowledged if entry[0] < began]
    assert 0 < len(before) < MEMBERS * len(questionnaire.themes)  # taken mid-burst

    original = _export(app, facilitator.token)
    fresh = create_app(app_config(f"sqlite:///{tmp_path}/fresh/selfcheck.sqlite"))
    restored_run = fresh.test_cli_runner().invoke(main, ["restore", str(target)])
    assert restored_run.exit_code == 0, restored_run.output
    restored = _export(fresh, facilitator.token)
    fresh.extensions["db_engine"].dispose()

    ids = {m["name"]: m["id"] for m in original["members"]}
    restored_answers, original_answers = _answers(restored), _answers(original)
    for _when, number, _step, values in before:
        member_id = ids[f"Medlem {number}"]
        for question_id, value in values.items():
            assert restored_answers[member_id][question_id] == value
    # Nothing in the backup differs from what was acknowledged: it is a moment of the original.
    for member_id, answers in restored_answers.items():
        assert answers.items() <= original_answers[member_id].items()
    assert {k: v for k, v in restored.items() if k not in ("members", "exported_at")} == \
        {k: v for k, v in original.items() if k not in ("members", "exported_at")}


@pytest.fixture
def backup_file(app, facilitator, tmp_path):
    facilitator.create()
    target = tmp_path / "backup.sqlite"
    result = app.test_cli_runner().invoke(main, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    return target


def _database(app):
    return app.config["DATABASE_URL"].removeprefix("sqlite:///")


def _restore(app, file) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(main, ["restore", str(file)])
    return result.exit_code, result.output


def test_a_backup_never_overwrites_a_file(app, backup_file):
    before = backup_file.read_bytes()
    result = app.test_cli_runner().invoke(main, ["backup", str(backup_file)])
    assert (result.exit_code, result.output) == (
        1, f"Error: {backup_file} exists: choose a new file name\n")
    assert backup_file.read_bytes() == before


def test_a_restore_refuses_a_database_in_use(app, backup_file, db):
    from pathlib import Path

    database = Path(_database(app))
    with in_use(database):  # as selfcheck serve holds it
        code, output = _restore(app, backup_file)
    assert (code, output) == (1, f"Error: {database} is in use: stop selfcheck serve (and its "
                                 "worker) before restoring\n")
    assert db.scalars(select(Assessment)).one()  # unchanged


@pytest.mark.parametrize("content, message", [
    (b"not a database at all, just text", "is not a selfcheck database (not an SQLite file)"),
    (None, "is not a selfcheck database (it has no selfcheck tables)"),
    ("newer", "comes from a newer version of selfcheck (schema 9999_from_the_future): "
              "upgrade selfcheck before restoring it"),
])
def test_a_restore_refuses_what_is_not_a_selfcheck_database_it_knows(
        app, db, backup_file, tmp_path, content, message):
    file = tmp_path / "other.sqlite"
    if content is None:
        connection = sqlite3.connect(file)
        connection.execute("CREATE TABLE notes (text TEXT)")
        connection.commit()
        connection.close()
    elif content == "newer":
        file.write_bytes(backup_file.read_bytes())
        connection = sqlite3.connect(file)
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        connection.commit()
        connection.close()
    else:
        file.write_bytes(content)
    before = (tmp_path / "check").exists()
    code, output = _restore(app, file)
    assert (code, output) == (1, f"Error: {file} {message}\n")
    assert output.count("\n") == 1
    assert db.scalars(select(Assessment)).one()  # unchanged
    assert before is False


def test_a_restore_puts_back_what_the_backup_held(app, db, backup_file, facilitator):
    Facilitator(app).create(team="Chefgruppen")  # made after the backup
    db.expire_all()
    assert len(db.scalars(select(Assessment)).all()) == 2
    db.close()
    code, output = _restore(app, backup_file)
    assert (code, output) == (0, f"Restored {backup_file} into {_database(app)}\n")
    db.expire_all()
    assert [a.team for a in db.scalars(select(Assessment))] == ["Direktionen"]


@pytest.mark.both_databases
def test_backup_with_postgresql_points_to_pg_dump(app, tmp_path):
    result = app.test_cli_runner().invoke(main, ["backup", str(tmp_path / "x.sqlite")])
    if app.config["DATABASE_URL"].startswith("sqlite"):
        assert result.exit_code == 0
        return
    assert (result.exit_code, result.output) == (1, (
        "Error: selfcheck backup and restore work on the embedded SQLite database; with "
        "PostgreSQL use pg_dump and pg_restore (README, Backups)\n"))


def test_pg_dump_and_pg_restore_round_trip(postgres, postgres_template, tmp_path):
    """The README's commands for PostgreSQL: a dump restores into a new database whose
    exports equal the original's."""
    import subprocess

    source = postgres.create_database(template=postgres_template)
    original = create_app(app_config(postgres.url(source), REPORT_CACHE_DIR=str(tmp_path / "c")))
    facilitator = Facilitator(original).create(answers="named")
    questionnaire = original.extensions["questionnaire"]
    Member(original, facilitator.join_url()).join("Anne").answer_all(
        questionnaire, {q.id: 4 for q in questionnaire.questions}).submit()
    dump = tmp_path / "selfcheck.dump"
    subprocess.run([postgres.binary("pg_dump"), "--format=custom", "--no-owner",
                    f"--file={dump}", postgres.libpq_url(source)], check=True)
    target = postgres.create_database(template=None)
    subprocess.run([postgres.binary("pg_restore"), "--no-owner",
                    f"--dbname={postgres.libpq_url(target)}", str(dump)], check=True)
    restored = create_app(app_config(postgres.url(target), REPORT_CACHE_DIR=str(tmp_path / "c")))
    try:
        assert _export(restored, facilitator.token) | {"exported_at": None} == \
            _export(original, facilitator.token) | {"exported_at": None}
    finally:
        for app in (original, restored):
            app.extensions["db_engine"].dispose()
        postgres.drop_database(source)
        postgres.drop_database(target)
