"""Ratios measured fairly on a busy machine: the two sides alternate, A, B, A, B …

Timing all of A and then all of B lets a noisy neighbour land on one side only (three runs
of the old benchmark gave 0.52, 1.12 and 0.99). Here every pair is measured back to back,
and a benchmark prints the median of the pairs' ratios with their spread.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Ratio:
    name: str
    ratios: list[float]
    goal: str  # e.g. "<= 1.2"

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def met(self) -> bool:
        operator, _, value = self.goal.partition(" ")
        limit = float(value)
        return self.median <= limit if operator == "<=" else self.median >= limit

    def line(self) -> str:
        low, high = min(self.ratios), max(self.ratios)
        verdict = "met" if self.met else "NOT met"
        return (f"{self.name}={self.median:.3f} (spread {low:.3f}–{high:.3f} over "
                f"{len(self.ratios)} pairs; goal {self.goal}: {verdict})")


def seconds(action: Callable[[], object], before: Callable[[], object] | None = None) -> float:
    if before:
        before()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def alternate(measure_a: Callable[[], float], measure_b: Callable[[], float], *, pairs: int,
              warmup: int = 1) -> list[float]:
    """``pairs`` ratios b/a, each from one A and one B run back to back (A first, then B
    first in the next pair, so neither side always follows the other)."""
    for _ in range(warmup):
        measure_a()
        measure_b()
    ratios = []
    for i in range(pairs):
        if i % 2 == 0:
            a = measure_a()
            b = measure_b()
        else:
            b = measure_b()
            a = measure_a()
        ratios.append(b / a)
    return ratios
