"""The report as an editable Word document (.docx), for the team and for the organisation.

"Hent som Word (.docx)" gives the same report as the PDF, in the same order and with the
same numbers, for a consultant to finish in Word: real headings (Word's navigation pane
shows the structure), real tables, the charts as pictures with alternative text, the logo
and the consultant's name in the page header, and the report's language on the document.
Built from the same records and the same report contexts as the PDFs (report/team.py,
report/chain.py), with python-docx (report/word/).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from selfcheck.core.records import AssessmentData, ChainData
from selfcheck.report.render import ascii_slug
from selfcheck.report.word import chain as chain_document
from selfcheck.report.word import team as team_document

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def render_team_docx(data: AssessmentData, lang: str, today: date, brand: Any = None) -> bytes:
    """The team's report (report/team.py's PDF) as a Word document."""
    return team_document.render(data, lang, today, brand)


def render_chain_docx(data: ChainData, lang: str, today: date, brand: Any = None) -> bytes:
    """The chain's report (report/chain.py's PDF) as a Word document."""
    return chain_document.render(data, lang, today, brand)


def team_filename(organisation: str, team: str, today: date) -> str:
    """``selfcheck-<organisation>-<team>-<date>.docx``, ASCII-safe, like the PDF's."""
    return f"selfcheck-{ascii_slug(organisation)}-{ascii_slug(team)}-{today.isoformat()}.docx"


def chain_filename(organisation: str, today: date) -> str:
    return f"selfcheck-kaede-{ascii_slug(organisation)}-{today.isoformat()}.docx"
