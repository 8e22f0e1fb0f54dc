"""Problems with a file or an input: each names where it is (a key path) and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from selfcheck.limits import PROBLEMS_SHOWN


class ExchangeError(Exception):
    """An export file cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


NUL_PROBLEM = "contains a NUL character (\\x00), which cannot be stored"


def nul_problems(value: Any, parts: tuple = ()) -> list[str]:
    """The path of every text (or key) in ``value`` that holds a NUL character."""
    if isinstance(value, str):
        return [f"{_path(parts)}: {NUL_PROBLEM}"] if "\x00" in value else []
    if isinstance(value, Mapping):
        problems = []
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                problems.append(f"{_path((*parts, key.replace(chr(0), '?')))}: "
                                f"the key {NUL_PROBLEM}")
            problems += nul_problems(item, (*parts, key))
        return problems
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in nul_problems(item, (*parts, i))]
    return []


def _path(parts) -> str:
    path = ""
    for part in parts:
        key = _clip(str(part))
        path += f"[{part}]" if isinstance(part, int) else (f".{key}" if path else key)
    return path or "<document>"


def _short(value: Any, limit: int = 60) -> str:
    """A value quoted in a message, cut short: a problem line never repeats a huge value."""
    return _clip(repr(value), limit)


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def shown(problems: list[str], limit: int = PROBLEMS_SHOWN) -> list[str]:
    """The first ``limit`` problems, and a last line that says how many more there are."""
    if len(problems) <= limit:
        return problems
    more = f"{len(problems) - limit:,}".replace(",", " ")
    return [*problems[:limit], f"… and {more} more"]
