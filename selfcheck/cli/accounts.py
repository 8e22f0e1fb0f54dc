"""Accounts for facilitators and consultants (an administrator's commands).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .common import require_schema


@click.group("user")
def user_group() -> None:
    """Accounts for facilitators and consultants (an administrator's commands)."""


def _password_problem_text(code: str) -> str:
    from selfcheck.services.accounts.passwords import PASSWORD_MAX, PASSWORD_MIN

    return {
        "email": "that is not an e-mail address",
        "taken": "an account with that e-mail address already exists",
        "too_short": f"the password must have at least {PASSWORD_MIN} characters",
        "too_long": f"the password must have at most {PASSWORD_MAX} characters",
        "control": "the password contains a character that cannot be typed",
        "common": "the password is on a list of common passwords",
        "guessable": "the password is too easy to guess; add a few more words",
    }.get(code, code)


def _prompt_password() -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")


@user_group.command("add")
@click.argument("email")
@with_appcontext
def user_add_command(email: str) -> None:
    """Create an account for EMAIL; asks for the password twice."""
    from selfcheck.db import get_session
    from selfcheck.services.accounts import users

    require_schema()
    if users.normalise_email(email) is None:
        raise click.ClickException(_password_problem_text("email"))
    if users.find_by_email(get_session(), email) is not None:
        raise click.ClickException(_password_problem_text("taken"))
    try:
        account = users.create_account(get_session(), email, _prompt_password())
    except users.AccountError as exc:
        raise click.ClickException(_password_problem_text(exc.code)) from None
    click.echo(f"Account created: {account.email}")


@user_group.command("set-password")
@click.argument("email")
@with_appcontext
def user_set_password_command(email: str) -> None:
    """Give EMAIL's account a new password; every login of the account ends."""
    from selfcheck.db import get_session
    from selfcheck.services.accounts import users

    require_schema()
    account = users.find_by_email(get_session(), email)
    if account is None:
        raise click.ClickException(f"no account has the e-mail address {email[:254]!r}")
    try:
        users.set_password(get_session(), account, _prompt_password())
    except users.AccountError as exc:
        raise click.ClickException(_password_problem_text(exc.code)) from None
    click.echo(f"Password changed for {account.email}; it is logged out everywhere.")
