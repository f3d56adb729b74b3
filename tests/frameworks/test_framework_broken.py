"""Every deliberately broken framework file is rejected with its expected located message."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodmaturity.frameworks import FrameworkInvalid, load_framework_file

BROKEN = Path(__file__).resolve().parent / "broken"
Q0 = "sections[0].items[0]"

# file stem -> (path of the first error, message fragment)
EXPECTED = {
    "yaml_syntax_error": ("", "YAML syntax error"),
    "not_a_mapping": ("", "must be a mapping of fields"),
    "duplicate_yaml_field": ("title", 'duplicate field "title" (first given on line 4)'),
    "missing_title": ("title", "is required"),
    "unknown_top_field": ("descripton", 'unknown field (did you mean "description"?)'),
    "bad_slug": ("slug", 'must be lower-case words joined by "-"'),
    "version_not_quoted": ("version", 'must be text in quotes, for example "2018.1"'),
    "bad_kind": ("kind", "must be one of: maturity, questionnaire"),
    "empty_sections_list": ("sections", "must list at least one section"),
    "empty_section": ("sections[0].items", "must list at least one item"),
    "duplicate_section_key": ("sections[1].key", 'duplicate section key "s1"'),
    "duplicate_item_key_across_sections": (
        "sections[1].items[0].key",
        'duplicate item key "Q1" (first used at sections[0].items[0].key)',
    ),
    "duplicate_option_value": (f"{Q0}.options[1].value", 'duplicate option value "never"'),
    "points_not_number": (f"{Q0}.options[1].points", "must be a number"),
    "negative_weight": (f"{Q0}.weight", "must not be negative"),
    "empty_options": (f"{Q0}.options", "must list at least one option"),
    "all_options_zero_points": (f"{Q0}.options", "at least one option must give more than 0"),
    "unquoted_no_value": (f"{Q0}.options[0].value", "put yes, no, on and off in quotes"),
    "max_points_too_high": (f"{Q0}.max_points", "must not be more than the options' total"),
    "critical_free_text": (f"{Q0}.critical", "only choice questions can be critical"),
    "options_on_number": (f"{Q0}.options", "number questions take no options"),
    "thresholds_out_of_order": ("scoring.rag", "thresholds out of order"),
    "threshold_above_100": ("scoring.rag.thresholds.green_from", "must not be more than 100"),
    "bad_overall_cap": ("scoring.critical.overall_cap", "must be one of: red, amber_red"),
    "key_area_in_questionnaire": (f"{Q0}.type", "key_area is a maturity item type"),
    "stages_in_questionnaire": ("stages", "only maturity frameworks have stages"),
    "question_in_maturity": (f"{Q0}.type", "yes_no_partly is a question type"),
    "unknown_stage_in_descriptors": (f"{Q0}.descriptors.expert", 'unknown stage "expert"'),
    "missing_descriptor": (f"{Q0}.descriptors", 'missing descriptor for stage "high"'),
    "unknown_mature_stage": ("scoring.mature_stage", 'unknown stage "expert"'),
    "duplicate_stage_key": ("stages[2].key", 'duplicate stage key "mid"'),
    "missing_stages": ("stages", "is required"),
    "bad_item_key": (f"{Q0}.key", 'must be letters, digits, "-" or "_"'),
}


def test_every_broken_file_has_an_expectation():
    assert sorted(path.stem for path in BROKEN.glob("*.yaml")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 15


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()), ids=sorted(EXPECTED))
def test_broken_file_is_rejected_with_located_message(name, expected):
    path, fragment = expected
    source = BROKEN / f"{name}.yaml"
    with pytest.raises(FrameworkInvalid) as caught:
        load_framework_file(source)
    first = caught.value.errors[0]
    assert first.path == path
    assert fragment in first.message
    assert first.line is not None
    assert str(caught.value).splitlines()[0].startswith(f"{source}: ")


def test_syntax_error_reports_its_line():
    with pytest.raises(FrameworkInvalid) as caught:
        load_framework_file(BROKEN / "yaml_syntax_error.yaml")
    assert caught.value.errors[0].line == 13
