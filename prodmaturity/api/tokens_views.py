"""The account pages where people create and revoke their API tokens.

A new token is shown once, on the page that answers the POST: it is never stored in plain text,
so it cannot be put in a flash message (the cookie is signed, not encrypted) or shown again.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..permissions import Permission, requires
from .forms import NewTokenForm, RevokeTokenForm
from .tokens import create_token, revoke_token, user_tokens

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")


@bp.route("")
@requires(Permission.SIGNED_IN)
def index() -> str:
    return render_template("api/tokens.html", tokens=user_tokens(current_user),
                           revoke_form=RevokeTokenForm())


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.SIGNED_IN)
def new() -> str:
    form = NewTokenForm()
    if form.validate_on_submit():
        token, plain = create_token(current_user, form.name.data or "")
        return render_template("api/token_created.html", token=token, plain=plain)
    return render_template("api/new_token.html", form=form)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@requires(Permission.SIGNED_IN)
def revoke(token_id: int) -> Response:
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    token = revoke_token(current_user, token_id) or abort(404)
    flash(f"Token \u201c{token.name}\u201d revoked: it no longer works", "success")
    return redirect(url_for("api_tokens.index"))
