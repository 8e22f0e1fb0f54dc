"""Accounts for facilitators and consultants (an administrator's commands).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .common import require_schema


@click.group("user")
def user_group() -> None:
    """Accounts for facilitators and consultants (an administrator's commands)."""


def _refused(problems) -> click.ClickException:
    """An account's problems as the web says them, in English (exchange/problems.py)."""
    from selfcheck.exchange.problems import message

    return click.ClickException(" ".join(message(p) for p in problems))


def _prompt_password() -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


@user_group.command("add")
@click.argument("email")
@with_appcontext
def user_add_command(email: str) -> None:
    """Create an account for EMAIL; asks for the password twice."""
    from selfcheck.db import get_session
    from selfcheck.exchange.problems import ExchangeError, Problem
    from selfcheck.services.accounts import users

    require_schema()
    if users.normalise_email(email) is None:  # before asking for the password
        raise _refused([Problem(("email",), "email")])
    if users.find_by_email(get_session(), email) is not None:
        raise _refused([Problem(("email",), "taken")])
    try:
        account = users.create_account(get_session(), email, _prompt_password())
    except ExchangeError as exc:
        raise _refused(exc.problems) from None
    click.echo(f"Account created: {account.email}")


@user_group.command("set-password")
@click.argument("email")
@with_appcontext
def user_set_password_command(email: str) -> None:
    """Give EMAIL's account a new password; every login of the account ends."""
    from selfcheck.db import get_session
    from selfcheck.exchange.problems import ExchangeError
    from selfcheck.services.accounts import users

    require_schema()
    account = users.find_by_email(get_session(), email)
    if account is None:
        raise click.ClickException(f"no account has the e-mail address {email[:254]!r}")
    try:
        users.set_password(get_session(), account, _prompt_password())
    except ExchangeError as exc:
        raise _refused(exc.problems) from None
    click.echo(f"Password changed for {account.email}; it is logged out everywhere.")
