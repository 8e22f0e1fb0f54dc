"""Rate limits (Flask-Limiter): wrong join codes per client.

A join code has 8 characters from 19 symbols. Counting only wrong guesses, per
client address (behind a trusted proxy, the real client: security.py), 10 a
minute and 60 an hour means a meeting-long attack tries a few hundred of the
1.7 × 10¹⁰ codes. Counters live in ``SELFCHECK_RATELIMIT_STORAGE``. With the embedded
SQLite database they default to a small SQLite file beside it (:class:`SQLiteStorage`),
which every worker of `selfcheck serve` shares and which outlives a worker replaced after
its thousand requests: counters in memory would be one per process, and a login limit of
5 would let a script try 5 per worker. A ``redis://`` URL when several app instances must
share them; with a database server the setting is required (config.check_shared).
``memory://`` set on purpose is allowed but logged, because each process then counts alone.
"""

from __future__ import annotations

import sqlite3
import threading
import time

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import Storage

SCHEME = "selfcheck-sqlite"


class SQLiteStorage(Storage):
    """Flask-Limiter's fixed-window counters in a SQLite file, shared by processes.

    ``selfcheck-sqlite:///path/to/ratelimit.sqlite``. Each thread has its own connection;
    an increment is one ``BEGIN IMMEDIATE`` transaction, so two workers counting the same key
    at once both count."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = (uri or "").removeprefix(f"{SCHEME}://")
        self._local = threading.local()
        with self._connection() as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, "
                               "value INTEGER NOT NULL, expires REAL NOT NULL)")

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("DELETE FROM counter WHERE key = ? AND expires <= ?", (key, now))
            connection.execute(
                "INSERT INTO counter (key, value, expires) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                (key, amount, now + expiry))
            (value,) = connection.execute("SELECT value FROM counter WHERE key = ?",
                                          (key,)).fetchone()
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return value

    def get(self, key: str) -> int:
        row = self._connection().execute(
            "SELECT value FROM counter WHERE key = ? AND expires > ?", (key, time.time())
        ).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._connection().execute(
            "SELECT expires FROM counter WHERE key = ? AND expires > ?", (key, time.time())
        ).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM counter").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM counter WHERE key = ?", (key,))


def default_storage(database_url: str) -> str:
    """Where the counters live when nothing is set: beside the embedded database, one file
    per database (so each test's app counts alone), or memory for an in-memory database."""
    from selfcheck.backup import sqlite_path

    if database_url == "sqlite:///:memory:" or not database_url.startswith("sqlite:///"):
        return "memory://"
    database = sqlite_path(database_url)
    return f"{SCHEME}://{database.with_name(database.name + '.ratelimit')}"

WRONG_CODES = "10 per minute; 60 per hour"

limiter = Limiter(key_func=get_remote_address)


def wrong_code(response) -> bool:
    """Only a refused code counts against the limit; joining and typing errors do not."""
    return response.status_code == 404


def init_app(app: Flask) -> None:
    from selfcheck.config import is_server

    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = default_storage(app.config["DATABASE_URL"])
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # Redis gone: count in this process, with the same limits, instead of failing every
    # request; Flask-Limiter logs once that it fell back, and goes back when Redis answers.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://") and \
            is_server(app.config["DATABASE_URL"]):
        app.logger.warning("SELFCHECK_RATELIMIT_STORAGE is memory://: each app process counts "
                           "wrong join codes on its own; use redis:// with several processes")
    limiter.init_app(app)
