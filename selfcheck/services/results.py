"""Where stored answers meet scoring: the results page, the workshop and the PDF all call
:func:`results`, so they show the same numbers.
"""

from __future__ import annotations

from selfcheck.core import presentation, scoring
from selfcheck.core.presentation import Comment
from selfcheck.core.records import consensus_by_theme
from selfcheck.models import (
    Assessment,
    Participant,
)
from selfcheck.services.answers import answers_of
from selfcheck.services.assessments import questionnaire_of


def submitted(assessment: Assessment) -> list[Participant]:
    return [p for p in assessment.participants if p.submitted_at is not None]


def results(assessment: Assessment) -> scoring.AssessmentResult:
    """The assessment's scores: submitted members' answers and the team's consensus."""
    members = [answers_of(p) for p in submitted(assessment)]
    return scoring.score_assessment(questionnaire_of(assessment), members,
                                    consensus_of(assessment))


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
