"""Assessments and their teams: create, find by link or code, import, follow up, close.

The views stay thin: they validate input with their forms and call these functions. Every
function that writes does one short transaction and commits, so a team pressing Next together
never holds SQLite's write lock for long.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from selfcheck.core.content import Questionnaire, document_hash, parsed_snapshot
from selfcheck.core.tokens import (
    hash_token,
    join_code_for,
    join_token_for,
    new_token,
    normalise_code,
)
from selfcheck.exchange.problems import ExchangeError
from selfcheck.limits import MEMBERS_MAX
from selfcheck.models import (
    Action,
    Answer,
    Assessment,
    Participant,
    QuestionnaireSnapshot,
    ThemeComment,
    ThemeDecision,
    utcnow,
)
from selfcheck.services import report_texts
from selfcheck.services.secrets import find_by_secret


def questionnaire_of(assessment: Assessment) -> Questionnaire:
    """The questionnaire snapshot the assessment was created with (parsed once per hash), as
    the team answers it: only the statements that apply to it (Assessment.conditions)."""
    return parsed_snapshot(assessment.questionnaire_hash, lambda: assessment.questionnaire,
                           assessment.condition_set)


@dataclass(frozen=True)
class Links:
    """The secret tokens of a new assessment; they exist only here and in the links."""

    facilitator_token: str
    join_token: str


def create_assessment(
    session: Session,
    document: Mapping[str, Any],
    *,
    organisation: str,
    team: str,
    language: str,
    anonymous: bool,
    reveal: str = "when_revealed",
    previous: Assessment | None = None,
) -> tuple[Assessment, Links]:
    assessment, links = _new_assessment(session, document, organisation=organisation,
                                        team=team, language=language, anonymous=anonymous,
                                        reveal=reveal, previous=previous)
    assign_join_code(session, assessment, links.facilitator_token)
    session.add(assessment)
    session.commit()
    return assessment, links


def assign_join_code(session: Session, assessment: Assessment, facilitator_token: str) -> None:
    """Give a new assessment a short join code no other assessment has (see core/tokens.py)."""
    for attempt in range(100):
        code_hash = hash_token(join_code_for(facilitator_token, attempt))
        taken = session.scalar(select(Assessment.id).where(Assessment.join_code_hash == code_hash))
        if taken is None:
            assessment.join_code_hash = code_hash
            assessment.join_code_attempt = attempt
            return
    raise RuntimeError("no free join code after 100 attempts")  # 19⁸ codes: never in practice


def join_code_of(assessment: Assessment, facilitator_token: str) -> str | None:
    """The assessment's join code, shown to the facilitator; None for an old assessment."""
    if assessment.join_code_hash is None:
        return None
    return join_code_for(facilitator_token, assessment.join_code_attempt)


def find_by_join_code(session: Session, typed: str) -> Assessment | None:
    """The open assessment a typed code joins; a closed assessment's code has expired."""
    code = normalise_code(typed)
    if code is None:
        return None
    found = find_by_secret(session, Assessment, Assessment.join_code_hash, code)
    return found if found is not None and found.is_open else None


def store_snapshot(session: Session, document: Mapping[str, Any]) -> str:
    """Make sure the questionnaire is stored (once per distinct file); returns its hash.

    INSERT … ON CONFLICT DO NOTHING, so two requests storing the same file at the same
    moment do not clash (SQLite and PostgreSQL both have it)."""
    key = document_hash(document)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(QuestionnaireSnapshot).values(hash=key, document=dict(document))
                    .on_conflict_do_nothing(index_elements=["hash"]))
    return key


def _new_assessment(session: Session, document: Mapping[str, Any], *, organisation: str,
                    team: str,
                    language: str, anonymous: bool, reveal: str = "when_revealed",
                    previous: Assessment | None = None,
                    facilitator_token: str | None = None) -> tuple[Assessment, Links]:
    """A new, not yet saved assessment with fresh tokens (or the facilitator token given)."""
    facilitator_token = facilitator_token or new_token()
    join_token = join_token_for(facilitator_token)
    assessment = Assessment(
        organisation=organisation.strip(),
        team=team.strip(),
        language=language,
        anonymous=anonymous,
        reveal=reveal,
        status="open",
        questionnaire_hash=store_snapshot(session, document),
        previous_id=previous.id if previous else None,
        facilitator_token_hash=hash_token(facilitator_token),
        join_token_hash=hash_token(join_token),
    )
    return assessment, Links(facilitator_token, join_token)


def _member(assessment: Assessment, member, submitted_at=None,
            started_at=None) -> Participant:
    """A participant built from imported member data (exchange.MemberData)."""
    participant = Participant(
        resume_token_hash=hash_token(new_token()),
        display_name=None if assessment.anonymous else member.name,
        submitted_at=submitted_at,
    )
    if started_at is not None:
        participant.started_at = started_at
    participant.answers = [Answer(question_id=qid, value=value)
                           for qid, value in member.answers.items()]
    participant.comments = [ThemeComment(theme_id=tid, text=text)
                            for tid, text in member.comments.items()]
    return participant


def import_document(session: Session, document: Mapping[str, Any], data, *,
                    facilitator_token: str | None = None, commit: bool = True) -> tuple[
    Assessment, Links
]:
    """Create an assessment from a validated export (exchange.load_export), in one commit."""
    meta = document["assessment"]
    assessment, links = _new_assessment(
        session, data.questionnaire_document, organisation=data.organisation, team=data.team,
        language=data.language, anonymous=data.anonymous, facilitator_token=facilitator_token)
    assessment.status = data.status if data.status in ("open", "closed") else "open"
    assessment.conditions = None if data.conditions is None else list(data.conditions)
    assessment.created_at = datetime.fromisoformat(data.created_at)
    if data.closed_at:
        assessment.closed_at = datetime.fromisoformat(data.closed_at)
    if isinstance(meta.get("reveal"), str) and meta["reveal"] in ("after_submit",
                                                                  "when_revealed"):
        assessment.reveal = meta["reveal"]
    assign_join_code(session, assessment, links.facilitator_token)
    for raw, member in zip(document["members"], data.members, strict=True):
        assessment.participants.append(_member(
            assessment, member, _when(raw.get("submitted_at")), _when(raw.get("started_at"))))
    assessment.decisions = [ThemeDecision(theme_id=d.theme_id, consensus=d.consensus,
                                          note=d.note, agreed_to_disagree=d.agreed_to_disagree)
                            for d in data.decisions]
    assessment.actions = [Action(theme_id=a.theme_id, text=a.text, owner=a.owner,
                                 due_date=date.fromisoformat(a.due_date) if a.due_date else None,
                                 status=a.status, suggestion_id=a.suggestion_id)
                          for a in data.actions]
    report_texts.restore(assessment, data.report)
    session.add(assessment)
    if commit:
        session.commit()
    else:
        session.flush()
    return assessment, links


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def add_members(session: Session, assessment: Assessment, members) -> int:
    """Add submitted members from a CSV import, all in one commit, or none when they do not
    fit (``no_room``: an assessment holds at most limits.MEMBERS_MAX members)."""
    room = MEMBERS_MAX - len(assessment.participants)
    if len(members) > room:
        raise ExchangeError.one("no_room", count=len(members), room=room, limit=MEMBERS_MAX)
    now = utcnow()
    for member in members:
        assessment.participants.append(_member(assessment, member, submitted_at=now))
    session.commit()
    return len(members)


def whole_assessment():
    """Load options for everything a facilitator's page, export or report reads: members with
    answers and comments, decisions and actions, in a fixed number of statements."""
    return (selectinload(Assessment.participants).options(
                selectinload(Participant.answers), selectinload(Participant.comments)),
            selectinload(Assessment.decisions), selectinload(Assessment.actions),
            selectinload(Assessment.report_text))


def load_whole(session: Session, assessment_id: int) -> Assessment | None:
    return session.scalars(select(Assessment).where(Assessment.id == assessment_id)
                           .options(*whole_assessment())).one_or_none()


def find_by_facilitator_token(session: Session, token: str, whole: bool = True
                              ) -> Assessment | None:
    """The assessment of a facilitator link, loaded whole: its pages read every part of it.

    ``whole=False`` reads the one row, for a page that may need nothing else, such as a
    cached PDF."""
    options = whole_assessment() if whole else ()
    return find_by_secret(session, Assessment, Assessment.facilitator_token_hash, token, options)


def find_by_join_token(session: Session, token: str) -> Assessment | None:
    return find_by_secret(session, Assessment, Assessment.join_token_hash, token)


def find_participant(session: Session, token: str) -> Participant | None:
    """A member by their personal link, with the assessment, answers and comments that every
    member page reads, in three statements. The questionnaire snapshot (about 46 KB of JSON)
    is not read: questionnaire_of parses it once per hash and keeps it."""
    return find_by_secret(session, Participant, Participant.resume_token_hash, token, (
        joinedload(Participant.assessment),
        selectinload(Participant.answers), selectinload(Participant.comments)))


def set_open(session: Session, assessment: Assessment, is_open: bool) -> None:
    """Open or close answering. Closing stops answers and joins, never the workshop."""
    assessment.status = "open" if is_open else "closed"
    assessment.closed_at = None if is_open else utcnow()
    session.commit()


def find_member(assessment: Assessment, member_id: int) -> Participant | None:
    return next((p for p in assessment.participants if p.id == member_id), None)


def remove_member(session: Session, assessment: Assessment, participant: Participant) -> None:
    """Remove a test or duplicate entry: its answers and comments leave every score.

    The PDF cache is keyed by the export's content, so the next report is new.
    """
    assessment.participants.remove(participant)  # delete-orphan: answers and comments go too
    session.commit()


def reissue_link(session: Session, participant: Participant) -> str:
    """A new personal link for a member who lost theirs; the old link stops working."""
    token = new_token()
    participant.resume_token_hash = hash_token(token)
    session.commit()
    return token


def start_follow_up(session: Session, assessment: Assessment,
                    document: Mapping[str, Any]) -> tuple[Assessment, Links]:
    """A new assessment of the same team, linked to this closed one to show progress.

    It uses the current questionnaire file; changes are matched by theme id.
    """
    if assessment.is_open:
        raise ExchangeError.one("follow_up_open")
    return create_assessment(
        session, document, organisation=assessment.organisation, team=assessment.team,
        language=assessment.language, anonymous=assessment.anonymous,
        reveal=assessment.reveal, previous=assessment)
