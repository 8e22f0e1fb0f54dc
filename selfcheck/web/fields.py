"""Form parts every area uses (WTForms via Flask-WTF, so every POST carries a CSRF token).

Every stored text field uses :class:`StorableText` (or :func:`max_length`): the same
limits as the JSON and CSV imports (limits.py), and no control character.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from selfcheck.core.content import LANGUAGES
from selfcheck.limits import has_control_character
from selfcheck.services.accounts.users import EMAIL_MAX, normalise_email


def language_field() -> RadioField:
    """The language of an assessment or organisation: its questionnaire and its reports."""
    return RadioField(
        _l("Language of the questionnaire and report"),
        choices=[SelectChoice("da", "Dansk"), SelectChoice("en", "English")],
        default="da",
        validators=[AnyOf(LANGUAGES, message=_l("Choose a language."))],
        validate_choice=False,  # AnyOf gives the translated message
    )


def team_answers_field() -> RadioField:
    """Anonymous or named answers, for a team of a chain (one or many at a time)."""
    return RadioField(
        _l("Answers"),
        choices=[SelectChoice("anonymous", _l("Anonymous")), SelectChoice("named", _l("Named"))],
        default="anonymous",
        validators=[AnyOf(("anonymous", "named"), message=_l("Choose anonymous or named."))],
        validate_choice=False,
    )


class StorableText(Length):
    """At most ``max`` characters and no control character (limits.CONTROL_CHARACTERS):
    what every database column and every export can hold.

    SQLite stores a NUL ("\\x00") silently; PostgreSQL refuses the whole row, and openpyxl
    refuses the other control characters in a spreadsheet. Refusing them here, with the
    field's own message, keeps the two databases alike and gives the user a form to correct
    instead of an error page. Use it (or ``max_length``) on every text field whose value is
    stored.
    """

    def __call__(self, form, field):
        if isinstance(field.data, str) and has_control_character(field.data):
            raise ValidationError(_l("Remove the invisible control characters from the "
                                     "text."))
        super().__call__(form, field)


def max_length(limit: int) -> Length:
    return StorableText(max=limit, message=_l("Write at most %(max)d characters.", max=limit))


class EmptyForm(FlaskForm):
    """Buttons that only need a CSRF token: join anonymously, submit, close, reopen."""


class UploadForm(FlaskForm):
    """One file: an exported assessment (JSON) or answers from another tool (CSV)."""

    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])


def email_field(label=None) -> EmailField:
    return EmailField(label or _l("E-mail address"), validators=[
        DataRequired(message=_l("Write your e-mail address.")),
        Length(max=EMAIL_MAX, message=_l("Write at most %(max)d characters.", max=EMAIL_MAX)),
        valid_email])


def valid_email(_form, field) -> None:
    if field.data and normalise_email(field.data) is None:
        raise ValidationError(_l("Write an e-mail address such as anne@aarhus.dk."))
