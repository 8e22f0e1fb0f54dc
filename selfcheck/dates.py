"""Dates as people read them: "1. feb. 2027" in Danish, "Feb 1, 2027" in English (Babel).

An action's due date is a ``date`` from the database or an ISO string from an
export file; both pages and the PDF print it the same way through here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date


def as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def format_day(value: date | str | None, lang: str) -> str:
    """The date in the language's medium format, or "" when there is none."""
    day = as_date(value)
    return "" if day is None else format_date(day, format="medium", locale=lang)


def as_utc(value: datetime | None) -> datetime | None:
    """A stored time as an aware UTC time: SQLite gives it back without its time zone."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
