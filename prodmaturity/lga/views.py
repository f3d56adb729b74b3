"""LGA pages for running rounds: open one, extend deadlines, review, return or accept.

The overview and aggregate pages join this blueprint from their own modules.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..assessments import history as assessment_history
from ..assessments import pages, responses, rounds, workflow
from ..extensions import db
from ..models import Assessment, Council, FrameworkVersion, Round
from ..permissions import Permission, requires
from ..timeutil import today
from .forms import AcceptForm, DeadlineForm, NewRoundForm, ReturnForm

bp = Blueprint("lga", __name__, url_prefix="/lga")


def _assessment(assessment_id: int) -> Assessment:
    return db.session.get(Assessment, assessment_id) or abort(404)


@bp.route("/rounds", endpoint="rounds")
@requires(Permission.LGA_READ)
def rounds_list() -> str:
    return render_template("lga/rounds.html", rounds=rounds.rounds_with_counts(), today=today())


@bp.route("/rounds/new", methods=["GET", "POST"])
@requires(Permission.LGA_ADMIN)
def new_round() -> str | Response:
    form = NewRoundForm()
    form.set_versions(list(db.session.scalars(
        sa.select(FrameworkVersion).order_by(FrameworkVersion.slug, FrameworkVersion.id))))
    if form.validate_on_submit():
        codes = form.gss_codes()
        chosen = None if codes is None else list(db.session.scalars(
            sa.select(Council).where(Council.gss_code.in_(codes))))
        unknown = sorted(set(codes or ()) - {c.gss_code for c in chosen or ()})
        try:
            if unknown:
                raise rounds.RoundError(f"No council has these GSS codes: {', '.join(unknown)}")
            created = rounds.create_round(
                form.chosen_version(), title=form.title.data or "", opens_on=form.opens_on.data,
                closes_on=form.closes_on.data, actor=current_user, councils=chosen)
        except rounds.RoundError as exc:
            (form.councils if codes else form.closes_on).errors.append(str(exc))
        else:
            flash(f"{created.title} opened for councils", "success")
            return redirect(url_for(".round_detail", round_id=created.id))
    return render_template("lga/new_round.html", form=form)


@bp.route("/rounds/<int:round_id>")
@requires(Permission.LGA_READ)
def round_detail(round_id: int) -> str:
    round_ = db.session.get(Round, round_id) or abort(404)
    return render_template("lga/round.html", round=round_,
                           assessments=rounds.round_assessments(round_), today=today())


@bp.route("/rounds/<int:round_id>/deadline", methods=["GET", "POST"])
@requires(Permission.LGA_ADMIN)
def extend_deadline(round_id: int) -> str | Response:
    round_ = db.session.get(Round, round_id) or abort(404)
    form = DeadlineForm()
    if form.validate_on_submit():
        try:
            rounds.extend_round(round_, form.current(), current_user)
        except rounds.RoundError as exc:
            form.deadline.errors.append(str(exc))
        else:
            flash(f"{round_.title} now closes on {form.current():%-d %B %Y}", "success")
            return redirect(url_for(".round_detail", round_id=round_.id))
    return render_template("lga/deadline.html", form=form, heading=f"Extend {round_.title}",
                           current=round_.closes_on,
                           back_link=url_for(".round_detail", round_id=round_.id))


@bp.route("/assessments/<int:assessment_id>/deadline", methods=["GET", "POST"])
@requires(Permission.LGA_ADMIN)
def extend_council_deadline(assessment_id: int) -> str | Response:
    assessment = _assessment(assessment_id)
    form = DeadlineForm()
    if form.validate_on_submit():
        try:
            rounds.extend_council_deadline(assessment, form.current(), current_user)
        except rounds.RoundError as exc:
            form.deadline.errors.append(str(exc))
        else:
            flash(f"{assessment.council.name} now has until {form.current():%-d %B %Y}",
                  "success")
            return redirect(url_for(".round_detail", round_id=assessment.round_id))
    return render_template("lga/deadline.html", form=form,
                           heading=f"Extend the deadline for {assessment.council.name}",
                           current=assessment.deadline,
                           back_link=url_for(".round_detail", round_id=assessment.round_id))


@bp.route("/assessments/<int:assessment_id>")
@requires(Permission.LGA_READ)
def review(assessment_id: int) -> str:
    assessment = _assessment(assessment_id)
    return render_template(
        "lga/review.html", assessment=assessment, framework=responses.framework_of(assessment),
        current=responses.responses_by_item(assessment), describe=responses.describe,
        answer_of=responses.AnswerInput.of, accept_form=AcceptForm(),
        can_decide=current_user.can(Permission.LGA_ADMIN), page_of_item=pages.page_of_item)


@bp.route("/assessments/<int:assessment_id>/accept", methods=["POST"])
@requires(Permission.LGA_ADMIN)
def accept(assessment_id: int) -> Response:
    assessment = _assessment(assessment_id)
    if AcceptForm().validate_on_submit():
        try:
            workflow.accept(assessment, current_user)
        except workflow.WorkflowError as exc:
            flash(str(exc))
        else:
            flash(f"{assessment.council.name}'s assessment accepted", "success")
    return redirect(url_for(".review", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/return", methods=["GET", "POST"])
@requires(Permission.LGA_ADMIN)
def return_assessment(assessment_id: int) -> str | Response:
    assessment = _assessment(assessment_id)
    form = ReturnForm()
    if form.validate_on_submit():
        try:
            workflow.return_assessment(assessment, current_user, form.reason.data or "")
        except workflow.WorkflowError as exc:
            flash(str(exc))
        else:
            flash(f"{assessment.council.name}'s assessment returned", "success")
        return redirect(url_for(".review", assessment_id=assessment.id))
    return render_template("lga/return.html", assessment=assessment, form=form,
                           back_link=url_for(".review", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/history", endpoint="history")
@requires(Permission.LGA_READ)
def assessment_history_page(assessment_id: int) -> str:
    assessment = _assessment(assessment_id)
    events = assessment_history.history(assessment, request.args.get("page", 1, type=int))
    return render_template("council/history.html", assessment=assessment, events=events,
                           action_label=assessment_history.action_label,
                           back_link=url_for(".review", assessment_id=assessment.id))
