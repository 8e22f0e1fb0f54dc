"""Where stored answers meet scoring: the results page, the workshop and the PDF all call
:func:`results`, so they show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy.orm import Session, object_session

from selfcheck.core import presentation, scoring
from selfcheck.core.content import Questionnaire
from selfcheck.core.presentation import Comment
from selfcheck.core.records import consensus_by_theme
from selfcheck.models import Assessment, Participant
from selfcheck.services.answers import answers_of
from selfcheck.services.assessments import questionnaire_of


def submitted(assessment: Assessment) -> list[Participant]:
    return [p for p in assessment.participants if p.submitted_at is not None]


@dataclass(frozen=True)
class Participation:
    """How many members have joined (started) and how many have submitted their answers."""

    started: int
    submitted: int


def participation(assessment: Assessment) -> Participation:
    """The counts the dashboard, its live update and the invitation screen show."""
    return Participation(len(assessment.participants), len(submitted(assessment)))


def revision_key(session: Session | None, assessment_id: int | None,
                 revision: int | None) -> tuple[str, int, int] | None:
    """What a result computed from a stored assessment can be kept under: its database, its id
    and its revision, which changes with everything the results show (revisions.py). None for
    an assessment that is not stored, or not read through a session."""
    if session is None or assessment_id is None or revision is None:
        return None
    return str(session.get_bind().url), assessment_id, revision


#: Scores by revision_key: a result is scored once per change, so the workshop page, the
#: presenter view polling every few seconds and the PDF reuse it.
_scored: dict[tuple[str, int, int], scoring.AssessmentResult] = {}
SCORED_MAX = 512


def results(assessment: Assessment) -> scoring.AssessmentResult:
    """The assessment's scores: submitted members' answers and the team's consensus."""
    key = revision_key(object_session(assessment), assessment.id, assessment.revision)
    if key is not None and key in _scored:
        return _scored[key]
    members = [answers_of(p) for p in submitted(assessment)]
    result = scoring.score_assessment(questionnaire_of(assessment), members,
                                      consensus_of(assessment))
    if key is not None:
        if len(_scored) >= SCORED_MAX:
            _scored.clear()
        _scored[key] = result
    return result


def consensus_of(assessment: Assessment) -> dict[str, float]:
    return consensus_by_theme(assessment.decisions)


def member_sees_team_results(participant: Participant) -> bool:
    """Members see the team's results after submitting, or once revealed (per assessment)."""
    if participant.submitted_at is None:
        return False
    assessment = participant.assessment
    return assessment.reveal == "after_submit" or assessment.revealed_at is not None


def comments_by_theme(assessment: Assessment) -> dict[str, list[Comment]]:
    """Submitted members' comments per theme; never a name in an anonymous assessment
    (the order and the names as the PDF shows them: presentation.comments_by_theme)."""
    return presentation.comments_by_theme(
        ((p.display_name, [(c.theme_id, c.text) for c in p.comments])
         for p in submitted(assessment)),
        assessment.anonymous)


def own_scores(participant: Participant, questionnaire: Questionnaire
               ) -> dict[str, Fraction | None]:
    """A member's own score per theme (None where they answered none), for their results page."""
    answers = answers_of(participant)
    return {theme.id: scoring.member_theme_score(theme, answers, questionnaire.scale)
            for theme in questionnaire.themes}
