"""Sign in, sign out, invitations and passwords."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import limiter
from ..permissions import Permission, public, requires
from ..urls import safe_next
from . import services
from .forms import ChangePasswordForm, ForgotPasswordForm, NewPasswordForm, SignInForm
from .passwords import verify_password
from .sessions import end_current_session, start_session

bp = Blueprint("auth", __name__)

WRONG_CREDENTIALS = "Enter a correct email address and password"


def _sign_in_limit() -> str:
    return str(current_app.config["RATELIMIT_SIGN_IN"])


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        result = services.authenticate(form.email.data or "", form.password.data or "")
        if result.outcome is services.SignInOutcome.OK and result.user:
            start_session(result.user)
            return redirect(safe_next(request.args.get("next"), url_for("main.home")))
        form.email.errors = [_sign_in_error(result)]
    return render_template("auth/sign_in.html", form=form)


def _sign_in_error(result: services.SignInResult) -> str:
    if result.outcome is services.SignInOutcome.LOCKED and result.locked_until:
        return (
            "Your account is locked because of too many failed attempts to sign in. "
            f"Try again after {result.locked_until:%H:%M} UTC, or reset your password"
        )
    if result.outcome is services.SignInOutcome.DEACTIVATED:
        return "Your account has been deactivated. Ask your council lead or the LGA to restore it"
    return WRONG_CREDENTIALS


@bp.route("/sign-out", methods=["POST"])
@requires(Permission.SIGNED_IN)
def sign_out() -> Response:
    end_current_session()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str) -> str | Response:
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationError as exc:
        return render_template("auth/link_problem.html", problem=str(exc), kind="invitation"), 410
    form = NewPasswordForm(email=invitation.email, name=invitation.name)
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(invitation, form.password.data or "")
        except services.InvitationError as exc:
            return render_template("auth/link_problem.html", problem=str(exc),
                                   kind="invitation"), 410
        start_session(user)
        flash("Your account is ready. You are signed in", "success")
        return redirect(url_for("main.home"))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data or "")
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> str | Response:
    try:
        user = services.user_from_reset_token(token)
    except services.ResetLinkError as exc:
        return render_template("auth/link_problem.html", problem=str(exc), kind="reset"), 410
    form = NewPasswordForm(email=user.email, name=user.name)
    if form.validate_on_submit():
        services.set_password(user, form.password.data or "", action="password_reset")
        flash("Your password has been changed. Sign in with your new password", "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account/change-password", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def change_password() -> str | Response:
    user = current_user._get_current_object()
    form = ChangePasswordForm(email=user.email, name=user.name)
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data or ""):
            form.current_password.errors = ["Your current password is not correct"]
        else:
            services.set_password(user, form.password.data or "", action="password_changed",
                                  keep_sid=session.get("sid"))
            flash("Your password has been changed. Other sessions have been signed out", "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
