"""Assessments and their members: create, find by link, join, answer, submit, close.

The views stay thin: they validate input with forms.py and call these
functions. Every function that writes does one short transaction and commits,
so a team pressing Next together never holds SQLite's write lock for long.
:func:`results` is the one place where stored answers meet scoring.py: the
results page and the PDF both call it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from selfcheck.core import scoring
from selfcheck.core.content import Questionnaire, Theme, document_hash, parse_questionnaire
from selfcheck.core.tokens import (
    hash_token,
    join_code_for,
    join_token_for,
    matches,
    new_token,
    normalise_code,
)
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

_questionnaires: dict[str, Questionnaire] = {}


def questionnaire_of(assessment: Assessment) -> Questionnaire:
    """The questionnaire snapshot the assessment was created with (parsed once per hash)."""
    key = assessment.questionnaire_hash
    if key not in _questionnaires:
        _questionnaires[key] = parse_questionnaire(assessment.questionnaire)
    return _questionnaires[key]


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
    """Give a new assessment a short join code no other assessment has (see tokens.py)."""
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
    found = _by_token(session, Assessment, Assessment.join_code_hash, code)
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
    session.add(assessment)
    if commit:
        session.commit()
    else:
        session.flush()
    return assessment, links


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def add_members(session: Session, assessment: Assessment, members) -> int:
    """Add submitted members from a CSV import, all in one commit."""
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
            selectinload(Assessment.decisions), selectinload(Assessment.actions))


def load_whole(session: Session, assessment_id: int) -> Assessment | None:
    return session.scalars(select(Assessment).where(Assessment.id == assessment_id)
                           .options(*whole_assessment())).one_or_none()


def _by_token(session: Session, model, column, token: str, options=()):
    if not token or len(token) > 100:
        return None
    found = session.scalars(select(model).where(column == hash_token(token))
                            .options(*options)).first()
    if found is None or not matches(token, getattr(found, column.key)):
        return None
    return found


def find_by_facilitator_token(session: Session, token: str, whole: bool = True
                              ) -> Assessment | None:
    """The assessment of a facilitator link, loaded whole: its pages read every part of it.

    ``whole=False`` reads the one row, for a page that may need nothing else, such as a
    cached PDF."""
    options = whole_assessment() if whole else ()
    return _by_token(session, Assessment, Assessment.facilitator_token_hash, token, options)


def find_by_join_token(session: Session, token: str) -> Assessment | None:
    return _by_token(session, Assessment, Assessment.join_token_hash, token)


def find_participant(session: Session, token: str) -> Participant | None:
    """A member by their personal link, with the assessment, answers and comments that every
    member page reads, in three statements. The questionnaire snapshot (about 46 KB of JSON)
    is not read: questionnaire_of parses it once per hash and keeps it."""
    return _by_token(session, Participant, Participant.resume_token_hash, token, (
        joinedload(Participant.assessment),
        selectinload(Participant.answers), selectinload(Participant.comments)))


def join(session: Session, assessment: Assessment, display_name: str | None) -> tuple[
    Participant, str
]:
    """Add a member; returns the member and their secret resume token."""
    token = new_token()
    name = None if assessment.anonymous else (display_name or "").strip() or None
    participant = Participant(
        assessment_id=assessment.id, resume_token_hash=hash_token(token), display_name=name
    )
    session.add(participant)
    session.commit()
    return participant, token


# ----------------------------------------------------------------------- answers


def answers_of(participant: Participant) -> dict[str, int | None]:
    """question id → value (None: "don't know") for every statement the member answered."""
    return {answer.question_id: answer.value for answer in participant.answers}


def comment_of(participant: Participant, theme_id: str) -> str:
    for comment in participant.comments:
        if comment.theme_id == theme_id:
            return comment.text
    return ""


def theme_complete(participant_answers: Mapping[str, int | None], theme: Theme) -> bool:
    return all(q.id in participant_answers for q in theme.questions)


def save_step(
    session: Session,
    participant: Participant,
    theme: Theme,
    values: Mapping[str, int | None],
    comment: str | None,
) -> None:
    """Upsert the member's answers to a theme's statements, and the comment, in one commit.

    Only statements of ``theme`` are accepted (the caller has validated the
    values); saving the same step twice updates the rows, never duplicates them.
    Two saves racing for the same member (a double click) meet the unique
    constraint: the loser rolls back and applies its values over the winner's.
    """
    allowed = {q.id for q in theme.questions}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not statements of {theme.id}: {sorted(unknown)}")
    for attempt in range(2):
        _apply_step(participant, theme, values, comment)
        try:
            session.commit()
            return
        except IntegrityError:
            session.rollback()
            if attempt:
                raise
            session.refresh(participant)


def _apply_step(
    participant: Participant, theme: Theme, values: Mapping[str, int | None], comment: str | None
) -> None:
    now = utcnow()
    existing = {a.question_id: a for a in participant.answers}
    for question_id, value in values.items():
        answer = existing.get(question_id)
        if answer is None:
            participant.answers.append(
                Answer(question_id=question_id, value=value, updated_at=now)
            )
        elif answer.value != value:
            answer.value = value
            answer.updated_at = now
    if comment is None:
        return
    text = comment.strip()
    current = next((c for c in participant.comments if c.theme_id == theme.id), None)
    if text and current is None:
        participant.comments.append(ThemeComment(theme_id=theme.id, text=text, updated_at=now))
    elif text and current.text != text:
        current.text = text
        current.updated_at = now
    elif not text and current is not None:
        participant.comments.remove(current)


def submit(session: Session, participant: Participant) -> None:
    if participant.submitted_at is None:
        participant.submitted_at = utcnow()
    session.commit()


def set_open(session: Session, assessment: Assessment, is_open: bool) -> None:
    """Open or close answering. Closing stops answers and joins, never the workshop."""
    assessment.status = "open" if is_open else "closed"
    assessment.closed_at = None if is_open else utcnow()
    session.commit()


# ----------------------------------------------------------------------- the team


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


def set_workshop_theme(session: Session, assessment: Assessment, theme_id: str) -> None:
    """Remember where the facilitator is, so the presenter view can follow."""
    if assessment.workshop_theme_id != theme_id:
        assessment.workshop_theme_id = theme_id
        session.commit()


# ----------------------------------------------------------------------- results


def submitted(assessment: Assessment) -> list[Participant]:
    return [p for p in assessment.participants if p.submitted_at is not None]


def results(assessment: Assessment) -> scoring.AssessmentResult:
    """The assessment's scores: submitted members' answers and the team's consensus."""
    members = [answers_of(p) for p in submitted(assessment)]
    return scoring.score_assessment(questionnaire_of(assessment), members,
                                    consensus_of(assessment))


def consensus_of(assessment: Assessment) -> dict[str, float]:
    return {d.theme_id: d.consensus for d in assessment.decisions if d.consensus is not None}


def member_sees_team_results(participant: Participant) -> bool:
    """Members see the team's results after submitting, or once revealed (per assessment)."""
    if participant.submitted_at is None:
        return False
    assessment = participant.assessment
    return assessment.reveal == "after_submit" or assessment.revealed_at is not None


def set_revealed(session: Session, assessment: Assessment, revealed: bool) -> None:
    assessment.revealed_at = utcnow() if revealed else None
    session.commit()


# ----------------------------------------------------------------------- workshop


def decision_for(assessment: Assessment, theme_id: str) -> ThemeDecision | None:
    return next((d for d in assessment.decisions if d.theme_id == theme_id), None)


def save_decision(
    session: Session,
    assessment: Assessment,
    theme_id: str,
    *,
    consensus: float | None,
    note: str,
    agreed_to_disagree: bool,
) -> None:
    """Record, change or clear (all fields empty) the team's view on one theme."""
    note = note.strip()
    decision = decision_for(assessment, theme_id)
    if consensus is None and not note and not agreed_to_disagree:
        if decision is not None:
            assessment.decisions.remove(decision)
    else:
        if decision is None:
            decision = ThemeDecision(theme_id=theme_id)
            assessment.decisions.append(decision)
        decision.consensus = consensus
        decision.note = note
        decision.agreed_to_disagree = agreed_to_disagree
        decision.updated_at = utcnow()
    session.commit()


def add_action(session: Session, assessment: Assessment, theme_id: str, *, text: str,
               owner: str = "", due_date=None, status: str = "planned",
               suggestion_id: str | None = None) -> Action:
    action = Action(theme_id=theme_id, text=text.strip(), owner=owner.strip(),
                    due_date=due_date, status=status, suggestion_id=suggestion_id)
    assessment.actions.append(action)
    session.commit()
    return action


def find_action(assessment: Assessment, action_id: int) -> Action | None:
    return next((a for a in assessment.actions if a.id == action_id), None)


def update_action(session: Session, action: Action, *, text: str, owner: str, due_date,
                  status: str) -> None:
    action.text = text.strip()
    action.owner = owner.strip()
    action.due_date = due_date
    action.status = status
    action.updated_at = utcnow()
    session.commit()


def delete_action(session: Session, assessment: Assessment, action: Action) -> None:
    assessment.actions.remove(action)
    session.commit()


@dataclass(frozen=True)
class Comment:
    author: str | None
    text: str


def comments_by_theme(assessment: Assessment) -> dict[str, list[Comment]]:
    """Submitted members' comments per theme; never a name in an anonymous assessment."""
    by_theme: dict[str, list[Comment]] = {}
    for participant in submitted(assessment):
        author = None if assessment.anonymous else participant.display_name
        for comment in participant.comments:
            by_theme.setdefault(comment.theme_id, []).append(Comment(author, comment.text))
    if assessment.anonymous:
        # Member order would let a reader link one person's comments across themes.
        for comments in by_theme.values():
            comments.sort(key=lambda c: c.text.casefold())
    return by_theme


def start_follow_up(session: Session, assessment: Assessment,
                    document: Mapping[str, Any]) -> tuple[Assessment, Links]:
    """A new assessment of the same team, linked to this closed one to show progress.

    It uses the current questionnaire file; changes are matched by theme id.
    """
    if assessment.is_open:
        raise ValueError("close the assessment before starting a follow-up")
    return create_assessment(
        session, document, organisation=assessment.organisation, team=assessment.team,
        language=assessment.language, anonymous=assessment.anonymous,
        reveal=assessment.reveal, previous=assessment)
