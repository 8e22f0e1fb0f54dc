"""Giving accounts access, taking it away, invitations, and adding old links to a workspace.

A target is an assessment or an organisation. The last owner cannot be removed, so a
shared assessment is never left without someone who may delete it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from selfcheck.core.tokens import hash_token, matches, new_token, seal
from selfcheck.dates import as_utc
from selfcheck.models import Access, Account, Assessment, Invitation, Organisation, utcnow
from selfcheck.services.accounts.access import FACILITATOR, OWNER, ROLES, access_rows, stronger

INVITATION_DAYS = 7


class SharingError(ValueError):
    """A change to access that cannot be made; ``code`` names why (views translate it)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _target_columns(target: Assessment | Organisation) -> dict[str, int]:
    if isinstance(target, Organisation):
        return {"organisation_id": target.id}
    return {"assessment_id": target.id}


def _existing(session: Session, account: Account, target) -> Access | None:
    columns = _target_columns(target)
    return session.scalars(select(Access).where(
        Access.account_id == account.id,
        *(getattr(Access, key) == value for key, value in columns.items()))).first()


def _grant(session: Session, target, account: Account, role: str,
           covers_teams: bool = True) -> Access:
    """Give ``role`` (never lowering what the account already has); no commit."""
    if role not in ROLES:
        raise SharingError("role")
    access = _existing(session, account, target)
    if access is None:
        access = Access(account_id=account.id, role=role, covers_teams=covers_teams,
                        **_target_columns(target))
        session.add(access)
    else:
        access.role = stronger(access.role, role)
        access.covers_teams = access.covers_teams or covers_teams
    return access


def covers_teams(session: Session, account: Account, target) -> bool:
    """Whether the account's own access to ``target`` opens its teams (nobody can share
    more than they have)."""
    if not isinstance(target, Organisation):
        return True
    access = _existing(session, account, target)
    return bool(access and access.covers_teams)


def grant(session: Session, target, account: Account, role: str, by: Account) -> Access:
    """Give ``account`` a role on ``target``, as far as the giver's own access reaches."""
    access = _grant(session, target, account, role, covers_teams(session, by, target))
    session.commit()
    return access


def change_role(session: Session, access: Access, role: str) -> None:
    if role not in ROLES:
        raise SharingError("role")
    if access.role == OWNER and role != OWNER and _owner_count(session, access) == 1:
        raise SharingError("last_owner")
    access.role = role
    session.commit()


def revoke(session: Session, access: Access) -> None:
    if access.role == OWNER and _owner_count(session, access) == 1:
        raise SharingError("last_owner")
    session.delete(access)
    session.commit()


def _owner_count(session: Session, access: Access) -> int:
    column, value = ((Access.organisation_id, access.organisation_id)
                     if access.organisation_id is not None
                     else (Access.assessment_id, access.assessment_id))
    return session.scalar(select(func.count()).select_from(Access).where(
        column == value, Access.role == OWNER)) or 0


def has_owner(session: Session, target) -> bool:
    return any(row.role == OWNER for row in access_rows(session, target))


# ----------------------------------------------------------------- holding a link in an account

def hold(session: Session, target, account: Account, token: str, secret_key: str,
         *, created: bool = False) -> str:
    """Add an assessment or organisation whose link ``token`` the account holds.

    The account becomes the owner when nobody owns it yet (it was made before accounts, or
    without logging in), and a facilitator otherwise. The token is kept sealed, so the
    workspace can show the join link and code again. An organisation's link never opened
    its teams' pages, so holding it does not either, unless the account just ``created`` the
    organisation. Returns the role given.
    """
    role = FACILITATOR if has_owner(session, target) else OWNER
    _grant(session, target, account, role, covers_teams=created)
    sealed = seal(token, secret_key)
    if isinstance(target, Organisation):
        target.token_sealed = sealed
    else:
        target.facilitator_token_sealed = sealed
    session.commit()
    return _existing(session, account, target).role


def carry_access(session: Session, previous, follow_up, caller: Account | None, token: str,
                 secret_key: str) -> None:
    """Give a follow-up round the access its previous round had, and no more.

    Everyone with access to ``previous`` keeps the same role on ``follow_up`` (the owner
    stays the owner whoever pressed the button), and an organisation's access opens the new
    teams only where it opened the old ones. A follow-up never grants more than its caller
    had: a caller without an account's access on the previous round opened it by its link,
    which opens everything, and holds the new round as ``hold`` gives it. One commit."""
    rows = access_rows(session, previous)
    for row in rows:
        _grant(session, follow_up, row.account, row.role, covers_teams=row.covers_teams)
    if caller is not None and not any(row.account_id == caller.id for row in rows):
        hold(session, follow_up, caller, token, secret_key, created=True)
        return
    if rows:
        sealed = seal(token, secret_key)
        if isinstance(follow_up, Organisation):
            follow_up.token_sealed = sealed
        else:
            follow_up.facilitator_token_sealed = sealed
    session.commit()


# ---------------------------------------------------------------------------- invitations

def invite(session: Session, target, role: str, created_by: Account) -> str:
    """A one-time invitation link's token (shown once, stored hashed), valid for a week."""
    if role not in ROLES:
        raise SharingError("role")
    token = new_token()
    session.add(Invitation(token_hash=hash_token(token), role=role, created_by_id=created_by.id,
                           covers_teams=covers_teams(session, created_by, target),
                           expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
                           **_target_columns(target)))
    session.commit()
    return token


def find_invitation(session: Session, token: str) -> Invitation | None:
    """The invitation for ``token`` if it is still valid."""
    if not token or len(token) > 100:
        return None
    found = session.scalars(select(Invitation).where(
        Invitation.token_hash == hash_token(token))).first()
    if found is None or not matches(token, found.token_hash):
        return None
    if as_utc(found.expires_at) <= utcnow():
        return None
    return found


def accept(session: Session, invitation: Invitation, account: Account) -> Access:
    """Give the invitation's role to ``account`` and use the invitation up."""
    target = (session.get(Organisation, invitation.organisation_id)
              if invitation.organisation_id is not None
              else session.get(Assessment, invitation.assessment_id))
    access = _grant(session, target, account, invitation.role, invitation.covers_teams)
    session.delete(invitation)
    session.commit()
    return access


def target_of(session: Session, invitation: Invitation) -> Assessment | Organisation:
    if invitation.organisation_id is not None:
        return session.get(Organisation, invitation.organisation_id)
    return session.get(Assessment, invitation.assessment_id)
