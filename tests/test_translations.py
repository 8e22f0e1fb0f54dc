"""Every UI string has a Danish translation, and the compiled catalogs are current."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "selfcheck" / "translations"
METHOD_MAP = [
    ("selfcheck/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.css", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}  # N_: a message marked where it is defined (exchange/problems.py)


def extracted_ids() -> set[str]:
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def read_catalog(lang: str):
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


def test_every_ui_string_is_translated_to_danish():
    catalog = read_catalog("da")
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if all(strings) and not message.fuzzy:
            translated[key] = strings
    missing = sorted(extracted_ids() - set(translated))
    assert missing == [], "run `make translations` and translate these in da/messages.po"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_compiled_catalog_matches_the_po_file(lang):
    po = read_catalog(lang)
    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        mo = read_mo(handle)
    def plain(value):
        return value if isinstance(value, str) else tuple(value)

    expected = {plain(m.id): plain(m.string) for m in po
                if m.id and any(plain(m.string)) and not m.fuzzy
                and plain(m.string) != plain(m.id)}
    # Babel compiles an untranslated plural as its own msgids; that is no translation.
    actual = {plain(m.id): plain(m.string) for m in mo
              if m.id and plain(m.string) != plain(m.id)}
    assert actual == expected, "run `make translations` to compile the catalogs"
