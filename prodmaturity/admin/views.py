"""LGA admin: people and invitations."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth import services as auth_services
from ..extensions import db
from ..models import Council, Invitation, User
from ..permissions import Permission, Role, grantable_roles, requires
from ..timeutil import today
from .forms import InviteForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@requires(Permission.LGA_ADMIN)
def users() -> str:
    page = db.paginate(
        sa.select(User).order_by(User.role, User.name), per_page=50, error_out=False
    )
    invitations = db.session.scalars(
        sa.select(Invitation)
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc())
        .limit(50)
    ).all()
    return render_template("admin/users.html", page=page, invitations=invitations)


def active_council_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(Council.gss_code, Council.name)
        .where(Council.active_on_clause(today()))
        .order_by(Council.name)
    ).all()
    return [(code, name) for code, name in rows]


@bp.route("/users/invite", methods=["GET", "POST"])
@requires(Permission.LGA_ADMIN)
def invite() -> str | Response:
    form = InviteForm()
    form.set_roles(grantable_roles(current_user.role))
    form.set_councils(active_council_choices())
    if form.validate_on_submit():
        role = Role(form.role.data)
        council = None
        if role.is_council:
            code = form.chosen_council_code()
            council = db.session.scalar(sa.select(Council).where(Council.gss_code == code))
            if code is None or council is None:
                form.council.errors = ["Select the council this person works for"]
        if not form.errors:
            try:
                auth_services.create_invitation(
                    inviter=current_user, email=form.email.data or "", name=form.name.data or "",
                    role=role, council=council,
                )
            except auth_services.InvitationError as exc:
                form.email.errors = [str(exc)]
            else:
                flash(f"Invitation sent to {form.email.data}", "success")
                return redirect(url_for("admin.users"))
    return render_template("admin/invite.html", form=form, show_council=True,
                           cancel_url=url_for("admin.users"))
