"""Progress over time: this assessment's team scores next to the earlier ones of the team.

Built from :class:`~selfcheck.exchange.HistoryEntry` records, so the results page
(history read from the database) and the PDF (history read from the export
file) show the same table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from .content import Questionnaire
from .exact import exact_or_none
from .exchange import ActionData, HistoryEntry
from .scoring import AssessmentResult, ThemeChange, theme_changes


@dataclass(frozen=True)
class ProgressRow:
    theme_id: str
    earlier: tuple[float | None, ...]  # one per earlier assessment, oldest first
    change: ThemeChange  # since the most recent earlier assessment


@dataclass(frozen=True)
class Progress:
    dates: tuple[date, ...]  # of the earlier assessments, oldest first
    rows: tuple[ProgressRow, ...]
    overall: ThemeChange
    earlier_actions: tuple[ActionData, ...]  # the plan of the most recent earlier assessment


def _day(iso: str) -> date:
    return datetime.fromisoformat(iso).date()


def build_progress(questionnaire: Questionnaire, result: AssessmentResult,
                   history: Sequence[HistoryEntry]) -> Progress | None:
    """None when the assessment follows up nothing."""
    if not history:
        return None
    last = history[-1]
    theme_ids = [t.id for t in questionnaire.themes]
    now = {t.theme_id: t.score for t in result.themes}
    changes = theme_changes(theme_ids, now, last.scores, last.consensus)
    rows = tuple(
        ProgressRow(change.theme_id, tuple(entry.scores.get(change.theme_id) for entry in history),
                    change)
        for change in changes
    )
    overall = ThemeChange("overall", exact_or_none(last.overall), result.overall, None)
    return Progress(tuple(_day(e.created_at) for e in history), rows, overall, last.actions)
