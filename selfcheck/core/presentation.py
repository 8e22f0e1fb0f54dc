"""How results are shown: the rules the pages and the PDFs share, written once.

Pure functions over scores and plain data (no Flask, no database, no WeasyPrint), so the
results page, the organisation page and both PDF reports show a number, a comment list or
a level chart the same way:

* :func:`format_score`: a score as shown, rounded half-up on the exact value
  (:func:`~selfcheck.core.exact.rounded`), written the language's way; "–" for none.
"""

from __future__ import annotations

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
