"""Forms of the workspace: sharing, invitations, branding and deletion.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired

from selfcheck.db import get_session
from selfcheck.limits import ORGANISATION_MAX
from selfcheck.models import Account, Organisation
from selfcheck.services.accounts import branding
from selfcheck.web.fields import StorableText, email_field


def _role_field() -> RadioField:
    return RadioField(
        _l("Role"),
        choices=[SelectChoice("facilitator", _l("Facilitator – runs the assessment")),
                 SelectChoice("owner", _l("Owner – may also share, brand and delete"))],
        default="facilitator",
        validators=[AnyOf(("facilitator", "owner"), message=_l("Choose a role."))],
        validate_choice=False)


def describe_organisation_roles(form: FlaskForm, *, covers_teams: bool) -> None:
    """On an organisation's access page the roles say what each may do in the chain
    (services/accounts/access.py); ``covers_teams``: whether the access given opens the
    teams' own pages (it reaches as far as the giver's own access)."""
    facilitator = (
        _l("Facilitator – sees the comparison, adds teams and levels, starts the follow-up and "
           "opens the teams' pages. Gets no team's facilitator link.") if covers_teams else
        _l("Facilitator – sees the comparison, adds teams and levels and starts the follow-up. "
           "Gets no team's facilitator link."))
    form.role.choices = [
        SelectChoice("facilitator", facilitator),
        SelectChoice("owner", _l("Owner – may also share, brand and delete, and gets the "
                                 "facilitator links of the teams they add."))]


class ShareForm(FlaskForm):
    email = email_field(_l("E-mail address of an existing account"))
    role = _role_field()


class InviteForm(FlaskForm):
    role = _role_field()


class BrandingForm(FlaskForm):
    name = StringField(_l("Name on the reports"), validators=[
        StorableText(max=ORGANISATION_MAX,
                     message=_l("Write at most %(max)d characters.", max=ORGANISATION_MAX))])
    logo = FileField(_l("Logo (PNG or JPEG, at most 1 MB)"))
    remove_logo = BooleanField(_l("Remove the logo"))


class DeleteForm(FlaskForm):
    confirm = BooleanField(_l("I understand that this cannot be undone"), validators=[
        DataRequired(message=_l("Tick the box to confirm."))])


def branding_form_for(owner: Account | Organisation) -> BrandingForm:
    form = BrandingForm(formdata=None)
    form.name.data = owner.branding.name if owner.branding else ""
    return form


def logo_problem(code: str) -> str:
    return {
        "size": _("The logo is larger than 1 MB. Save it smaller and try again."),
        "type": _("The logo must be a PNG or JPEG image. SVG and other formats are not "
                  "accepted."),
        "pixels": _("The logo has too many pixels (at most 4000 × 4000). Save it smaller and "
                    "try again."),
        "broken": _("The logo could not be read as an image. Save it again as PNG or JPEG."),
        "name": _("Write at most %(max)d characters.", max=200),
    }[code]


def save_branding_form(owner: Account | Organisation) -> BrandingForm | None:
    """Validate and store the branding form; the form with errors, or None when saved."""
    form = BrandingForm()
    if not form.validate_on_submit():
        return form
    upload = form.logo.data
    logo = None
    try:
        if upload is not None and getattr(upload, "filename", ""):
            logo = branding.clean_logo(upload.read(branding.LOGO_MAX_BYTES + 1))
        branding.save_branding(get_session(), owner, form.name.data or "", logo,
                               remove_logo=form.remove_logo.data)
    except branding.LogoError as error:
        get_session().rollback()
        field = form.name if error.code == "name" else form.logo
        field.errors = [*field.errors, logo_problem(error.code)]
        return form
    return None
