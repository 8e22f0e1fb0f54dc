"""Addresses that are handed out: links, QR codes and the short code address.

A phone in the meeting room cannot open http://127.0.0.1:5000/. Links point to
``SELFCHECK_PUBLIC_URL`` when it is set (a hosted install), otherwise to the
address the facilitator's own browser used, which is what the phones can reach
when the app is served on the local network (``make run HOST=0.0.0.0``).
"""

from __future__ import annotations

from flask import current_app, url_for


def public_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` as people outside this browser should use it."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def mail_links_are_safe() -> bool:
    """Whether a link in an e-mail can be built without trusting the request's Host header.

    Anyone can send any Host: a reset link built from it would send the victim's token to
    the sender's server (reset-link poisoning). So links in e-mails need the public address
    (``SELFCHECK_PUBLIC_URL``), or a Host that Flask checked against
    ``SELFCHECK_ALLOWED_HOSTS`` (TRUSTED_HOSTS). Without either, no such mail is sent, and
    the operator is told why, once per process."""
    if current_app.config.get("PUBLIC_URL") or current_app.config.get("TRUSTED_HOSTS"):
        return True
    if not current_app.extensions.get("selfcheck_mail_links_warned"):
        current_app.extensions["selfcheck_mail_links_warned"] = True
        current_app.logger.error(
            "No e-mail with a link is sent: set SELFCHECK_PUBLIC_URL (the address members "
            "use) or SELFCHECK_ALLOWED_HOSTS, so links are never built from a request's Host")
    return False


def join_details(assessment, facilitator_token: str | None) -> tuple[str | None, str | None]:
    """The join link and the join code as shown ("ACEF 3489"), derived from the real
    facilitator token; (None, None) when it cannot be read (guards.Opened.token)."""
    from selfcheck.core.tokens import join_token_for, show_code
    from selfcheck.services.assessments import join_code_of

    if facilitator_token is None:
        return None, None
    code = join_code_of(assessment, facilitator_token)
    return (public_url("answer.join", token=join_token_for(facilitator_token)),
            show_code(code) if code else None)


def public_host() -> str:
    """The host (and port) part of the public address, for "go to … /kode" on a projector."""
    address = public_url("code.enter")
    return address.split("://", 1)[-1].removesuffix(url_for("code.enter"))


def short_code_address() -> str:
    """The address members type by hand, without the scheme: 192.168.1.20:5000/kode."""
    return public_host() + url_for("code.enter")


def invitation_text(assessment, join_url: str, code: str | None, lang: str) -> str:
    """A ready text to paste into an e-mail or a calendar invitation, in ``lang``."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    from selfcheck.services.assessments import questionnaire_of

    title = questionnaire_of(assessment).title.get(lang)
    with force_locale(lang):
        lines = [
            _("Dear all,"),
            "",
            _("Before our meeting, please answer the self-assessment \u201c%(title)s\u201d for "
              "%(team)s. It takes about 15 minutes. Answer on your own, on your phone or "
              "computer.", title=title, team=assessment.team),
            "",
            _("Open this link: %(link)s", link=join_url),
        ]
        if code:
            lines.append(_("Or go to %(address)s and type the code %(code)s.",
                           address=short_code_address(), code=code))
        lines += [
            "",
            _("Your answers are anonymous.") if assessment.anonymous else
            _("Answers are named: the facilitator sees who has answered."),
            "",
            _("Best regards"),
        ]
    return "\n".join(lines)


def reminder_text(assessment, names: list[str], join_url: str, lang: str) -> str:
    """A short reminder for the named members who have not submitted yet."""
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with force_locale(lang):
        return "\n".join([
            _("Hi %(names)s,", names=", ".join(names)),
            "",
            _("A reminder: please finish the self-assessment for %(team)s and press "
              "\u201cSubmit\u201d at the end. Your personal link takes you back to your answers; "
              "if you have lost it, start again here: %(link)s", team=assessment.team,
              link=join_url),
            "",
            _("Best regards"),
        ])
