"""Forms of an organisation: its name, teams and levels.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional

from selfcheck.limits import LEVEL_NAME_MAX, ORGANISATION_MAX, TEAM_MAX
from selfcheck.web.fields import language_field, max_length, team_answers_field


class OrganisationForm(FlaskForm):
    """A new organisation: its name and language; the levels come from the questionnaire."""

    name = StringField(
        _l("Organisation"),
        validators=[DataRequired(_l("Write the name of the organisation.")),
                    max_length(ORGANISATION_MAX)],
        description=_l("For example Vejle Kommune or Region Syddanmark."),
    )
    language = language_field()


class TeamForm(FlaskForm):
    """One team on a level of the chain."""

    level = SelectField(_l("Level"), coerce=int, validate_choice=True)
    team = StringField(
        _l("Team"),
        validators=[DataRequired(_l("Write the name of the team.")), max_length(TEAM_MAX)],
        description=_l("For example Chefgruppen for Børn og Unge."),
    )
    answers = team_answers_field()


class TeamListForm(FlaskForm):
    """Many teams at once, one per line: "level; team"."""

    teams = TextAreaField(
        _l("Teams, one per line"),
        validators=[DataRequired(_l("Write at least one team.")), max_length(20_000)],
    )  # its description names the organisation's own levels (routes._page)
    # Not "answers": the single-team form on the same page has that field (ids must differ).
    list_answers = team_answers_field()


class LevelForm(FlaskForm):
    """A level's new name in Danish and English (a new level is added by one click, with a
    name to change here)."""

    name_da = StringField(_l("Name in Danish"),
                          validators=[DataRequired(_l("Write the level's name.")),
                                      max_length(LEVEL_NAME_MAX)])
    name_en = StringField(_l("Name in English"),
                          validators=[Optional(), max_length(LEVEL_NAME_MAX)])
