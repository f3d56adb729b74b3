"""Benchmarks for issue 9: generated data, page timings against their floors, exports and
concurrent editing. Run everything with ``python -m bench`` (see docs/performance.md); they
are not part of the unit tests."""
