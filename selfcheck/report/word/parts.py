"""What the team's and the chain's Word reports share: the cover's lines, the consultant's
own words (conclusion, reflections, next steps) and the source."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from selfcheck.core.content import Questionnaire
from selfcheck.core.records import REFLECTION_IDS, ReportTexts
from selfcheck.report.word.texts import Words
from selfcheck.report.word.writer import WordWriter


def author(brand: Any) -> str:
    """The document's author: the consultant or organisation whose brand it carries."""
    return brand.name if brand is not None and brand.name else "selfcheck"


def cover_end(writer: WordWriter, w: Words, q: Questionnaire, brand: Any,
              then: Callable[[], None] | None = None) -> None:
    """Who prepared it and what it is built on, as on the PDF's cover; ``then`` writes what
    else the cover holds; then a new page."""
    _ = w._
    if brand is not None and brand.name:
        writer.paragraph(("muted", f"{_('Prepared by')} {brand.name}"))
    built_on = _("Built on KL's summary of")
    writer.paragraph(("muted", f"{built_on} “{q.source.title}”, {q.source.publisher}, "
                               f"{q.source.year}."), size=9)
    if then is not None:
        then()
    writer.page_break()


def conclusion(writer: WordWriter, w: Words, texts: ReportTexts) -> None:
    """"Konsulentens vurdering": the consultant's conclusion, at the top."""
    if texts.shows("conclusion") and texts.conclusion.strip():
        writer.heading(w._("The consultant's assessment"), 1)
        writer.own_words(texts.conclusion)


def closing_words(writer: WordWriter, w: Words, texts: ReportTexts,
                  reflections_heading: str) -> None:
    """The reflections and the recommended next steps, after the themes."""
    _ = w._
    if texts.shows("reflections") and texts.has_reflections:
        reflections(writer, w, texts.reflections, reflections_heading)
    if texts.shows("next_steps") and texts.next_steps.strip():
        writer.heading(_("Recommended next steps"), 1)
        writer.own_words(texts.next_steps)


def reflections(writer: WordWriter, w: Words, answers: Mapping[str, str],
                heading: str) -> None:
    """The three questions of ledelsesevaluering.dk and the team's answers."""
    _ = w._
    questions = {"surprised": _("What surprised you positively?"),
                 "relevant": _("What is most relevant to you?"),
                 "learn_more": _("What do you want to learn more about?")}
    writer.heading(heading, 1)
    for reflection_id in REFLECTION_IDS:
        answer = answers.get(reflection_id, "")
        if answer.strip():
            writer.heading(questions[reflection_id], 2)
            writer.own_words(answer)


def source(w: Words, q: Questionnaire) -> str:
    """The source as the method pages cite it."""
    cited = f"{q.source.citation.get(w.lang)} " if q.source.citation else ""
    return f"{cited}“{q.source.title}”. {q.source.publisher}, {q.source.year}. {q.source.url}"
