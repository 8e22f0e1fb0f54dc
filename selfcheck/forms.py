"""Forms (WTForms via Flask-WTF, so every POST carries a CSRF token).

The step form is built from the content: one radio group per statement of the
theme, with the scale's labels and "don't know", plus an optional comment.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from .content import LANGUAGES, Scale, Theme
from .limits import ACTION_MAX, COMMENT_MAX, NAME_MAX, NOTE_MAX, ORGANISATION_MAX, TEAM_MAX

DONT_KNOW = "dk"
REVEAL_CHOICES = ("when_revealed", "after_submit")


def _language_field() -> RadioField:
    """The language of an assessment or organisation: its questionnaire and its reports."""
    return RadioField(
        _l("Language of the questionnaire and report"),
        choices=[SelectChoice("da", "Dansk"), SelectChoice("en", "English")],
        default="da",
        validators=[AnyOf(LANGUAGES, message=_l("Choose a language."))],
        validate_choice=False,  # AnyOf gives the translated message
    )


def _team_answers_field() -> RadioField:
    """Anonymous or named answers, for a team of a chain (one or many at a time)."""
    return RadioField(
        _l("Answers"),
        choices=[SelectChoice("anonymous", _l("Anonymous")), SelectChoice("named", _l("Named"))],
        default="anonymous",
        validators=[AnyOf(("anonymous", "named"), message=_l("Choose anonymous or named."))],
        validate_choice=False,
    )


class StorableText(Length):
    """At most ``max`` characters and no NUL character: what every database column can hold.

    SQLite stores a NUL ("\\x00") silently; PostgreSQL refuses the whole row. Refusing it
    here, with the field's own message, keeps the two databases alike and gives the user
    a form to correct instead of an error page. Use it (or ``_max_length``) on every text
    field whose value is stored.
    """

    def __call__(self, form, field):
        if isinstance(field.data, str) and "\x00" in field.data:
            raise ValidationError(_l("Remove the invisible control character (NUL) from the "
                                     "text."))
        super().__call__(form, field)


def _max_length(limit: int) -> Length:
    return StorableText(max=limit, message=_l("Write at most %(max)d characters.", max=limit))


class CreateAssessmentForm(FlaskForm):
    organisation = StringField(
        _l("Organisation"),
        validators=[DataRequired(_l("Write the name of the organisation.")),
                    _max_length(ORGANISATION_MAX)],
        description=_l("For example Aarhus Kommune or Region Midtjylland."),
    )
    team = StringField(
        _l("Leadership team"),
        validators=[DataRequired(_l("Write the name of the team.")), _max_length(TEAM_MAX)],
        description=_l("For example Direktionen or Chefgruppen for Social og Sundhed."),
    )
    language = _language_field()
    answers = RadioField(
        _l("Answers"),
        choices=[
            SelectChoice("anonymous", _l("Anonymous: nobody sees who answered what")),
            SelectChoice(
                "named",
                _l("Named: the facilitator sees who has answered, and comments carry names"),
            ),
        ],
        default="anonymous",
        validators=[
            AnyOf(("anonymous", "named"), message=_l("Choose anonymous or named answers."))
        ],
        validate_choice=False,
    )
    reveal = RadioField(
        _l("When do members see the team's results?"),
        choices=[
            SelectChoice("when_revealed", _l("When I reveal them, for example in the workshop")),
            SelectChoice("after_submit", _l("As soon as they have submitted their own answers")),
        ],
        default="when_revealed",
        validators=[AnyOf(REVEAL_CHOICES, message=_l("Choose when members see the results."))],
        validate_choice=False,
    )


class JoinForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Write your name.")), _max_length(NAME_MAX)],
        description=_l("The facilitator sees your name, and your comments are shown with it."),
    )


class CodeForm(FlaskForm):
    """The short code from the projector (views/code.py); spaces and case do not matter."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Write the code from the screen.")), _max_length(40)],
        description=_l("8 letters and digits, for example ACEF 3489."),
    )


class EmptyForm(FlaskForm):
    """Buttons that only need a CSRF token: join anonymously, submit, close, reopen."""


class StepForm(FlaskForm):
    """Base of the per-theme forms built by :func:`step_form_class`."""

    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[Optional(), _max_length(COMMENT_MAX)],
        description=_l("Anything you want the team to know about this recommendation."),
    )

    theme: Theme

    def statement_fields(self) -> list[Field]:
        return [self[field_name(q.id)] for q in self.theme.questions]

    def values(self) -> dict[str, int | None]:
        """The answered statements: question id → value, None for "don't know"."""
        values: dict[str, int | None] = {}
        for question in self.theme.questions:
            data = self[field_name(question.id)].data
            if data:
                values[question.id] = None if data == DONT_KNOW else int(data)
        return values


def field_name(question_id: str) -> str:
    return f"q_{question_id}"


class _AnswerRequired:
    """An empty radio group gets a message on that statement (partial saves skip it)."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if not field.data and getattr(form, "require_all", True):
            raise ValidationError(_l('Choose an answer, or "Don\'t know".'))


@lru_cache(maxsize=256)
def step_form_class(theme: Theme, scale: Scale, lang: str) -> type[StepForm]:
    """A StepForm subclass with one radio group per statement of ``theme``.

    Made once per theme, scale and language (the questionnaire is frozen): building the
    class on every request was a visible part of a member's step page."""
    choices = [SelectChoice(str(p.value), p.label.get(lang)) for p in scale.points]
    choices.append(SelectChoice(DONT_KNOW, scale.dont_know.get(lang)))
    attributes = {"theme": theme}
    for question in theme.questions:
        attributes[field_name(question.id)] = RadioField(
            question.text.get(lang),
            choices=choices,
            validators=[_AnswerRequired()],
            validate_choice=False,  # views.answer rejects values off the scale with 400
        )
    return type(f"StepForm_{theme.id}", (StepForm,), attributes)


def allowed_step_keys(theme: Theme) -> set[str]:
    return {field_name(q.id) for q in theme.questions} | {"comment", "csrf_token", "nav"}


def _consensus_choices() -> list[SelectChoice]:
    values = [1 + step / 2 for step in range(9)]  # 1, 1.5, … 5
    choices = [SelectChoice("", _l("Not decided"))]
    choices += [SelectChoice(f"{v:g}", _ScoreLabel(v)) for v in values]
    return choices


class _ScoreLabel:
    """A score written the way the page's language writes numbers (2,5 in Danish)."""

    def __init__(self, value: float):
        self.value = value

    def __str__(self) -> str:
        return format_decimal(self.value, format="0.#")

    def __html__(self) -> str:
        return str(self)


class DecisionForm(FlaskForm):
    """The team's agreed view on one recommendation."""

    consensus = SelectField(
        _l("Agreed score"),
        choices=_consensus_choices(),
        validators=[Optional()],
        description=_l("The score the team agrees on, from 1 to 5. It decides the level."),
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), _max_length(NOTE_MAX)],
                         description=_l("What the team agreed, in a sentence or two."))
    agreed_to_disagree = BooleanField(_l("We agree to disagree"))

    def consensus_value(self) -> float | None:
        return float(self.consensus.data) if self.consensus.data else None


class ActionForm(FlaskForm):
    """One action of the plan: what, who, when, and how far it has come."""

    text = TextAreaField(
        _l("What will you do?"),
        validators=[DataRequired(_l("Describe the action.")), _max_length(ACTION_MAX)],
    )
    owner = StringField(_l("Owner"), validators=[Optional(), _max_length(NAME_MAX)],
                        description=_l("Who makes sure it happens."))
    due_date = DateField(_l("Due date"), validators=[Optional()],
                         description=_l("For example 2027-02-01."))
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("planned", _l("Planned")), SelectChoice("started", _l("Started")),
                 SelectChoice("done", _l("Done"))],
        default="planned",
    )


class SuggestionPickForm(FlaskForm):
    """Adds one of the theme's suggestions to the plan."""

    suggestion_id = HiddenField(validators=[DataRequired()])


class UploadForm(FlaskForm):
    """One file: an exported assessment (JSON) or answers from another tool (CSV)."""

    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))])


# ----------------------------------------------------------------------------- organisations


class OrganisationForm(FlaskForm):
    """A new organisation: its name and language; the levels come from the questionnaire."""

    name = StringField(
        _l("Organisation"),
        validators=[DataRequired(_l("Write the name of the organisation.")),
                    _max_length(ORGANISATION_MAX)],
        description=_l("For example Vejle Kommune or Region Syddanmark."),
    )
    language = _language_field()


class TeamForm(FlaskForm):
    """One team on a level of the chain."""

    level = SelectField(_l("Level"), coerce=int, validate_choice=True)
    team = StringField(
        _l("Team"),
        validators=[DataRequired(_l("Write the name of the team.")), _max_length(TEAM_MAX)],
        description=_l("For example Chefgruppen for Børn og Unge."),
    )
    answers = _team_answers_field()


class TeamListForm(FlaskForm):
    """Many teams at once, one per line: "level; team"."""

    teams = TextAreaField(
        _l("Teams, one per line"),
        validators=[DataRequired(_l("Write at least one team.")), _max_length(20_000)],
        description=_l("Write the level, a semicolon and the team, for example "
                       "“Chefgruppe; Chefgruppen for Social og Sundhed”. A line without a level "
                       "goes on the top level."),
    )
    # Not "answers": the single-team form on the same page has that field (ids must differ).
    list_answers = _team_answers_field()


class LevelForm(FlaskForm):
    """A level's name in Danish and English."""

    name_da = StringField(_l("Name in Danish"),
                          validators=[DataRequired(_l("Write the level's name.")),
                                      _max_length(100)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), _max_length(100)])
