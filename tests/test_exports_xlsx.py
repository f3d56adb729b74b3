"""The round workbook: its sheets, its values, and no formulas whatever councils type."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape
from typing import Any

from flask import Flask

from prodmaturity.exports import queries
from prodmaturity.exports.xlsx import section_columns
from tests.factories import load_shipped_framework
from tests.test_exports_data import HOSTILE, answer_round, round_for


def _workbook(app: Flask, councils: dict[str, Any], people: dict[str, Any], login_as: Any,
              user: str = "analyst") -> tuple[Any, bytes]:
    version = load_shipped_framework("cyber-stocktake-2018")
    round_ = round_for(version, [councils["a"], councils["b"]])
    answer_round(round_, comments={"E07000001": HOSTILE[0], "E06000002": "ordinary"})
    from prodmaturity.extensions import db
    from prodmaturity.models import Response

    for n, response in enumerate(db.session.query(Response).order_by(Response.id)):
        if n < len(HOSTILE):
            response.comment = HOSTILE[n]
    db.session.commit()
    response = login_as(people[user]).get(f"/exports/rounds/{round_.id}/round.xlsx",
                                          buffered=True)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return version, bytes(response.get_data())


def _sheet_texts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()
                if name.startswith("xl/worksheets/sheet")}


def test_workbook_has_readme_results_and_a_sheet_per_section(app: Flask, councils: dict[str, Any],
                                                             people: dict[str, Any],
                                                             login_as: Any) -> None:
    version, data = _workbook(app, councils, people, login_as)
    framework = version.framework
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = archive.read("xl/workbook.xml").decode()
    names = re.findall(r'<sheet name="([^"]+)"', book)
    assert names == ["README", "Results", *(s.key for s in framework.sections)]
    texts = _sheet_texts(data)
    results_xml = texts["xl/worksheets/sheet2.xml"]
    for column in queries.results_columns(framework):
        assert f">{column}<" in results_xml
    leadership_xml = texts["xl/worksheets/sheet3.xml"]
    for column in section_columns(framework.sections[0]):
        assert f">{column}<" in leadership_xml
    assert "E07000001" in leadership_xml and "E06000002" in leadership_xml


def _ooxml_text(xml_text: str) -> str:
    """Undo XML escaping and OOXML's ``_xHHHH_`` escapes (how a carriage return is stored)."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), unescape(xml_text))


def test_hostile_text_is_stored_as_text_never_as_a_formula(app: Flask, councils: dict[str, Any],
                                                         people: dict[str, Any],
                                                         login_as: Any) -> None:
    _, data = _workbook(app, councils, people, login_as)
    texts = _sheet_texts(data)
    for name, xml in texts.items():
        assert "<f>" not in xml and "<f " not in xml, name
    strings = [_ooxml_text(s) for xml in texts.values()
               for s in re.findall(r"<t(?: [^>]*)?>(.*?)</t>", xml, flags=re.S)]
    for hostile in HOSTILE:
        assert "'" + hostile in strings, hostile
    for text in strings:
        assert not text.startswith(("=", "+", "-", "@", "\t", "\r")), text


def test_council_workbook_holds_only_their_council(app: Flask, councils: dict[str, Any],
                                                   people: dict[str, Any],
                                                   login_as: Any) -> None:
    _, data = _workbook(app, councils, people, login_as, user="lead")
    everything = "".join(_sheet_texts(data).values())
    assert "E07000001" in everything
    assert "E06000002" not in everything and "Brackenshire" not in everything
