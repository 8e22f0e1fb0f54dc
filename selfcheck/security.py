"""Security headers, proxies, secure cookies and the Origin check (DESIGN.md §5).

The links are secrets, so no Referer may carry them to another site; pages use
no inline script or style, so the Content-Security-Policy can forbid both.

Behind a TLS reverse proxy the app sees plain HTTP unless it trusts the proxy's
``X-Forwarded-*`` headers (``SELFCHECK_TRUSTED_PROXIES``, the number of proxies
in front; off by default, since an app reachable directly must not believe
them). The session cookie is ``Secure`` whenever the request came over HTTPS.

State-changing requests whose ``Origin`` header names another site are refused.
Flask-WTF's own HTTPS check (``WTF_CSRF_SSL_STRICT``) needs a Referer, which
``Referrer-Policy: no-referrer`` never sends, so it is off and this check takes
its place. A browser sends ``Origin: null`` for a same-site form under that
policy, so "null" passes here; the CSRF token still guards every POST.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint != "static":
        # Pages and PDFs behind capability links must not linger in shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with ``Secure`` set on every HTTPS response."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app) or request.is_secure)


STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def check_origin() -> None:
    """Refuse a state-changing request sent from a page of another site."""
    if request.method not in STATE_CHANGING:
        return
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return
    if origin.rstrip("/") != request.host_url.rstrip("/"):
        from flask_babel import gettext as _

        abort(403, description=_("The form was sent from another website. Open this site "
                                 "yourself and try again."))


def init_app(app: Flask) -> None:
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_port=hops, x_prefix=hops)  # type: ignore[method-assign]
    app.session_interface = SessionInterface()
    app.before_request(check_origin)
    app.after_request(add_security_headers)
