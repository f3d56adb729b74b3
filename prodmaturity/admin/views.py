"""LGA admin: people, invitations, leavers and councils left without a lead."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..account.services import recent_sign_ins
from ..auth import lifecycle, two_factor
from ..auth import services as auth_services
from ..auth.lifecycle_views import run_and_report
from ..extensions import db
from ..models import Council, Invitation, User
from ..permissions import Permission, Role, grantable_roles, requires
from ..timeutil import today
from .forms import InviteForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@requires(Permission.LGA_ADMIN)
def users() -> str:
    council = None
    if request.args.get("council"):
        council = db.first_or_404(
            sa.select(Council).where(Council.gss_code == request.args["council"]))
    query = sa.select(User).order_by(User.role, User.name)
    invitations = (sa.select(Invitation)
                   .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
                   .order_by(Invitation.created_at.desc()).limit(50))
    if council is not None:
        query = query.where(User.council_id == council.id)
        invitations = invitations.where(Invitation.council_id == council.id)
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, council=council,
                           invitations=db.session.scalars(invitations).all())


@bp.route("/users/<int:user_id>")
@requires(Permission.LGA_ADMIN)
def user(user_id: int) -> str:
    person = db.get_or_404(User, user_id)
    return render_template("admin/users_person.html", person=person,
                           may_manage=lifecycle.may_manage(current_user, person),
                           sign_ins=recent_sign_ins(person, None, limit=5),
                           recovery_codes_left=two_factor.recovery_codes_left(person))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires(Permission.LGA_ADMIN)
def deactivate_user(user_id: int) -> Response:
    person = db.get_or_404(User, user_id)
    return run_and_report(lambda: lifecycle.deactivate(current_user, person),
                f"{person.name}'s account has been deactivated and they have been signed out",
                url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@requires(Permission.LGA_ADMIN)
def reactivate_user(user_id: int) -> Response:
    person = db.get_or_404(User, user_id)
    return run_and_report(lambda: lifecycle.reactivate(current_user, person),
                f"{person.name}'s account is active again",
                url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/make-lead", methods=["POST"])
@requires(Permission.LGA_ADMIN)
def make_lead(user_id: int) -> Response:
    person = db.get_or_404(User, user_id)
    council_name = person.council.name if person.council else ""
    return run_and_report(lambda: lifecycle.hand_over_lead(current_user, person),
                f"{person.name} is now the council lead for {council_name}",
                url_for("admin.user", user_id=person.id))


@bp.route("/users/<int:user_id>/reset-two-factor", methods=["POST"])
@requires(Permission.LGA_ADMIN)
def reset_two_factor(user_id: int) -> Response:
    person = db.get_or_404(User, user_id)
    if person.id == current_user.id:
        flash("You cannot reset your own sign-in security. Ask another LGA admin", "info")
    else:
        two_factor.reset_by_admin(current_user, person)
        flash(f"{person.name}'s sign-in security has been reset. They will get codes by email",
              "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
@requires(Permission.LGA_ADMIN)
def resend_invitation(invitation_id: int) -> Response:
    invitation = db.get_or_404(Invitation, invitation_id)
    return run_and_report(lambda: lifecycle.resend_invitation(current_user, invitation),
                f"Invitation sent again to {invitation.email}", url_for("admin.users"))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@requires(Permission.LGA_ADMIN)
def revoke_invitation(invitation_id: int) -> Response:
    invitation = db.get_or_404(Invitation, invitation_id)
    return run_and_report(lambda: lifecycle.revoke_invitation(current_user, invitation),
                f"Invitation to {invitation.email} withdrawn", url_for("admin.users"))


@bp.route("/needs-attention")
@requires(Permission.LGA_ADMIN)
def needs_attention() -> str:
    return render_template("admin/needs_attention.html",
                           councils=lifecycle.councils_without_a_lead(today()))


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
