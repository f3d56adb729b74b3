"""Accessible SVG charts rendered on the server, as pure functions returning markup.

No JavaScript and no ``style=`` (the CSP forbids inline styles): colours are SVG presentation
attributes and sizing comes from the ``app-svg-chart`` class. Each chart is an ``<svg role="img">``
named by its ``<title>`` and described by its ``<desc>``; every value is also written as text and
every fill has its own pattern, so nothing relies on colour alone. Pages still show the same
figures in a table next to the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 760
LABEL_WIDTH = 250
ROW_HEIGHT = 40
BAR_HEIGHT = 22
FONT = 'font-family="arial, sans-serif"'
BLACK = "#0b0c0c"
GREY = "#b1b4b6"


@dataclass(frozen=True)
class Fill:
    """A legend entry: its label, colour and pattern (solid, diagonal, dots, cross, lines)."""

    key: str
    label: str
    colour: str
    pattern: str


RAG_FILLS = (
    Fill("red", "Red", "#d4351c", "diagonal"),
    Fill("amber_red", "Amber-red", "#b35b00", "cross"),
    Fill("amber", "Amber", "#f47738", "dots"),
    Fill("amber_green", "Amber-green", "#85994b", "lines"),
    Fill("green", "Green", "#00703c", "solid"),
)

_STAGE_COLOURS = ("#d4351c", "#f47738", "#85994b", "#00703c", "#1d70b8", "#4c2c92")
_PATTERNS = ("diagonal", "dots", "lines", "solid", "cross", "solid")


def stage_fills(names: Sequence[str]) -> tuple[Fill, ...]:
    """Fills for a stage scale, lowest first; keys are the stage numbers as text."""
    return tuple(
        Fill(str(number), name, _STAGE_COLOURS[(number - 1) % 6], _PATTERNS[(number - 1) % 6])
        for number, name in enumerate(names, start=1)
    )


def rag_fill(band: str | None) -> Fill | None:
    return next((fill for fill in RAG_FILLS if fill.key == band), None)


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart; ``band`` picks the fill, ``note`` is written after the value."""

    label: str
    value: float | None
    band: str | None = None
    note: str = ""


@dataclass(frozen=True)
class StagePoint:
    """One row of a stage profile: current and target stage numbers (1-based) or None."""

    label: str
    current: int | None
    target: int | None


@dataclass(frozen=True)
class Distribution:
    """One row of a stacked bar: a count per fill key."""

    label: str
    counts: dict[str, int]


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar], *,
              maximum: float = 100, unit: str = "%") -> Markup:
    """Horizontal bars, one per row, with the value and band written next to each bar."""
    plot = WIDTH - LABEL_WIDTH - 170
    fills = {fill.key: fill for fill in RAG_FILLS}
    rows = []
    for index, bar in enumerate(bars):
        y = index * ROW_HEIGHT
        parts = [_label(bar.label, y)]
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 9}" width="{plot}" height="{BAR_HEIGHT}" '
                     f'fill="#f3f2f1" stroke="{GREY}"/>')
        if bar.value is None:
            text = "No score"
        else:
            width = round(plot * max(0.0, min(bar.value, maximum)) / maximum, 1)
            fill = fills.get(bar.band or "")
            paint = f"url(#{chart_id}-{fill.key})" if fill else "#1d70b8"
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 9}" width="{width}" '
                         f'height="{BAR_HEIGHT}" fill="{paint}" stroke="{BLACK}"/>')
            text = f"{bar.value:g}{unit}" + (f" {fill.label}" if fill else "")
        text += f" {bar.note}" if bar.note else ""
        parts.append(_text(LABEL_WIDTH + plot + 8, y + 25, text, bold=True))
        rows.append("".join(parts))
    height = max(len(bars), 1) * ROW_HEIGHT
    defs = _patterns(chart_id, RAG_FILLS)
    return _svg(chart_id, title, description, height, defs + "".join(rows))


def stage_chart(chart_id: str, title: str, description: str, points: Sequence[StagePoint],
                stages: Sequence[str]) -> Markup:
    """Current stage (filled circle) and target (hollow diamond) per row on the stage scale."""
    step = 90
    left = LABEL_WIDTH + 45
    top = 46

    def x(stage: int) -> int:
        return left + (stage - 1) * step

    axis = []
    for number, name in enumerate(stages, start=1):
        axis.append(f'<line x1="{x(number)}" y1="{top - 6}" x2="{x(number)}" '
                    f'y2="{top + len(points) * ROW_HEIGHT}" stroke="{GREY}"/>')
        axis.append(_text(x(number), top - 12, f"{number} {name}", anchor="middle", size=12))
    legend = (f'<circle cx="{LABEL_WIDTH - 160}" cy="12" r="7" fill="#1d70b8" stroke="{BLACK}"/>'
              + _text(LABEL_WIDTH - 148, 17, "Now")
              + _diamond(LABEL_WIDTH - 95, 12)
              + _text(LABEL_WIDTH - 83, 17, "Target"))
    rows = []
    text_x = x(len(stages)) + 24
    for index, point in enumerate(points):
        y = top + index * ROW_HEIGHT
        mid = y + ROW_HEIGHT // 2
        parts = [_label(point.label, y)]
        if point.current is None:
            parts.append(_text(text_x, mid + 5, "Not answered"))
        else:
            if point.target is not None and point.target != point.current:
                parts.append(f'<line x1="{x(point.current)}" y1="{mid}" x2="{x(point.target)}" '
                             f'y2="{mid}" stroke="{BLACK}" stroke-width="3"/>')
            if point.target is not None:
                parts.append(_diamond(x(point.target), mid))
            parts.append(f'<circle cx="{x(point.current)}" cy="{mid}" r="8" fill="#1d70b8" '
                         f'stroke="{BLACK}" stroke-width="2"/>')
            now = stages[point.current - 1]
            aim = stages[point.target - 1] if point.target else "no target"
            label = f"{now}, at target" if point.target == point.current else f"{now} to {aim}"
            parts.append(_text(text_x, mid + 5, label, bold=True))
        rows.append("".join(parts))
    height = top + max(len(points), 1) * ROW_HEIGHT
    return _svg(chart_id, title, description, height, legend + "".join(axis) + "".join(rows),
                width=text_x + 200)


def distribution_chart(chart_id: str, title: str, description: str,
                       rows: Sequence[Distribution], fills: Sequence[Fill]) -> Markup:
    """Stacked bars of counts per category, with a legend; counts are written on each segment."""
    plot = WIDTH - LABEL_WIDTH - 90  # room after the bar for "1,234 in all" (it was clipped)
    top = 34
    legend = []
    x = 0
    for fill in fills:
        legend.append(f'<rect x="{x}" y="4" width="18" height="18" fill="url(#{chart_id}-'
                      f'{fill.key})" stroke="{BLACK}"/>' + _text(x + 24, 18, fill.label, size=13))
        x += 34 + 7 * len(fill.label)
    body = []
    for index, row in enumerate(rows):
        y = top + index * ROW_HEIGHT
        total = sum(row.counts.get(fill.key, 0) for fill in fills)
        parts = [_label(row.label, y)]
        start = float(LABEL_WIDTH)
        for fill in fills:
            count = row.counts.get(fill.key, 0)
            if not count:
                continue
            width = plot * count / total
            parts.append(f'<rect x="{start:.1f}" y="{y + 9}" width="{width:.1f}" '
                         f'height="{BAR_HEIGHT}" fill="url(#{chart_id}-{fill.key})" '
                         f'stroke="{BLACK}"/>')
            if width >= 22:
                parts.append(_text(start + width / 2, y + 25, str(count), anchor="middle",
                                   bold=True, halo=True))
            start += width
        parts.append(_text(LABEL_WIDTH + plot + 8, y + 25, f"{total} in all"))
        body.append("".join(parts))
    height = top + max(len(rows), 1) * ROW_HEIGHT
    content = _patterns(chart_id, fills) + "".join(legend) + "".join(body)
    return _svg(chart_id, title, description, height, content)


def _svg(chart_id: str, title: str, description: str, height: int, content: str, *,
         width: int = WIDTH) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-svg-chart" role="img" '
        f'id="{escape(chart_id)}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{content}</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", bold: bool = False,
          size: int = 14, halo: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    paint = (f' fill="#ffffff" stroke="{BLACK}" stroke-width="3" paint-order="stroke"' if halo
             else f' fill="{BLACK}"')
    return (f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" font-size="{size}" {FONT}'
            f"{weight}{paint}>{escape(text)}</text>")


def _label(label: str, y: int) -> str:
    """A row label, wrapped onto two lines when long, vertically centred on the row."""
    lines = _wrap(label, 32)
    first = y + (ROW_HEIGHT // 2 + 5 if len(lines) == 1 else 16)
    spans = "".join(
        f'<tspan x="0" y="{first + 15 * n}">{escape(line)}</tspan>' for n, line in enumerate(lines)
    )
    return f'<text font-size="14" {FONT} fill="{BLACK}">{spans}</text>'


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return lines or [""]


def _diamond(cx: int, cy: int) -> str:
    return (f'<polygon points="{cx},{cy - 9} {cx + 9},{cy} {cx},{cy + 9} {cx - 9},{cy}" '
            f'fill="#ffffff" stroke="{BLACK}" stroke-width="3"/>')


def _patterns(chart_id: str, fills: Sequence[Fill]) -> str:
    """One <pattern> per fill: the colour plus white marks, so fills differ without colour."""
    marks = {
        "solid": "",
        "diagonal": '<path d="M0,10 L10,0 M-2,2 L2,-2 M8,12 L12,8" stroke="#ffffff" '
                    'stroke-width="2.5"/>',
        "dots": '<circle cx="5" cy="5" r="2" fill="#ffffff"/>',
        "cross": '<path d="M0,0 L10,10 M10,0 L0,10" stroke="#ffffff" stroke-width="1.5"/>',
        "lines": '<path d="M0,5 L10,5" stroke="#ffffff" stroke-width="2.5"/>',
    }
    return "<defs>" + "".join(
        f'<pattern id="{chart_id}-{fill.key}" width="10" height="10" '
        f'patternUnits="userSpaceOnUse"><rect width="10" height="10" fill="{fill.colour}"/>'
        f"{marks[fill.pattern]}</pattern>"
        for fill in fills
    ) + "</defs>"
