"""The form that creates an assessment.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired

from selfcheck.limits import ORGANISATION_MAX, TEAM_MAX
from selfcheck.web.fields import language_field, max_length

REVEAL_CHOICES = ("when_revealed", "after_submit")


class CreateAssessmentForm(FlaskForm):
    organisation = StringField(
        _l("Organisation"),
        validators=[DataRequired(_l("Write the name of the organisation.")),
                    max_length(ORGANISATION_MAX)],
        description=_l("For example Aarhus Kommune or Region Midtjylland."),
    )
    team = StringField(
        _l("Leadership team"),
        validators=[DataRequired(_l("Write the name of the team.")), max_length(TEAM_MAX)],
        description=_l("For example Direktionen or Chefgruppen for Social og Sundhed."),
    )
    language = language_field()
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
