"""How long a text may be and how many of a thing there may be, wherever it enters.

The same name, comment or action can arrive through a form, a JSON import or a
CSV import; all three check it against these numbers, and docs/export-schema.json
states them too (a test keeps the two equal). The database columns are at least
this large, so nothing that passes here can fail on PostgreSQL, and a report
never has to lay out a megabyte of comment.
"""

from __future__ import annotations

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
