"""The workspace: an account's organisations and assessments, sharing, branding, deletion.

Every page here goes through guards.workspace_target, which decides access in one place
(services/accounts/access.py). Owners share, brand and delete; facilitators only see the list and
run what they were given.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required

from selfcheck.db import get_session
from selfcheck.models import Assessment, Organisation
from selfcheck.report.cache import ReportCache
from selfcheck.services.accounts import access, branding, listing, retention, sharing, users
from selfcheck.web.fields import EmptyForm
from selfcheck.web.guards import current_account, login_redirect, requires
from selfcheck.web.links import public_url
from selfcheck.web.workspace.forms import (
    DeleteForm,
    InviteForm,
    ShareForm,
    branding_form_for,
    describe_organisation_roles,
    save_branding_form,
)

bp = Blueprint("workspace", __name__)

KINDS = "any(a, o)"


def hold_if_logged_in(target: Assessment | Organisation, token: str) -> None:
    """An assessment or organisation created while logged in belongs to the account."""
    account = current_account()
    if account is not None:
        sharing.hold(get_session(), target, account, token, current_app.config["SECRET_KEY"],
                     created=True)


def workspace_panel(target: Assessment | Organisation, opened) -> dict:
    """What the facilitator or organisation page shows about accounts for this visitor."""
    account = current_account()
    kind = "o" if isinstance(target, Organisation) else "a"
    role = None
    if account is not None:
        role = (access.role_on_organisation(get_session(), account, target) if kind == "o"
                else access.role_on_assessment(get_session(), account, target))
    return {
        "account": account,
        "kind": kind,
        "id": target.id,
        "role": role,
        "role_name": role_name(role) if role else None,
        "can_hold": account is not None and role is None and not opened.by_account,
        "owner": access.allowed(role, "share"),
    }


def hold_link(target: Assessment | Organisation, key: str) -> str:
    """"Add to my workspace" on a page opened by its link (``/f/<token>/hold``,
    ``/o/<token>/hold``); returns the account's role on it now. The login page first; 404
    for a page opened through an account, which is in the workspace already."""
    if current_account() is None:
        abort(login_redirect())
    if not EmptyForm().validate_on_submit():
        abort(400)
    if g.opened.by_account:
        abort(404)
    return sharing.hold(get_session(), target, current_account(), key,
                        current_app.config["SECRET_KEY"])


def team_pages_for(organisation: Organisation) -> set[int]:
    """The teams whose facilitator page the logged-in account may open (its name links)."""
    account = current_account()
    if account is None:
        return set()
    teams = [team for level in organisation.levels for team in level.teams]
    return access.teams_opened_by(get_session(), account, organisation, teams)


# ----------------------------------------------------------------------------- the list

@bp.get("/w")
@login_required
def index():
    account = current_account()
    client = request.args.get("client", "")[:200] or None
    status = request.args.get("status") if request.args.get("status") in listing.STATUSES \
        else None
    items = listing.items(get_session(), account, client=client, status=status)
    return render_template("workspace/index.html", items=items, client=client, status=status,
                           clients=listing.clients(get_session(), account),
                           filtered=bool(client or status), role_name=role_name)


def role_name(role: str) -> str:
    return {access.OWNER: _("owner"), access.FACILITATOR: _("facilitator")}.get(role, role)


# ----------------------------------------------------------------------------- sharing

def _title(target) -> str:
    if isinstance(target, Organisation):
        return target.name
    return f"{target.organisation} – {target.team}"


def _page_url(kind: str, number: int) -> str:
    endpoint = "organisation.page" if kind == "o" else "facilitate.results"
    return url_for(endpoint, token=f"a{number}")


def _access_page(kind, number, target, *, share_form=None, invite_form=None, invitation=None,
                 status=200):
    rows = access.access_rows(get_session(), target)
    share_form = share_form or ShareForm(formdata=None)
    invite_form = invite_form or InviteForm(formdata=None, prefix="invite")
    if kind == "o":
        covers = sharing.covers_teams(get_session(), current_account(), target)
        for role_form in (share_form, invite_form):
            describe_organisation_roles(role_form, covers_teams=covers)
    return render_template(
        "workspace/access.html", kind=kind, number=number, target=target,
        title=_title(target), rows=rows, owners=sum(row.role == access.OWNER for row in rows),
        share_form=share_form, invite_form=invite_form,
        form=EmptyForm(formdata=None), invitation=invitation,
        page_url=_page_url(kind, number), me=current_account(), role_name=role_name,
    ), status


@bp.route(f"/w/<{KINDS}:kind>/<int:number>/access", methods=["GET", "POST"])
@requires("share")
def share(kind: str, number: int):
    target = g.target
    form = ShareForm()
    if request.method == "POST":
        if form.validate_on_submit():
            other = users.find_by_email(get_session(), form.email.data)
            if other is None:
                form.email.errors = [_("No account has this e-mail address. Ask them to make "
                                       "one, or send them an invitation link instead.")]
            else:
                sharing.grant(get_session(), target, other, form.role.data, by=current_account())
                flash(_("%(email)s now has access as %(role)s.", email=other.email,
                        role=role_name(form.role.data)), "success")
                return redirect(url_for("workspace.share", kind=kind, number=number))
        return _access_page(kind, number, target, share_form=form, status=400)
    return _access_page(kind, number, target)


@bp.post(f"/w/<{KINDS}:kind>/<int:number>/access/<int:access_id>/remove")
@requires("share")
def remove_access(kind: str, number: int, access_id: int):
    target = g.target
    if not EmptyForm().validate_on_submit():
        abort(400)
    row = next((r for r in access.access_rows(get_session(), target) if r.id == access_id), None)
    if row is None:
        abort(404)
    email = row.account.email
    try:
        sharing.revoke(get_session(), row)
    except sharing.SharingError:
        flash(_("The last owner cannot be removed. Make someone else owner first."), "error")
        return redirect(url_for("workspace.share", kind=kind, number=number))
    flash(_("%(email)s no longer has access.", email=email), "success")
    if row.account_id == current_account().id:
        return redirect(url_for("workspace.index"))
    return redirect(url_for("workspace.share", kind=kind, number=number))


@bp.post(f"/w/<{KINDS}:kind>/<int:number>/invite")
@requires("share")
def invite(kind: str, number: int):
    target = g.target
    form = InviteForm(prefix="invite")
    if not form.validate_on_submit():
        return _access_page(kind, number, target, invite_form=form, status=400)
    token = sharing.invite(get_session(), target, form.role.data, current_account())
    return _access_page(kind, number, target, invitation={
        "url": public_url("workspace.accept", token=token), "role": role_name(form.role.data),
        "days": sharing.INVITATION_DAYS})


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept(token: str):
    invitation = sharing.find_invitation(get_session(), token)
    if invitation is None:
        abort(404, description=_("This invitation has expired or has been used. Ask for a "
                                 "new one."))
    if current_account() is None:
        return login_redirect()
    target = sharing.target_of(get_session(), invitation)
    form = EmptyForm()
    if form.validate_on_submit():
        granted = sharing.accept(get_session(), invitation, current_account())
        flash(_("You now have access to %(title)s as %(role)s.", title=_title(target),
                role=role_name(granted.role)), "success")
        kind = "o" if isinstance(target, Organisation) else "a"
        return redirect(_page_url(kind, target.id))
    return render_template("workspace/accept.html", title=_title(target), form=form,
                           role=role_name(invitation.role))


# ----------------------------------------------------------------------------- branding

@bp.route("/w/o/<int:number>/branding", methods=["GET", "POST"])
@requires("brand", kind="o")
def organisation_branding(number: int):
    organisation = g.target
    if request.method == "POST":
        form = save_branding_form(organisation)
        if form is None:
            flash(_("The branding is saved. New reports show it."), "success")
            return redirect(url_for("workspace.organisation_branding", number=number))
        status = 400
    else:
        form, status = branding_form_for(organisation), 200
    return render_template("workspace/branding.html", organisation=organisation, form=form,
                           brand=branding.brand_of(organisation.branding),
                           page_url=_page_url("o", number)), status


# ----------------------------------------------------------------------------- deletion

@bp.route(f"/w/<{KINDS}:kind>/<int:number>/delete", methods=["GET", "POST"])
@requires("delete")
def delete(kind: str, number: int):
    target = g.target
    form = DeleteForm()
    if form.validate_on_submit():
        cache = ReportCache(Path(current_app.config["REPORT_CACHE_DIR"]))
        title = _title(target)
        if kind == "o":
            done = retention.delete_organisation(get_session(), target, cache)
        else:
            done = retention.delete_assessment(get_session(), target, cache)
        flash(_("%(title)s is deleted: %(teams)d self-assessments, %(members)d members with "
                "%(answers)d answers and %(comments)d comments, %(decisions)d decisions, "
                "%(actions)d actions and %(pdfs)d saved PDF reports.", title=title,
                teams=done.assessments, members=done.members, answers=done.answers,
                comments=done.comments, decisions=done.decisions, actions=done.actions,
                pdfs=done.pdfs), "success")
        return redirect(url_for("workspace.index"))
    summary = _delete_summary(kind, target)
    return render_template("workspace/delete.html", kind=kind, number=number, target=target,
                           title=_title(target), form=form, summary=summary,
                           page_url=_page_url(kind, number)), 400 if form.errors else 200


def _delete_summary(kind: str, target) -> dict[str, int]:
    teams = ([team for level in target.levels for team in level.teams] if kind == "o"
             else [target])
    return {"teams": len(teams),
            "members": sum(len(team.participants) for team in teams),
            "actions": sum(len(team.actions) for team in teams)}


@bp.app_context_processor
def account_in_templates() -> dict:
    return {"current_account": current_account}
