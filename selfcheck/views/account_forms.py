"""Forms of the account pages: sign-up, login, passwords, sharing, branding, deletion."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from ..accounts.passwords import PASSWORD_MAX
from ..accounts.users import EMAIL_MAX, normalise_email
from ..forms import StorableText
from ..limits import ORGANISATION_MAX


def _email_field(label=None) -> EmailField:
    return EmailField(label or _l("E-mail address"), validators=[
        DataRequired(message=_l("Write your e-mail address.")),
        Length(max=EMAIL_MAX, message=_l("Write at most %(max)d characters.", max=EMAIL_MAX)),
        _valid_email])


def _valid_email(_form, field) -> None:
    if field.data and normalise_email(field.data) is None:
        raise ValidationError(_l("Write an e-mail address such as anne@aarhus.dk."))


def _new_password_field(label=None) -> PasswordField:
    return PasswordField(label or _l("Password"), description=_l(
        "At least 12 characters. A few words in a row are easy to remember and hard to "
        "guess."), validators=[
        DataRequired(message=_l("Choose a password.")),
        Length(max=PASSWORD_MAX,
               message=_l("Write at most %(max)d characters.", max=PASSWORD_MAX))])


class SignupForm(FlaskForm):
    email = _email_field()
    password = _new_password_field()


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[
        DataRequired(message=_l("Write your password.")),
        Length(max=1024, message=_l("Write at most %(max)d characters.", max=1024))])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(message=_l("Write your current password.")), Length(max=1024)])
    password = _new_password_field(_l("New password"))


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetForm(FlaskForm):
    password = _new_password_field(_l("New password"))


def _role_field() -> RadioField:
    return RadioField(
        _l("Role"),
        choices=[SelectChoice("facilitator", _l("Facilitator – runs the assessment")),
                 SelectChoice("owner", _l("Owner – may also share, brand and delete"))],
        default="facilitator",
        validators=[AnyOf(("facilitator", "owner"), message=_l("Choose a role."))],
        validate_choice=False)


class ShareForm(FlaskForm):
    email = _email_field(_l("E-mail address of an existing account"))
    role = _role_field()


class InviteForm(FlaskForm):
    role = _role_field()


class BrandingForm(FlaskForm):
    name = StringField(_l("Name on the reports"), validators=[
        StorableText(max=ORGANISATION_MAX,
                     message=_l("Write at most %(max)d characters.", max=ORGANISATION_MAX))])
    logo = FileField(_l("Logo (PNG or JPEG, at most 1 MB)"))
    remove_logo = BooleanField(_l("Remove the logo"))


class DeleteForm(FlaskForm):
    confirm = BooleanField(_l("I understand that this cannot be undone"), validators=[
        DataRequired(message=_l("Tick the box to confirm."))])
