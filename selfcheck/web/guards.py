"""Guards: who is logged in, and which assessment or organisation a URL opens, with which role.

Every facilitator URL has a key: ``/f/<key>`` and ``/o/<key>``. The key is either the
capability link's token (anyone holding it may facilitate, as before accounts) or
``a<id>``, which opens the assessment or organisation only for a logged-in account that
has access (accounts/access.py). The role found is put on ``g`` so pages can show
what that role may do; owner-only actions check it with :func:`require`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import abort, current_app, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from selfcheck.core.tokens import unseal
from selfcheck.db import get_session
from selfcheck.models import Account, Assessment, Organisation
from selfcheck.services import assessments, organisations
from selfcheck.services.accounts import access
from selfcheck.services.organisations import team_facilitator_token
from selfcheck.web.context import use_assessment_language

#: ``a<id>``: at most 19 characters, so it can never be a 43-character link token.
ACCOUNT_KEY = re.compile(r"a([1-9][0-9]{0,17})")


def current_account() -> Account | None:
    """The logged-in account, or None."""
    if current_user and current_user.is_authenticated:
        return current_user  # type: ignore[return-value]
    return None


def login_redirect():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


@dataclass(frozen=True)
class Opened:
    """What a facilitator key opened."""

    role: str
    token: str | None  # the real link token, to derive join links; None if it cannot be read
    by_account: bool  # True when the key was ``a<id>`` (the page must not show the link)


def _account_key(key: str) -> int | None:
    match = ACCOUNT_KEY.fullmatch(key or "")
    return int(match.group(1)) if match else None


def open_assessment(key: str, whole: bool = True) -> tuple[Assessment, Opened]:
    """The assessment ``key`` opens, and how; 404 when it opens nothing for this visitor.

    ``whole`` loads its members, answers, decisions and actions too (assessments.py)."""
    session = get_session()
    account = current_account()
    number = _account_key(key)
    if number is None:
        assessment = assessments.find_by_facilitator_token(session, key, whole)
        if assessment is None:
            abort(404)
        role = access.stronger(access.LINK, access.role_on_assessment(session, account,
                                                                       assessment))
        return assessment, Opened(role, key, False)
    if account is None:
        abort(login_redirect())
    assessment = (assessments.load_whole(session, number) if whole
                  else session.get(Assessment, number))
    role = access.role_on_assessment(session, account, assessment) if assessment else None
    if role is None:
        abort(404)
    return assessment, Opened(role, _token_of_assessment(assessment), True)


def _token_of_assessment(assessment: Assessment) -> str | None:
    secret = current_app.config["SECRET_KEY"]
    token = unseal(assessment.facilitator_token_sealed, secret)
    if token is None and assessment.level is not None and assessment.team_nonce:
        organisation_token = unseal(assessment.level.organisation.token_sealed, secret)
        if organisation_token is not None:
            token = team_facilitator_token(organisation_token, assessment.team_nonce)
    return token


def open_organisation(key: str) -> tuple[Organisation, Opened]:
    session = get_session()
    account = current_account()
    number = _account_key(key)
    if number is None:
        organisation = organisations.find_by_token(session, key)
        if organisation is None:
            abort(404)
        role = access.stronger(access.LINK, access.role_on_organisation(session, account,
                                                                         organisation))
        return organisation, Opened(role, key, False)
    if account is None:
        abort(login_redirect())
    organisation = session.get(Organisation, number)
    role = access.role_on_organisation(session, account, organisation) if organisation else None
    if role is None:
        abort(404)
    token = unseal(organisation.token_sealed, current_app.config["SECRET_KEY"])
    return organisation, Opened(role, token, True)


def require(role: str | None, action: str) -> None:
    """403 unless ``role`` may do ``action`` (accounts/access.PERMISSIONS)."""
    if not access.allowed(role, action):
        abort(403)


def workspace_target(kind: str, number: int, action: str) -> tuple[Assessment | Organisation,
                                                                   str]:
    """The assessment (kind "a") or organisation ("o") for a workspace page, with the
    logged-in account's role; 404 without access, 403 when the role may not ``action``."""
    account = current_account()
    if account is None:
        abort(login_redirect())
    session = get_session()
    if kind == "o":
        target = session.get(Organisation, number)
        role = access.role_on_organisation(session, account, target) if target else None
    else:
        target = session.get(Assessment, number)
        role = access.role_on_assessment(session, account, target) if target else None
    if role is None:
        abort(404)
    require(role, action)
    return target, role


def assessment_for_facilitator(token: str, whole: bool = True) -> Assessment:
    """The assessment the facilitator key opens (guards.open_assessment); how it was opened
    (role, real token) is kept in ``g.opened`` for the page."""
    assessment, g.opened = open_assessment(token, whole)
    use_assessment_language(assessment)
    return assessment


#: A same-site path: "/" then printable ASCII, never "//" or a backslash (which
#: browsers read as another host), never whitespace or control characters (a
#: browser drops a tab, so "/\t/evil.example" would become "//evil.example").
_SAME_SITE_PATH = re.compile(r"/(?![/\\])[\x21-\x5b\x5d-\x7e]*")


def safe_next(target: object, fallback: str) -> str:
    """The redirect target if it is a path on this site, otherwise ``fallback``.

    Every redirect to a user-given place goes through here (no open redirect).
    """
    if isinstance(target, str) and len(target) <= 2000 and _SAME_SITE_PATH.fullmatch(target):
        return target
    return fallback


def require_open(assessment: Assessment) -> None:
    """Nothing changes in a closed assessment until the facilitator reopens it."""
    if not assessment.is_open:
        abort(409, description=_(
            "This self-assessment is closed. Open it again to make changes."))
