"""The ``selfcheck`` command: a group with one module per family of commands.

``selfcheck check`` works without the app (it is how a consultant checks an
edited questionnaire); the other commands build the app with ``create_app``.
"""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from . import accounts, content, data, serve
from .common import create_command_app


class _Group(FlaskGroup):
    """The command group; a file that cannot be read or written is one line of error."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None


@click.group(cls=_Group, create_app=create_command_app, add_default_commands=False)
def main() -> None:
    """selfcheck: a self-assessment of management by objectives for leadership teams."""


for command in (content.check_command, serve.serve_command, data.db_group, data.demo_command,
                data.export_command, data.export_organisation_command, data.import_command,
                data.chain_report_command,
                data.report_command, data.purge_command, data.backup_command,
                data.restore_command, accounts.user_group):
    main.add_command(command)
