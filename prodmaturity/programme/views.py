"""The productivity programme: the LGA's deliverables beside the assessment results they rely on.

LGA analysts read; LGA admins manage deliverables, progress updates and measures. Council users
get 403 on every page here.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from ..extensions import db
from ..models import Deliverable, Round
from ..permissions import Permission, requires
from ..timeutil import today
from . import services
from .forms import DeliverableForm, MeasureForm, ProgressUpdateForm, QuarterForm, quarter_choices
from .links import source_url
from .measures import MeasureError
from .quarters import Quarter
from .report import board_report, report_csv

bp = Blueprint("programme", __name__, url_prefix="/programme")


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"source_url": source_url, "Quarter": Quarter}


def _deliverable(deliverable_id: int) -> Deliverable:
    return db.get_or_404(Deliverable, deliverable_id)


@bp.route("/")
@requires(Permission.LGA_READ)
def dashboard() -> str:
    return render_template("programme/dashboard.html", groups=services.dashboard())


@bp.route("/deliverables/<int:deliverable_id>")
@requires(Permission.LGA_READ)
def deliverable(deliverable_id: int) -> str:
    entry = services.entries([_deliverable(deliverable_id)])[0]
    return render_template("programme/deliverable.html", entry=entry,
                           updates=services.updates_for(entry.deliverable))


def _deliverable_data(form: DeliverableForm) -> services.DeliverableData:
    return services.DeliverableData(
        title=form.title.data.strip(), description=(form.description.data or "").strip(),
        owner=form.owner.data.strip(), financial_year=form.financial_year.data,
        due_quarter=int(form.due_quarter.data), mou_commitment=bool(form.mou_commitment.data),
        funding_source=(form.funding_source.data or "").strip(), status=form.status.data,
        rag=form.rag.data, workstream_ids=tuple(form.workstreams.data))


@bp.route("/deliverables/new", methods=["GET", "POST"])
@requires(Permission.LGA_ADMIN)
def new_deliverable() -> str | BaseResponse:
    form = DeliverableForm(financial_year=Quarter.containing(today()).year)
    form.set_choices(services.workstreams(), services.financial_years())
    if form.validate_on_submit():
        saved = services.save_deliverable(_deliverable_data(form), current_user)
        flash(f"Deliverable “{saved.title}” added", "success")
        return redirect(url_for(".deliverable", deliverable_id=saved.id))
    return render_template("programme/deliverable_form.html", form=form, deliverable=None)


@bp.route("/deliverables/<int:deliverable_id>/edit", methods=["GET", "POST"])
@requires(Permission.LGA_ADMIN)
def edit_deliverable(deliverable_id: int) -> str | BaseResponse:
    item = _deliverable(deliverable_id)
    form = DeliverableForm(data=services.form_values(item))
    form.set_choices(services.workstreams(), services.financial_years())
    if form.validate_on_submit():
        services.save_deliverable(_deliverable_data(form), current_user, item)
        flash("Deliverable updated", "success")
        return redirect(url_for(".deliverable", deliverable_id=item.id))
    return render_template("programme/deliverable_form.html", form=form, deliverable=item)


@bp.route("/deliverables/<int:deliverable_id>/updates/new", methods=["GET", "POST"])
@requires(Permission.LGA_ADMIN)
def add_update(deliverable_id: int) -> str | BaseResponse:
    item = _deliverable(deliverable_id)
    form = ProgressUpdateForm(quarter=Quarter.containing(today()).slug, rag=item.rag)
    form.quarter.choices = quarter_choices(services.financial_years())
    if form.validate_on_submit():
        quarter = Quarter.from_slug(form.quarter.data)
        assert quarter is not None  # the select only offers real quarters
        services.add_progress_update(item, quarter, form.rag.data, form.narrative.data.strip(),
                                     current_user)
        flash(f"Progress update for {quarter.label} added", "success")
        return redirect(url_for(".deliverable", deliverable_id=item.id))
    return render_template("programme/update_form.html", form=form, deliverable=item)


@bp.route("/deliverables/<int:deliverable_id>/measures/new", methods=["GET", "POST"])
@requires(Permission.LGA_ADMIN)
def add_measure(deliverable_id: int) -> str | BaseResponse:
    item = _deliverable(deliverable_id)
    rounds = services.rounds_newest_first()
    form = MeasureForm()
    form.set_rounds(rounds)
    if form.validate_on_submit():
        try:
            services.add_measure(
                item, db.get_or_404(Round, form.round_id.data), form.kind.data,
                area=(form.area.data or "").strip() or None, stage=form.stage.data,
                change=bool(form.change.data), target=form.target.data,
                label=form.label.data.strip(), actor=current_user)
        except MeasureError as error:
            form.kind.errors = [*form.kind.errors, str(error)]
        else:
            flash("Measure added", "success")
            return redirect(url_for(".deliverable", deliverable_id=item.id))
    return render_template("programme/measure_form.html", form=form, deliverable=item,
                           rounds=rounds)


def _quarter_from_request() -> tuple[QuarterForm, Quarter]:
    form = QuarterForm(request.args, quarter=Quarter.containing(today()).slug)
    form.quarter.choices = quarter_choices(services.financial_years())
    quarter = Quarter.from_slug(form.quarter.data or "")
    if quarter is None or not form.validate():
        abort(404)
    return form, quarter


@bp.route("/board-report")
@requires(Permission.LGA_READ)
def board_report_page() -> str:
    form, quarter = _quarter_from_request()
    return render_template("programme/board_report.html", form=form, report=board_report(quarter))


@bp.route("/board-report.csv")
@requires(Permission.LGA_READ)
def board_report_csv() -> Response:
    _form, quarter = _quarter_from_request()
    return Response(
        report_csv(board_report(quarter)), mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition":
                 f'attachment; filename="programme-board-report-{quarter.slug}.csv"'})
