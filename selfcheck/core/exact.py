"""Exact numbers: decide on exact values, round only what is shown (docs/scoring.md).

A member's theme score is a fraction such as 9/5. In binary floating point
3.8 − 1.8 is 1.9999999999999998, which would hide a disagreement of exactly 2
points, and 2.6 can become 2.5999999999999996, which would reorder the agenda.
So every score, range, threshold and tie is a :class:`fractions.Fraction`, and
numbers are rounded half-up on the exact value only when they are shown
(3.25 → 3.3, 2.25 → 2.3), the same way on pages, in exports and in the PDF.

No Flask, no database: scoring.py, charts, tables and templates all use this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Number = int | float | Fraction | Decimal


def exact(value: Number) -> Fraction:
    """The exact value of a number; a float counts as the decimal it was written as.

    ``exact(0.1) == Fraction(1, 10)``: a float read from a file or a form stands
    for its shortest decimal form, not for the binary approximation.
    """
    if isinstance(value, bool):
        raise TypeError("a truth value is not a number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number")
        return Fraction(repr(value))
    return Fraction(value)


def exact_or_none(value: Number | None) -> Fraction | None:
    return None if value is None else exact(value)


@dataclass(frozen=True, order=True)
class Root:
    """The square root of an exact fraction (a standard deviation), kept exact.

    Comparing two roots compares their squares, which is exact; ``float()``
    gives the value for drawing, and :func:`rounded` rounds it half-up exactly.
    """

    square: Fraction

    def __float__(self) -> float:
        return math.sqrt(self.square)


def _half_up(scaled: Fraction) -> int:
    """The integer nearest to ``scaled``; halves go away from zero."""
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    return magnitude if scaled >= 0 else -magnitude


def _half_up_root(square: Fraction, digits: int) -> int:
    """round-half-up(√square × 10^digits), exactly.

    The result n is the largest integer with n − ½ ≤ x, where x = √square·10^d,
    that is (2n − 1)² ≤ 4x² ; with m = ⌊√(4x²)⌋ that is n = ⌊(m + 1) / 2⌋.
    """
    four_x_squared = 4 * square * 10 ** (2 * digits)
    m = math.isqrt(math.floor(four_x_squared))
    return (m + 1) // 2


def rounded(value: Number | Root, digits: int = 1) -> Decimal:
    """``value`` rounded half-up to ``digits`` decimals, as a Decimal with exactly that many."""
    if isinstance(value, Root):
        units = _half_up_root(value.square, digits)
    else:
        units = _half_up(exact(value) * 10**digits)
    return Decimal(units).scaleb(-digits)


def as_float(value: Number | Root | None) -> float | None:
    """For drawing only (chart coordinates): never compare or round the result."""
    return None if value is None else float(value)
