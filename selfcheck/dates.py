"""Dates as people read them: "1. feb. 2027" in Danish, "1 Feb 2027" in English (Babel).

English dates follow British usage, as an English public-sector reader writes them: the day
before the month ("2 December 2026", not "December 2, 2026"). Babel's plain "en" is American,
so English is formatted with "en_GB"'s patterns. Every date a page or a report shows goes
through here: an action's due date is a ``date`` from the database or an ISO string from an
export file, and both print the same way.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from babel.dates import format_date

# The Babel locale whose date patterns a language's dates follow.
DATE_LOCALES = {"en": "en_GB"}


def as_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def format_day(value: date | str | None, lang: str, format: str = "medium") -> str:
    """The date in the language's ``format`` ("medium": "1 Feb 2027"; "long": "1 February
    2027"), or "" when there is none."""
    day = as_date(value)
    if day is None:
        return ""
    return format_date(day, format=format, locale=DATE_LOCALES.get(lang, lang))


def format_long_day(value: date | str | None, lang: str) -> str:
    """A report's date: "2 December 2026", "2. december 2026"."""
    return format_day(value, lang, "long")


def as_utc(value: datetime | None) -> datetime | None:
    """A stored time as an aware UTC time: SQLite gives it back without its time zone."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
