"""Exports of what is stored: an assessment or an organisation as its JSON document.

The document format is exchange/'s; the earlier rounds a follow-up carries come from the
database (services/history.py). The web downloads, the PDFs and ``selfcheck export`` all
start here, so every output is built from the same document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from selfcheck.exchange import organisation as organisation_json
from selfcheck.exchange import team as team_json
from selfcheck.models import Assessment, Organisation
from selfcheck.services.history import history_entries


def export_assessment(assessment: Assessment, exported_at: datetime | None = None
                      ) -> dict[str, Any]:
    """The assessment, with the rounds it follows up, as the export document."""
    return team_json.export_assessment(assessment, history_entries(assessment), exported_at)


def export_organisation(organisation: Organisation) -> dict[str, Any]:
    """The organisation (loaded with organisations.load_chain) as its export document."""
    return organisation_json.export_organisation(organisation, history_entries)
