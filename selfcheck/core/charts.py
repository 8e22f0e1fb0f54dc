"""Charts as SVG strings, shared by the web pages and the PDF.

Written by hand: two small charts do not justify a plotting library, and plain
SVG is sharp at any size, needs no JavaScript and passes the CSP (no inline
style, only presentation attributes). Every chart has a ``<title>``; pages show
a table with the same numbers beside it for screen readers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from markupsafe import Markup, escape

from selfcheck.core.exact import rounded

PRIMARY = "#0059b3"
GRID = "#b8b8b8"
TEXT = "#1a1a1a"
MUTED = "#545454"
AGREED = "#b34700"  # the agreed score's diamond: apart from the members' blue, also in grey


def _num(value) -> str:
    """A score as a label: half-up on the exact value, like every shown number."""
    return str(rounded(value, 1)).rstrip("0").rstrip(".")


def _svg_open(width: float, height: float, kind: str, title: str) -> list[str]:
    """The opening of every chart: viewBox, role, accessible name and <title>."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart chart-{kind}" role="img" aria-label="{escape(title)}" '
        'font-family="IBM Plex Sans, DejaVu Sans, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]


def _scale_x(left: float, right: float, scale_min: int, scale_max: int):
    """Where a score lies on a horizontal scale axis from ``left`` to ``right``."""
    def x_of(value) -> float:
        return left + (right - left) * (float(value) - scale_min) / (scale_max - scale_min)
    return x_of


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _diamond(x: float, y: float, size: float) -> str:
    """The agreed score's marker: a diamond with a white edge, so it shows on any line."""
    corners = ((x, y - size), (x + size, y), (x, y + size), (x - size, y))
    points = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)
    return (f'<polygon class="agreed-mark" points="{points}" fill="{AGREED}" stroke="#ffffff" '
            'stroke-width="1.5"/>')


def radar(
    labels: Sequence[str],
    scores: Sequence[float | None],
    *,
    title: str,
    scale_min: int = 1,
    scale_max: int = 5,
    previous: Sequence[float | None] | None = None,
    value_labels: Sequence[str] | None = None,
    scale_font_size: int = 12,
    agreed: Sequence[float | None] | None = None,
) -> Markup:
    """A radar (spider) chart of one score per axis; None leaves that axis without a point.

    ``value_labels`` are the scores as the page writes them (e.g. "4,2" in Danish).
    ``scale_font_size`` sizes the ring numbers (2–5); the PDF sets it to the labels' 15,
    so that everything in the chart prints at the same size.
    ``agreed`` marks the team's agreed score with a diamond on the axes that have one: the
    polygon stays the members' mean, so a reader sees both and how far apart they are
    (the page around the chart says what the diamond is).
    """
    n = len(labels)
    width, height = 660, 500
    cx, cy, radius = width / 2, height / 2 + 5, 150

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * (float(value) - scale_min) / (scale_max - scale_min)
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = _svg_open(width, height, "radar", title)
    for value in range(scale_min + 1, scale_max + 1):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, value) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="{GRID}" stroke-width="1"/>')
        x, y = point(0, value)
        parts.append(
            f'<text x="{x + 4:.1f}" y="{y + 4:.1f}" font-size="{scale_font_size}" '
            f'fill="{MUTED}">{value}</text>'
        )
    for i in range(n):
        x, y = point(i, scale_max)
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
    for series, colour, dashed in ((previous, MUTED, True), (scores, PRIMARY, False)):
        if series is None:
            continue
        defined = [(i, s) for i, s in enumerate(series) if s is not None]
        if len(defined) >= 3:
            shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, s) for i, s in defined))
            fill = 'fill="none"' if dashed else f'fill="{colour}" fill-opacity="0.15"'
            dash = ' stroke-dasharray="6 4"' if dashed else ""
            parts.append(
                f'<polygon points="{shape}" {fill} stroke="{colour}" stroke-width="2.5"{dash}/>'
            )
        if not dashed:
            for i, s in defined:
                x, y = point(i, s)
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>')
    for i, value in enumerate(agreed or ()):
        if value is not None:
            x, y = point(i, value)
            parts.append(_diamond(x, y, 8))
    lowest = 0.0
    for i, label in enumerate(labels):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        lx = cx + (radius + 22) * math.cos(angle)
        ly = cy + (radius + 22) * math.sin(angle)
        anchor = "middle" if abs(math.cos(angle)) < 0.3 else ("start" if lx > cx else "end")
        lines = _wrap(f"{i + 1}. {label}", 20)
        score = scores[i]
        if value_labels is not None:
            lines.append(value_labels[i])
        else:
            lines.append(_num(score) if score is not None else "–")
        top = ly - (len(lines) - 1) * 17 if math.sin(angle) < -0.3 else (
            ly + 12 if math.sin(angle) > 0.3 else ly - (len(lines) - 1) * 8.5)
        lowest = max(lowest, top + (len(lines) - 1) * 17 + 8)
        spans = []
        for j, line in enumerate(lines):
            weight = ' font-weight="600"' if j == len(lines) - 1 else ""
            spans.append(
                f'<tspan x="{lx:.1f}" y="{top + j * 17:.1f}"{weight}>{escape(line)}</tspan>'
            )
        parts.append(
            f'<text class="radar-label" font-size="15" fill="{TEXT}" '
            f'text-anchor="{anchor}">{"".join(spans)}</text>'
        )
        # On a phone the chart is about 360 px wide and full labels would be 8 px high:
        # the page's CSS shows this short label instead ("1 · 4,2", large), and the
        # table below the chart names each recommendation. Hidden everywhere else.
        sx = cx + (radius + 34) * math.cos(angle)
        sy = cy + (radius + 34) * math.sin(angle) + 10
        short = f"{i + 1} · {lines[-1]}"
        parts.append(
            f'<text class="radar-label-short" display="none" font-size="30" font-weight="600" '
            f'fill="{TEXT}" text-anchor="{anchor}" x="{sx:.1f}" y="{sy:.1f}">{escape(short)}</text>'
        )
    parts.append("</svg>")
    if lowest > height:  # a long label below the chart (English wraps to more lines): grow
        parts[0] = parts[0].replace(f'viewBox="0 0 {width} {height}"',
                                    f'viewBox="0 0 {width} {math.ceil(lowest)}"')
    return Markup("".join(parts))


def distribution(
    member_scores: Sequence[float],
    team_score: float | None,
    *,
    title: str,
    scale_min: int = 1,
    scale_max: int = 5,
    agreed: float | None = None,
) -> Markup:
    """A strip of dots, one per member score on the scale, with the team score marked.

    ``agreed``, the team's agreed score where one is recorded, is a diamond on the axis
    beside the members' mean (the dashed line)."""
    width, left, right = 360, 20, 340
    # Members whose scores show as the same number share one stacked column.
    counts: Counter = Counter(rounded(s, 1) for s in member_scores)
    stack = max(counts.values(), default=1)
    dot_gap = 11
    base = 18 + stack * dot_gap
    height = base + 32

    x_of = _scale_x(left, right, scale_min, scale_max)
    parts = _svg_open(width, height, "distribution", title) + [
        f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{MUTED}" '
        'stroke-width="1.5"/>',
    ]
    for value in range(scale_min, scale_max + 1):
        x = x_of(value)
        parts.append(
            f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 6}" stroke="{MUTED}"/>'
            f'<text x="{x:.1f}" y="{base + 22}" font-size="15" text-anchor="middle" '
            f'fill="{MUTED}">{value}</text>'
        )
    for value, count in sorted(counts.items()):
        x = x_of(value)
        for k in range(count):
            y = base - 8 - k * dot_gap
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{PRIMARY}" '
                'stroke="#ffffff" stroke-width="1"/>'
            )
    if team_score is not None:  # drawn last, so the dots never hide the team score
        x = x_of(team_score)
        parts.append(
            f'<line x1="{x:.1f}" y1="6" x2="{x:.1f}" y2="{base}" stroke="#ffffff" '
            'stroke-width="5"/>'
            f'<line x1="{x:.1f}" y1="6" x2="{x:.1f}" y2="{base}" stroke="{TEXT}" '
            'stroke-width="2.5" stroke-dasharray="4 3"/>'
        )
    if agreed is not None:
        parts.append(_diamond(x_of(agreed), base, 8))
    parts.append("</svg>")
    return Markup("".join(parts))


def levels(
    rows: Sequence[tuple[str, object | None, Sequence[object] | None]],
    *,
    title: str,
    value_labels: Sequence[str],
    scale_min: int = 1,
    scale_max: int = 5,
) -> Markup:
    """One recommendation across the chain: a row per level, top first.

    Each row is (level name, level score or None, the counted teams' scores or None when the
    level has too few respondents to show them). The level score is a large dot with its
    number; team scores are small rings on the same axis as the distribution strip.
    """
    width, left, right = 640, 200, 610
    row_height = 46
    top = 16
    height = top + row_height * len(rows) + 34

    x_of = _scale_x(left, right, scale_min, scale_max)
    parts = _svg_open(width, height, "levels", title)
    base = top + row_height * len(rows)
    for value in range(scale_min, scale_max + 1):
        x = x_of(value)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{base}" stroke="{GRID}" '
            'stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{base + 22}" font-size="15" text-anchor="middle" '
            f'fill="{MUTED}">{value}</text>'
        )
    for i, (label, score, team_scores) in enumerate(rows):
        y = top + row_height * i + row_height / 2
        name = _wrap(label, 22)[:2]
        spans = "".join(
            f'<tspan x="{left - 14}" y="{y + 5 - (len(name) - 1) * 9 + j * 18:.1f}">'
            f'{escape(line)}</tspan>' for j, line in enumerate(name))
        parts.append(f'<text font-size="16" fill="{TEXT}" text-anchor="end">{spans}</text>')
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                     f'stroke="{GRID}" stroke-dasharray="2 4"/>')
        for team_score in team_scores or ():
            parts.append(f'<circle cx="{x_of(team_score):.1f}" cy="{y:.1f}" r="6" fill="#ffffff" '
                         f'stroke="{MUTED}" stroke-width="2"/>')
        if score is not None:
            x = x_of(score)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{PRIMARY}"/>')
            anchor, dx = ("end", -14) if x > right - 40 else ("start", 14)
            parts.append(f'<text x="{x + dx:.1f}" y="{y - 10:.1f}" font-size="16" '
                         f'font-weight="600" fill="{TEXT}" text-anchor="{anchor}">'
                         f'{escape(value_labels[i])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

