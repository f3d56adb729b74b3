"""Timing statistics and the tables the benchmarks print (Markdown, pasted into the docs).

p95 is the nearest-rank 95th percentile: with 30 samples it is the second slowest, so it says
"nearly every request", not the one unlucky request on a shared 2-core machine.
"""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .common import RESULTS_DIR


def p95(samples: Sequence[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass(frozen=True)
class Timing:
    """Milliseconds over repeated runs."""

    n: int
    median: float
    p95: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Timing:
        ms = [s * 1000 for s in seconds]
        return cls(len(ms), statistics.median(ms), p95(ms))


def interleaved(probes: dict[str, Callable[[], float]], repeats: int, warmup: int = 2
                ) -> dict[str, Timing]:
    """Run each probe in turn, ``repeats`` times round; each returns the seconds it measured.

    Taking turns means a burst of load from elsewhere on the machine hits page and floor alike,
    so their ratio holds even when the absolute numbers wobble.
    """
    for _ in range(warmup):
        for probe in probes.values():
            probe()
    samples: dict[str, list[float]] = {name: [] for name in probes}
    for _ in range(repeats):
        for name, probe in probes.items():
            samples[name].append(probe())
    return {name: Timing.of(found) for name, found in samples.items()}


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table; floats get one decimal place."""
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.1f}" if abs(value) < 1000 else f"{value:,.0f}"
        return str(value)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "yes" if ok else "**MISSED**"


def save(name: str, data: Any) -> None:
    """Keep the raw figures beside the tables (bench/results/, git-ignored)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    payload = [asdict(d) if hasattr(d, "__dataclass_fields__") else d for d in data]
    (RESULTS_DIR / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str))
