"""Languages: Danish by default, English complete.

Inside an assessment the assessment's language wins (a view sets
``g.assessment_lang``); a visitor can switch language, which is kept in the
session; otherwise the browser's Accept-Language decides.
"""

from __future__ import annotations

from flask import Flask, g, request, session
from flask_babel import Babel, format_decimal, get_locale

from selfcheck.core.content import LANGUAGES
from selfcheck.core.exact import rounded
from selfcheck.core.presentation import format_score
from selfcheck.dates import format_day
from selfcheck.resources import PACKAGE_DIR

LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


def select_locale() -> str:
    """The language of this request (see module docstring for the order)."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    assessment_lang = g.get("assessment_lang")
    if assessment_lang in LANGUAGES:
        return assessment_lang
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PACKAGE_DIR / "translations"),
    )
    app.jinja_env.add_extension("jinja2.ext.i18n")  # {% trans %} blocks
    app.jinja_env.globals.update(
        LANGUAGE_NAMES=LANGUAGE_NAMES, get_locale=get_locale, format_decimal=format_decimal,
        # Dates the one way (selfcheck/dates.py): "2 Dec 2026" in English, not "Dec 2, 2026".
        format_date=lambda value, format="medium": format_day(value, str(get_locale()), format),
        rounded=rounded,
        format_score=lambda value, digits=1: format_score(value, str(get_locale()), digits),
        format_day=lambda value: format_day(value, str(get_locale())),
    )
