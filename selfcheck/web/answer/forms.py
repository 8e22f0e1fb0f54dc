"""Forms of a member: joining, the short code, and the step form built from the content.

The step form has one radio group per statement of the theme, with the scale's labels and
"don't know", plus an optional comment.
"""

from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

from selfcheck.core.content import Scale, Theme
from selfcheck.limits import COMMENT_MAX, NAME_MAX
from selfcheck.web.fields import max_length

DONT_KNOW = "dk"


class JoinForm(FlaskForm):
    display_name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Write your name.")), max_length(NAME_MAX)],
        description=_l("The facilitator sees your name, and your comments are shown with it."),
    )


class CodeForm(FlaskForm):
    """The short code from the projector (web/answer/routes.py); spaces and case do not matter."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Write the code from the screen.")), max_length(40)],
        description=_l("8 letters and digits, for example ACEF 3489."),
    )


class StepForm(FlaskForm):
    """Base of the per-theme forms built by :func:`step_form_class`."""

    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[Optional(), max_length(COMMENT_MAX)],
        description=_l("Anything you want the team to know about this theme."),
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
            validate_choice=False,  # web/answer/routes.py rejects values off the scale with 400
        )
    return type(f"StepForm_{theme.id}", (StepForm,), attributes)


def allowed_step_keys(theme: Theme) -> set[str]:
    return {field_name(q.id) for q in theme.questions} | {"comment", "csrf_token", "nav"}
