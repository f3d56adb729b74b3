"""LGA pages for aggregated results and the critical-gaps list (both LGA roles only).

The LGA may see every group however small (``minimum_group=None``); views for anyone else must
call the aggregates with ``COMPARISON_MINIMUM``.
"""

from __future__ import annotations

from flask import abort, render_template, request

from ..assessments import rounds as assessment_rounds
from ..extensions import db
from ..models import Round
from ..permissions import Permission, requires
from . import aggregates, charts
from .critical import critical_gaps as critical_gaps_page
from .filters import parse_filter, regions, type_choices
from .views import bp


@bp.route("/results")
@requires(Permission.LGA_READ)
def results() -> str:
    return render_template("lga/aggregates_index.html",
                           rounds=assessment_rounds.rounds_with_counts())


@bp.route("/rounds/<int:round_id>/results")
@requires(Permission.LGA_READ)
def round_results(round_id: int) -> str:
    round_ = db.session.get(Round, round_id) or abort(404)
    known = regions()
    council_filter = parse_filter(request.args, known)
    found = aggregates.round_results(round_, council_filter, minimum_group=None)
    chart_set = (charts.maturity_charts(found) if isinstance(found, aggregates.MaturityResults)
                 else charts.questionnaire_charts(found))
    return render_template(f"lga/aggregates_{found.kind}.html", round=round_, results=found,
                           charts=chart_set, council_filter=council_filter, regions=known,
                           types=type_choices())


@bp.route("/rounds/<int:round_id>/critical-gaps")
@requires(Permission.LGA_READ)
def critical_gaps(round_id: int) -> str:
    round_ = db.session.get(Round, round_id) or abort(404)
    known = regions()
    council_filter = parse_filter(request.args, known)
    page = critical_gaps_page(round_, council_filter, page=request.args.get("page", 1, type=int))
    return render_template("lga/aggregates_critical_gaps.html", round=round_, page=page,
                           council_filter=council_filter, regions=known, types=type_choices())
