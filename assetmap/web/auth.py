"""Sign in and out (Flask-Login sessions, CSRF-protected form, argon2 passwords)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from assetmap import accounts
from assetmap.graph import users
from assetmap.services.people import Viewer
from assetmap.web import auditing, login_manager
from assetmap.web.db import get_store

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


    @property
    def viewer(self) -> Viewer:
        return Viewer(self.id, self.role, self.organisation_id)


@login_manager.user_loader
def load_user(user_id: str) -> SignedInUser | None:
    record = users.by_id(get_store(), user_id)
    if record is None or not record.get("active", True):
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
                abort(403, "Your role does not give access to this page.")
            return view(*args, **kwargs)
        return guarded  # type: ignore[return-value]
    return decorate


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("public.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        record = accounts.authenticate(get_store(), form.email.data, form.password.data)
        if record is None:
            auditing.log("login_failed", None, record_type="User",
                         actor=form.email.data.strip().lower()[:254])
            flash("E-mail or password is not right.", "error")
        else:
            session.clear()  # a fresh session at sign-in
            login_user(SignedInUser(record))
            auditing.log("login", record["id"], record_type="User")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    auditing.log("logout", current_user.id, record_type="User")
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("public.home"))


@bp.get("/account")
@login_required
def account() -> ResponseReturnValue:
    return render_template("account.html", user=current_user)
