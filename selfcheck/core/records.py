"""The plain data an assessment or organisation is read into, independent of the database.

Reports, tables and the progress view work from these records (built by exchange/ from an
export document), so the web download and the offline commands give the same output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from selfcheck.core.chain import ChainResult
from selfcheck.core.content import Questionnaire


@dataclass(frozen=True)
class MemberData:
    id: str
    name: str | None
    submitted: bool
    answers: Mapping[str, int | None]
    comments: Mapping[str, str]


@dataclass(frozen=True)
class DecisionData:
    theme_id: str
    consensus: float | int | None
    note: str
    agreed_to_disagree: bool


class Decision(Protocol):
    """A team's decision on a theme: a :class:`DecisionData` or a stored one (models.py)."""

    theme_id: str
    consensus: float | int | None


def consensus_by_theme(decisions: Iterable[Decision]) -> dict[str, float]:
    """Theme id → the team's agreed score, for the themes where one is recorded.

    What scoring.score_assessment takes as ``consensus``: the pages (from the database) and
    the reports (from an export) both read it from their decisions with this function.
    """
    return {d.theme_id: d.consensus for d in decisions if d.consensus is not None}


@dataclass(frozen=True)
class ActionData:
    theme_id: str
    text: str
    owner: str
    due_date: str | None
    status: str
    suggestion_id: str | None


@dataclass(frozen=True)
class HistoryEntry:
    """An earlier assessment of the same team: its results, not its answers."""

    created_at: str
    closed_at: str | None
    overall: Fraction | None
    scores: Mapping[str, Fraction | None]
    consensus: Mapping[str, Fraction]
    actions: tuple[ActionData, ...]
    # Statement id → (theme id, mean raw answer); empty in exports made before statements were
    # carried. Follow-ups compare statements by id: an id only lives while its meaning does.
    statements: Mapping[str, tuple[str, Fraction | None]] = field(default_factory=dict)
    # How many members had submitted then; None in exports made before it was carried.
    respondents: int | None = None


# The team's three reflection questions, as ledelsesevaluering.dk asks them (issue 19):
# what surprised you positively, what is most relevant to you, what do you want to learn more
# about. The ids are stored and exported; the wording lives in the templates' catalogs.
REFLECTION_IDS = ("surprised", "relevant", "learn_more")

# The parts of a report a consultant may leave out, in the order the full report prints them.
# Cover and method are always there: the cover says whose report it is, the method how to read it.
REPORT_SECTIONS = ("conclusion", "summary", "plan", "progress", "themes", "comments",
                   "reflections", "next_steps")


@dataclass(frozen=True)
class ReportTexts:
    """The consultant's own words in a report: written on the "Rapport" page, carried in the
    export, printed in the PDF, the summary and the Word file. Empty texts print nothing."""

    conclusion: str = ""  # "Konsulentens vurdering", at the top
    observations: Mapping[str, str] = field(default_factory=dict)  # theme id → observation
    next_steps: str = ""
    reflections: Mapping[str, str] = field(default_factory=dict)  # REFLECTION_IDS → answer
    sections: tuple[str, ...] = REPORT_SECTIONS  # what the report holds, in REPORT_SECTIONS

    def shows(self, section: str) -> bool:
        return section in self.sections

    def observation(self, theme_id: str) -> str:
        return self.observations.get(theme_id, "")

    @property
    def has_reflections(self) -> bool:
        return any(self.reflections.get(r) for r in REFLECTION_IDS)


@dataclass(frozen=True)
class AssessmentData:
    """Everything a report shows, independent of the database."""

    organisation: str
    team: str
    language: str
    anonymous: bool
    status: str
    created_at: str
    closed_at: str | None
    questionnaire: Questionnaire
    questionnaire_document: Mapping[str, Any]
    members: tuple[MemberData, ...]
    # The conditions that held for the team (None: all), which ``questionnaire`` already
    # follows: it holds only the statements the team was asked.
    conditions: tuple[str, ...] | None = None
    decisions: tuple[DecisionData, ...] = ()
    actions: tuple[ActionData, ...] = ()
    history: tuple[HistoryEntry, ...] = ()  # earlier assessments, oldest first
    report: ReportTexts = ReportTexts()

    @property
    def consensus(self) -> dict[str, float]:
        return consensus_by_theme(self.decisions)

    def decision(self, theme_id: str) -> DecisionData | None:
        return next((d for d in self.decisions if d.theme_id == theme_id), None)

    @property
    def submitted_members(self) -> tuple[MemberData, ...]:
        return tuple(m for m in self.members if m.submitted)


@dataclass(frozen=True)
class LevelData:
    name_da: str
    name_en: str
    teams: tuple[AssessmentData, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_da


@dataclass(frozen=True)
class OrganisationData:
    name: str
    language: str
    created_at: str
    levels: tuple[LevelData, ...]
    report: ReportTexts = ReportTexts()  # the organisation's own texts, for the chain's report

    @property
    def questionnaire(self) -> Questionnaire | None:
        for level in self.levels:
            for team in level.teams:
                return team.questionnaire
        return None


@dataclass(frozen=True)
class ChainLevel:
    name_da: str
    name_en: str
    conditions: tuple[str, ...] | None  # None: every condition holds

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_da


@dataclass(frozen=True)
class ChainData:
    """A leadership chain's comparison, independent of the database: what the organisation's
    page shows and its report prints (exchange/chain.py), and nothing more."""

    name: str
    language: str
    created_at: str
    levels: tuple[ChainLevel, ...]
    questionnaire: Questionnaire
    result: ChainResult
    report: ReportTexts = ReportTexts()
