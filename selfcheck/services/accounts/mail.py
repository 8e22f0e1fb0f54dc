"""E-mail, used only for password reset links, and only when ``SELFCHECK_SMTP_URL`` is set.

The URL names the server: ``smtp://host:25``, ``smtp://user:password@host:587?starttls=1``
or ``smtps://user:password@host:465``. Nothing else is sent by e-mail: invitations and
join links are copied by the facilitator, who knows the team.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

TIMEOUT_SECONDS = 10


class MailError(Exception):
    """The e-mail could not be handed to the server."""


def check_url(url: str) -> str | None:
    """Why ``url`` is not a usable SMTP URL, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        return "must look like smtp://host:25 or smtps://user:password@host:465"
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return "has a port that is not a number from 1 to 65535"
    return None


def send(url: str, sender: str, to: str, subject: str, body: str) -> None:
    parts = urlsplit(url)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message.set_content(body)
    secure = parts.scheme == "smtps"
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
    port = parts.port or (465 if secure else 25)
    try:
        if secure:
            client = smtplib.SMTP_SSL(parts.hostname, port, timeout=TIMEOUT_SECONDS,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(parts.hostname, port, timeout=TIMEOUT_SECONDS)
        with client:
            if starttls:
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(str(error)) from error


def send_reset(url: str, sender: str, to: str, link: str) -> None:
    """The reset link, in the language of the request that asked for it."""
    from flask_babel import gettext as _

    body = _("Someone asked to choose a new password for your selfcheck account.\n\n"
             "Open this link within an hour to choose one:\n%(link)s\n\n"
             "If it was not you, do nothing: your password stays as it is.", link=link)
    send(url, sender, to, _("Choose a new password for selfcheck"), body)
