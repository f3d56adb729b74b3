"""Council pages: the lead's team (assessment pages join this blueprint)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..admin.forms import InviteForm
from ..auth import services as auth_services
from ..extensions import db
from ..models import Invitation, User
from ..permissions import Permission, Role, grantable_roles, requires

bp = Blueprint("council", __name__, url_prefix="/council")


@bp.route("/team")
@requires(Permission.COUNCIL_LEAD)
def team() -> str:
    members = db.session.scalars(
        sa.select(User).where(User.council_id == current_user.council_id).order_by(User.name)
    ).all()
    invitations = db.session.scalars(
        sa.select(Invitation)
        .where(
            Invitation.council_id == current_user.council_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .order_by(Invitation.created_at.desc())
    ).all()
    return render_template("council/team.html", members=members, invitations=invitations)


@bp.route("/team/invite", methods=["GET", "POST"])
@requires(Permission.COUNCIL_LEAD)
def invite() -> str | Response:
    form = InviteForm()
    form.set_roles(grantable_roles(current_user.role))
    form.set_councils([])
    if form.validate_on_submit():
        try:
            auth_services.create_invitation(
                inviter=current_user, email=form.email.data or "", name=form.name.data or "",
                role=Role(form.role.data), council=current_user.council,
            )
        except auth_services.InvitationError as exc:
            form.email.errors = [str(exc)]
        else:
            flash(f"Invitation sent to {form.email.data}", "success")
            return redirect(url_for("council.team"))
    return render_template("admin/invite.html", form=form, show_council=False,
                           cancel_url=url_for("council.team"))
