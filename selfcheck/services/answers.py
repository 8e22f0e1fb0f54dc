"""A member's answers: joining, saving a step, submitting.

Each step is one short transaction; saving the same step twice updates the rows, never
duplicates them.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from selfcheck.core.content import Theme
from selfcheck.core.tokens import (
    hash_token,
    new_token,
)
from selfcheck.exchange.problems import ExchangeError
from selfcheck.limits import MEMBERS_MAX
from selfcheck.models import (
    Answer,
    Assessment,
    Participant,
    ThemeComment,
    utcnow,
)


def check_room_for_member(assessment: Assessment) -> None:
    """An assessment holds at most limits.MEMBERS_MAX members, however they arrive."""
    if len(assessment.participants) >= MEMBERS_MAX:
        raise ExchangeError.one("members_full", count=MEMBERS_MAX)


def join(session: Session, assessment: Assessment, display_name: str | None) -> tuple[
    Participant, str
]:
    """Add a member; returns the member and their secret resume token. Refused
    (``members_full``) when the assessment holds the most members it can."""
    check_room_for_member(assessment)
    token = new_token()
    name = None if assessment.anonymous else (display_name or "").strip() or None
    participant = Participant(resume_token_hash=hash_token(token), display_name=name)
    # Through the relationship, which the room check has loaded: it stays true in this session.
    assessment.participants.append(participant)
    session.commit()
    return participant, token


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
