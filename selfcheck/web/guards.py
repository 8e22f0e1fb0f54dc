"""Guards: who is logged in, and which assessment or organisation a URL opens, with which role.

Every facilitator URL has a key: ``/f/<key>`` and ``/o/<key>``. The key is either the
capability link's token (anyone holding it may facilitate, as before accounts) or
``a<id>``, which opens the assessment or organisation only for a logged-in account that
has access (services/accounts/access.py). The role found is put on ``g`` so pages can show
what that role may do; owner-only actions check it with :func:`require`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from selfcheck.core.tokens import ACCOUNT_KEY, unseal
from selfcheck.db import get_session
from selfcheck.models import ID_MAX, Account, Assessment, Organisation
from selfcheck.services import assessments, organisations
from selfcheck.services.accounts import access
from selfcheck.services.organisations import team_facilitator_token
from selfcheck.web.context import use_assessment_language


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
    number = int(match.group(1)) if match else None
    return number if number is not None and number <= ID_MAX else None


def open_assessment(key: str, whole: bool = True) -> tuple[Assessment, Opened]:
    """The assessment ``key`` opens, and how; 404 when it opens nothing for this visitor.

    ``whole`` loads its members, answers, decisions and actions too (services/assessments.py)."""
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
    if number > ID_MAX:
        abort(404)
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


# ----------------------------------------------------------------------------- /f/<token>


def row_only(view):
    """Mark a ``/f/<token>`` view that reads only the assessment's own row (a cached PDF):
    the loader then skips its members, answers, decisions and actions."""
    view.row_only = True
    return view


#: Assessments and organisations one client without an account may create (the successful
#: ones count): enough for a consultant's busy day, too few for a script to fill the database.
CREATIONS_PER_CLIENT = "20 per hour; 100 per day"


def creates(view):
    """A view that creates an assessment or an organisation (a form, an import, the example).

    Where the host chose ``SELFCHECK_CREATE=accounts``, a visitor without a login is sent to
    log in first. Whoever may create, a client without an account is limited to
    CREATIONS_PER_CLIENT; an account is known, and is not."""
    from selfcheck.ratelimit import limiter

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if current_app.config.get("CREATE") == "accounts" and current_account() is None:
            flash(_("Log in to create a self-assessment or an organisation here."), "info")
            return login_redirect()
        return view(*args, **kwargs)

    return limiter.limit(CREATIONS_PER_CLIENT, methods=["POST"], deduct_when=_created,
                         exempt_when=lambda: current_account() is not None)(guarded)


def _created(response) -> bool:
    """A creating view redirects to what it made; a refusal shows the form again (400)."""
    return response.status_code == 302 and not response.headers.get(
        "Location", "").startswith(url_for("auth.login"))


def login_first(view):
    """Mark a view under a key that is only for a logged-in account ("add to my workspace"):
    the loader sends a visitor without a login to the login page before it reads the key."""
    view.login_first = True
    return view


def view_of(endpoint: str | None):
    """The view a keyed URL leads to, for its loader; a ``login_first`` view sends a visitor
    without a login to the login page before the key is read."""
    view = current_app.view_functions.get(endpoint or "")
    if getattr(view, "login_first", False) and current_account() is None:
        abort(login_redirect())
    return view


def load_facilitated(endpoint: str | None, values: dict | None) -> None:
    """The ``/f/<token>`` loader (a blueprint's url_value_preprocessor, as in Flask's URL
    processors pattern): the one place a facilitator URL's key is looked up.

    Puts the assessment on ``g.assessment``, how it was opened (role, real token) on
    ``g.opened``, and the key as written in the URL on ``g.facilitator_key``; 404 when the
    key opens nothing for this visitor, the login page for ``a<id>`` without a login."""
    key = (values or {}).pop("token", None)
    if key is None:
        return
    view = view_of(endpoint)
    whole = not getattr(view, "row_only", False)
    g.assessment, g.opened = open_assessment(key, whole)
    g.facilitator_key = key
    use_assessment_language(g.assessment)


def add_facilitator_key(_endpoint: str, values: dict) -> None:
    """Links from a ``/f/<token>`` page to another one keep the key it was opened with."""
    if "token" not in values and g.get("facilitator_key"):
        values["token"] = g.facilitator_key


def facilitator_key_in_templates() -> dict:
    """Templates of ``/f/<token>`` pages build their links from ``token``."""
    return {"token": g.get("facilitator_key")}


def prefix_facilitator_pages(blueprint) -> None:
    """Give a blueprint under ``/f/<token>`` its loader, link defaults and ``token``."""
    blueprint.url_value_preprocessor(load_facilitated)
    blueprint.url_defaults(add_facilitator_key)
    blueprint.context_processor(facilitator_key_in_templates)


def require_open(assessment: Assessment) -> None:
    """The one "answering is closed" guard: nothing a member answers, and no imported answer,
    changes a closed assessment until the facilitator opens it again."""
    if not assessment.is_open:
        abort(409, description=_("Answering is closed. Answers can no longer change."))


def requires_open(view):
    """A ``/f/<token>`` view that changes answers: 409 once answering is closed."""
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        require_open(g.assessment)
        return view(*args, **kwargs)
    return guarded


def requires(action: str, kind: str | None = None):
    """A workspace view on ``/w/<kind>/<number>`` that needs ``action``
    (services/accounts/access.py): the login page without a login, 404 without access, 403
    when the role may not. ``kind`` is given for a route that serves one kind only
    (``/w/o/<number>/branding``).

    The assessment or organisation is put on ``g.target``, the account's role on ``g.role``."""
    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            g.target, g.role = workspace_target(kind or kwargs["kind"], kwargs["number"],
                                                action)
            return view(*args, **kwargs)
        return guarded
    return decorate


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

