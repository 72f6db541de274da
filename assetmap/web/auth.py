"""Sign in and out (Flask-Login sessions, CSRF-protected form, argon2 passwords)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

import segno
from flask import (
    Blueprint,
    Flask,
    Response,
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
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext
from flask_limiter import Limiter
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from assetmap import accounts
from assetmap.i18n import N_, Problem
from assetmap.model import InvalidRecord
from assetmap.services.people import Viewer
from assetmap.web import auditing, login_manager, security
from assetmap.web.db import get_store
from assetmap.web.filters import field_label, say_problem
from assetmap.web.forms import field_errors

bp = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., Any])


class SignedInUser(UserMixin):
    def __init__(self, record: dict) -> None:
        self.id = record["id"]
        self.email = record["email"]
        self.role = record["role"]
        self.name = record.get("name") or record["email"]
        self.organisation_id = record.get("organisation_id")
        self.organisation_name = record.get("organisation_name")
        self.organisation_name_cy = record.get("organisation_name_cy")
        self.two_step = bool(record.get("totp_secret"))
        self.language = record.get("language")


    @property
    def viewer(self) -> Viewer:
        return Viewer(self.id, self.role, self.organisation_id)


@login_manager.user_loader
def load_user(user_id: str) -> SignedInUser | None:
    """The signed-in user, while their session is live (idle and absolute timeouts, not
    ended by "sign out everywhere") and their account active."""
    record = accounts.user(get_store(), user_id)
    config = current_app.config["ASSETMAP"]
    if record is None or not record.get("active", True) or not security.session_is_live(
            record, config.idle_minutes, config.session_hours):
        session.clear()
        return None
    return SignedInUser(record)


def role_required(*roles: str) -> Callable[[F], F]:
    """Only signed-in users with one of ``roles``; others get 403 (anonymous: sign in)."""
    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403, gettext("Your role does not give access to this page."))
            return view(*args, **kwargs)
        return guarded  # type: ignore[return-value]
    return decorate


class LoginForm(FlaskForm):
    email = EmailField(lazy_gettext("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(max=200)])


#: where each role's work starts, after signing in
LANDING = {"connector": "people.index", "coordinator": "areas.dashboard", "admin": "admin.users",
           "provider": "provider.index"}


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, else the signed-in role's own
    page (the home page is the public's)."""
    if target and not urlsplit(target).netloc and target.startswith("/") and (
            not target.startswith(("//", "/\\"))):
        return target
    role = current_user.role if current_user.is_authenticated else None
    return url_for(LANDING.get(role, "public.home"))


def _refuse_control_characters_in_next() -> None:
    """A ``next`` holding a line break or another control character is no address: 400,
    before it can reach a header."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in request.args.get("next", "")):
        abort(400, gettext("The address to go to after signing in is not valid."))


#: The lock-out policy. Wrong passwords (or codes) for one account from one address: 5
#: in 15 minutes, then that account is locked from that address for the rest of the 15
#: minutes; from any other address it still signs in. Attempts from one address, right
#: or wrong: ASSETMAP_SIGNIN_PER_MINUTE a minute. Only a wrong password or code counts
#: towards a lock: tries refused for coming too fast never do, so nobody can lock a
#: colleague out by hammering the form. Counts live in the graph's server, for every worker.
FAILURES_PER_ACCOUNT = "5 per 15 minutes"


def _email() -> str:
    return request.form.get("email", "").strip().lower()[:254]


def _account_key() -> str:
    """The lock-out counter's key: the typed address as the audit trail keeps it (hashed,
    so the counter store never holds what was typed, a password typed by mistake)."""
    return f"account:{auditing.typed_address(_email())}:{request.remote_addr}"


def _failed_here() -> None:
    """This request checked a password or code and it was wrong: it counts to a lock."""
    g.sign_in_failed = True


def _counts_to_lock(response: Response) -> bool:
    return bool(g.get("sign_in_failed"))


def _locked_out(limit: object) -> None:
    auditing.log("lockout", None, record_type="User",
                 actor=auditing.typed_address(_email()) if _email() else None,
                 detail=f"{getattr(limit, 'limit', '')} from {request.remote_addr}")


#: how long the code step may wait after the password step, in seconds
PENDING_SECONDS = 300


def signed_in(record: dict, how: str) -> None:
    """Start a signed-in session for ``record`` (audited, saying ``how``)."""
    security.start_session(get_store(), record["id"])
    login_user(SignedInUser(record))
    auditing.log("login", record["id"], record_type="User", detail=how)


def _pending_user() -> str | None:
    pending = session.get("pending") or {}
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return pending.get("user")


class CodeForm(FlaskForm):
    code = StringField(lazy_gettext("Code"), validators=[DataRequired(), Length(max=40)])


class TwoStepForm(CodeForm):
    """Turning two-step sign-in on asks for the password again: a session left open on a
    shared computer cannot change how its owner signs in."""

    password = PasswordField(lazy_gettext("Your password"),
                             validators=[DataRequired(), Length(max=200)])


@bp.route("/login/code", methods=["GET", "POST"])
def second_step() -> ResponseReturnValue:
    """The second step of signing in: a code from the user's app, or a recovery code."""
    _refuse_control_characters_in_next()
    user_id = _pending_user()
    if user_id is None:
        session.pop("pending", None)
        flash(gettext("Sign in again: the code step waited too long."), "error")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.verify_second_step(get_store(), user_id, form.code.data):
            record = accounts.user(get_store(), user_id)
            if record and record.get("active", True):
                signed_in(record, "password and code")
                return redirect(_safe_next(request.args.get("next")))
        _failed_here()
        auditing.log("login_failed", user_id, record_type="User", actor=user_id,
                     detail="wrong code")
        flash(gettext("That code is not right."), "error")
    return render_template("login_code.html", form=form)


def _pending_key() -> str:
    return f"pending:{(session.get('pending') or {}).get('user')}:{request.remote_addr}"


def limit_sign_in(app: Flask, limiter: Limiter) -> None:
    """Put the sign-in limits on this app's sign-in view."""
    view = app.view_functions["auth.login"]
    view = limiter.limit(
        FAILURES_PER_ACCOUNT, methods=["POST"], key_func=_account_key,
        deduct_when=_counts_to_lock, on_breach=_locked_out,
        error_message=lambda: gettext("This account is locked after too many failed "
                                      "sign-ins: try again in 15 minutes."))(view)
    view = limiter.limit(
        f"{app.config['ASSETMAP'].signin_per_minute} per minute", methods=["POST"],
        error_message=lambda: gettext(
            "Too many sign-in attempts from here: wait a minute and try again."))(view)
    app.view_functions["auth.login"] = view
    app.view_functions["auth.second_step"] = limiter.limit(
        FAILURES_PER_ACCOUNT, methods=["POST"], key_func=_pending_key,
        deduct_when=_counts_to_lock, on_breach=_locked_out,
        error_message=lambda: gettext("Too many wrong codes: try again in 15 minutes."),
    )(app.view_functions["auth.second_step"])


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    _refuse_control_characters_in_next()
    form = LoginForm()
    if form.validate_on_submit():
        record = accounts.authenticate(get_store(), form.email.data, form.password.data)
        if record is None:
            _failed_here()
            auditing.log("login_failed", None, record_type="User",
                         actor=auditing.typed_address(form.email.data))
            flash(gettext("E-mail or password is not right."), "error")
        elif record.get("totp_secret"):
            session.clear()  # nothing of the password step is kept but who is waiting
            session["pending"] = {"user": record["id"], "at": time.time()}
            return redirect(url_for("auth.second_step", next=request.args.get("next")))
        else:
            signed_in(record, "password")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    auditing.log("logout", current_user.id, record_type="User")
    security.end_session(get_store(), current_user.id)
    logout_user()
    session.clear()
    flash(gettext("You are signed out."), "info")
    return redirect(url_for("public.home"))


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
def two_step() -> ResponseReturnValue:
    """Set up two-step sign-in: scan the code, then type what the app shows."""
    secret = session.get("totp_setup") or accounts.new_totp_secret()
    session["totp_setup"] = secret
    form = TwoStepForm()
    codes = None
    if form.validate_on_submit():
        try:
            codes = accounts.enable_totp(get_store(), current_user.id, secret, form.code.data,
                                         form.password.data)
        except InvalidRecord as exc:
            getattr(form, exc.field).errors = [say_problem(exc.problem)]
        else:
            session.pop("totp_setup", None)
            auditing.log("update", current_user.id, record_type="User", detail="two-step on")
    uri = accounts.totp_uri(secret, current_user.email)
    return render_template("two_step.html", form=form, codes=codes, secret=secret,
                           qr=Markup(segno.make(uri).svg_inline(scale=5)),  # noqa: S704
                           )


@bp.post("/account/two-step/off")
@login_required
def two_step_off() -> ResponseReturnValue:
    try:
        accounts.disable_totp(get_store(), current_user.id, request.form.get("code", ""),
                              request.form.get("password", ""))
    except InvalidRecord as exc:
        flash(gettext("Two-step sign-in stays on: %(field)s %(problem)s.",
                      field=field_label(exc.field), problem=say_problem(exc.problem)), "error")
    else:
        auditing.log("update", current_user.id, record_type="User", detail="two-step off")
        flash(gettext("Two-step sign-in is off."), "info")
    return redirect(url_for("auth.account"))


def _choose_password(set_password: Callable[[str], dict]) -> tuple[dict | None, dict[str, str]]:
    """The new password, typed twice, through ``set_password``: the changed user and no
    errors, or None and the form's field messages."""
    new = request.form.get("new_password", "")
    try:
        if new != request.form.get("repeat_password", ""):
            raise InvalidRecord([("repeat_password", Problem(N_(
                "does not match the new password")))])
        return set_password(new), {}
    except InvalidRecord as exc:
        errors = field_errors(exc)
        if "password" in errors:  # the model's name for what this form calls new_password
            errors["new_password"] = errors.pop("password")
        return None, errors


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str) -> ResponseReturnValue:
    """An invited user chooses their own password through their one-time link."""
    store = get_store()
    user = accounts.invitation(store, token)
    if user is None:
        abort(404, gettext("This link has been used or has expired: ask whoever invited you "
                           "for a new one."))
    errors: dict[str, str] = {}
    if request.method == "POST":
        changed, errors = _choose_password(
            lambda new: accounts.accept_invitation(store, token, new))
        if changed:
            auditing.log("update", user["id"], record_type="User", actor=user["id"],
                         detail="password chosen through the invitation")
            session.clear()
            flash(gettext("Your password is set: sign in with it."), "info")
            return redirect(url_for("auth.login"))
    return render_template("welcome.html", user=user, errors=errors,
                           min_length=accounts.MIN_PASSWORD_LENGTH), 400 if errors else 200


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> ResponseReturnValue:
    """End every session of this user, on every device, including this one."""
    accounts.end_sessions(get_store(), current_user.id)
    auditing.log("logout", current_user.id, record_type="User", detail="everywhere")
    logout_user()
    session.clear()
    flash(gettext("You are signed out on every device."), "info")
    return redirect(url_for("public.home"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    """The user's account; POST changes their password (other sessions then end)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        changed, errors = _choose_password(lambda new: accounts.change_password(
            get_store(), current_user.id, request.form.get("current_password", ""), new))
        if changed:
            auditing.log("update", current_user.id, record_type="User", detail="password")
            security.start_session(get_store(), current_user.id)
            login_user(SignedInUser({**changed, "organisation_id": current_user.organisation_id}))
            flash(gettext("Your password is changed; you are signed out everywhere else."), "info")
            return redirect(url_for("auth.account"))
    return render_template("account.html", user=current_user, errors=errors,
                           min_length=accounts.MIN_PASSWORD_LENGTH), 400 if errors else 200
