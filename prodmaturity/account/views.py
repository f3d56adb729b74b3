"""Your account: recent sign-ins, sessions and two-factor set-up (the password page is in auth)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth import two_factor
from ..auth.forms import AuthenticatorForm, ConfirmPasswordForm
from ..auth.passwords import verify_password
from ..models.user import User
from ..permissions import Permission, requires
from . import services

bp = Blueprint("account", __name__, url_prefix="/account")

WRONG_PASSWORD = "Your password is not correct"


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _password_ok(form: ConfirmPasswordForm) -> bool:
    if verify_password(_me().password_hash, form.current_password.data or ""):
        return True
    form.current_password.errors = [WRONG_PASSWORD]
    return False


@bp.route("")
@requires(Permission.SIGNED_IN)
def index() -> str:
    user = _me()
    return render_template(
        "account/index.html", user=user,
        sign_ins=services.recent_sign_ins(user, session.get("sid")),
        required=two_factor.required_for(user), needed=two_factor.needed(user),
        method=two_factor.method_for(user), codes_left=two_factor.recovery_codes_left(user))


@bp.route("/sessions/sign-out-others", methods=["POST"])
@requires(Permission.SIGNED_IN)
def sign_out_others() -> Response:
    ended = services.sign_out_other_sessions(_me(), session.get("sid"))
    flash("You have signed out of every other browser" if ended else
          "You were not signed in anywhere else", "success")
    return redirect(url_for("account.index"))


@bp.route("/two-factor/authenticator", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def authenticator() -> str | Response:
    user = _me()
    secret = two_factor.pending_totp_secret(user)
    form = AuthenticatorForm()
    if form.validate_on_submit() and _password_ok(form):
        codes = two_factor.confirm_authenticator(user, form.code.data or "",
                                                 keep_sid=session.get("sid"))
        if codes is not None:
            return render_template("account/recovery_codes.html", codes=codes, set_up=True)
        form.code.errors = ["Enter the code your authenticator app shows now"]
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("account/authenticator.html", form=form, secret=secret,
                           qr_code=two_factor.qr_code_svg(uri))


@bp.route("/two-factor/email", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def email_codes() -> str | Response:
    form = ConfirmPasswordForm()
    if form.validate_on_submit() and _password_ok(form):
        codes = two_factor.use_email_codes(_me(), keep_sid=session.get("sid"))
        return render_template("account/recovery_codes.html", codes=codes, set_up=True)
    return render_template("account/email_codes.html", form=form)


@bp.route("/two-factor/recovery-codes", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def recovery_codes() -> str | Response:
    form = ConfirmPasswordForm()
    if form.validate_on_submit() and _password_ok(form):
        codes = two_factor.renew_recovery_codes(_me(), keep_sid=session.get("sid"))
        return render_template("account/recovery_codes.html", codes=codes, set_up=False)
    return render_template("account/new_recovery_codes.html", form=form,
                           codes_left=two_factor.recovery_codes_left(_me()))
