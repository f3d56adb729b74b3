"""The benchmark data generator at a tiny scale: the counts it promises, and the same data for
the same seed (the benchmarks compare databases generated separately, so this matters)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from bench.generate import Settings, generate_at, round_specs

SMALL = Settings(seed=7, rounds=2, councils=6, scale=2, today=date(2025, 6, 1))
STAGE_ITEMS, QUESTIONS = 14, 47  # NPS 2018 key areas and enablers; cyber stock-take questions


def _digest(url: str) -> str:
    """A hash of the generated content (not of ids or anything the database assigns)."""
    engine = sa.create_engine(url)
    queries = (
        "SELECT c.gss_code, r.title, a.status, a.reference, a.overall_band, "
        "a.overall_median_stage FROM assessment a JOIN council c ON c.id = a.council_id "
        "JOIN assessment_round r ON r.id = a.round_id ORDER BY c.gss_code, r.title",
        "SELECT c.gss_code, s.item_key, s.current_stage, s.target_stage, s.answer, s.comment, "
        "s.points, s.version FROM response s JOIN assessment a ON a.id = s.assessment_id "
        "JOIN council c ON c.id = a.council_id ORDER BY c.gss_code, a.round_id, s.item_key",
        "SELECT email, name, role FROM user_account ORDER BY email",
    )
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for query in queries:
            for row in conn.execute(sa.text(query)):
                digest.update(repr(tuple(row)).encode())
    engine.dispose()
    return digest.hexdigest()


def test_counts_and_determinism(tmp_path: Path) -> None:
    first, second = (f"sqlite:///{tmp_path / name}" for name in ("bench-a.db", "bench-b.db"))
    summary = generate_at(first, SMALL)
    generate_at(second, SMALL)

    assert summary.councils == 12  # 6 from the register and one synthetic copy of each
    assert summary.users == 12 * 3 + 2  # a lead and two officers each; LGA admin and analyst
    assert summary.rounds == 4  # the latest 2 of each framework's 5
    specs = round_specs(["nps-2018", "cyber-stocktake-2018"], SMALL.today or date.today(), 2)
    assert [s.tag for s in specs] == ["2023", "2023", "open", "open"]
    # The first six councils of the register exist throughout, as synthetic councils do, so
    # every council takes part in every round and answers every item.
    assert summary.assessments == 4 * 12
    assert summary.responses == 2 * 12 * (STAGE_ITEMS + QUESTIONS)
    assert summary.audit_events > summary.responses  # a save each, plus status changes
    assert _digest(first) == _digest(second)


def test_another_seed_gives_other_answers(tmp_path: Path) -> None:
    first, other = (f"sqlite:///{tmp_path / name}" for name in ("bench-a.db", "bench-c.db"))
    generate_at(first, Settings(seed=1, rounds=1, councils=3, today=date(2025, 6, 1)))
    generate_at(other, Settings(seed=2, rounds=1, councils=3, today=date(2025, 6, 1)))
    assert _digest(first) != _digest(other)
