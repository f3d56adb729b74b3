"""Aggregated results against hand-computed expectations (see tests/lga_data.py for the data)."""

from __future__ import annotations

import pytest
from flask import Flask

from prodmaturity.lga.aggregates import (
    COMPARISON_MINIMUM,
    maturity_results,
    most_failed_questions,
    questionnaire_results,
    round_results,
)
from prodmaturity.lga.change import change_since_previous, previous_round
from prodmaturity.lga.critical import critical_gaps
from prodmaturity.lga.filters import CouncilFilter
from prodmaturity.lga.stats import lower_median
from tests.lga_data import maturity_rounds, questionnaire_rounds


@pytest.mark.parametrize(("counts", "median"), [
    ({}, None), ({3: 1}, 3), ({1: 1, 2: 1}, 1), ({1: 2, 5: 1}, 1), ({1: 1, 2: 1, 3: 1}, 2),
    ({1: 20, 4: 10}, 1), ({1: 6, 2: 6, 3: 6, 4: 6, 5: 6}, 3), ({2: 15, 3: 15}, 2),
])
def test_lower_median_matches_the_scoring_rule(counts: dict[int, int], median: int) -> None:
    values = sorted(v for v, n in counts.items() for _ in range(n))
    assert lower_median(counts) == median
    if values:
        assert median == values[(len(values) - 1) // 2]


# Maturity --------------------------------------------------------------------------------------


def test_maturity_distributions_medians_shares_and_gaps(app: Flask) -> None:
    rounds = maturity_rounds()
    results = maturity_results(rounds.current)

    assert results.councils == 30 and results.suppressed is None
    first, second = results.items[0], results.items[1]
    assert first.key == "engaging-councillors"
    assert first.counts == (20, 0, 0, 10, 0)
    assert first.shares == (66.7, 0.0, 0.0, 33.3, 0.0)
    assert (first.median, first.share_mature, first.mean_gap) == (1, 33.3, 1.0)
    assert len(results.items) == 14
    for item in results.items[1:]:
        assert item.counts == (6, 6, 6, 6, 6), item.key
        assert (item.median, item.share_mature, item.mean_gap) == (3, 60.0, 0.8)
    assert second.answered == 30 and second.gap_answered == 15


def test_maturity_theme_summaries(app: Flask) -> None:
    results = maturity_results(maturity_rounds().current)

    assert [t.key for t in results.themes] == [
        "showing-leadership", "behaving-commercially", "achieving-community-benefits",
        "enablers"]
    for theme in results.themes:
        assert theme.councils.counts == (0, 15, 15, 0, 0)
        assert theme.councils.median == 2
        assert theme.councils.share_mature == 50.0
        assert (theme.mean_stage, theme.share_mature) == (2.5, 25.0)
    assert results.themes[0].mean_gap == 0.85  # (15 + 3 x 12) / 60
    assert results.themes[1].mean_gap == 0.8


def test_maturity_by_region_and_type(app: Flask) -> None:
    results = maturity_results(maturity_rounds().current)

    assert [(g.key, g.councils) for g in results.by_region.groups] == [
        ("London", 10), ("North West", 10), ("South East", 10)]
    london = results.by_region.cells["engaging-councillors"]["London"]
    assert london.counts == (7, 0, 0, 3, 0)
    assert (london.median, london.share_mature) == (1, 30.0)
    london_2 = results.by_region.cells["engaging-senior-managers"]["London"]
    assert london_2.counts == (2, 2, 2, 2, 2) and london_2.median == 3
    assert [(g.key, g.label, g.councils) for g in results.by_type.groups] == [
        ("county", "County", 3), ("district", "District", 27)]
    county = results.by_type.cells["engaging-senior-managers"]["county"]
    assert county.counts == (0, 0, 1, 1, 1) and county.median == 4
    assert all(g.suppressed is None for g in results.by_type.groups)


def test_maturity_filters(app: Flask) -> None:
    rounds = maturity_rounds()
    london = maturity_results(rounds.current, CouncilFilter(region="London"))
    assert london.councils == 10
    assert london.items[0].counts == (7, 0, 0, 3, 0)
    counties = maturity_results(rounds.current, CouncilFilter(type="county"))
    assert counties.councils == 3 and counties.items[0].counts == (0, 0, 0, 3, 0)


def test_maturity_change_for_paired_councils(app: Flask) -> None:
    rounds = maturity_rounds()
    assert previous_round(rounds.current).id == rounds.previous.id
    assert previous_round(rounds.previous) is None

    change = change_since_previous(rounds.current)

    assert change.previous_round.id == rounds.previous.id
    assert change.paired == 25  # councils 0-24; council 30 counted only in the previous round
    first, second = change.rows[0], change.rows[1]
    assert (first.previous, first.current, first.change) == (1.0, 1.6, 0.6)
    assert (first.previous_median, first.current_median) == (1, 1)
    assert (first.previous_share_mature, first.current_share_mature) == (0.0, 20.0)
    assert (second.previous, second.current, second.change) == (1.0, 3.0, 2.0)
    assert (second.current_median, second.current_share_mature) == (3, 60.0)
    assert (change.overall.previous, change.overall.current, change.overall.change) == (
        1.0, 2.9, 1.9)
    assert change_since_previous(rounds.current, CouncilFilter(region="London")).paired == 9


def test_first_round_has_no_change(app: Flask) -> None:
    rounds = maturity_rounds()
    change = change_since_previous(rounds.previous)
    assert change.previous_round is None and change.paired == 0 and change.rows == []


# Threshold for views outside the LGA ----------------------------------------------------------


def test_threshold_suppresses_small_groups_with_a_reason(app: Flask) -> None:
    rounds = maturity_rounds()
    results = maturity_results(rounds.current, minimum_group=COMPARISON_MINIMUM)

    county, district = results.by_type.groups
    assert county.suppressed and "fewer than 5 councils" in county.suppressed
    assert district.suppressed is None
    hidden = results.by_type.cells["engaging-senior-managers"]["county"]
    assert hidden.suppressed and hidden.counts == (0, 0, 0, 0, 0) and hidden.median is None
    shown = results.by_type.cells["engaging-senior-managers"]["district"]
    assert shown.answered == 27 and shown.suppressed is None
    assert results.items[0].counts == (20, 0, 0, 10, 0)  # national figures still shown


def test_threshold_suppresses_a_whole_view_under_five_councils(app: Flask) -> None:
    rounds = maturity_rounds()
    results = maturity_results(rounds.current, CouncilFilter(type="county"),
                               minimum_group=COMPARISON_MINIMUM)

    assert results.councils == 3
    assert results.suppressed and "fewer than 5 councils" in results.suppressed
    assert all(i.answered == 0 and i.median is None for i in results.items)
    assert results.themes == [] and results.by_region.groups == []
    assert results.change.paired == 0 and results.change.suppressed


def test_threshold_suppresses_change_with_too_few_pairs(app: Flask) -> None:
    rounds = questionnaire_rounds()
    small = CouncilFilter(type="county")  # counties 27-29 took no part in the previous round
    lga_view = change_since_previous(rounds.current, small)
    assert lga_view.paired == 0 and lga_view.suppressed is None
    outside = questionnaire_results(rounds.current, small, minimum_group=COMPARISON_MINIMUM)
    assert outside.suppressed and outside.overall.counts == dict.fromkeys(
        outside.bands, 0)
    assert outside.overall.mean_percent is None and outside.most_failed == []


# Questionnaire ---------------------------------------------------------------------------------


def test_rag_distribution_with_amber_sub_bands(app: Flask) -> None:
    results = questionnaire_results(questionnaire_rounds().current)

    assert results.councils == 30
    assert results.overall.counts == {"red": 6, "amber_red": 6, "amber": 6, "amber_green": 6,
                                      "green": 6}
    assert results.overall.shares["amber_red"] == 20.0
    assert results.overall.mean_percent == 50.0
    assert [(g.key, g.councils, g.counts["red"]) for g in results.by_region] == [
        ("London", 10, 2), ("North West", 10, 2), ("South East", 10, 2)]
    county = next(g for g in results.by_type if g.key == "county")
    assert county.counts == {"red": 0, "amber_red": 0, "amber": 1, "amber_green": 1,
                             "green": 1}


def test_section_averages_rag_and_weakest(app: Flask) -> None:
    results = questionnaire_results(questionnaire_rounds().current)

    assert [(s.key, s.mean_percent) for s in results.sections] == [
        ("leadership", 5.0), ("governance", 25.0), ("partnerships", 45.0),
        ("technology", 65.0), ("training", 85.0)]
    assert results.sections[0].counts["red"] == 30
    assert results.sections[3].counts["green"] == 30
    assert [s.key for s in results.weakest][:2] == ["leadership", "governance"]


def test_most_failed_questions(app: Flask) -> None:
    rounds = questionnaire_rounds()
    failed = most_failed_questions(rounds.current)

    assert [(q.key, q.failed, q.answered, q.share) for q in failed] == [
        ("G1", 10, 30, 33.3), ("L1", 6, 30, 20.0), ("L2", 3, 30, 10.0)]
    assert failed[0].critical and not failed[2].critical
    assert failed[0].section_title == "Governance, structures and policies"
    assert [q.key for q in most_failed_questions(rounds.current, limit=1)] == ["G1"]


def test_critical_gaps_list(app: Flask) -> None:
    rounds = questionnaire_rounds()
    gaps = critical_gaps(rounds.current)

    assert gaps.total == 14
    assert [g.council_name[-3:] for g in gaps.items] == [
        "000", "015", "005", "010", "020", "025", "006", "021", "012", "027", "003", "018",
        "009", "024"]
    assert [key for key, _ in gaps.items[0].failed] == ["L1", "G1"]
    assert [key for key, _ in gaps.items[2].failed] == ["L1"]
    assert gaps.items[0].band_label == "red" and gaps.items[6].band_label == "amber-red"
    london = critical_gaps(rounds.current, CouncilFilter(region="London"), per_page=3)
    # Every London council (i % 3 == 0) fails G1.
    assert london.total == 10 and london.pages == 4 and len(london.items) == 3


def test_questionnaire_change_for_paired_councils(app: Flask) -> None:
    rounds = questionnaire_rounds()
    change = questionnaire_results(rounds.current).change

    assert change.paired == 25
    assert (change.overall.previous, change.overall.current, change.overall.change) == (
        20.0, 50.0, 30.0)
    assert [(r.key, r.previous, r.current, r.change) for r in change.rows[:2]] == [
        ("leadership", 10.0, 4.8, -5.2), ("governance", 10.0, 24.8, 14.8)]


def test_round_results_dispatches_on_kind(app: Flask) -> None:
    assert round_results(questionnaire_rounds().current).kind == "questionnaire"
    assert round_results(maturity_rounds().current).kind == "maturity"
