"""A council's results page: its profile, how it compares and how it has changed.

The page body is the partial ``council/_results_body.html``, which needs only ``profile``,
``comparisons`` and ``history`` (see ``results_context``), so an LGA page can include it too. It
draws its charts with ``results_charts``, registered here as a template global.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from .. import charts
from ..assessments import results as service
from ..models.assessment import Assessment
from ..permissions import Permission, requires
from .views import bp, own_assessment


@bp.route("/assessments/<int:assessment_id>/results")
@requires(Permission.COUNCIL_EDIT)
def results(assessment_id: int) -> str:
    assessment = own_assessment(assessment_id)
    return render_template("council/results.html", assessment=assessment,
                           **results_context(assessment))


def results_context(assessment: Assessment) -> dict[str, Any]:
    """What ``council/_results_body.html`` needs, for this page and the LGA's review page."""
    return {
        "profile": service.profile(assessment),
        "comparisons": service.comparisons(assessment),
        "history": service.history(assessment.council, assessment.round.slug,
                                   before=assessment.round),
    }


@bp.app_template_global()
def results_charts(profile: service.Profile, comparisons: service.Comparisons
                   ) -> dict[str, Markup]:
    """The results page's charts, keyed by name; each has the same figures as a table."""
    found: dict[str, Markup] = {}
    who = profile.council_name
    if profile.kind == "maturity":
        found["stages"] = charts.stage_chart(
            "chart-stages", f"{who}: current and target stage by key area and enabler",
            "For each key area and enabler, a filled circle marks the current stage and a "
            "hollow diamond the target stage, on a scale from "
            f"{profile.stages[0]} to {profile.stages[-1]}.",
            [charts.StagePoint(i.title, i.current, i.target) for i in profile.items],
            profile.stages)
        fills = charts.stage_fills(profile.stages)
        kind = "median stage"
    else:
        found["sections"] = charts.bar_chart(
            "chart-sections", f"{who}: score by section",
            "Percentage score and rating for each section, out of 100%.",
            [charts.Bar(s.title, s.percent, s.band) for s in profile.sections])
        fills = charts.RAG_FILLS
        kind = "rating"
    for group in comparisons.groups:
        if group.shown:
            found[f"group-{group.key}"] = charts.distribution_chart(
                f"chart-group-{group.key}", f"{group.label}: councils by {kind} and section",
                f"For each section, how many of the {group.councils} councils that have "
                f"submitted are at each {kind}.",
                [charts.Distribution(s.title, s.counts) for s in group.sections], fills)
    return found
