"""Alembic environment: run by db.upgrade_database() with the app's database URL."""

from __future__ import annotations

from alembic import context

from selfcheck.db import make_engine
from selfcheck.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration on SQLite copies a table, drops the old one and renames the
            # copy. With foreign keys enforced, that DROP would delete every row that points
            # at the table (ON DELETE CASCADE): an organisation's levels, an assessment's
            # members. Enforcement is off while migrating (it can only change outside a
            # transaction), and the result is checked before it counts.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left {len(broken)} broken "
                                       f"reference(s), e.g. {broken[0]}; nothing was changed")
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("selfcheck migrations run online only")
run_migrations_online()
