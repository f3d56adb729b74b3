"""Load framework files (YAML) or stored content into validated, immutable ``Framework`` objects.

Every problem is collected and raised together as ``FrameworkInvalid`` so an admin uploading a
new version sees the full list, each located by path (and line, for files).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path
from typing import Any

from .checks import Checker
from .errors import FrameworkInvalid, LocatedError
from .items import build_sections
from .model import BANDS, ROLL_UPS, Framework, MaturityRules, QuestionnaireRules, Stage
from .yamlsource import YamlDocument, child_path

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TOP_FIELDS = ("slug", "version", "title", "kind", "description", "notice", "stages", "sections",
              "scoring")
KINDS = ("maturity", "questionnaire")
THRESHOLD_ORDER = ("red_below", "amber_red_below", "amber_green_from", "green_from")


def load_framework_file(path: str | os.PathLike[str]) -> Framework:
    """Read and validate a framework file; ``OSError`` propagates if it cannot be read."""
    source = str(path)
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = LocatedError("", f"is not UTF-8 text ({exc.reason})")
        raise FrameworkInvalid(source, [error]) from exc
    return parse_framework(text, source)


def parse_framework(text: str, source: str) -> Framework:
    """Validate YAML text; ``source`` names the file in error messages."""
    document = YamlDocument(text)
    if document.errors and document.data is None:
        raise FrameworkInvalid(source, document.errors)
    checker = Checker(document.lines)
    checker.errors.extend(document.errors)
    return _build(checker, document.data, source)


def framework_from_data(data: Mapping[str, Any], source: str) -> Framework:
    """Validate already-parsed content, such as the canonical form stored in the database."""
    return _build(Checker(), data, source)


def _build(c: Checker, data: Any, source: str) -> Framework:
    if not c.mapping(data, "", TOP_FIELDS):
        raise FrameworkInvalid(source, c.errors)
    slug = c.text(data, "", "slug")
    if slug and not SLUG_PATTERN.match(slug):
        c.error("slug", 'must be lower-case words joined by "-", for example "nps-2018"')
    kind = c.choice(data, "", "kind", KINDS)
    stages = _stages(c, data, kind)
    stage_keys = tuple(dict.fromkeys(stage.key for stage in stages if stage.key))
    sections = ()
    if "sections" in data:
        sections = build_sections(c, data["sections"], kind, stage_keys)
    else:
        c.error("sections", "is required")
    framework = Framework(
        slug=slug,
        version=_version(c, data),
        title=c.text(data, "", "title"),
        kind=kind,
        description=c.text(data, "", "description", ""),
        notice=c.text(data, "", "notice", ""),
        stages=stages,
        sections=sections,
        scoring=_scoring(c, data, kind, stage_keys),
    )
    if c.errors:
        raise FrameworkInvalid(source, c.errors)
    return framework


def _version(c: Checker, data: Mapping) -> str:
    value = data.get("version")
    if isinstance(value, int | float) and not isinstance(value, bool):
        c.error("version", f'must be text in quotes, for example "{value}"')
        return ""
    return c.text(data, "", "version")


def _stages(c: Checker, data: Mapping, kind: str) -> tuple[Stage, ...]:
    """The ordered stage scale of a maturity framework; position gives the stage number."""
    if kind != "maturity":
        if "stages" in data and kind:
            c.error("stages", "only maturity frameworks have stages")
        return ()
    raw = c.get(data, "", "stages")
    if raw is None:
        return ()
    keys: dict[str, str] = {}
    names: dict[str, str] = {}
    stages = []
    for index, entry in enumerate(c.sequence(raw, "stages", "stage", minimum=2)):
        path = child_path("stages", index)
        if not c.mapping(entry, path, ("key", "name")):
            continue
        key, name = c.key(entry, path), c.text(entry, path, "name")
        c.unique(keys, key, child_path(path, "key"), "stage key")
        c.unique(names, name, child_path(path, "name"), "stage name")
        stages.append(Stage(key, name, index + 1))
    return tuple(stages)


def _scoring(c: Checker, data: Mapping, kind: str, stage_keys: tuple[str, ...]
             ) -> MaturityRules | QuestionnaireRules:
    value = c.get(data, "", "scoring")
    if kind == "maturity" and value is not None:
        return _maturity_rules(c, value, stage_keys)
    if kind == "questionnaire" and value is not None:
        return _questionnaire_rules(c, value)
    return MaturityRules((), "")


def _maturity_rules(c: Checker, value: Any, stage_keys: tuple[str, ...]) -> MaturityRules:
    if not c.mapping(value, "scoring", ("roll_up", "mature_stage")):
        return MaturityRules((), "")
    roll_up = c.text_list(value, "scoring", "roll_up") if "roll_up" in value else ROLL_UPS
    if not roll_up:
        c.error("scoring.roll_up", f"must list at least one of: {', '.join(ROLL_UPS)}")
    seen: dict[str, str] = {}
    for index, name in enumerate(roll_up):
        here = f"scoring.roll_up[{index}]"
        if name not in ROLL_UPS:
            c.error(here, f"must be one of: {', '.join(ROLL_UPS)}")
        c.unique(seen, name, here, "roll-up")
    mature = c.text(value, "scoring", "mature_stage")
    if mature and stage_keys and mature not in stage_keys:
        c.error("scoring.mature_stage", f'unknown stage "{mature}" (stages: '
                                        f"{', '.join(stage_keys)})")
    return MaturityRules(roll_up, mature)


def _questionnaire_rules(c: Checker, value: Any) -> QuestionnaireRules:
    if not c.mapping(value, "scoring", ("rag", "critical")):
        return QuestionnaireRules(0, 0, 0, 0, "red", "red")
    rag = c.get(value, "scoring", "rag")
    limits: dict[str, int | float] = {}
    if rag is not None and c.mapping(rag, "scoring.rag", ("thresholds", "amber_bands")):
        for group, names in (("thresholds", ("red_below", "green_from")),
                             ("amber_bands", ("amber_red_below", "amber_green_from"))):
            path = f"scoring.rag.{group}"
            group_value = c.get(rag, "scoring.rag", group)
            if group_value is not None and c.mapping(group_value, path, names):
                for name in names:
                    limits[name] = c.number(group_value, path, name, maximum=100)
    ordered = [limits.get(name) for name in THRESHOLD_ORDER]
    if None not in ordered and any(a >= b for a, b in pairwise(ordered)):
        shown = ", ".join(f"{name} {limit:g}" for name, limit in zip(THRESHOLD_ORDER, ordered,
                                                                     strict=True))
        c.error("scoring.rag", f"thresholds out of order: each must be below the next ({shown})")
    caps = c.get(value, "scoring", "critical", {})
    section_cap, overall_cap = "red", "amber_green"
    if c.mapping(caps, "scoring.critical", ("section_cap", "overall_cap")):
        section_cap = c.choice(caps, "scoring.critical", "section_cap", BANDS, "red")
        overall_cap = c.choice(caps, "scoring.critical", "overall_cap", BANDS, "amber_green")
    return QuestionnaireRules(*(limit or 0 for limit in ordered), section_cap or "red",
                              overall_cap or "amber_green")
