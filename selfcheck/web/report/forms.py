"""The "Rapport" page's form: the consultant's texts, as typed, and which sections it holds.

The page has one text per theme of the questionnaire, so the form is read from the posted
fields rather than declared: ``conclusion``, ``next_steps``, ``observation-<theme id>``,
``reflection-<reflection id>`` and the ticked ``section`` boxes. Every field is passed on,
also one naming a theme that does not exist, so the service's rules
(services/report_texts.py) refuse it instead of the form dropping it unseen. The CSRF token
is checked by Flask-WTF as for every POST.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from selfcheck.core.records import REFLECTION_IDS, REPORT_SECTIONS, ReportTexts
from selfcheck.exchange.problems import Problem

OBSERVATION = "observation-"
REFLECTION = "reflection-"

#: The reflection questions as ledelsesevaluering.dk asks them (records.REFLECTION_IDS).
REFLECTION_QUESTIONS = {
    "surprised": _l("What has surprised you positively?"),
    "relevant": _l("What is most relevant to you?"),
    "learn_more": _l("What would you like to know more about?"),
}

#: What each section of a report is called where it is chosen (records.REPORT_SECTIONS).
SECTION_NAMES = {
    "conclusion": _l("The consultant's assessment"),
    "summary": _l("Summary"),
    "plan": _l("Action plan"),
    "progress": _l("Progress since last time"),
    "themes": _l("The themes one by one"),
    "comments": _l("The members' comments"),
    "reflections": _l("Reflections"),
    "next_steps": _l("Recommended next steps"),
}

#: The sections a chain's report has: it holds no action plan, no comments and no team's
#: progress, so the organisation's page does not offer them.
CHAIN_SECTIONS = ("conclusion", "summary", "themes", "reflections", "next_steps")


def texts_from_form(form: MultiDict, offered: Sequence[str] = REPORT_SECTIONS,
                    current: ReportTexts | None = None) -> ReportTexts:
    """The texts posted, as the service takes them. A section the page does not offer keeps
    what ``current`` says of it."""
    observations = {key.removeprefix(OBSERVATION): value for key, value in form.items()
                    if key.startswith(OBSERVATION)}
    reflections = {key.removeprefix(REFLECTION): value for key, value in form.items()
                   if key.startswith(REFLECTION)}
    ticked = form.getlist("section")
    kept = [s for s in (current or ReportTexts()).sections if s not in offered]
    return ReportTexts(
        conclusion=form.get("conclusion", ""),
        observations=observations,
        next_steps=form.get("next_steps", ""),
        reflections=reflections,
        sections=(*ticked, *kept),
    )


def field_of(problem: Problem) -> str:
    """The form field a problem of services/report_texts.save is about ("" for the form
    as a whole, such as a section that does not exist)."""
    path = problem.path
    if path[:1] in (("conclusion",), ("next_steps",)):
        return str(path[0])
    if len(path) == 2 and path[0] == "observations" and problem.code != "not_a_recommendation":
        return OBSERVATION + str(path[1])
    if len(path) == 2 and path[0] == "reflections" and problem.code != "unknown_reflection":
        return REFLECTION + str(path[1])
    return ""


def errors_by_field(problems: Sequence[Problem], message) -> dict[str, list[str]]:
    """Field name → its messages (``message(problem)``), for the page and the JSON answer."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(field_of(problem), []).append(message(problem))
    return errors


def values_of(texts: ReportTexts | Mapping[str, str]) -> dict[str, str]:
    """The fields' values: what was stored, or what was typed (a refused form)."""
    if isinstance(texts, Mapping):
        return dict(texts)
    values = {"conclusion": texts.conclusion, "next_steps": texts.next_steps}
    values.update({OBSERVATION + k: v for k, v in texts.observations.items()})
    values.update({REFLECTION + k: v for k, v in texts.reflections.items()})
    return values


__all__ = ["CHAIN_SECTIONS", "REFLECTION_IDS", "REFLECTION_QUESTIONS", "SECTION_NAMES",
           "errors_by_field", "texts_from_form", "values_of"]
