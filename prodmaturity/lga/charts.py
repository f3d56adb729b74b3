"""The aggregated results' charts, built from the aggregates with the shared SVG charts.

Each chart states the number of councils in its description; pages show the same figures in a
table beside it.
"""

from __future__ import annotations

from markupsafe import Markup

from ..charts import RAG_FILLS, Bar, Distribution, bar_chart, distribution_chart, stage_fills
from .aggregates import MaturityResults, QuestionnaireResults


def _councils(n: int) -> str:
    return f"{n} council{'s' if n != 1 else ''}"


def maturity_charts(results: MaturityResults) -> dict[str, Markup]:
    if results.suppressed or not results.councils:
        return {}
    names = [stage.name for stage in results.framework.stages]
    fills = stage_fills(names)
    rows = [Distribution(item.title, {str(n + 1): c for n, c in enumerate(item.counts)})
            for item in results.items]
    themes = [Distribution(t.title, {str(n + 1): c for n, c in enumerate(t.councils.counts)})
              for t in results.themes]
    return {
        "stages": distribution_chart(
            "chart-stages", "Councils at each stage, by key area and enabler",
            f"Stacked bars: for each key area and enabler, how many of the "
            f"{_councils(results.councils)} are at each stage, from {names[0]} to {names[-1]}. "
            "The table below gives the same figures.", rows, fills),
        "themes": distribution_chart(
            "chart-themes", "Councils by their median stage in each theme",
            f"Stacked bars: for each theme, how many of the {_councils(results.councils)} have "
            "each stage as their median across the theme's key areas.", themes, fills),
    }


def questionnaire_charts(results: QuestionnaireResults) -> dict[str, Markup]:
    if results.suppressed or not results.councils:
        return {}
    overall = [Distribution("All councils", results.overall.counts)]
    overall += [Distribution(g.label, g.counts) for g in results.by_region if not g.suppressed]
    sections = [Distribution(s.label, s.counts) for s in results.sections]
    averages = [Bar(s.label, s.mean_percent) for s in results.sections]
    return {
        "overall": distribution_chart(
            "chart-rag", "Overall ratings, nationally and by region",
            f"Stacked bars: how many councils have each overall rating, red to green with the "
            f"three amber sub-bands, out of {_councils(results.councils)} nationally and for "
            "each region.", overall, RAG_FILLS),
        "sections": distribution_chart(
            "chart-section-rag", "Section ratings",
            f"Stacked bars: how many of the {_councils(results.councils)} have each rating in "
            "each section.", sections, RAG_FILLS),
        "averages": bar_chart(
            "chart-section-average", "Average section scores",
            f"Bars: the average percentage score in each section across "
            f"{_councils(results.councils)}.", averages),
    }
