"""A council lead's team: leavers, handing over the lead role, and open invitations.

Routes on the council blueprint (``council.team`` and ``council.invite`` are in views.py).
Another council's person or invitation is a 404, as for assessments; the rules are in
``prodmaturity.auth.lifecycle``.
"""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth import lifecycle, two_factor
from ..auth.lifecycle_views import run_and_report
from ..extensions import db
from ..models import Invitation, User
from ..permissions import Permission, requires
from .views import bp


def own_member(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or person.council_id != current_user.council_id:
        abort(404)
    return person


def own_invitation(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.council_id != current_user.council_id:
        abort(404)
    return invitation


@bp.route("/team/<int:user_id>")
@requires(Permission.COUNCIL_LEAD)
def team_member(user_id: int) -> str:
    person = own_member(user_id)
    return render_template("council/team_member.html", person=person,
                           may_manage=lifecycle.may_manage(current_user, person),
                           recovery_codes_left=two_factor.recovery_codes_left(person))


@bp.route("/team/<int:user_id>/deactivate", methods=["POST"])
@requires(Permission.COUNCIL_LEAD)
def deactivate_member(user_id: int) -> Response:
    person = own_member(user_id)
    return run_and_report(lambda: lifecycle.deactivate(current_user, person),
                f"{person.name}'s account has been deactivated and they have been signed out",
                url_for("council.team"))


@bp.route("/team/<int:user_id>/reactivate", methods=["POST"])
@requires(Permission.COUNCIL_LEAD)
def reactivate_member(user_id: int) -> Response:
    person = own_member(user_id)
    return run_and_report(lambda: lifecycle.reactivate(current_user, person),
                f"{person.name}'s account is active again", url_for("council.team"))


@bp.route("/team/<int:user_id>/make-lead", methods=["POST"])
@requires(Permission.COUNCIL_LEAD)
def hand_over_lead(user_id: int) -> Response:
    person = own_member(user_id)
    return run_and_report(lambda: lifecycle.hand_over_lead(current_user, person),
                f"{person.name} is now the council lead. You are now a council officer",
                url_for("main.home"))


@bp.route("/team/invitations/<int:invitation_id>/resend", methods=["POST"])
@requires(Permission.COUNCIL_LEAD)
def resend_invitation(invitation_id: int) -> Response:
    invitation = own_invitation(invitation_id)
    return run_and_report(lambda: lifecycle.resend_invitation(current_user, invitation),
                f"Invitation sent again to {invitation.email}", url_for("council.team"))


@bp.route("/team/invitations/<int:invitation_id>/revoke", methods=["POST"])
@requires(Permission.COUNCIL_LEAD)
def revoke_invitation(invitation_id: int) -> Response:
    invitation = own_invitation(invitation_id)
    return run_and_report(lambda: lifecycle.revoke_invitation(current_user, invitation),
                f"Invitation to {invitation.email} withdrawn", url_for("council.team"))
