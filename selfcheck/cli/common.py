"""What every command needs: the app, and a database that is set up.
"""

from __future__ import annotations

import click
from flask import current_app

from selfcheck.core.content import ContentError


def create_command_app():
    """The app for a command; a bad setting or questionnaire is one line, never a traceback."""
    from selfcheck import create_app
    from selfcheck.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except ContentError as exc:
        from selfcheck.exchange.problems import shown

        raise click.ClickException(
            f"the questionnaire has {len(exc.problems)} problem(s): "
            + "; ".join(shown(exc.problems, 5)) + " (see `selfcheck check`)") from None


def require_schema() -> None:
    """Commands that read or write assessments need the tables: say so instead of failing."""
    from sqlalchemy.exc import SQLAlchemyError

    from selfcheck.db import schema_is_current

    try:
        current = schema_is_current(current_app.extensions["db_engine"])
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database cannot be opened: "
                                   f"{str(getattr(exc, 'orig', None) or exc)[:200]}") from None
    if not current:
        raise click.ClickException("the database is not set up or is out of date: run "
                                   "`selfcheck db upgrade` first")
