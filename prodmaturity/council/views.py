"""Council pages: the lead's team, and filling in, checking and submitting assessments.

Every assessment page loads its assessment through :func:`own_assessment` (the tenant check);
the rules live in ``prodmaturity.assessments``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..admin.forms import InviteForm
from ..assessments import history as assessment_history
from ..assessments import pages, responses, rounds, workflow
from ..auth import services as auth_services
from ..extensions import db
from ..models import Assessment, Invitation, User
from ..permissions import Permission, Role, grantable_roles, requires
from ..timeutil import today
from .forms import AssignForm, ConfirmForm, DeclarationForm, page_form

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


# Assessments ----------------------------------------------------------------------------------


def own_assessment(assessment_id: int) -> Assessment:
    """The tenant check every assessment page uses: another council's assessment is a 404."""
    assessment = rounds.council_assessment(assessment_id, current_user.council_id)
    if assessment is None:
        abort(404)
    return assessment


@bp.app_template_global()
def council_home() -> dict[str, Any]:
    """What the home page shows a council user: open assessments and sections assigned to them."""
    if not current_user.is_authenticated or not current_user.is_council_user:
        return {"assessments": [], "assigned": []}
    return {"assessments": rounds.council_assessments(current_user.council_id, today(),
                                                      open_only=True),
            "assigned": responses.assignments_for(current_user, today())}


@bp.route("/assessments")
@requires(Permission.COUNCIL_EDIT)
def assessments() -> str:
    found = rounds.council_assessments(current_user.council_id, today())
    return render_template("council/assessments.html", assessments=found)


@bp.route("/assessments/<int:assessment_id>")
@requires(Permission.COUNCIL_EDIT)
def assessment(assessment_id: int) -> str:
    assessment = own_assessment(assessment_id)
    return render_template(
        "council/assessment.html", assessment=assessment,
        framework=responses.framework_of(assessment),
        progress=responses.section_progress(assessment),
        problem=workflow.editable_problem(assessment, today()),
        carry_from=responses.carry_forward_source(assessment),
        missing=responses.missing_items(assessment))


@bp.route("/assessments/<int:assessment_id>/pages/<page_key>", methods=["GET", "POST"])
@requires(Permission.COUNCIL_EDIT)
def page(assessment_id: int, page_key: str) -> str | Response:
    assessment = own_assessment(assessment_id)
    framework = responses.framework_of(assessment)
    shown = pages.page_for(framework, page_key) or abort(404)
    current = responses.responses_by_item(assessment)
    if request.method == "GET" and not workflow.is_editable(assessment, today()):
        return redirect(url_for(".check_answers", assessment_id=assessment.id))
    form = page_form(framework, shown, {} if request.method == "POST" else current,
                     responses.comment_limit())
    conflict = None
    if form.validate_on_submit():
        try:
            responses.save_page(assessment, shown.key, form.inputs, form.versions(),
                                current_user, today())
        except responses.ConflictError as exc:
            conflict = exc
            form.set_versions(exc.versions)
        except workflow.WorkflowError as exc:
            flash(str(exc))
            return redirect(url_for(".assessment", assessment_id=assessment.id))
        else:
            following = pages.next_page(framework, shown.key) if form.continuing else None
            if following is not None:
                return redirect(url_for(".page", assessment_id=assessment.id,
                                        page_key=following.key))
            return redirect(url_for(".assessment", assessment_id=assessment.id))
    return render_template(
        "council/page.html", assessment=assessment, framework=framework, page=shown, form=form,
        conflict=conflict, current=current, last_change=responses.last_change(assessment, shown),
        previous=pages.previous_page(framework, shown.key))


@bp.route("/assessments/<int:assessment_id>/check-answers")
@requires(Permission.COUNCIL_EDIT)
def check_answers(assessment_id: int) -> str:
    assessment = own_assessment(assessment_id)
    framework = responses.framework_of(assessment)
    return render_template(
        "council/check_answers.html", assessment=assessment, framework=framework,
        current=responses.responses_by_item(assessment), missing=responses.missing_items(
            assessment), editable=workflow.is_editable(assessment, today()),
        describe=responses.describe, answer_of=responses.AnswerInput.of,
        page_of_item=pages.page_of_item)


@bp.route("/assessments/<int:assessment_id>/submit", methods=["GET", "POST"])
@requires(Permission.COUNCIL_LEAD)
def submit(assessment_id: int) -> str | Response:
    assessment = own_assessment(assessment_id)
    form = DeclarationForm()
    if form.validate_on_submit():
        try:
            workflow.submit(assessment, current_user, sign_off_name=form.sign_off_name.data or "",
                            sign_off_role=form.sign_off_role.data or "", today=today())
        except workflow.IncompleteError:
            return redirect(url_for(".check_answers", assessment_id=assessment.id))
        except workflow.WorkflowError as exc:
            flash(str(exc))
            return redirect(url_for(".assessment", assessment_id=assessment.id))
        return redirect(url_for(".submitted", assessment_id=assessment.id))
    if assessment.status in workflow.DONE_STATUSES:
        return redirect(url_for(".submitted", assessment_id=assessment.id))
    return render_template("council/submit.html", assessment=assessment, form=form,
                           missing=responses.missing_items(assessment))


@bp.route("/assessments/<int:assessment_id>/submitted")
@requires(Permission.COUNCIL_EDIT)
def submitted(assessment_id: int) -> str | Response:
    assessment = own_assessment(assessment_id)
    if assessment.status not in workflow.DONE_STATUSES:
        return redirect(url_for(".assessment", assessment_id=assessment.id))
    return render_template("council/submitted.html", assessment=assessment)


@bp.route("/assessments/<int:assessment_id>/history")
@requires(Permission.COUNCIL_LEAD)
def history(assessment_id: int) -> str:
    assessment = own_assessment(assessment_id)
    events = assessment_history.history(assessment, request.args.get("page", 1, type=int))
    return render_template("council/history.html", assessment=assessment, events=events,
                           action_label=assessment_history.action_label,
                           back_link=url_for(".assessment", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/carry-forward", methods=["GET", "POST"])
@requires(Permission.COUNCIL_LEAD)
def carry_forward(assessment_id: int) -> str | Response:
    assessment = own_assessment(assessment_id)
    source = responses.carry_forward_source(assessment) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            copied = responses.carry_forward(assessment, current_user, today())
        except workflow.WorkflowError as exc:
            flash(str(exc))
        else:
            flash(f"{copied} answers carried forward from {source.round.title}. Confirm or "
                  "change each one", "success")
        return redirect(url_for(".assessment", assessment_id=assessment.id))
    return render_template("council/carry_forward.html", assessment=assessment, source=source,
                           form=form)


@bp.route("/assessments/<int:assessment_id>/sections/<section_key>/assign",
          methods=["GET", "POST"])
@requires(Permission.COUNCIL_EDIT)
def assign_section(assessment_id: int, section_key: str) -> str | Response:
    assessment = own_assessment(assessment_id)
    framework = responses.framework_of(assessment)
    section = next((s for s in framework.sections if s.key == section_key), None) or abort(404)
    form = AssignForm()
    form.set_people(responses.colleagues(assessment.council_id))
    if form.validate_on_submit():
        try:
            responses.assign_section(assessment, section.key, form.chosen(), current_user,
                                     today())
        except KeyError:
            form.assignee.errors.append("Select who should complete this section")
        except workflow.WorkflowError as exc:
            flash(str(exc))
            return redirect(url_for(".assessment", assessment_id=assessment.id))
        else:
            flash(f"{section.title} assignment saved", "success")
            return redirect(url_for(".assessment", assessment_id=assessment.id))
    return render_template("council/assign.html", assessment=assessment, section=section,
                           form=form)
