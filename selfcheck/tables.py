"""The assessment as tables: CSV and XLSX exports, and answers imported from a CSV file.

Two tables: the answers (one row per member and statement, with the theme and
statement text) and the team results (one row per theme, from scoring.py).
Names never appear for an anonymous assessment: :mod:`exchange` leaves them out
of the data these tables are built from. Formats are documented in
docs/export-format.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from . import scoring
from .content import Questionnaire
from .exchange import AssessmentData, ExchangeError, MemberData

ANSWER_COLUMNS = ("member", "name", "submitted", "theme_id", "theme", "statement_id",
                  "statement", "reverse_worded", "answer", "answer_label")
RESULT_COLUMNS = ("theme_id", "theme", "score", "percent", "members", "lowest", "highest",
                  "standard_deviation", "disagreement", "level", "agreed_score")
DONT_KNOW_VALUES = {"", "dk", "ved ikke", "don't know", "dont know"}


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def answer_rows(data: AssessmentData, lang: str) -> list[list[Any]]:
    questionnaire = data.questionnaire
    rows = []
    for member in data.members:
        for theme in questionnaire.themes:
            for question in theme.questions:
                if question.id not in member.answers:
                    continue
                value = member.answers[question.id]
                label = questionnaire.scale.dont_know if value is None else \
                    questionnaire.scale.label(value)
                rows.append([member.id, member.name or "", member.submitted, theme.id,
                             theme.title.get(lang), question.id, question.text.get(lang),
                             question.reverse, value, label.get(lang)])
    return rows


def result_rows(data: AssessmentData, lang: str) -> list[list[Any]]:
    questionnaire = data.questionnaire
    result = scoring.score_assessment(questionnaire, [m.answers for m in data.submitted_members],
                                      data.consensus)
    if not scoring.distributions_visible(data.anonymous, result.respondents):
        return []
    rows = []
    for theme_result in result.themes:
        theme = questionnaire.theme(theme_result.theme_id)
        band = questionnaire.band(theme_result.band_id).label.get(lang) \
            if theme_result.band_id else None
        rows.append([theme.id, theme.title.get(lang), _number(theme_result.score),
                     _number(theme_result.percent), theme_result.n, _number(theme_result.min),
                     _number(theme_result.max), _number(theme_result.sd), theme_result.disagreed,
                     band, theme_result.consensus])
    return rows


def to_csv(columns: Sequence[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else str(v).lower() if isinstance(v, bool) else v
                         for v in row])
    return buffer.getvalue()


def to_xlsx(data: AssessmentData, lang: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    answers = workbook.active
    answers.title = "Svar" if lang == "da" else "Answers"
    results = workbook.create_sheet("Resultater" if lang == "da" else "Results")
    for sheet, columns, rows in ((answers, ANSWER_COLUMNS, answer_rows(data, lang)),
                                 (results, RESULT_COLUMNS, result_rows(data, lang))):
        sheet.append(list(columns))
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- import


def read_answers_csv(raw: bytes, questionnaire: Questionnaire) -> list[MemberData]:
    """Members from a CSV file collected in another survey tool (docs/export-format.md).

    Columns: ``member`` (required), ``name`` (optional), one column per
    statement id, and optional ``comment:<theme id>`` columns. Every problem is
    reported with its row and column; a file with problems gives no members.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExchangeError([f"the file is not UTF-8 text (byte {exc.start}); save it as "
                             "CSV UTF-8"]) from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise ExchangeError(["the file is empty"])
    header = [h.strip() for h in header]
    question_ids = [q.id for q in questionnaire.questions]
    theme_ids = {t.id for t in questionnaire.themes}
    problems = []
    for column in ("member", *question_ids):
        if column not in header:
            problems.append(f"column {column}: missing")
    for column in header:
        known = column in ("member", "name") or column in question_ids or (
            column.startswith("comment:") and column[8:] in theme_ids)
        if not known:
            problems.append(f"column {column}: unknown (not a statement id, member, name or "
                            "comment:<theme id>)")
    if problems:
        raise ExchangeError(problems)
    scale = {str(v) for v in questionnaire.scale.values}
    members, seen = [], {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"row {number}: {len(row)} cells, the header has {len(header)}")
            continue
        cells = dict(zip(header, (c.strip() for c in row), strict=True))
        member_id = cells["member"]
        if not member_id:
            problems.append(f"row {number}, column member: missing")
        elif member_id in seen:
            problems.append(f"row {number}, column member: {member_id} is also in row "
                            f"{seen[member_id]}")
        seen.setdefault(member_id, number)
        answers = {}
        for question_id in question_ids:
            value = cells[question_id]
            if value in scale:
                answers[question_id] = int(value)
            elif value.casefold() in DONT_KNOW_VALUES:
                answers[question_id] = None
            else:
                problems.append(f"row {number}, column {question_id}: {value!r} is not on the "
                                f"scale {min(scale)}–{max(scale)} or empty for don't know")
        comments = {c[8:]: cells[c] for c in header if c.startswith("comment:") and cells[c]}
        members.append(MemberData(member_id, cells.get("name") or None, True, answers,
                                  comments))
    if problems:
        raise ExchangeError(problems)
    if not members:
        raise ExchangeError(["the file has no rows of answers"])
    return members
