"""Immutable framework objects, their canonical form and checksum.

The canonical form (``Framework.to_dict``) has every default filled in, so it is itself a valid
framework file and the database can store it with its checksum and re-hydrate it exactly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

MATURITY_TYPES = ("key_area", "enabler")
CHOICE_TYPES = ("single_choice", "yes_no_partly", "multiple_choice")
QUESTION_TYPES = (*CHOICE_TYPES, "number", "free_text")
BANDS = ("red", "amber_red", "amber", "amber_green", "green")
ROLL_UPS = ("median", "mean")


def band_label(band: str) -> str:
    """Show ``amber_green`` as ``amber-green`` in reasons and on pages."""
    return band.replace("_", "-")


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    number: int


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    points: int | float


@dataclass(frozen=True)
class MaturityItem:
    """A key area or enabler, answered with a current and a target stage."""

    key: str
    type: str
    title: str
    definition: str
    what_it_is: str
    why_it_matters: str
    descriptors: Mapping[str, str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "type": self.type,
            "title": self.title,
            "definition": self.definition,
            "what_it_is": self.what_it_is,
            "why_it_matters": self.why_it_matters,
            "descriptors": dict(self.descriptors),
        }


@dataclass(frozen=True)
class Question:
    """A questionnaire question; only choice types carry points."""

    key: str
    type: str
    text: str
    title: str
    help: str
    weight: int | float
    critical: bool
    allow_na: bool
    required: bool
    tags: tuple[str, ...]
    options: tuple[Option, ...]
    max_points: int | float | None

    @property
    def scored(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def lowest_points(self) -> int | float:
        """Points at or below which a critical question counts as failed."""
        if self.type == "multiple_choice":
            return 0
        return min(option.points for option in self.options)

    @property
    def top_points(self) -> int | float:
        """Best possible raw points: the cap for multiple choice, else the best option."""
        if self.type == "multiple_choice":
            return self.max_points if self.max_points is not None else 0
        return max((option.points for option in self.options), default=0)

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "type": self.type,
            "text": self.text,
            "title": self.title,
            "help": self.help,
            "weight": self.weight,
            "critical": self.critical,
            "allow_na": self.allow_na,
            "required": self.required,
            "tags": list(self.tags),
        }
        if self.scored:
            data["options"] = [
                {"value": o.value, "label": o.label, "points": o.points} for o in self.options
            ]
        if self.type == "multiple_choice":
            data["max_points"] = self.max_points
        return data


Item = MaturityItem | Question


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    label: str
    description: str
    items: tuple[Item, ...]

    @property
    def heading(self) -> str:
        """``Theme Showing leadership``: the label (if any) then the title, for reasons."""
        return f"{self.label} {self.title}".strip()

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "label": self.label,
            "description": self.description,
            "items": [item.to_dict() for item in self.items],
        }


@dataclass(frozen=True)
class MaturityRules:
    """Roll-up statistics (first is the headline) and the stage that counts as mature."""

    roll_up: tuple[str, ...]
    mature_stage: str

    def to_dict(self) -> dict[str, Any]:
        return {"roll_up": list(self.roll_up), "mature_stage": self.mature_stage}


@dataclass(frozen=True)
class QuestionnaireRules:
    """Percentage thresholds for the five bands and the caps a critical failure imposes."""

    red_below: int | float
    amber_red_below: int | float
    amber_green_from: int | float
    green_from: int | float
    section_cap: str
    overall_cap: str

    def band_for(self, percent: float) -> str:
        if percent < self.red_below:
            return "red"
        if percent < self.amber_red_below:
            return "amber_red"
        if percent < self.amber_green_from:
            return "amber"
        if percent < self.green_from:
            return "amber_green"
        return "green"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rag": {
                "thresholds": {"red_below": self.red_below, "green_from": self.green_from},
                "amber_bands": {
                    "amber_red_below": self.amber_red_below,
                    "amber_green_from": self.amber_green_from,
                },
            },
            "critical": {"section_cap": self.section_cap, "overall_cap": self.overall_cap},
        }


ScoringRules = MaturityRules | QuestionnaireRules


@dataclass(frozen=True)
class Framework:
    slug: str
    version: str
    title: str
    kind: str
    description: str
    notice: str
    stages: tuple[Stage, ...]
    sections: tuple[Section, ...]
    scoring: ScoringRules

    def items(self) -> Iterator[Item]:
        """Every item in file order, across sections."""
        for section in self.sections:
            yield from section.items

    def item(self, key: str) -> Item:
        for item in self.items():
            if item.key == key:
                return item
        raise KeyError(key)

    def section_of(self, key: str) -> Section:
        for section in self.sections:
            if any(item.key == key for item in section.items):
                return section
        raise KeyError(key)

    def stage(self, number: int) -> Stage:
        """The stage at position ``number`` (1-based)."""
        if not 1 <= number <= len(self.stages):
            raise KeyError(number)
        return self.stages[number - 1]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "slug": self.slug,
            "version": self.version,
            "title": self.title,
            "kind": self.kind,
            "description": self.description,
            "notice": self.notice,
        }
        if self.kind == "maturity":
            data["stages"] = [{"key": s.key, "name": s.name} for s in self.stages]
        data["sections"] = [section.to_dict() for section in self.sections]
        data["scoring"] = self.scoring.to_dict()
        return data

    def canonical_json(self) -> str:
        """Sorted keys and no spacing, so equal content always gives equal text."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def checksum(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<stored framework>") -> Framework:
        """Rebuild from stored content, validating it exactly as a file would be."""
        from .loader import framework_from_data  # the loader imports this module

        return framework_from_data(data, source)
