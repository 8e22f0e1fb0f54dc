"""The consultant's own words in a report, for one assessment or one organisation.

Written on the "Rapport" page (web/report/), carried in the exports (exchange/team.py,
exchange/chain.py, exchange/organisation.py) and printed in the reports. Saving checks the
same rules an imported file meets (exchange/team.report_problems): a text too long, a
control character other than a line break or a tab, or a theme, reflection or section that
does not exist is refused with ExchangeError, and nothing changes.

Writing the report stays possible after answering has closed: the report is written after
the workshop, and usually after closing, as the workshop's decisions and actions are.
Saving bumps the report's revision (revisions.py: the assessment's, or the organisation's),
so the PDF cache never serves a report without the new words.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from selfcheck.core.records import REFLECTION_IDS, REPORT_SECTIONS, ReportTexts
from selfcheck.exchange.problems import ExchangeError
from selfcheck.exchange.team import report_problems
from selfcheck.models import Assessment, Organisation, ReportText, utcnow


def read(target: Assessment | Organisation) -> ReportTexts:
    """The texts of the assessment's or organisation's report; empty texts and every
    section when none were written."""
    row = target.report_text
    if row is None:
        return ReportTexts()
    return ReportTexts(
        conclusion=row.conclusion,
        observations=dict(row.observations or {}),
        next_steps=row.next_steps,
        reflections={r: row.reflections[r] for r in REFLECTION_IDS
                     if (row.reflections or {}).get(r)},
        sections=tuple(s for s in REPORT_SECTIONS if s in (row.sections or ())),
    )


def tidy(text: str) -> str:
    """A text as it is stored: the browser's line breaks (CR LF) as one, no space around.

    A textarea counts a line break as one character for its ``maxlength`` and sends it as
    two, so the length is counted after this, as the writer counted it."""
    return text.replace("\r\n", "\n").strip() if isinstance(text, str) else text


def tidied(texts: ReportTexts) -> ReportTexts:
    """The texts tidied, empty observations and answers left out, sections in order."""
    return ReportTexts(
        conclusion=tidy(texts.conclusion),
        observations={k: tidy(v) for k, v in texts.observations.items() if tidy(v) != ""},
        next_steps=tidy(texts.next_steps),
        reflections={k: tidy(v) for k, v in texts.reflections.items() if tidy(v) != ""},
        sections=tuple(texts.sections),
    )


def save(session: Session, target: Assessment | Organisation, texts: ReportTexts,
         theme_ids: Sequence[str]) -> ReportTexts:
    """Store ``texts`` as the report's, in one commit, and return them as stored; raise
    ExchangeError naming every problem, changing nothing.

    ``theme_ids``: the themes of the questionnaire the team answered (for an
    organisation, its teams')."""
    texts = tidied(texts)
    problems = report_problems(texts, theme_ids, ())
    if problems:
        raise ExchangeError(problems)
    stored = ReportTexts(texts.conclusion, texts.observations, texts.next_steps,
                         texts.reflections,
                         tuple(s for s in REPORT_SECTIONS if s in texts.sections))
    if read(target) == stored:
        return stored  # nothing new: no new revision, no new PDF
    row = target.report_text
    if row is None:
        row = ReportText()
        target.report_text = row
    row.conclusion = stored.conclusion
    row.observations = dict(stored.observations)  # new objects: JSON columns see the change
    row.next_steps = stored.next_steps
    row.reflections = dict(stored.reflections)
    row.sections = list(stored.sections)
    row.updated_at = utcnow()
    session.commit()
    return stored


def restore(target: Assessment | Organisation, texts: ReportTexts) -> None:
    """Give a new assessment or organisation, being imported, the texts of its file (already
    checked by the file's rules); no commit: the import commits once."""
    if texts == ReportTexts():
        return
    target.report_text = ReportText(
        conclusion=texts.conclusion, observations=dict(texts.observations),
        next_steps=texts.next_steps, reflections=dict(texts.reflections),
        sections=list(texts.sections))
