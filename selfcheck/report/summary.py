"""The two-page summary ("Hent resumé (2 sider)"): the team's or the chain's report on two A4
pages, for the director's folder.

It takes its numbers from the full report's own context (report/team.py and report/chain.py
``report_context``), so the summary and the report cannot disagree, and it hides what they
hide: below the anonymity threshold no score of any kind, and of a chain only what the
organisation's page shows (core/chain.py leaves the rest out of the result).

Two pages is a hard rule. Page 1 holds the numbers; page 2 (``.page-2`` in summary.css,
``continue: discard``) what comes next, with the consultant's conclusion last: a conclusion
that does not fit is cut at the end of page 2, its last line ending in "…" and a pointer to
the full report (``block-ellipsis``). Only a page 1 that runs over (content far beyond the six
themes it is made for) makes a second, compact layout; see :func:`_two_pages`. A team without
scores to show has a short page 1, so page 2 follows on from it (``.flowing``), and the
compact layout is the two-page one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from selfcheck.core import scoring
from selfcheck.core.content import Questionnaire
from selfcheck.core.records import ActionData, AssessmentData, ChainData
from selfcheck.dates import as_date
from selfcheck.report import chain as chain_report
from selfcheck.report import team as team_report
from selfcheck.report.render import (
    STATIC_DIR,
    environment,
    font_configuration,
    safe_url_fetcher,
)

log = logging.getLogger(__name__)

MAX_PAGES = 2
#: Actions the summary prints; the full report's plan has them all.
ACTIONS_SHOWN = 3
#: Themes listed under "where the team disagreed most", and breaks and expected differences
#: listed for a chain (the compact layout lists fewer).
DISAGREEMENTS_SHOWN = 3
BREAKS_SHOWN = 3
EXPECTED_SHOWN = 3
#: Breaks whose chain suggestions page 2 prints.
SUGGESTION_BREAKS = 2
#: Teams left out of a chain's comparison that are named; more are counted.
LEFT_OUT_NAMED = 5
#: Longer team or organisation names print in a smaller heading (summary.css ``.long``).
LONG_NAME = 60

PDF_VARIANT = "pdf/ua-1"


# ------------------------------------------------------------------------------ the team


def most_important_actions(actions: Sequence[ActionData], count: int = ACTIONS_SHOWN
                           ) -> list[ActionData]:
    """The actions a director should see first: open ones (planned or started) before done
    ones, then the earliest due date (an action without one after those with one), then the
    plan's order.

    Why this order: the summary is read between meetings, and the nearest deadline of work
    still open is what the team will be asked about first; the plan's order (the workshop's
    order of themes and of writing) breaks ties, so the same plan always gives the same
    three. A done action shows only when fewer than ``count`` are open.
    """
    def key(item: tuple[int, ActionData]) -> tuple:
        index, action = item
        due = as_date(action.due_date)
        return (action.status == "done", due is None, due or date.min, index)

    return [action for _index, action in sorted(enumerate(actions), key=key)[:count]]


@dataclass(frozen=True)
class ThemeLine:
    """One theme as the summary shows it: the agreed score where one is recorded, else the
    team's mean, saying which it is, with the team's mean beside an agreed score."""

    number: int
    title: str
    shown: Fraction | None  # the score that picks the category (scoring.band_score)
    agreed: bool
    team: Fraction | None  # the members' mean
    band_id: str | None
    team_bar: float | None  # where the team's mean lies on the scale, 0–100 (the chart only)
    agreed_bar: float | None


def _bar(score: Fraction | None, questionnaire: Questionnaire) -> float | None:
    position = scoring.percent(score, questionnaire.scale)
    return None if position is None else round(float(position), 1)


def theme_lines(result: scoring.AssessmentResult, questionnaire: Questionnaire, lang: str
                ) -> list[ThemeLine]:
    return [ThemeLine(number, questionnaire.theme(t.theme_id).title.get(lang), t.band_score,
                      t.band_score_is_agreed, t.score, t.band_id,
                      _bar(t.score, questionnaire), _bar(t.consensus, questionnaire))
            for number, t in enumerate(result.themes, 1)]


def disagreements(result: scoring.AssessmentResult, count: int = DISAGREEMENTS_SHOWN
                  ) -> list[scoring.ThemeResult]:
    """The themes the team disagreed most on: the workshop's agenda (disagreed themes first,
    then the widest member range, then the standard deviation), the first ``count`` that at
    least two members scored."""
    return [t for t in (result.theme(i) for i in result.agenda) if t.n > 1][:count]


def team_context(data: AssessmentData, lang: str, today: date, brand: Any = None,
                 compact: bool = False) -> dict[str, Any]:
    """What summary.html shows of a team, on top of the full report's context."""
    context = team_report.report_context(data, lang, today, brand)
    result, questionnaire = context["result"], context["questionnaire"]
    visible = context["visible"] and result.respondents > 0
    latest = max((d for d in (as_date(a.due_date) for a in data.actions
                              if a.status != "done") if d is not None), default=None)
    previous = data.history[-1] if data.history and visible else None
    conclusion = data.report.conclusion.strip() if data.report.shows("conclusion") else ""
    context.update({
        "kind": "team",
        "compact": compact,
        "scores_visible": visible,
        "scale_max": questionnaire.scale.max,
        "overall_band": scoring.band_for(result.overall, questionnaire.bands)
        if visible else None,
        "lines": theme_lines(result, questionnaire, lang) if visible else [],
        "agreed_count": len(result.consensus) if visible else 0,
        "disagreements": disagreements(result, 1 if compact else DISAGREEMENTS_SHOWN)
        if visible else [],
        "top_actions": most_important_actions(data.actions),
        "more_actions": max(0, len(data.actions) - ACTIONS_SHOWN),
        "agreed_to_disagree": [d.theme_id for d in data.decisions if d.agreed_to_disagree],
        "previous": previous,
        "last_due": latest,
        "conclusion": conclusion,
        "long_name": len(data.team) > LONG_NAME or len(data.organisation) > LONG_NAME,
    })
    return context


def render_team_html(context: dict[str, Any]) -> str:
    return environment(context["lang"]).get_template("report/summary.html").render(context)


def render_team_summary(data: AssessmentData, lang: str, today: date, brand: Any = None
                        ) -> bytes:
    """The team's two-page summary as a tagged (PDF/UA-1) A4 PDF in ``lang``."""
    return _two_pages(lambda compact: render_team_html(
        team_context(data, lang, today, brand, compact)))


# ----------------------------------------------------------------------------- the chain


def chain_context(data: ChainData, lang: str, today: date, brand: Any = None,
                  compact: bool = False) -> dict[str, Any]:
    """What summary.html shows of a chain, on top of the chain report's context: the level
    scores core/chain.py lets the organisation's page show, and nothing it hides."""
    context = chain_report.report_context(data, lang, today, brand)
    result, questionnaire = data.result, data.questionnaire
    level_names = context["level_names"]
    breaks = result.breaks[:1 if compact else BREAKS_SHOWN]
    suggestions = []
    seen = set()
    for brk in result.breaks[:SUGGESTION_BREAKS]:
        key = (brk.theme_id, brk.upper, brk.lower, brk.direction)
        theme = questionnaire.theme(brk.theme_id)
        if key in seen or not theme.chain_suggestions:
            continue
        seen.add(key)
        pair = (level_names[brk.upper], level_names[brk.lower])
        suggestions.append((theme, pair, [
            s.for_pair(lang, *pair) for s in theme.chain_suggestions
            if s.direction is None or s.direction == brk.direction][:1 if compact else 2]))
    left_out = result.left_out()
    conclusion = data.report.conclusion.strip() if data.report.shows("conclusion") else ""
    context.update({
        "kind": "chain",
        "compact": compact,
        "levels_shown": [level for level in result.levels if level.counted_teams],
        "breaks": breaks,
        "more_breaks": len(result.breaks) - len(breaks),
        "expected": result.expected[:1 if compact else EXPECTED_SHOWN],
        "more_expected": max(0, len(result.expected) - (1 if compact else EXPECTED_SHOWN)),
        "chain_suggestions": suggestions,
        "left_out": left_out[:LEFT_OUT_NAMED],
        "more_left_out": max(0, len(left_out) - LEFT_OUT_NAMED),
        "respondents": sum(level.respondents for level in result.levels),
        "conclusion": conclusion,
        "long_name": len(data.name) > LONG_NAME,
    })
    return context


def render_chain_html(context: dict[str, Any]) -> str:
    return environment(context["lang"]).get_template("report/summary.html").render(context)


def render_chain_summary(data: ChainData, lang: str, today: date, brand: Any = None) -> bytes:
    """The organisation's two-page summary as a tagged (PDF/UA-1) A4 PDF in ``lang``."""
    return _two_pages(lambda compact: render_chain_html(
        chain_context(data, lang, today, brand, compact)))


# ------------------------------------------------------------------------------ the PDF


def _layout(html: str):
    """WeasyPrint's layout of ``html``, as render.html_to_pdf makes it (the safe fetcher, the
    shared fonts), kept as a Document so that its pages can be counted before writing."""
    from weasyprint import HTML

    return HTML(string=html, base_url=STATIC_DIR.as_uri() + "/",
                url_fetcher=safe_url_fetcher()).render(font_config=font_configuration(),
                                                        pdf_variant=PDF_VARIANT)


def _two_pages(html_for) -> bytes:
    """The PDF of ``html_for(compact=False)``, laid out once; at most two pages.

    Page 2 discards what does not fit (summary.css), so only a page 1 that runs over can
    make a third page. Then the compact layout (fewer list items) is laid out instead, and
    if even that runs over, its first two pages are written and a warning logged: the
    summary never breaks its two-page promise.
    """
    document = _layout(html_for(False))
    if len(document.pages) > MAX_PAGES:
        document = _layout(html_for(True))
        if len(document.pages) > MAX_PAGES:
            log.warning("the summary ran to %d pages; printing the first %d",
                        len(document.pages), MAX_PAGES)
            document = document.copy(document.pages[:MAX_PAGES])
    return document.write_pdf(pdf_variant=PDF_VARIANT)
