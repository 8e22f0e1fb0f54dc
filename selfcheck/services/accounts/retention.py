"""Deleting assessments and organisations, and purging old closed ones.

Answers and comments are personal data (GDPR). Deleting an assessment removes its
members, answers, comments, decisions, actions, the report's texts, shares, invitations
and every cached PDF of it, in one commit, and reports what went so the page can say so. A follow-up
that built on a deleted assessment stays, without its history. The export is the
way to keep a copy. ``selfcheck purge`` applies ``SELFCHECK_RETENTION_DAYS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from selfcheck.dates import as_utc
from selfcheck.models import (
    Access,
    Action,
    Answer,
    Assessment,
    Branding,
    Invitation,
    Level,
    Organisation,
    Participant,
    ReportText,
    ThemeComment,
    ThemeDecision,
    team_ids,
)


class PDFCache(Protocol):
    """Where rendered PDFs are kept (report/cache.py's ReportCache): deleting an assessment
    removes every PDF rendered of it."""

    def scope(self, assessment_id: int) -> str: ...

    def organisation_scope(self, organisation_id: int) -> str: ...

    def forget(self, scope: str) -> int: ...


@dataclass
class Deleted:
    """How much was deleted, for the confirmation message and the purge's report."""

    assessments: int = 0
    organisations: int = 0
    members: int = 0
    answers: int = 0
    comments: int = 0
    decisions: int = 0
    actions: int = 0
    pdfs: int = 0
    names: list[str] = field(default_factory=list)

    def add(self, other: Deleted) -> None:
        for name in ("assessments", "organisations", "members", "answers", "comments",
                     "decisions", "actions", "pdfs"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.names.extend(other.names)


def _count(session: Session, statement) -> int:
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def _delete_assessments(session: Session, ids: list[int], cache: PDFCache | None) -> Deleted:
    """Delete the assessments ``ids`` and everything under them; no commit."""
    done = Deleted()
    if not ids:
        return done
    members = select(Participant.id).where(Participant.assessment_id.in_(ids))
    done.members = _count(session, members)
    done.answers = _count(session, select(Answer.id).where(Answer.participant_id.in_(members)))
    done.comments = _count(session, select(ThemeComment.id).where(
        ThemeComment.participant_id.in_(members)))
    done.decisions = _count(session, select(ThemeDecision.id).where(
        ThemeDecision.assessment_id.in_(ids)))
    done.actions = _count(session, select(Action.id).where(Action.assessment_id.in_(ids)))
    done.names = [f"{organisation} – {team}" for organisation, team in session.execute(
        select(Assessment.organisation, Assessment.team).where(Assessment.id.in_(ids)))]
    # Children first, explicitly: the same statements on SQLite and PostgreSQL, whatever
    # the database's own ON DELETE support.
    session.execute(delete(Answer).where(Answer.participant_id.in_(members)))
    session.execute(delete(ThemeComment).where(ThemeComment.participant_id.in_(members)))
    session.execute(delete(Participant).where(Participant.assessment_id.in_(ids)))
    session.execute(delete(ThemeDecision).where(ThemeDecision.assessment_id.in_(ids)))
    session.execute(delete(Action).where(Action.assessment_id.in_(ids)))
    session.execute(delete(ReportText).where(ReportText.assessment_id.in_(ids)))
    session.execute(delete(Access).where(Access.assessment_id.in_(ids)))
    session.execute(delete(Invitation).where(Invitation.assessment_id.in_(ids)))
    session.execute(update(Assessment).where(Assessment.previous_id.in_(ids))
                    .values(previous_id=None))
    session.execute(delete(Assessment).where(Assessment.id.in_(ids)))
    done.assessments = len(ids)
    if cache is not None:
        done.pdfs = sum(cache.forget(cache.scope(i)) for i in ids)
    return done


def delete_assessment(session: Session, assessment: Assessment,
                      cache: PDFCache | None) -> Deleted:
    done = _delete_assessments(session, [assessment.id], cache)
    session.commit()
    session.expunge_all()
    return done


def delete_organisation(session: Session, organisation: Organisation,
                        cache: PDFCache | None) -> Deleted:
    """The organisation, its levels, every team in it, its shares and its branding."""
    organisation_id, branding_id = organisation.id, organisation.branding_id
    teams = list(session.scalars(team_ids(organisation_id)))
    done = _delete_assessments(session, teams, cache)
    session.execute(delete(Access).where(Access.organisation_id == organisation_id))
    session.execute(delete(Invitation).where(Invitation.organisation_id == organisation_id))
    session.execute(update(Organisation).where(Organisation.previous_id == organisation_id)
                    .values(previous_id=None))
    session.execute(delete(ReportText).where(ReportText.organisation_id == organisation_id))
    session.execute(delete(Level).where(Level.organisation_id == organisation_id))
    session.execute(delete(Organisation).where(Organisation.id == organisation_id))
    if branding_id is not None:
        session.execute(delete(Branding).where(Branding.id == branding_id))
    if cache is not None:  # the chain's PDFs
        done.pdfs += cache.forget(cache.organisation_scope(organisation_id))
    done.organisations = 1
    session.commit()
    session.expunge_all()
    return done


def purge(session: Session, days: int, cache: PDFCache | None,
          now: datetime | None = None) -> Deleted:
    """Delete what has been closed for more than ``days`` days.

    A lone assessment goes when it was closed before the limit. An organisation goes as a
    whole once every team in it is closed and the last one closed before the limit; a team
    of an organisation that is still running stays with it.
    """
    now = now or datetime.now(UTC)
    limit = now - timedelta(days=days)
    done = Deleted()
    # Dates are compared in Python: SQLite keeps them as text, and the comparison must
    # mean the same on every database.
    lone = [assessment_id for assessment_id, closed_at in session.execute(
        select(Assessment.id, Assessment.closed_at).where(
            Assessment.level_id.is_(None), Assessment.status == "closed"))
            if closed_at is not None and as_utc(closed_at) < limit]
    done.add(_delete_assessments(session, lone, cache))
    session.commit()
    rows = session.execute(
        select(Level.organisation_id, Assessment.status, Assessment.closed_at)
        .join(Assessment, Assessment.level_id == Level.id)).all()
    latest: dict[int, datetime | None] = {}
    running: set[int] = set()
    for organisation_id, status, closed_at in rows:
        if status != "closed" or closed_at is None:
            running.add(organisation_id)
            continue
        closed_at = as_utc(closed_at)
        latest[organisation_id] = max(closed_at, latest.get(organisation_id) or closed_at)
    for organisation_id, closed_at in sorted(latest.items()):
        if organisation_id in running or closed_at >= limit:
            continue
        organisation = session.get(Organisation, organisation_id)
        done.add(delete_organisation(session, organisation, cache))
    return done
