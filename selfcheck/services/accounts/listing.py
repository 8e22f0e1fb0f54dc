"""The workspace list: every organisation and assessment an account holds, newest activity first.

The list is read in a fixed number of statements (aggregates grouped per organisation and
per assessment), however many teams and members there are: a consultant with forty
clients must not wait for four thousand lazy loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from selfcheck.dates import as_utc
from selfcheck.models import Access, Account, Answer, Assessment, Level, Organisation, Participant

STATUSES = ("open", "closed")


@dataclass(frozen=True)
class Item:
    kind: str  # "organisation" or "assessment"
    id: int
    client: str  # the organisation's name: what a consultant calls a client
    name: str  # the team's name; for an organisation, its name again
    role: str
    status: str  # "open" or "closed"
    teams: int  # teams in an organisation (1 for an assessment)
    open_teams: int
    joined: int
    submitted: int
    last_answer: datetime | None
    created_at: datetime

    @property
    def key(self) -> str:
        """The facilitator key in the URL (/f/a12, /o/a3): works only with this login."""
        return f"a{self.id}"

    @property
    def activity(self) -> datetime:
        return max(d for d in (self.last_answer, self.created_at) if d is not None)


def items(session: Session, account: Account, *, client: str | None = None,
          status: str | None = None) -> list[Item]:
    """The account's organisations and assessments, filtered, newest activity first."""
    found = _organisations(session, account) + _assessments(session, account)
    if client:
        found = [item for item in found if item.client == client]
    if status in STATUSES:
        found = [item for item in found if item.status == status]
    return sorted(found, key=lambda item: (item.activity, item.id), reverse=True)


def clients(session: Session, account: Account) -> list[str]:
    """The distinct client names, for the filter."""
    names = {item.client for item in _organisations(session, account)
             + _assessments(session, account)}
    return sorted(names, key=str.casefold)


def _organisations(session: Session, account: Account) -> list[Item]:
    held = session.execute(select(Organisation, Access.role).join(
        Access, Access.organisation_id == Organisation.id).where(
        Access.account_id == account.id)).all()
    if not held:
        return []
    ids = [organisation.id for organisation, _role in held]
    teams = {row[0]: row[1:] for row in session.execute(
        select(Level.organisation_id, func.count(Assessment.id),
               func.coalesce(func.sum(case((Assessment.status == "open", 1), else_=0)), 0))
        .join(Assessment, Assessment.level_id == Level.id)
        .where(Level.organisation_id.in_(ids)).group_by(Level.organisation_id))}
    members = {row[0]: row[1:] for row in session.execute(
        select(Level.organisation_id, func.count(Participant.id),
               func.count(Participant.submitted_at))
        .join(Assessment, Assessment.level_id == Level.id)
        .join(Participant, Participant.assessment_id == Assessment.id)
        .where(Level.organisation_id.in_(ids)).group_by(Level.organisation_id))}
    last = dict(session.execute(
        select(Level.organisation_id, func.max(Answer.updated_at))
        .join(Assessment, Assessment.level_id == Level.id)
        .join(Participant, Participant.assessment_id == Assessment.id)
        .join(Answer, Answer.participant_id == Participant.id)
        .where(Level.organisation_id.in_(ids)).group_by(Level.organisation_id)).all())
    result = []
    for organisation, role in held:
        total, open_teams = teams.get(organisation.id, (0, 0))
        joined, submitted = members.get(organisation.id, (0, 0))
        result.append(Item(
            kind="organisation", id=organisation.id, client=organisation.name,
            name=organisation.name, role=role,
            status="open" if open_teams or not total else "closed",
            teams=total, open_teams=open_teams, joined=joined, submitted=submitted,
            last_answer=as_utc(last.get(organisation.id)),
            created_at=as_utc(organisation.created_at)))
    return result


def _assessments(session: Session, account: Account) -> list[Item]:
    """Assessments held directly, except teams of an organisation the account also holds."""
    held_organisations = select(Access.organisation_id).where(
        Access.account_id == account.id, Access.organisation_id.is_not(None))
    rows = session.execute(
        select(Assessment.id, Assessment.organisation, Assessment.team, Assessment.status,
               Assessment.created_at, Access.role)
        .join(Access, Access.assessment_id == Assessment.id)
        .outerjoin(Level, Level.id == Assessment.level_id)
        .where(Access.account_id == account.id,
               (Assessment.level_id.is_(None))
               | Level.organisation_id.not_in(held_organisations))).all()
    if not rows:
        return []
    ids = [row.id for row in rows]
    members = {row[0]: row[1:] for row in session.execute(
        select(Participant.assessment_id, func.count(Participant.id),
               func.count(Participant.submitted_at))
        .where(Participant.assessment_id.in_(ids)).group_by(Participant.assessment_id))}
    last = dict(session.execute(
        select(Participant.assessment_id, func.max(Answer.updated_at))
        .join(Answer, Answer.participant_id == Participant.id)
        .where(Participant.assessment_id.in_(ids)).group_by(Participant.assessment_id)).all())
    result = []
    for row in rows:
        joined, submitted = members.get(row.id, (0, 0))
        result.append(Item(
            kind="assessment", id=row.id, client=row.organisation, name=row.team,
            role=row.role, status=row.status, teams=1, open_teams=int(row.status == "open"),
            joined=joined, submitted=submitted, last_answer=as_utc(last.get(row.id)),
            created_at=as_utc(row.created_at)))
    return result
