"""Field-level checks that record located errors and carry on, so every problem is reported."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import LocatedError
from .yamlsource import child_path

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_LAST_SEGMENT = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")
REQUIRED = object()


class Checker:
    """Collects errors; getters return a safe placeholder after recording a problem."""

    def __init__(self, lines: Mapping[str, int] | None = None) -> None:
        self.errors: list[LocatedError] = []
        self.lines = lines or {}

    def error(self, path: str, message: str) -> None:
        self.errors.append(LocatedError(path, message, self._line(path)))

    def _line(self, path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            trimmed = _LAST_SEGMENT.sub("", path)
            path = "" if trimmed == path else trimmed
        return self.lines.get("")

    def mapping(self, value: Any, path: str, allowed: Iterable[str]) -> bool:
        """Check ``value`` is a mapping with no unknown fields (a typo must not pass silently)."""
        if not isinstance(value, Mapping):
            self.error(path, "must be a mapping of fields")
            return False
        allowed = tuple(allowed)
        for name in value:
            if name not in allowed:
                close = difflib.get_close_matches(str(name), allowed, n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else ""
                self.error(child_path(path, name), f"unknown field{hint}")
        return True

    def sequence(self, value: Any, path: str, what: str, minimum: int = 1) -> list:
        """A list of ``what`` (singular noun) with at least ``minimum`` entries."""
        if not isinstance(value, list):
            self.error(path, f"must be a list of {what}s")
            return []
        if len(value) < minimum:
            count = f"one {what}" if minimum == 1 else f"{minimum} {what}s"
            self.error(path, f"must list at least {count}")
        return value

    def get(self, data: Mapping, path: str, name: str, default: Any = REQUIRED) -> Any:
        if name in data:
            return data[name]
        if default is REQUIRED:
            self.error(child_path(path, name), "is required")
            return None
        return default

    def text(self, data: Mapping, path: str, name: str, default: Any = REQUIRED) -> str:
        missing = name not in data
        value = self.get(data, path, name, default)
        here = child_path(path, name)
        if missing and default is REQUIRED:
            return ""
        if isinstance(value, bool):
            self.error(here, "must be text (put yes, no, on and off in quotes)")
            return ""
        if not isinstance(value, str):
            self.error(here, "must be text (put numbers in quotes)")
            return ""
        if default is REQUIRED and not value.strip():
            self.error(here, "must not be empty")
        return value.strip()

    def key(self, data: Mapping, path: str, name: str = "key") -> str:
        value = self.text(data, path, name)
        if value and not KEY_PATTERN.match(value):
            self.error(
                child_path(path, name),
                'must be letters, digits, "-" or "_" and at most 64 characters',
            )
        return value

    def choice(self, data: Mapping, path: str, name: str, allowed: tuple[str, ...],
               default: Any = REQUIRED) -> str:
        value = self.text(data, path, name, default)
        if value and value not in allowed:
            self.error(child_path(path, name), f"must be one of: {', '.join(allowed)}")
            return ""
        return value

    def boolean(self, data: Mapping, path: str, name: str, default: bool) -> bool:
        value = self.get(data, path, name, default)
        if not isinstance(value, bool):
            self.error(child_path(path, name), "must be true or false")
            return default
        return value

    def number(self, data: Mapping, path: str, name: str, default: Any = REQUIRED,
               maximum: float | None = None) -> int | float:
        """A finite, non-negative number; integral floats become ints for a stable checksum."""
        missing = name not in data
        value = self.get(data, path, name, default)
        here = child_path(path, name)
        if missing and default is REQUIRED:
            return 0
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(here, "must be a number")
            return 0
        if isinstance(value, float) and not math.isfinite(value):
            self.error(here, "must be a finite number")
            return 0
        if value < 0:
            self.error(here, "must not be negative")
            return 0
        if maximum is not None and value > maximum:
            self.error(here, f"must not be more than {maximum:g}")
        return int(value) if float(value).is_integer() else value

    def text_list(self, data: Mapping, path: str, name: str) -> tuple[str, ...]:
        value = self.get(data, path, name, [])
        here = child_path(path, name)
        if not isinstance(value, list):
            self.error(here, "must be a list of text")
            return ()
        result = []
        for index, entry in enumerate(value):
            if not isinstance(entry, str) or not entry.strip():
                self.error(child_path(here, index), "must be text")
            else:
                result.append(entry.strip())
        return tuple(result)

    def unique(self, seen: dict[str, str], value: str, path: str, what: str) -> None:
        """Record ``value`` and report a duplicate with where it was first used."""
        if not value:
            return
        if value in seen:
            self.error(path, f'duplicate {what} "{value}" (first used at {seen[value]})')
        else:
            seen[value] = path
