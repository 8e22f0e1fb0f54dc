"""Forms of the workshop: the team's agreed view and the action plan.
"""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from selfcheck.limits import ACTION_MAX, NAME_MAX, NOTE_MAX
from selfcheck.web.fields import max_length


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
        description=_l("The score the team agrees on, from 1 to 5. It decides the category."),
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), max_length(NOTE_MAX)],
                         description=_l("What the team agreed, in a sentence or two."))
    agreed_to_disagree = BooleanField(_l("We agree to disagree"))

    def consensus_value(self) -> float | None:
        return float(self.consensus.data) if self.consensus.data else None


class ActionForm(FlaskForm):
    """One action of the plan: what, who, when, and how far it has come."""

    text = TextAreaField(
        _l("What will you do?"),
        validators=[DataRequired(_l("Describe the action.")), max_length(ACTION_MAX)],
    )
    owner = StringField(_l("Owner"), validators=[Optional(), max_length(NAME_MAX)],
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
