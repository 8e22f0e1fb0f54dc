"""Read a JSON file someone hands us, safely: bytes in, plain data or a clear refusal out.

Imported files come from other machines and other people. Python's ``json``
accepts things no export of ours contains and that break later code: ``NaN``
and ``Infinity``, ``1e999`` (an infinite float), integers of thousands of digits
(refused by Python only when converted, with a ValueError) and nesting deep
enough to exhaust the stack. Every one of these becomes a :class:`JSONFileError`
with one sentence, before anything else reads the document.
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_BYTES = 5 * 1024 * 1024  # an export of 500 members with long comments is well under
MAX_DEPTH = 20  # an export nests 6 levels deep
MAX_INT_DIGITS = 18


class JSONFileError(Exception):
    """The file is not a JSON document we can read; the message says why, in one line."""


def _refuse_constant(name: str) -> Any:
    raise JSONFileError(f"the file contains {name}, which is not a number JSON allows")


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise JSONFileError(f"the file contains a whole number of {digits} digits "
                            f"(at most {MAX_INT_DIGITS})")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONFileError(f"the file contains the number {text[:30]}, which is too large")
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
        raise JSONFileError(f"the file is {len(raw) // 1024} KiB, at most "
                            f"{MAX_BYTES // 1024 // 1024} MiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise JSONFileError(f"the file is not UTF-8 text (byte {exc.start})") from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_int=_parse_int,
                              parse_float=_parse_float)
    except RecursionError:
        raise JSONFileError(f"the file nests lists or objects too deeply (at most "
                            f"{MAX_DEPTH} levels)") from None
    except json.JSONDecodeError as exc:
        raise JSONFileError(f"the file is not JSON: {exc.msg} (line {exc.lineno}, "
                            f"column {exc.colno})") from None
    except ValueError as exc:  # e.g. Python's own limit on digits
        raise JSONFileError(f"the file is not JSON we can read: {str(exc)[:120]}") from None
    if _depth(document) > MAX_DEPTH:
        raise JSONFileError(f"the file nests lists or objects too deeply (at most "
                            f"{MAX_DEPTH} levels)")
    return document
