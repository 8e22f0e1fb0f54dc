"""Backing up and restoring the embedded SQLite database, safely while the app serves.

A plain file copy of a SQLite database in WAL mode can miss the last commits (they are in
the ``-wal`` file) or catch a page half-written. SQLite's online backup API copies a
consistent snapshot while others go on reading and writing, so ``selfcheck backup`` uses it.

A restore replaces the whole database, so it must never happen under a running app: the
app's processes (``selfcheck serve``) hold a shared lock on ``<database>.in-use`` while
they run, and a restore that cannot take that lock exclusively refuses. A restore also
refuses a file that is not a selfcheck database, or one from a newer schema than this
version knows (it could not be read). An older one is restored and then upgraded.

Rendered PDFs are not part of a backup: they are rebuilt on demand from the database.
With PostgreSQL, use ``pg_dump`` and ``pg_restore`` (README, "Backups").
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class BackupError(Exception):
    """Why a backup or restore was refused: one line for the operator."""


def sqlite_path(url: str) -> Path:
    """The database file of a ``sqlite:///`` URL; BackupError for anything else."""
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        raise BackupError("selfcheck backup and restore work on the embedded SQLite database; "
                          "with PostgreSQL use pg_dump and pg_restore (README, Backups)")
    return Path(url.removeprefix("sqlite:///"))


def _lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".in-use")


@contextmanager
def in_use(database: Path) -> Iterator[None]:
    """Hold the shared "in use" lock of ``database`` while the block runs (selfcheck serve)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(database), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        yield


def backup(database: Path, target: Path) -> int:
    """Write a consistent copy of ``database`` to ``target`` (which must not exist), with
    SQLite's online backup API; returns its size in bytes."""
    if not database.exists():
        raise BackupError(f"{database}: there is no database to back up")
    if target.exists():
        raise BackupError(f"{target} exists: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        source = sqlite3.connect(database, timeout=30)
        copy = sqlite3.connect(temporary)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
            source.close()
        os.replace(temporary, target)  # the backup appears whole, or not at all
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target.stat().st_size


def schema_revision(file: Path, known: set[str]) -> str:
    """The schema revision of a backup file, after checking it is a whole selfcheck database
    whose schema this version knows; BackupError (one line) otherwise."""
    if not file.is_file():
        raise BackupError(f"{file}: no such file")
    with open(file, "rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{file} is not a selfcheck database (not an SQLite file)")
    try:
        connection = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{file} is damaged (SQLite's quick_check failed)")
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"alembic_version", "assessment"} <= tables:
                raise BackupError(f"{file} is not a selfcheck database (it has no selfcheck "
                                  "tables)")
            revisions = [row[0] for row in connection.execute(
                "SELECT version_num FROM alembic_version")]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{file} cannot be read as a database: {exc}") from None
    if len(revisions) != 1:
        raise BackupError(f"{file} is not a selfcheck database (no schema revision)")
    if revisions[0] not in known:
        raise BackupError(f"{file} comes from a newer version of selfcheck (schema "
                          f"{revisions[0][:40]}): upgrade selfcheck before restoring it")
    return revisions[0]


def restore(file: Path, database: Path, known: set[str]) -> str:
    """Replace ``database`` with the backup ``file``; refuses while the app uses it.
    Returns the backup's schema revision (the caller upgrades it to the newest)."""
    revision = schema_revision(file, known)
    database.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(database), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"{database} is in use: stop selfcheck serve (and its worker) "
                              "before restoring") from None
        try:
            source = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
            target = sqlite3.connect(database, timeout=30)
            try:
                source.backup(target)  # page by page into the live file, under its lock
            finally:
                target.close()
                source.close()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return revision
