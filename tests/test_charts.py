"""SVG charts: accessible names, a label for every value, no inline styles, well-formed XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from markupsafe import Markup

from prodmaturity import charts

SVG = "{http://www.w3.org/2000/svg}"
STAGES = ("Minimum", "Developing", "Mature", "Leader", "Innovator")


def check_accessible(markup: Markup, chart_id: str, title: str) -> ET.Element:
    assert isinstance(markup, Markup)
    assert "style=" not in markup
    root = ET.fromstring(str(markup))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    title_el, desc_el = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title_el is not None and title_el.get("id") == f"{chart_id}-title"
    assert title_el.text == title
    assert desc_el is not None and desc_el.get("id") == f"{chart_id}-desc" and desc_el.text
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def test_bar_chart_labels_every_value_and_band() -> None:
    bars = [charts.Bar("Leadership & ownership", 81.8, "green"),
            charts.Bar("Training", 22.2, "red"), charts.Bar("Technology", None)]
    root = check_accessible(charts.bar_chart("c1", "Scores", "Score by section", bars),
                            "c1", "Scores")
    labels = texts(root)
    assert "Leadership & ownership" in labels  # escaped in the markup, intact once parsed
    assert "81.8% Green" in labels and "22.2% Red" in labels and "No score" in labels
    patterns = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert {"c1-red", "c1-green"} <= patterns  # fills differ by pattern, not colour alone
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert "url(#c1-green)" in fills and "url(#c1-red)" in fills


def test_stage_chart_shows_current_and_target_as_text() -> None:
    points = [charts.StagePoint("Engaging councillors", 2, 4),
              charts.StagePoint("Social value", 3, 3), charts.StagePoint("Embedding", None, None)]
    root = check_accessible(charts.stage_chart("c2", "Stages", "Now and target", points, STAGES),
                            "c2", "Stages")
    labels = texts(root)
    assert "Developing to Leader" in labels and "Mature, at target" in labels
    assert "Not answered" in labels
    assert [f"{n} {name}" for n, name in enumerate(STAGES, 1)] == [
        t for t in labels if t[0].isdigit()]
    assert len(list(root.iter(f"{SVG}circle"))) == 3  # 2 answered rows + the legend


def test_distribution_chart_counts_and_legend() -> None:
    rows = [charts.Distribution("Leadership", {"red": 3, "amber": 10, "green": 2}),
            charts.Distribution("Training", {"red": 1})]
    root = check_accessible(
        charts.distribution_chart("c3", "Spread", "Councils by rating", rows, charts.RAG_FILLS),
        "c3", "Spread")
    labels = texts(root)
    assert {"3", "10", "15 in all", "1 in all"} <= set(labels)
    assert all(fill.label in labels for fill in charts.RAG_FILLS)  # the legend


def test_stage_fills_follow_the_scale() -> None:
    fills = charts.stage_fills(STAGES)
    assert [f.key for f in fills] == ["1", "2", "3", "4", "5"]
    assert len({(f.colour, f.pattern) for f in fills}) == 5


def test_chart_text_is_escaped() -> None:
    markup = charts.bar_chart("c4", "<b>Title</b>", "a < b", [charts.Bar("<x>", 1.0)])
    assert "<b>" not in markup and "&lt;x&gt;" in markup
    ET.fromstring(str(markup))
