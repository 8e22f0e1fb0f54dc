"""Exports of what is stored: an assessment or an organisation as its JSON document.

The document format is exchange/'s; the earlier rounds a follow-up carries come from the
database (services/history.py). The web downloads, the PDFs and ``selfcheck export`` all
start here, so every output is built from the same document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from selfcheck.core.content import Questionnaire
from selfcheck.exchange import CSV, JSON, TABLES, XLSX
from selfcheck.exchange import chain as chain_json
from selfcheck.exchange import organisation as organisation_json
from selfcheck.exchange import tables as table_files
from selfcheck.exchange import team as team_json
from selfcheck.models import Assessment, Organisation
from selfcheck.services import report_texts
from selfcheck.services.history import history_entries


def export_assessment(assessment: Assessment, exported_at: datetime | None = None
                      ) -> dict[str, Any]:
    """The assessment, with the rounds it follows up, as the export document."""
    return team_json.export_assessment(assessment, history_entries(assessment), exported_at,
                                       report=report_texts.read(assessment))


def export_organisation(organisation: Organisation) -> dict[str, Any]:
    """The organisation (loaded with organisations.load_chain(with_answers=True)) as the
    document that moves it to another instance, answers included: for the host only
    (``selfcheck export-organisation``), never a download (docs/organisations.md)."""
    return organisation_json.export_organisation(organisation, history_entries,
                                                 report_texts.read)


def export_chain(session: Session, organisation: Organisation,
                 current: Questionnaire, current_document: Mapping[str, Any],
                 exported_at: datetime | None = None) -> dict[str, Any]:
    """The chain's comparison as its document (exchange/chain.py): what the organisation's
    page shows and nothing it hides. ``current`` (and its document) stand in for the
    questionnaire while the organisation has no team."""
    from selfcheck.services import organisations

    questionnaire = organisations.questionnaire_for(organisation, current)
    document = next((team.questionnaire for level in organisation.levels
                     for team in level.teams), current_document)
    return chain_json.export_chain(
        name=organisation.name, language=organisation.language,
        created_at=organisation.created_at,
        levels=[(level.name_da, level.name_en, level.conditions)
                for level in organisation.levels],
        questionnaire_document=document,
        result=organisations.compare(session, organisation, questionnaire),
        exported_at=exported_at, report=report_texts.read(organisation))


@dataclass(frozen=True)
class ExportFile:
    """One file of an export: what its name ends with, its type and its content."""

    suffix: str  # ".json", ".xlsx", "-answers.csv"
    mimetype: str
    body: str | bytes


def export_files(assessment: Assessment, kind: str, lang: str | None = None, *,
                 tables: Sequence[str | None] = TABLES,
                 exported_at: datetime | None = None) -> list[ExportFile]:
    """The assessment in ``kind`` (one of FORMATS): one file, or one per CSV table.

    The texts of CSV and XLSX are in ``lang`` (default: the assessment's language). The web
    download asks for one table, the command line for both."""
    document = export_assessment(assessment, exported_at=exported_at)
    if kind == "json":
        return [ExportFile(".json", JSON, team_json.dumps(document))]
    data = team_json.load_export(document, trusted=True)
    lang = lang or data.language
    if kind == "xlsx":
        return [ExportFile(".xlsx", XLSX, table_files.to_xlsx(data, lang))]
    files = []
    for table in tables:
        columns, rows = ((table_files.ANSWER_COLUMNS, table_files.answer_rows)
                         if table == "answers"
                         else (table_files.RESULT_COLUMNS, table_files.result_rows))
        files.append(ExportFile(f"-{table}.csv", CSV,
                                table_files.to_csv(columns, rows(data, lang))))
    return files
