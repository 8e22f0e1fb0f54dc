"""Progress over time: this assessment's team scores next to the earlier ones of the team.

Built from :class:`~selfcheck.exchange.HistoryEntry` records, so the results page
(history read from the database) and the PDF (history read from the export
file) show the same table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from selfcheck.core.content import Questionnaire
from selfcheck.core.exact import exact_or_none
from selfcheck.core.records import ActionData, HistoryEntry
from selfcheck.core.scoring import AssessmentResult, ThemeChange, theme_changes


@dataclass(frozen=True)
class StatementChange:
    """One statement now and last time; not comparable when last time had no such statement."""

    question_id: str
    comparable: bool
    change: ThemeChange  # before is None when not comparable


@dataclass(frozen=True)
class ProgressRow:
    theme_id: str
    earlier: tuple[float | None, ...]  # one per earlier assessment, oldest first
    change: ThemeChange  # since the most recent earlier assessment
    statements: tuple[StatementChange, ...] = ()  # empty when last time's file had none
    new_statements: int = 0  # statements asked now that last time did not have
    dropped_statements: int = 0  # statements of last time that are no longer asked

    @property
    def same_statements(self) -> bool:
        """Whether the team score compares like with like (the statements did not change)."""
        return not (self.new_statements or self.dropped_statements)


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
        _row(questionnaire, result, last, change,
             tuple(entry.scores.get(change.theme_id) for entry in history))
        for change in changes
    )
    overall = ThemeChange("overall", exact_or_none(last.overall), result.overall, None)
    return Progress(tuple(_day(e.created_at) for e in history), rows, overall, last.actions)


def _row(questionnaire: Questionnaire, result: AssessmentResult, last: HistoryEntry,
         change: ThemeChange, earlier: tuple) -> ProgressRow:
    """A theme's row, with its statements compared by id (DESIGN: an id lives with its meaning).

    A statement that is new in this version of the questionnaire is "not comparable", never a
    change from nothing; the theme says how many statements came and went.
    """
    if not last.statements:  # an export from before statements were carried
        return ProgressRow(change.theme_id, earlier, change)
    theme = questionnaire.theme(change.theme_id)
    means = {q.question_id: q.mean for q in result.theme(theme.id).questions}
    statements = []
    for question in theme.questions:
        comparable = question.id in last.statements
        before = last.statements[question.id][1] if comparable else None
        statements.append(StatementChange(
            question.id, comparable, ThemeChange(question.id, before, means.get(question.id),
                                                 None)))
    current = {q.id for q in questionnaire.questions}
    dropped = sum(1 for statement_id, (theme_id, _mean) in last.statements.items()
                  if theme_id == theme.id and statement_id not in current)
    return ProgressRow(change.theme_id, earlier, change, tuple(statements),
                       sum(1 for s in statements if not s.comparable), dropped)
