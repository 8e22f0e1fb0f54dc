"""How results are shown: the rules the pages and the PDFs share, written once.

Pure functions over scores and plain data (no Flask, no database, no WeasyPrint), so the
results page, the organisation page and both PDF reports show a number, a comment list or
a level chart the same way:

* :func:`format_score`: a score as shown, rounded half-up on the exact value
  (:func:`~selfcheck.core.exact.rounded`), written the language's way; "–" for none.
* :func:`comments_by_theme`: the submitted members' comments per theme; no names and
  no member order in an anonymous assessment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel.numbers import format_decimal

from selfcheck.core.exact import Number, Root, rounded

#: What is shown where there is no number.
NO_NUMBER = "–"


def format_score(value: Number | Root | None, lang: str, digits: int = 1) -> str:
    """``value`` rounded half-up to ``digits`` decimals in ``lang``'s way ("3,3" in Danish,
    "3.3" in English), or "–" for None.

    The one way a score, a range, a gap or a standard deviation is written: the templates'
    ``score`` macro and ``format_score`` global and the PDFs' value labels all call it.
    """
    if value is None:
        return NO_NUMBER
    return format_decimal(rounded(value, digits), format="0." + "0" * digits, locale=lang)


@dataclass(frozen=True)
class Comment:
    """A member's comment as shown: the author is None in an anonymous assessment."""

    author: str | None
    text: str


def comments_by_theme(members: Iterable[tuple[str | None, Iterable[tuple[str, str]]]],
                      anonymous: bool) -> dict[str, list[Comment]]:
    """The comments per theme id, from ``(member name, [(theme id, text), ...])`` of each
    submitted member, in member order.

    Named assessments keep the members' order, with the author beside each comment. An
    anonymous one shows no author, and each theme's comments are sorted by text (case
    ignored; a tie keeps the order it came in): member order would let a reader link one
    person's comments across themes.
    """
    by_theme: dict[str, list[Comment]] = {}
    for name, comments in members:
        author = None if anonymous else name
        for theme_id, text in comments:
            by_theme.setdefault(theme_id, []).append(Comment(author, text))
    if anonymous:
        for items in by_theme.values():
            items.sort(key=lambda c: c.text.casefold())
    return by_theme
