"""The report's words for Word: the PDF's catalogs, called the way its templates call them.

The Word report says what the PDF says with the same message ids, so both read alike in
both languages and a translation is made once. Jinja's new-style gettext fills the
parameters with ``%`` (and turns ``%%`` into ``%``) even when there are none; ``_`` and
``ngettext`` here do the same, so a message id means the same in a template and here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from selfcheck.core.content import Questionnaire
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


def action_text(action, questionnaire: Questionnaire, lang: str) -> str:
    """An action as the report's language says it: one taken from a suggestion was written
    in the language of the page it was picked on ("title. text", web/workshop); while its
    text is still that suggestion's, it is printed in ``lang``. A text the team changed is
    printed as they wrote it."""
    if action.suggestion_id:
        for theme in questionnaire.themes:
            for suggestion in theme.suggestions:
                if suggestion.id != action.suggestion_id:
                    continue
                written = {f"{suggestion.title.get(other)}. {suggestion.text.get(other)}"
                           for other in ("da", "en")}
                if action.text in written:
                    return f"{suggestion.title.get(lang)}. {suggestion.text.get(lang)}"
    return action.text
