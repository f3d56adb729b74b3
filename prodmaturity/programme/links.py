"""Where each measure comes from: a link to the LGA's aggregated view of its round.

The LGA views are a separate feature, so a link is offered only when its endpoint is registered;
the round's own page is the fallback, and with neither the measure simply has no link.
"""

from __future__ import annotations

from flask import current_app, url_for
from werkzeug.routing import BuildError

from ..models import Measure

# Each endpoint takes the round's id (an endpoint without it would get it as a query string).
RESULTS = ("lga.round_results",)
SOURCES: dict[str, tuple[str, ...]] = {
    "returns_received": ("lga.round_overview",),
    "councils_with_critical_gap": ("lga.critical_gaps", *RESULTS),
}
FALLBACK = "lga.round_detail"


def source_url(measure: Measure) -> str | None:
    for endpoint in (*SOURCES.get(measure.kind, RESULTS), FALLBACK):
        if endpoint in current_app.view_functions:
            try:
                return url_for(endpoint, round_id=measure.round_id)
            except BuildError:
                continue
    return None
