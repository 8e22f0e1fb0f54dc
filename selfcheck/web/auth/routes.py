"""Accounts on the web: sign up, log in, log out (here or everywhere), passwords, resets.

Logins are rate limited per client and per account (failed attempts only). A login
starts a new session: whatever the browser's session held before is dropped, so a
session cookie planted before login is worth nothing after it. Password resets go
through an administrator (``selfcheck user set-password``) or, where
``SELFCHECK_SMTP_URL`` is set, through a link sent by e-mail.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, login_required, login_user, logout_user

from selfcheck.db import get_session
from selfcheck.exchange.problems import ExchangeError, message
from selfcheck.ratelimit import limiter
from selfcheck.services.accounts import branding, mail, users
from selfcheck.web.auth.forms import (
    LoginForm,
    PasswordChangeForm,
    ResetForm,
    ResetRequestForm,
    SignupForm,
)
from selfcheck.web.guards import current_account, safe_next
from selfcheck.web.links import mail_links_are_safe, public_url
from selfcheck.web.workspace.forms import branding_form_for, save_branding_form

bp = Blueprint("auth", __name__)

#: Failed logins from one client, and for one account (whoever tries it).
LOGIN_PER_CLIENT = "20 per minute; 100 per hour"
LOGIN_PER_ACCOUNT = "5 per minute; 30 per hour"
RESET_REQUESTS = "5 per hour"

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Log in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


@login_manager.user_loader
def load_account(value: str):
    if g.get("database_down"):  # the "try again" page: nobody is logged in on it
        return None
    return users.from_session_id(get_session(), value, session.get("sid"))


def _show_problems(form, error: ExchangeError) -> None:
    """Each problem beside the field its path names (``email`` or ``password``), in the
    page's language."""
    for problem in error.problems:
        field = getattr(form, "email", form.password) if problem.path == ("email",) \
            else form.password
        field.errors = [*field.errors, message(problem, _)]


def _failed_login(response) -> bool:
    return response.status_code == 400


def _account_key() -> str:
    return "login:" + (users.normalise_email(request.form.get("email", "")) or "-")


def _current_password_key() -> str:
    """Guesses at the current password on the account page count for the account, as
    failed logins do: a stolen session must not become a way to guess the password."""
    return f"current-password:{current_account().id}"


def _wrong_current_password(_response) -> bool:
    return bool(g.get("wrong_current_password"))


def _start_session(account) -> None:
    """A fresh session for the account: nothing from before the login survives, and the
    session gets a new random identifier (``sid``), so no two logins share one. The server
    keeps the login (users.start_login) until it is logged out."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session["sid"] = users.start_login(get_session(), account)
    login_user(account)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_app.config["SIGNUP"] != "open":
        return render_template("auth/signup_closed.html"), 403
    form = SignupForm()
    if form.validate_on_submit():
        try:
            account = users.create_account(get_session(), form.email.data, form.password.data)
        except ExchangeError as error:
            _show_problems(form, error)
        else:
            _start_session(account)
            flash(_("Your account is ready. Start a self-assessment or an organisation."),
                  "success")
            return redirect(url_for("workspace.index"))
    return render_template("auth/signup.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_PER_CLIENT, deduct_when=_failed_login, methods=["POST"])
@limiter.limit(LOGIN_PER_ACCOUNT, key_func=_account_key, deduct_when=_failed_login,
               methods=["POST"])
def login():
    form = LoginForm()
    target = safe_next(request.args.get("next"), url_for("workspace.index"))
    if form.validate_on_submit():
        account = users.authenticate(get_session(), form.email.data, form.password.data)
        if account is not None:
            _start_session(account)
            return redirect(target)
        form.password.errors = [_("The e-mail address or the password is wrong.")]
    return render_template("auth/login.html", form=form,
                           signup=current_app.config["SIGNUP"] == "open",
                           can_reset=bool(current_app.config.get("SMTP_URL"))
                           ), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    users.end_login(get_session(), session.get("sid"))  # every copy of the cookie ends too
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("start.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
@limiter.limit(LOGIN_PER_ACCOUNT, key_func=_current_password_key,
               deduct_when=_wrong_current_password, methods=["POST"])
def account():
    """The account page: change the password, log out everywhere, branding."""
    form = PasswordChangeForm()
    account = current_account()
    if form.validate_on_submit():
        if users.authenticate(get_session(), account.email, form.current.data) is None:
            g.wrong_current_password = True
            form.current.errors = [_("The current password is wrong.")]
        else:
            try:
                users.set_password(get_session(), account, form.password.data)
            except ExchangeError as error:
                _show_problems(form, error)
            else:
                _start_session(account)  # the other sessions ended with the new password
                flash(_("Your password is changed. Other devices are logged out."), "success")
                return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, account=account,
                           branding_form=branding_form_for(account),
                           brand=branding.brand_of(account.branding)
                           ), 400 if form.errors else 200


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    from selfcheck.web.fields import EmptyForm

    if not EmptyForm().validate_on_submit():
        abort(400)
    users.log_out_everywhere(get_session(), current_account())
    logout_user()
    session.clear()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(RESET_REQUESTS, methods=["POST"])
def forgot():
    """Ask for a reset link by e-mail; the answer is the same whether the address exists."""
    if not current_app.config.get("SMTP_URL") or not mail_links_are_safe():
        return render_template("auth/forgot_admin.html"), 200
    form = ResetRequestForm()
    if form.validate_on_submit():
        account = users.find_by_email(get_session(), form.email.data)
        if account is not None:
            token = users.reset_token(account, current_app.config["SECRET_KEY"])
            try:
                mail.send_reset(current_app.config["SMTP_URL"], current_app.config["MAIL_FROM"],
                                account.email, public_url("auth.reset", token=token))
            except mail.MailError as error:
                # The same answer as for an unknown address: the page must not tell who
                # has an account. The operator reads why in the log.
                current_app.logger.error("The password reset mail could not be sent: %s",
                                         error)
        flash(_("If an account has that address, a link to choose a new password is on its "
                "way. It works for an hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    account = users.account_for_reset(get_session(), token, current_app.config["SECRET_KEY"])
    if account is None:
        abort(404, description=_("This link to choose a new password has expired or has "
                                 "been used. Ask for a new one."))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            users.set_password(get_session(), account, form.password.data)
        except ExchangeError as error:
            _show_problems(form, error)
        else:
            _start_session(account)
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(url_for("workspace.index"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


@bp.post("/account/branding")
@login_required
def account_branding():
    account = current_account()
    form = save_branding_form(account)
    if form is None:
        flash(_("The branding is saved. New reports show it."), "success")
        return redirect(url_for("auth.account") + "#branding")
    return render_template("auth/account.html", form=PasswordChangeForm(formdata=None),
                           account=account, branding_form=form,
                           brand=branding.brand_of(account.branding)), 400
