"""Every change to what an assessment's report shows bumps its revision number.

The PDF cache is keyed on (assessment, revision, language, day, templates), so a cached
download costs one statement, the lookup, instead of loading the whole assessment to hash
it. One flush hook catches every change made through the ORM, wherever it is made: a new
answer or comment, a member removed, a decision, an action, closing or reopening, access
that changes whose branding the report carries. Moving the workshop to another
recommendation does not count: the report does not show it. A change also bumps the
follow-ups that show this assessment as their history. The consultant's own words
(ReportText) count too, for the assessment's report or the organisation's.

An organisation has a revision of its own, for what the chain's report shows beyond its
teams: its name, its levels and its texts. The chain's PDF is keyed on it and on the
revisions of its teams (web/organisations/routes.py).
"""

from __future__ import annotations

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from selfcheck.limits import HISTORY_MAX
from selfcheck.models import (
    Access,
    Action,
    Answer,
    Assessment,
    Level,
    Organisation,
    Participant,
    ReportText,
    ThemeComment,
    ThemeDecision,
    team_ids,
)

#: Assessment columns the report does not show; changing only these is not a new revision.
UNSHOWN = frozenset({"workshop_theme_id", "revision", "facilitator_token_sealed"})
#: Likewise for an organisation: its revision, and the sealed link an account keeps.
ORGANISATION_UNSHOWN = frozenset({"revision", "token_sealed"})


def install(factory: sessionmaker) -> None:
    event.listen(factory, "before_flush", _before_flush)


def bump(session: Session, assessment_ids: set[int]) -> None:
    """Give these assessments (and their follow-ups) a new revision, in this flush."""
    ids = set(assessment_ids)
    frontier = set(ids)
    for _ in range(HISTORY_MAX):
        if not frontier:
            break
        with session.no_autoflush:
            frontier = set(session.scalars(select(Assessment.id).where(
                Assessment.previous_id.in_(frontier)))) - ids
        ids |= frontier
    for assessment_id in sorted(ids):
        with session.no_autoflush:
            assessment = session.get(Assessment, assessment_id)
        if assessment is not None:
            assessment.revision = Assessment.revision + 1  # atomic in SQL


def bump_organisations(session: Session, organisation_ids: set[int]) -> None:
    """Give these organisations a new revision, in this flush."""
    for organisation_id in sorted(organisation_ids):
        with session.no_autoflush:
            organisation = session.get(Organisation, organisation_id)
        if organisation is not None:
            organisation.revision = Organisation.revision + 1  # atomic in SQL


def _before_flush(session: Session, _context, _instances) -> None:
    changed: set[int] = set()
    organisations: set[int] = set()
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            changed |= _assessments_touched(session, obj)
            organisations |= _organisations_touched(session, obj)
    if changed:
        bump(session, changed)
    if organisations:
        bump_organisations(session, organisations)


def _changed_columns(session: Session, obj, unshown: frozenset[str]) -> bool:
    """Whether a dirty row changed a column other than ``unshown`` ones."""
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes()
               for name in [prop.key for prop in state.mapper.column_attrs]
               if name not in unshown)


def _organisations_touched(session: Session, obj) -> set[int]:
    if isinstance(obj, Organisation):
        if obj in session.new or obj in session.deleted or obj.id is None:
            return set()
        return {obj.id} if _changed_columns(session, obj, ORGANISATION_UNSHOWN) else set()
    if isinstance(obj, Level):
        organisation_id = obj.organisation_id if obj.organisation_id is not None \
            else getattr(obj.organisation, "id", None)
        return _one(organisation_id)
    if isinstance(obj, ReportText):
        return _one(obj.organisation_id if obj.organisation_id is not None
                    else getattr(obj.organisation, "id", None))
    return set()


def _assessments_touched(session: Session, obj) -> set[int]:
    if isinstance(obj, Assessment):
        if obj in session.new or obj.id is None:
            return set()
        if obj in session.dirty and not _changed_columns(session, obj, UNSHOWN):
            return set()
        return {obj.id} if obj not in session.deleted else set()
    if isinstance(obj, Participant):
        return _one(obj.assessment_id if obj.assessment_id is not None
                    else getattr(obj.assessment, "id", None))
    if isinstance(obj, (Answer, ThemeComment)):
        participant = obj.participant if obj.participant_id is None else session.get(
            Participant, obj.participant_id)
        if participant is None:
            return set()
        return _one(participant.assessment_id if participant.assessment_id is not None
                    else getattr(participant.assessment, "id", None))
    if isinstance(obj, (ThemeDecision, Action, ReportText)):
        return _one(obj.assessment_id if obj.assessment_id is not None
                    else getattr(obj.assessment, "id", None))
    if isinstance(obj, Access):  # the owner decides whose branding the report carries
        if obj.assessment_id is not None:
            return {obj.assessment_id}
        if obj.organisation_id is not None:
            return set(session.scalars(team_ids(obj.organisation_id)))
    return set()


def _one(assessment_id: int | None) -> set[int]:
    return {assessment_id} if assessment_id is not None else set()
