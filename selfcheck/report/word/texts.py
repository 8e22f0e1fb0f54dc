"""The report's words for Word: the PDF's catalogs, called the way its templates call them.

The Word report says what the PDF says with the same message ids, so both read alike in
both languages and a translation is made once. Jinja's new-style gettext fills the
parameters with ``%`` (and turns ``%%`` into ``%``) even when there are none; ``_`` and
``ngettext`` here do the same, so a message id means the same in a template and here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from selfcheck.core.presentation import format_score
from selfcheck.dates import format_day
from selfcheck.report.render import translations


@dataclass(frozen=True)
class Words:
    lang: str
    _: Callable[..., str]
    ngettext: Callable[..., str]

    def score(self, value, digits: int = 1) -> str:
        return format_score(value, self.lang, digits)

    def day(self, value) -> str:
        return format_day(value, self.lang)

    def status(self, status: str) -> str:
        _ = self._
        return {"planned": _("Planned"), "started": _("Started"),
                "done": _("Done")}.get(status, status)


def words(lang: str) -> Words:
    catalog = translations(lang)

    def _(message: str, **parameters) -> str:
        return catalog.gettext(message) % parameters

    def ngettext(singular: str, plural: str, num: int, **parameters) -> str:
        return catalog.ngettext(singular, plural, num) % {"num": num, **parameters}

    return Words(lang, _, ngettext)
