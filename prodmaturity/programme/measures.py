"""Measure kinds, declared as data: what each needs, what it means and how to read a value.

A deliverable's measure is a row naming a kind, a round and parameters; adding a measure never
needs code. Parameters are checked against the round's framework when the measure is made, so a
stored measure always names a real key area, theme or section and a real stage.
Every kind gives ``None`` ("no data") when its round has no counted returns: never 0%.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..frameworks.model import Framework, MaturityItem
from .stats import RoundStats


class MeasureError(ValueError):
    """Parameters that do not fit the kind or the round's framework; the message is shown."""


@dataclass(frozen=True)
class Value:
    value: float | None
    detail: str = ""


Evaluate = Callable[[RoundStats, int, Mapping[str, Any]], Value]


@dataclass(frozen=True)
class MeasureKind:
    key: str
    name: str
    unit: str  # "percent", "count" or "stage"
    framework_kinds: tuple[str, ...]
    # "area": an optional key area (maturity), theme or section key; "stage": a required stage.
    parameters: tuple[str, ...]
    higher_is_better: bool
    evaluate: Evaluate


def _of(part: int, whole: int, noun: str = "councils") -> str:
    return f"{part} of {whole} {noun}"


def _returns(stats: RoundStats, round_id: int, params: Mapping[str, Any]) -> Value:
    counted, invited = stats.counted(round_id), stats.invited.get(round_id, 0)
    if not counted:
        return Value(None, _of(0, invited, "councils invited"))
    return Value(100 * counted / invited, _of(counted, invited, "councils invited"))


def _scope(params: Mapping[str, Any]) -> tuple[str, str | None]:
    if params.get("item_key"):
        return "item", params["item_key"]
    if params.get("section_key"):
        return "section", params["section_key"]
    return "overall", None


def _share_at_stage(stats: RoundStats, round_id: int, params: Mapping[str, Any]) -> Value:
    scope, key = _scope(params)
    stages = stats.distribution(round_id, scope, key)
    total = sum(stages.values())
    if not stats.counted(round_id) or not total:
        return Value(None)
    at_or_above = sum(n for stage, n in stages.items() if stage >= params["stage"])
    return Value(100 * at_or_above / total, _of(at_or_above, total))


def _average_stage(stats: RoundStats, round_id: int, params: Mapping[str, Any]) -> Value:
    scope, key = _scope(params)
    if scope != "item":
        return Value(stats.aggregate(round_id, key).average_stage if stats.counted(round_id)
                     else None)
    stages = stats.distribution(round_id, scope, key)
    total = sum(stages.values())
    if not stats.counted(round_id) or not total:
        return Value(None)
    return Value(sum(stage * n for stage, n in stages.items()) / total, f"across {total} councils")


def _counting(field: str) -> Evaluate:
    def evaluate(stats: RoundStats, round_id: int, params: Mapping[str, Any]) -> Value:
        aggregate = stats.aggregate(round_id, params.get("section_key"))
        if not stats.counted(round_id) or not aggregate.counted:
            return Value(None)
        return Value(getattr(aggregate, field), f"of {aggregate.counted} councils returning")

    return evaluate


def _average_percent(stats: RoundStats, round_id: int, params: Mapping[str, Any]) -> Value:
    aggregate = stats.aggregate(round_id, params.get("section_key"))
    if not stats.counted(round_id) or aggregate.average_percent is None:
        return Value(None)
    return Value(aggregate.average_percent, f"across {aggregate.counted} councils")


MATURITY, QUESTIONNAIRE = "maturity", "questionnaire"
KINDS: dict[str, MeasureKind] = {
    kind.key: kind
    for kind in (
        MeasureKind("returns_received", "Returns received out of councils invited", "percent",
                    (MATURITY, QUESTIONNAIRE), (), True, _returns),
        MeasureKind("share_at_stage", "Share of councils at or above a stage", "percent",
                    (MATURITY,), ("area", "stage"), True, _share_at_stage),
        MeasureKind("average_stage", "Average stage", "stage",
                    (MATURITY,), ("area",), True, _average_stage),
        MeasureKind("councils_rated_red", "Councils rated red", "count",
                    (QUESTIONNAIRE,), ("area",), False, _counting("red")),
        MeasureKind("councils_with_critical_gap", "Councils with a critical gap", "count",
                    (QUESTIONNAIRE,), ("area",), False, _counting("critical")),
        MeasureKind("average_percent", "Average score", "percent",
                    (QUESTIONNAIRE,), ("area",), True, _average_percent),
    )
}
# Any kind above can also be read as its change since the round before (same framework).
CHANGE = "change_since_previous"


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.key, kind.name) for kind in KINDS.values()]


def validate(framework: Framework, kind_key: str, area: str | None, stage: int | None,
             change: bool = False) -> dict[str, Any]:
    """Check the parameters against the framework; return them as stored on the measure."""
    kind = KINDS.get(kind_key)
    if kind is None:
        raise MeasureError("Select a kind of measure")
    if framework.kind not in kind.framework_kinds:
        raise MeasureError(f"{kind.name} cannot be measured on a {framework.kind} framework")
    params: dict[str, Any] = {"of": kind.key} if change else {}
    if area and "area" not in kind.parameters:
        raise MeasureError(f"{kind.name} is measured for the whole round: leave the area blank")
    if area:
        params.update(_area(framework, kind, area))
    if "stage" in kind.parameters:
        if stage is None or not 1 <= stage <= len(framework.stages):
            raise MeasureError(f"Enter a stage from 1 to {len(framework.stages)}")
        params["stage"] = stage
    return params


def _area(framework: Framework, kind: MeasureKind, area: str) -> dict[str, str]:
    if any(section.key == area for section in framework.sections):
        return {"section_key": area}
    try:
        item = framework.item(area)
    except KeyError:
        raise MeasureError(f"“{area}” is not a key area, theme or section of "
                           f"{framework.title}") from None
    if not isinstance(item, MaturityItem):
        raise MeasureError("Choose a whole section: single questions are not measured")
    return {"item_key": item.key}


def kind_of(kind: str, params: Mapping[str, Any]) -> MeasureKind:
    """The kind that gives the values: for a change measure, the kind it compares."""
    return KINDS[params["of"]] if kind == CHANGE else KINDS[kind]


CHANGE_UNITS = {"percent": " percentage points", "count": " councils", "stage": " stages"}


def format_value(unit: str, value: float | None, change: bool = False) -> str:
    """Words, not signs, for a change ("Up 3.5 percentage points"): clearer, and safe in CSV."""
    if value is None:
        return "No data"
    if change:
        if round(value, 1) == 0:
            return "No change"
        direction = "Up" if value > 0 else "Down"
        return f"{direction} {format_value(unit, abs(value)).rstrip('%')}{CHANGE_UNITS[unit]}"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "count":
        return f"{value:.0f}"
    return f"{value:.1f}"
