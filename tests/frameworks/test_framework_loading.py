"""Shipped frameworks, the documented example, canonical form and checksums."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from prodmaturity.frameworks import (
    Framework,
    FrameworkInvalid,
    MaturityItem,
    Question,
    load_framework_file,
    parse_framework,
    shipped_framework_paths,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "frameworks.md"


def doc_example() -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    return next(block for block in blocks if block.startswith("slug:"))


def test_shipped_paths_lists_both_frameworks():
    names = [path.name for path in shipped_framework_paths()]
    assert names == ["cyber-stocktake-2018.yaml", "nps-2018.yaml"]


@pytest.mark.parametrize("path", shipped_framework_paths(), ids=lambda p: p.name)
def test_shipped_framework_loads_and_round_trips(path):
    framework = load_framework_file(path)
    again = Framework.from_dict(json.loads(framework.canonical_json()))
    assert again == framework
    assert again.checksum() == framework.checksum()
    assert framework.notice
    assert path.stem == framework.slug


def test_nps_structure(nps):
    assert nps.kind == "maturity"
    assert [s.name for s in nps.stages] == ["Minimum", "Developing", "Mature", "Leader",
                                            "Innovator"]
    assert [s.title for s in nps.sections] == ["Showing leadership", "Behaving commercially",
                                               "Achieving community benefits", "Enablers"]
    types = [item.type for item in nps.items()]
    assert types.count("key_area") == 10 and types.count("enabler") == 4
    assert all(list(item.descriptors) == [s.key for s in nps.stages] for item in nps.items())
    assert nps.scoring.mature_stage == "mature"
    assert "illustrative" in nps.notice


def test_cyber_structure(cyber):
    assert cyber.kind == "questionnaire"
    assert len(cyber.sections) == 5
    assert all(len(section.items) >= 8 for section in cyber.sections)
    questions = list(cyber.items())
    assert len(questions) >= 40
    assert {"T3", "T4", "G5"} <= {q.key for q in questions if q.critical}
    assert all(q.options for q in questions if q.scored)
    assert "own" in cyber.notice
    assert cyber.scoring.overall_cap == "amber_green"


def test_doc_example_loads():
    framework = parse_framework(doc_example(), "docs/frameworks.md")
    assert framework.slug == "example-cyber"
    assert [q.key for q in framework.items()] == ["T1", "T2", "T3", "A1", "A2", "A3"]
    assert [o.points for o in framework.item("T2").options] == [2, 1, 0]
    assert framework.item("T3").max_points == 2


def test_accessors(nps):
    assert nps.item("enabling-innovation").title == "Enabling innovation"
    assert nps.section_of("enabling-innovation").key == "enablers"
    assert nps.stage(3).key == "mature"
    with pytest.raises(KeyError):
        nps.item("nope")
    with pytest.raises(KeyError):
        nps.section_of("nope")
    assert all(isinstance(item, MaturityItem) for item in nps.items())


def test_framework_is_immutable(cyber, nps):
    with pytest.raises(dataclasses.FrozenInstanceError):
        cyber.title = "Changed"
    question = cyber.item("T4")
    assert isinstance(question, Question)
    assert isinstance(question.options, tuple) and isinstance(cyber.sections, tuple)
    with pytest.raises(TypeError):
        nps.item("developing-talent").descriptors["minimum"] = "Changed"


def test_defaults_are_filled_in_canonical_form():
    content = Framework.from_dict(parse_framework(doc_example(), "doc").to_dict()).to_dict()
    a1 = content["sections"][1]["items"][0]
    assert a1["weight"] == 1 and a1["required"] is True and a1["critical"] is False
    assert [o["value"] for o in a1["options"]] == ["yes", "partly", "no"]
    assert a1["title"] == a1["text"]


def test_any_change_changes_the_checksum(cyber):
    content = cyber.to_dict()
    content["sections"][3]["items"][3]["weight"] = 3
    changed = Framework.from_dict(content)
    assert changed.checksum() != cyber.checksum()
    assert Framework.from_dict(cyber.to_dict()).checksum() == cyber.checksum()


def test_checksum_ignores_yaml_layout():
    text = doc_example()
    reordered = text.replace('version: "2024.1"\ntitle: Example cyber check',
                             'title: Example cyber check\nversion: "2024.1"')
    assert reordered != text
    assert (parse_framework(reordered, "a").checksum()
            == parse_framework(text, "b").checksum())


def test_whole_number_floats_are_canonical():
    text = doc_example().replace("weight: 2", "weight: 2.0")
    assert parse_framework(text, "a").checksum() == parse_framework(doc_example(), "b").checksum()


def test_error_text_lists_file_path_message_and_line():
    text = doc_example().replace("weight: 2", "weight: heavy").replace("kind: questionnaire",
                                                                      "kind: survey")
    with pytest.raises(FrameworkInvalid) as caught:
        parse_framework(text, "upload.yaml")
    lines = str(caught.value).splitlines()
    assert "upload.yaml: kind: must be one of: maturity, questionnaire (line 4)" in lines
    assert any(line.startswith("upload.yaml: sections[0].items[0].weight: must be a number")
               for line in lines)


def test_all_errors_are_collected():
    text = (doc_example().replace("slug: example-cyber", "slug: Example")
            .replace("weight: 2", "weight: -1")
            .replace("max_points: 2", "max_points: 9")
            .replace("key: A1", "key: T1"))
    with pytest.raises(FrameworkInvalid) as caught:
        parse_framework(text, "many.yaml")
    paths = [error.path for error in caught.value.errors]
    assert paths == ["slug", "sections[0].items[0].weight", "sections[0].items[2].max_points",
                     "sections[1].items[0].key"]


def test_duplicate_yaml_key_in_nested_mapping_is_located():
    text = doc_example().replace("        weight: 2\n", "        weight: 2\n        weight: 3\n")
    with pytest.raises(FrameworkInvalid) as caught:
        parse_framework(text, "dup.yaml")
    [error] = caught.value.errors
    assert error.path == "sections[0].items[0].weight"
    assert error.message.startswith('duplicate field "weight"')


def test_from_dict_reports_errors_without_lines(cyber):
    content = cyber.to_dict()
    content["scoring"]["critical"]["section_cap"] = "purple"
    with pytest.raises(FrameworkInvalid) as caught:
        Framework.from_dict(content, source="stored version 3")
    [error] = caught.value.errors
    assert (error.path, error.line) == ("scoring.critical.section_cap", None)
    assert str(caught.value).startswith("stored version 3: scoring.critical.section_cap:")


def test_non_utf8_file_is_rejected(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(FrameworkInvalid, match="is not UTF-8 text"):
        load_framework_file(path)


def test_empty_document_is_rejected():
    with pytest.raises(FrameworkInvalid, match="must be a mapping of fields"):
        parse_framework("", "empty.yaml")
