"""Validate and build sections, maturity items, questions and options."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .checks import Checker
from .model import (
    CHOICE_TYPES,
    MATURITY_TYPES,
    QUESTION_TYPES,
    MaturityItem,
    Option,
    Question,
    Section,
)
from .yamlsource import child_path

SECTION_FIELDS = ("key", "title", "label", "description", "items")
MATURITY_FIELDS = ("key", "type", "title", "definition", "what_it_is", "why_it_matters",
                   "descriptors")
QUESTION_FIELDS = ("key", "type", "text", "title", "help", "weight", "critical", "allow_na",
                   "required", "tags", "options", "max_points")
OPTION_FIELDS = ("value", "label", "points")

# yes_no_partly without options: yes earns the maximum, partly half, no nothing.
YES_NO_PARTLY = (Option("yes", "Yes", 2), Option("partly", "Partly", 1), Option("no", "No", 0))


def build_sections(c: Checker, value: Any, kind: str, stage_keys: tuple[str, ...]
                   ) -> tuple[Section, ...]:
    """Build every section; item keys must be unique across the whole framework."""
    section_keys: dict[str, str] = {}
    item_keys: dict[str, str] = {}
    sections = []
    for index, data in enumerate(c.sequence(value, "sections", "section")):
        path = child_path("sections", index)
        if not c.mapping(data, path, SECTION_FIELDS):
            continue
        key = c.key(data, path)
        c.unique(section_keys, key, child_path(path, "key"), "section key")
        items_path = child_path(path, "items")
        items = []
        raw_items = c.get(data, path, "items")
        raw_items = [] if raw_items is None else c.sequence(raw_items, items_path, "item")
        for item_index, item in enumerate(raw_items):
            built = _build_item(c, item, child_path(items_path, item_index), kind, stage_keys)
            if built is not None:
                c.unique(item_keys, built.key, child_path(items_path, item_index) + ".key",
                         "item key")
                items.append(built)
        sections.append(Section(
            key=key,
            title=c.text(data, path, "title"),
            label=c.text(data, path, "label", "Section"),
            description=c.text(data, path, "description", ""),
            items=tuple(items),
        ))
    return tuple(sections)


def _build_item(c: Checker, data: Any, path: str, kind: str, stage_keys: tuple[str, ...]
                ) -> MaturityItem | Question | None:
    if not isinstance(data, Mapping):
        c.error(path, "must be a mapping of fields")
        return None
    item_type = c.choice(data, path, "type", MATURITY_TYPES + QUESTION_TYPES)
    if not item_type:
        return None
    type_path = child_path(path, "type")
    if kind == "maturity" and item_type in QUESTION_TYPES:
        c.error(type_path, f"{item_type} is a question type; a maturity framework takes "
                           f"{' or '.join(MATURITY_TYPES)}")
        return None
    if kind == "questionnaire" and item_type in MATURITY_TYPES:
        c.error(type_path, f"{item_type} is a maturity item type; a questionnaire takes "
                           f"{', '.join(QUESTION_TYPES)}")
        return None
    if item_type in MATURITY_TYPES:
        return _build_maturity_item(c, data, path, item_type, stage_keys)
    return _build_question(c, data, path, item_type)


def _build_maturity_item(c: Checker, data: Mapping, path: str, item_type: str,
                         stage_keys: tuple[str, ...]) -> MaturityItem:
    c.mapping(data, path, MATURITY_FIELDS)
    return MaturityItem(
        key=c.key(data, path),
        type=item_type,
        title=c.text(data, path, "title"),
        definition=c.text(data, path, "definition"),
        what_it_is=c.text(data, path, "what_it_is"),
        why_it_matters=c.text(data, path, "why_it_matters"),
        descriptors=_descriptors(c, data, path, stage_keys),
    )


def _descriptors(c: Checker, data: Mapping, path: str, stage_keys: tuple[str, ...]
                 ) -> Mapping[str, str]:
    """One sentence per declared stage, in stage order: none missing, none unknown."""
    here = child_path(path, "descriptors")
    value = c.get(data, path, "descriptors")
    if value is None or not stage_keys:  # without a valid stage scale there is nothing to match
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        c.error(here, "must be a mapping of stage key to descriptor")
        return MappingProxyType({})
    for key in value:
        if key not in stage_keys:
            c.error(child_path(here, key), f'unknown stage "{key}" (stages: '
                                           f"{', '.join(stage_keys)})")
    for key in stage_keys:
        if key not in value:
            c.error(here, f'missing descriptor for stage "{key}"')
    texts = {key: c.text(value, here, key) for key in stage_keys if key in value}
    return MappingProxyType(texts)


def _build_question(c: Checker, data: Mapping, path: str, item_type: str) -> Question:
    c.mapping(data, path, QUESTION_FIELDS)
    text = c.text(data, path, "text")
    options = _options(c, data, path, item_type)
    critical = c.boolean(data, path, "critical", False)
    if critical and item_type not in CHOICE_TYPES:
        c.error(child_path(path, "critical"), "only choice questions can be critical")
    return Question(
        key=c.key(data, path),
        type=item_type,
        text=text,
        title=c.text(data, path, "title", "") or text,
        help=c.text(data, path, "help", ""),
        weight=c.number(data, path, "weight", 1),
        critical=critical,
        allow_na=c.boolean(data, path, "allow_na", False),
        required=c.boolean(data, path, "required", True),
        tags=c.text_list(data, path, "tags"),
        options=options,
        max_points=_max_points(c, data, path, item_type, options),
    )


def _options(c: Checker, data: Mapping, path: str, item_type: str) -> tuple[Option, ...]:
    here = child_path(path, "options")
    if item_type not in CHOICE_TYPES:
        if "options" in data:
            c.error(here, f"{item_type} questions take no options")
        return ()
    if item_type == "yes_no_partly" and "options" not in data:
        return YES_NO_PARTLY
    minimum = 2 if item_type == "single_choice" else 1
    raw = c.get(data, path, "options")
    raw = [] if raw is None else c.sequence(raw, here, "option", minimum)
    seen: dict[str, str] = {}
    options = []
    errors_before = len(c.errors)
    for index, entry in enumerate(raw):
        option_path = child_path(here, index)
        if not c.mapping(entry, option_path, OPTION_FIELDS):
            continue
        value = c.text(entry, option_path, "value")
        c.unique(seen, value, child_path(option_path, "value"), "option value")
        if item_type == "yes_no_partly" and value and value not in ("yes", "partly", "no"):
            c.error(child_path(option_path, "value"), "must be one of: yes, partly, no")
        options.append(Option(value, c.text(entry, option_path, "label"),
                              c.number(entry, option_path, "points")))
    clean = len(c.errors) == errors_before
    if clean and options and max(option.points for option in options) <= 0:
        c.error(here, "at least one option must give more than 0 points")
    return tuple(options)


def _max_points(c: Checker, data: Mapping, path: str, item_type: str,
                options: tuple[Option, ...]) -> int | float | None:
    """Multiple choice scores the sum of chosen options, capped at ``max_points``."""
    here = child_path(path, "max_points")
    if item_type != "multiple_choice":
        if "max_points" in data:
            c.error(here, "only multiple_choice questions take max_points")
        return None
    total = sum(option.points for option in options)
    total = int(total) if float(total).is_integer() else total
    if "max_points" not in data:
        return total
    errors_before = len(c.errors)
    cap = c.number(data, path, "max_points")
    if len(c.errors) > errors_before:
        return total
    if cap <= 0:
        c.error(here, "must be more than 0")
    elif cap > total:
        c.error(here, f"must not be more than the options' total points ({total:g})")
    return cap
