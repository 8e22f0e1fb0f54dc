"""Forms of the account pages: sign-up, login, passwords and resets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from selfcheck.services.accounts.passwords import PASSWORD_MAX
from selfcheck.web.fields import email_field


def _new_password_field(label=None) -> PasswordField:
    return PasswordField(label or _l("Password"), description=_l(
        "At least 12 characters. A few words in a row are easy to remember and hard to "
        "guess."), validators=[
        DataRequired(message=_l("Choose a password.")),
        Length(max=PASSWORD_MAX,
               message=_l("Write at most %(max)d characters.", max=PASSWORD_MAX))])


class SignupForm(FlaskForm):
    email = email_field()
    password = _new_password_field()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("Write your password.")),
        Length(max=1024, message=_l("Write at most %(max)d characters.", max=1024))])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(message=_l("Write your current password.")), Length(max=1024)])
    password = _new_password_field(_l("New password"))


class ResetRequestForm(FlaskForm):
    email = email_field()


class ResetForm(FlaskForm):
    password = _new_password_field(_l("New password"))
