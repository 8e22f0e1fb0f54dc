"""Read a JSON file someone hands us, safely: bytes in, plain data or a clear refusal out.

Imported files come from other machines and other people. Python's ``json``
accepts things no export of ours contains and that break later code: ``NaN``
and ``Infinity``, ``1e999`` (an infinite float), integers of thousands of digits
(refused by Python only when converted, with a ValueError) and nesting deep
enough to exhaust the stack. Every one of these becomes a :class:`JSONFileError`
with one problem (exchange/problems.py), before anything else reads the document.
"""

from __future__ import annotations

import json
import math
from typing import Any

from selfcheck.exchange.problems import ExchangeError

MAX_BYTES = 5 * 1024 * 1024  # an export of 500 members with long comments is well under
MAX_DEPTH = 20  # an export nests 6 levels deep
MAX_INT_DIGITS = 18


class JSONFileError(ExchangeError):
    """The file is not a JSON document we can read; its one problem says why."""


def _refuse_constant(name: str) -> Any:
    raise JSONFileError.one("not_a_number", name=name)


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise JSONFileError.one("long_integer", digits=digits, limit=MAX_INT_DIGITS)
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONFileError.one("huge_number", number=text[:30])
    return value


def _depth(document: Any) -> int:
    """How deeply lists and objects nest (iteratively: the document may be hostile)."""
    deepest = 0
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def loads(raw: bytes) -> Any:
    """The document in ``raw``, or :class:`JSONFileError`."""
    if len(raw) > MAX_BYTES:
        raise JSONFileError.one("file_too_large", size=len(raw) // 1024,
                                limit=f"{MAX_BYTES // 1024 // 1024} MiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JSONFileError.one("not_utf8", byte=exc.start) from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_int=_parse_int,
                              parse_float=_parse_float)
    except RecursionError:
        raise JSONFileError.one("too_deep", limit=MAX_DEPTH) from None
    except json.JSONDecodeError as exc:
        raise JSONFileError.one("not_json", error=exc.msg, line=exc.lineno,
                                column=exc.colno) from None
    except ValueError as exc:  # e.g. Python's own limit on digits
        raise JSONFileError.one("unreadable_json", error=str(exc)[:120]) from None
    if _depth(document) > MAX_DEPTH:
        raise JSONFileError.one("too_deep", limit=MAX_DEPTH)
    return document
