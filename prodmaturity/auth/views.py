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

from .. import timeutil
from ..extensions import limiter
from ..models.user import User
from ..permissions import Permission, public, requires
from ..urls import safe_next
from . import pending, services, two_factor
from .forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    NewPasswordForm,
    RecoveryCodeForm,
    SecurityCodeForm,
    SignInForm,
)
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
            next_url = safe_next(request.args.get("next"), url_for("main.home"))
            if not two_factor.needed(result.user):
                return _complete_sign_in(result.user, None, next_url)
            pending.start(result.user, next_url)
            if two_factor.method_for(result.user) == two_factor.EMAIL:
                two_factor.send_email_code(result.user)
            return redirect(url_for("auth.two_factor_code"))
        form.email.errors = [_sign_in_error(result)]
    return render_template("auth/sign_in.html", form=form)


def _complete_sign_in(user: User, second_factor: str | None, next_url: str) -> Response:
    services.record_sign_in(user, second_factor)
    start_session(user)  # only now is anyone signed in
    return redirect(next_url)


def _pending_or_sign_in() -> User | Response:
    user = pending.user()
    if user is None:
        flash("Sign in again to continue", "info")
        return redirect(url_for("auth.sign_in"))
    return user


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def two_factor_code() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user = _pending_or_sign_in()
    if not isinstance(user, User):
        return user
    method = two_factor.method_for(user)
    form = SecurityCodeForm()
    if form.validate_on_submit():
        result = two_factor.verify(user, form.code.data or "")
        if result.ok:
            return _complete_sign_in(user, method, pending.next_url() or url_for("main.home"))
        if result.outcome is two_factor.CodeOutcome.LOCKED:
            return _locked(result, method)
        form.code.errors = [two_factor.message_for(result, method)]
    return render_template("auth/security_code.html", form=form, method=method, email=user.email)


def _locked(result: two_factor.CodeResult, method: str) -> Response:
    pending.clear()
    flash(two_factor.message_for(result, method), "info")
    return redirect(url_for("auth.sign_in"))


@bp.route("/sign-in/security-code/new", methods=["POST"])
@public
@limiter.limit(_sign_in_limit)
def new_security_code() -> Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user = _pending_or_sign_in()
    if not isinstance(user, User):
        return user
    if two_factor.method_for(user) != two_factor.EMAIL:
        return redirect(url_for("auth.two_factor_code"))
    if two_factor.may_send_code(user, timeutil.utcnow()):
        two_factor.send_email_code(user)
        flash(f"We have sent a new code to {user.email}", "success")
    else:
        flash("You have asked for too many codes. Wait a few minutes, then try again", "info")
    return redirect(url_for("auth.two_factor_code"))


@bp.route("/sign-in/recovery-code", methods=["GET", "POST"])
@public
@limiter.limit(_sign_in_limit, methods=["POST"])
def recovery_code() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    user = _pending_or_sign_in()
    if not isinstance(user, User):
        return user
    form = RecoveryCodeForm()
    if form.validate_on_submit():
        result = two_factor.use_recovery_code(user, form.code.data or "")
        if result.ok:
            response = _complete_sign_in(user, two_factor.RECOVERY,
                                         pending.next_url() or url_for("main.home"))
            flash(f"You have {two_factor.recovery_codes_left(user)} recovery codes left. "
                  "Create new ones from your account page if you are running out", "info")
            return response
        if result.outcome is two_factor.CodeOutcome.LOCKED:
            return _locked(result, two_factor.RECOVERY)
        form.code.errors = [two_factor.message_for(result, two_factor.RECOVERY)]
    return render_template("auth/recovery_code.html", form=form)


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
        # The emailed invitation link has just proved the address, as an emailed code would.
        services.record_sign_in(user, "invitation_link")
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
