"""Located validation errors, so an admin can fix a framework file in one pass."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LocatedError:
    """One problem, located by a dotted path such as ``sections[2].items[4].options[1].points``.

    ``line`` is the 1-based line in the YAML file when known (``None`` for stored content).
    """

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        suffix = f" (line {self.line})" if self.line is not None else ""
        return f"{where}{self.message}{suffix}"


class FrameworkInvalid(ValueError):
    """Raised with every problem found in a framework, not just the first."""

    def __init__(self, source: str, errors: list[LocatedError]) -> None:
        self.source = source
        self.errors = list(errors)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.source}: {error}" for error in self.errors)
