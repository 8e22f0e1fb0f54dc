"""The assessment as tables: CSV and XLSX exports, and answers imported from a CSV file.

Two tables: the answers (one row per member and statement, with the theme and
statement text) and the team results (one row per theme, from core/scoring.py).
Names never appear for an anonymous assessment: :mod:`exchange` leaves them out
of the data these tables are built from. Formats are documented in
docs/export-format.md.

Numbers are rounded half-up on the exact value, as on the pages and in the PDF
(one decimal for scores, whole percent). Texts that a spreadsheet would run as a
formula (they begin with = + - @, a tab or a carriage return) are written as
text: prefixed with ' in CSV (the OWASP rule), stored as a string cell in XLSX.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from selfcheck.core import scoring
from selfcheck.core.content import Questionnaire
from selfcheck.core.exact import Number, Root, rounded
from selfcheck.core.records import AssessmentData, MemberData
from selfcheck.exchange.problems import Column, ExchangeError, Line, Problem, Row
from selfcheck.limits import (
    COMMENT_MAX,
    CONTROL_CHARACTERS,
    MEMBER_ID_MAX,
    MEMBERS_MAX,
    NAME_MAX,
    without_control_characters,
)

ANSWER_COLUMNS = ("member", "name", "submitted", "theme_id", "theme", "statement_id",
                  "statement", "reverse_worded", "answer", "answer_label")
RESULT_COLUMNS = ("theme_id", "theme", "score", "percent", "members", "lowest", "highest",
                  "standard_deviation", "disagreement", "level", "agreed_score")
DONT_KNOW_VALUES = {"", "dk", "ved ikke", "don't know", "dont know"}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _number(value: Number | Root | None, digits: int = 1) -> Decimal | None:
    """A shown number: half-up on the exact value, with exactly ``digits`` decimals (0.30)."""
    return None if value is None else rounded(value, digits)


def _is_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        value = without_control_characters(value)  # stored before forms refused them
    if _is_formula(value):
        return "'" + value
    return value


def _imported_text(value: str) -> str:
    """Undo our own formula guard, so an exported file imports as the original text."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


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
                     _number(theme_result.percent, 0), theme_result.n, _number(theme_result.min),
                     _number(theme_result.max), _number(theme_result.sd, 2),
                     theme_result.disagreed, band, _number(theme_result.consensus)])
    return rows


def to_csv(columns: Sequence[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def _append_rows(sheet, columns: Sequence[str], rows: list[list[Any]]) -> None:
    """Header and rows, every text a text cell (never a formula), the header frozen."""
    sheet.append(list(columns))
    for row in rows:
        # openpyxl refuses control characters; drop those stored before forms refused them
        sheet.append([without_control_characters(v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if _is_formula(cell.value):
                cell.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "A2"


def rows_to_xlsx(title: str, columns: Sequence[str], rows: list[list[Any]]) -> bytes:
    """One sheet of rows, e.g. an organisation's join links and codes."""
    from openpyxl import Workbook

    workbook = Workbook()
    _append_rows(workbook.active, columns, rows)
    workbook.active.title = title[:31]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_xlsx(data: AssessmentData, lang: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    answers = workbook.active
    answers.title = "Svar" if lang == "da" else "Answers"
    results = workbook.create_sheet("Resultater" if lang == "da" else "Results")
    for sheet, columns, rows in ((answers, ANSWER_COLUMNS, answer_rows(data, lang)),
                                 (results, RESULT_COLUMNS, result_rows(data, lang))):
        _append_rows(sheet, columns, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- import


MAX_CSV_BYTES = 1024 * 1024


def read_answers_csv(raw: bytes, questionnaire: Questionnaire) -> list[MemberData]:
    """Members from a CSV file collected in another survey tool (docs/export-format.md).

    Columns: ``member`` (required), ``name`` (optional), one column per
    statement id, and optional ``comment:<theme id>`` columns. Every problem is
    reported with its row and column; a file with problems gives no members.
    Texts are held to the same limits as the forms (limits.py).
    """
    if len(raw) > MAX_CSV_BYTES:
        raise ExchangeError.one("file_too_large", size=len(raw) // 1024,
                                limit=f"{MAX_CSV_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExchangeError.one("csv_not_utf8", byte=exc.start) from None
    control = CONTROL_CHARACTERS.search(text)  # stored nowhere (limits.py)
    if control:
        number = text.count("\n", 0, control.start()) + 1
        raise ExchangeError.one("csv_control", (Line(number),))
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        # e.g. a cell longer than the csv module's own limit of 131 072 characters
        raise ExchangeError.one("unreadable_csv", error=str(exc)[:120]) from None
    if not rows or not rows[0]:
        raise ExchangeError.one("empty_file")
    header = [h.strip() for h in rows[0]]
    question_ids = [q.id for q in questionnaire.questions]
    theme_ids = {t.id for t in questionnaire.themes}
    problems: list[Problem] = []
    for name in ("member", *question_ids):
        if name not in header:
            problems.append(Problem((Column(name),), "missing"))
    for name in header:
        known = name in ("member", "name") or name in question_ids or (
            name.startswith("comment:") and name[8:] in theme_ids)
        if not known:
            problems.append(Problem((Column(name),), "unknown_column"))
    duplicated = sorted({c for c in header if header.count(c) > 1})
    problems += [Problem((Column(c),), "column_twice") for c in duplicated]
    if problems:
        raise ExchangeError(problems)
    data_rows = [(n, cells) for n, cells in enumerate(rows[1:], start=2)
                 if any(cell.strip() for cell in cells)]
    if len(data_rows) > MEMBERS_MAX:
        raise ExchangeError.one("too_many_rows", count=len(data_rows), limit=MEMBERS_MAX)
    limits = {"member": MEMBER_ID_MAX, "name": NAME_MAX}
    scale = {str(v) for v in questionnaire.scale.values}
    members, seen = [], {}
    for number, cells_in_row in data_rows:
        if len(cells_in_row) != len(header):
            problems.append(Problem((Row(number),), "cell_count",
                                    {"cells": len(cells_in_row), "header": len(header)}))
            continue
        cells = dict(zip(header, (_imported_text(c.strip()) for c in cells_in_row), strict=True))
        for name, value in cells.items():
            limit = limits.get(name, COMMENT_MAX if name.startswith("comment:") else None)
            if limit is not None and len(value) > limit:
                problems.append(Problem((Row(number), Column(name)), "max_length",
                                        {"length": len(value), "limit": limit}))
                cells[name] = value[:limit]
        member_id = cells["member"]
        if not member_id:
            problems.append(Problem((Row(number), Column("member")), "missing"))
        elif member_id in seen:
            problems.append(Problem((Row(number), Column("member")), "member_in_row",
                                    {"id": member_id, "other": seen[member_id]}))
        seen.setdefault(member_id, number)
        answers = {}
        for question_id in question_ids:
            value = cells[question_id]
            if value in scale:
                answers[question_id] = int(value)
            elif value.casefold() in DONT_KNOW_VALUES:
                answers[question_id] = None
            else:
                problems.append(Problem((Row(number), Column(question_id)), "off_scale_csv", {
                    "value": repr(value[:40]), "min": questionnaire.scale.min,
                    "max": questionnaire.scale.max}))
        comments = {c[8:]: cells[c] for c in header if c.startswith("comment:") and cells[c]}
        members.append(MemberData(member_id, cells.get("name") or None, True, answers,
                                  comments))
    if problems:
        raise ExchangeError(problems)
    if not members:
        raise ExchangeError.one("no_rows")
    return members
