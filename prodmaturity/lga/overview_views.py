"""LGA pages for a round's progress: the overview, the council list and the chase list.

Routes join the ``lga`` blueprint; each page runs a fixed number of queries (see the services).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectMultipleField, SubmitField

from ..extensions import db
from ..models import Round
from ..permissions import Permission, requires
from . import overview, reminders
from . import results_views as _results_views  # noqa: F401  (its routes join the blueprint too)
from .filters import parse_filter, regions, type_choices
from .views import bp


class ReminderForm(FlaskForm):
    """Councils ticked on the chase list; the button pressed decides the scope."""

    councils = SelectMultipleField(coerce=int, validate_choice=False)
    send_selected = SubmitField("Send reminders to selected councils")
    send_all = SubmitField("Send reminders to all outstanding councils")


def _round(round_id: int) -> Round:
    return db.session.get(Round, round_id) or abort(404)


def _filter_context() -> dict[str, Any]:
    known = regions()
    return {"council_filter": parse_filter(request.args, known), "regions": known,
            "types": type_choices()}


@bp.route("/rounds/<int:round_id>/overview")
@requires(Permission.LGA_READ)
def round_overview(round_id: int) -> str:
    round_ = _round(round_id)
    context = _filter_context()
    summary = overview.round_overview(round_, context["council_filter"])
    return render_template("lga/overview.html", round=round_, summary=summary,
                           statuses=overview.statuses_with_labels(), **context)


@bp.route("/rounds/<int:round_id>/councils")
@requires(Permission.LGA_READ)
def round_councils(round_id: int) -> str:
    round_ = _round(round_id)
    context = _filter_context()
    status = request.args.get("status") or None
    sort = overview.parse_sort(request.args.get("sort"))
    page = overview.council_list(round_, council_filter=context["council_filter"],
                                 status=status if status in overview.STATUSES else None,
                                 sort=sort, page=request.args.get("page", 1, type=int))
    return render_template("lga/overview_councils.html", round=round_, page=page, sort=sort,
                           status=status, statuses=overview.statuses_with_labels(), **context)


def _render_chase(round_: Round, form: ReminderForm) -> str:
    context = _filter_context()
    page = reminders.chase_list(round_, council_filter=context["council_filter"],
                                page=request.args.get("page", 1, type=int))
    return render_template("lga/chase.html", round=round_, page=page, form=form,
                           can_send=current_user.can(Permission.LGA_ADMIN), **context)


@bp.route("/rounds/<int:round_id>/chase")
@requires(Permission.LGA_READ)
def chase(round_id: int) -> str:
    return _render_chase(_round(round_id), ReminderForm())


@bp.route("/rounds/<int:round_id>/chase/reminders", methods=["POST"])
@requires(Permission.LGA_ADMIN)
def send_reminders(round_id: int) -> str | Response:
    round_ = _round(round_id)
    form = ReminderForm()
    if form.validate_on_submit():
        chosen = None if form.send_all.data else form.councils.data or []
        if chosen == []:
            form.councils.errors = ["Select at least one council to remind"]
        else:
            outcome = reminders.send_reminders(
                round_, chosen, actor=current_user,
                council_filter=parse_filter(request.args, regions()))
            for message, category in reminders.outcome_messages(outcome):
                flash(message, category)
            return redirect(url_for(".chase", round_id=round_.id, **request.args))
    return _render_chase(round_, form)
