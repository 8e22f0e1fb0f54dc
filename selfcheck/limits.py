"""How long a text may be and how many of a thing there may be, wherever it enters.

The same name, comment or action can arrive through a form, a JSON import or a
CSV import; all three check it against these numbers, and docs/export-schema.json
states them too (a test keeps the two equal). The database columns are at least
this large, so nothing that passes here can fail on PostgreSQL, and a report
never has to lay out a megabyte of comment.
"""

from __future__ import annotations

import re

ORGANISATION_MAX = 200
TEAM_MAX = 200
NAME_MAX = 100  # a member's name, an action's owner
COMMENT_MAX = 2000
NOTE_MAX = 1000  # the team's note on a recommendation
ACTION_MAX = 500
MEMBER_ID_MAX = 100  # the member column of an imported CSV file
MEMBERS_MAX = 500  # in one assessment or one imported file
ACTIONS_MAX = 500  # in one action plan
HISTORY_MAX = 10  # earlier assessments carried in an export, and shown by a follow-up
MAX_LEVELS = 8  # in an organisation's chain, and in the questionnaire's default chain
MAX_TEAMS = 200  # in one organisation (and lines in one pasted team list)
LEVEL_NAME_MAX = 100  # a level's name, in each language
REPORT_TEXT_MAX = 5000  # the consultant's conclusion, next steps, a reflection answer
OBSERVATION_MAX = 2000  # the consultant's observation on one theme
PROBLEMS_SHOWN = 50  # problems listed for a refused file before "… and N more"


#: Characters no stored text may hold: the C0 controls but tab, line feed and carriage return,
#: DEL, the C1 controls, and lone surrogates (JSON can write them; no database column can hold
#: them). NUL cannot be stored on PostgreSQL at all, openpyxl refuses the others in a sheet
#: (IllegalCharacterError), and none of them is typed on purpose: they arrive pasted from
#: elsewhere, or from someone probing.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def has_control_character(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def without_control_characters(text: str) -> str:
    """``text`` with its control characters dropped: what every writer (JSON, CSV, XLSX)
    puts out, for text stored before forms and imports refused them."""
    return CONTROL_CHARACTERS.sub("", text)
