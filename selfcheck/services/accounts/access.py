"""Who may do what: the one place every access check goes through.

Three kinds of visitor reach an assessment's facilitator pages:

- ``owner``: an account that owns the assessment, or the organisation it is a team of;
- ``facilitator``: an account the owner gave access;
- ``link``: whoever holds the facilitator link (or an organisation's link), with or without
  an account. A link is a key; it works exactly as before accounts existed.

Owners share, brand and delete, and get the facilitator links of the teams they add to an
organisation (:func:`sees_team_secrets`). Everyone else runs the assessment or the chain.
Access to an organisation covers each of its teams (``covers_teams``), except when it came
from holding the organisation's link, which never opened a team's page; a team can also be
shared on its own.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from selfcheck.models import Access, Account, Assessment, Level, Organisation

OWNER = "owner"
FACILITATOR = "facilitator"
LINK = "link"
ROLES = (OWNER, FACILITATOR)

#: What each role may do.
PERMISSIONS: dict[str, frozenset[str]] = {
    "facilitate": frozenset({OWNER, FACILITATOR, LINK}),
    "share": frozenset({OWNER}),
    "brand": frozenset({OWNER}),
    "delete": frozenset({OWNER}),
}

_RANK = {None: 0, LINK: 1, FACILITATOR: 2, OWNER: 3}


def allowed(role: str | None, action: str) -> bool:
    """Whether ``role`` may do ``action`` (a key of PERMISSIONS)."""
    return role in PERMISSIONS[action]


def sees_team_secrets(role: str | None, *, by_link: bool) -> bool:
    """Whether the page shown after adding teams to an organisation shows (and downloads) the
    new teams' facilitator links: to the organisation's owners, and to whoever opened it by
    its link, the owner's key where nobody has an account. A facilitator the owners gave
    access runs the chain (teams, levels, follow-up) but gets no team's facilitator link."""
    return role == OWNER or by_link


def stronger(*roles: str | None) -> str | None:
    return max(roles, key=_RANK.__getitem__)


def organisation_id_of(session: Session, assessment: Assessment) -> int | None:
    if assessment.level_id is None:
        return None
    return session.scalar(select(Level.organisation_id).where(Level.id == assessment.level_id))


def role_on_assessment(session: Session, account: Account | None,
                       assessment: Assessment) -> str | None:
    """The account's role on the assessment: its own access, or its organisation's."""
    if account is None:
        return None
    organisation_id = organisation_id_of(session, assessment)
    through_organisation = ((Access.organisation_id == organisation_id) & Access.covers_teams
                            if organisation_id is not None else False)
    rows = session.execute(select(Access.role).where(
        Access.account_id == account.id,
        (Access.assessment_id == assessment.id) | through_organisation)).all()
    return stronger(None, *(role for (role,) in rows))


def role_on_organisation(session: Session, account: Account | None,
                         organisation: Organisation) -> str | None:
    if account is None:
        return None
    return session.scalar(select(Access.role).where(
        Access.account_id == account.id, Access.organisation_id == organisation.id))


def teams_opened_by(session: Session, account: Account, organisation: Organisation,
                    teams: list[Assessment]) -> set[int]:
    """Which of ``teams`` (of ``organisation``) the account may facilitate, in two statements."""
    covered = session.scalar(select(Access.id).where(
        Access.account_id == account.id, Access.organisation_id == organisation.id,
        Access.covers_teams))
    if covered is not None:
        return {team.id for team in teams}
    ids = [team.id for team in teams]
    return set(session.scalars(select(Access.assessment_id).where(
        Access.account_id == account.id, Access.assessment_id.in_(ids)))) if ids else set()


def access_rows(session: Session, target: Assessment | Organisation) -> list[Access]:
    """Everyone with access to ``target`` itself, owners first, then by e-mail address."""
    rows = session.scalars(select(Access).join(Account).where(_on(target)).order_by(
        Access.role.desc(), Account.email)).all()
    return list(rows)


def _on(target: Assessment | Organisation):
    if isinstance(target, Organisation):
        return Access.organisation_id == target.id
    return Access.assessment_id == target.id
