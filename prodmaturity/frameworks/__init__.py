"""Assessment frameworks: the file format, its validation and the frameworks we ship.

Pure Python (no Flask, no database) so the loader can be used by the CLI, the admin upload and
tests alike.
"""

from __future__ import annotations

from pathlib import Path

from .errors import FrameworkInvalid, LocatedError
from .loader import framework_from_data, load_framework_file, parse_framework
from .model import (
    Framework,
    Item,
    MaturityItem,
    MaturityRules,
    Option,
    Question,
    QuestionnaireRules,
    ScoringRules,
    Section,
    Stage,
)

SHIPPED_FRAMEWORKS_DIR = Path(__file__).resolve().parent


def shipped_framework_paths() -> list[Path]:
    """The framework files that ship with the service, sorted so loading order is stable."""
    return sorted(SHIPPED_FRAMEWORKS_DIR.glob("*.yaml"))


__all__ = [
    "SHIPPED_FRAMEWORKS_DIR",
    "Framework",
    "FrameworkInvalid",
    "Item",
    "LocatedError",
    "MaturityItem",
    "MaturityRules",
    "Option",
    "Question",
    "QuestionnaireRules",
    "ScoringRules",
    "Section",
    "Stage",
    "framework_from_data",
    "load_framework_file",
    "parse_framework",
    "shipped_framework_paths",
]
