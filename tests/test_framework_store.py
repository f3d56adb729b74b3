"""Framework versions in the database: load, refuse changed content, upload page, blank copy."""

from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from prodmaturity.extensions import db
from prodmaturity.frameworks import load_framework_file, shipped_framework_paths
from prodmaturity.frameworks.store import store_framework
from prodmaturity.models import AuditEvent, FrameworkVersion
from tests.conftest import count_rows

BROKEN = Path(__file__).parent / "frameworks" / "broken"


def _cyber_path() -> Path:
    return next(p for p in shipped_framework_paths() if p.stem == "cyber-stocktake-2018")


def test_cli_loads_both_shipped_frameworks_and_a_second_load_is_a_no_op(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["frameworks", "load", "--shipped"])
    assert first.exit_code == 0, first.output
    assert "nps-2018 version 2018.1: loaded" in first.output
    assert "cyber-stocktake-2018 version 2018.1: loaded" in first.output
    second = runner.invoke(args=["frameworks", "load", "--shipped"])
    assert second.exit_code == 0
    assert second.output.count("already loaded (no change)") == 2
    assert count_rows(FrameworkVersion) == 2
    assert count_rows(AuditEvent) == 2  # one event per version actually stored


def test_cli_validate_reports_each_shipped_framework(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["frameworks", "validate", *map(str, shipped_framework_paths())]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count(": valid") == 2


def test_changed_content_without_a_new_version_is_refused(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["frameworks", "load", str(_cyber_path())]).exit_code == 0
    changed = tmp_path / "cyber.yaml"
    text = _cyber_path().read_text(encoding="utf-8")
    changed.write_text(text.replace("title: Council cyber security stock-take",
                                    "title: Council cyber stock-take (edited)", 1),
                       encoding="utf-8")
    assert load_framework_file(changed).checksum() != load_framework_file(_cyber_path()).checksum()
    result = runner.invoke(args=["frameworks", "load", str(changed)])
    assert result.exit_code == 1
    assert "already loaded with different content" in result.output
    stored = db.session.scalar(sa.select(FrameworkVersion))
    assert stored is not None and stored.title == "Council cyber security stock-take"


def test_a_new_version_of_a_slug_keeps_the_old_one(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["frameworks", "load", str(_cyber_path())])
    newer = tmp_path / "cyber-2019.yaml"
    newer.write_text(_cyber_path().read_text(encoding="utf-8").replace(
        'version: "2018.1"', 'version: "2019.1"', 1), encoding="utf-8")
    result = runner.invoke(args=["frameworks", "load", str(newer)])
    assert result.exit_code == 0, result.output
    versions = db.session.scalars(sa.select(FrameworkVersion.version).order_by(
        FrameworkVersion.version)).all()
    assert versions == ["2018.1", "2019.1"]


def test_an_invalid_file_is_refused_with_located_errors_and_nothing_written(app: Flask) -> None:
    broken = sorted(BROKEN.glob("*.yaml"))[0]
    result = app.test_cli_runner().invoke(args=["frameworks", "load", str(broken)])
    assert result.exit_code == 1
    assert f"{broken}: " in result.output
    assert count_rows(FrameworkVersion) == 0


def test_one_invalid_file_among_several_stores_none(app: Flask) -> None:
    broken = sorted(BROKEN.glob("*.yaml"))[0]
    result = app.test_cli_runner().invoke(
        args=["frameworks", "load", str(_cyber_path()), str(broken)]
    )
    assert result.exit_code == 1
    assert count_rows(FrameworkVersion) == 0


def test_stored_content_rehydrates_with_the_same_checksum(app: Flask) -> None:
    framework = load_framework_file(_cyber_path())
    stored = store_framework(framework).version
    db.session.expire_all()
    again = db.session.get(FrameworkVersion, stored.id)
    assert again is not None
    assert again.framework.checksum() == again.checksum == framework.checksum()


def _upload(client, name: str, content: bytes):  # type: ignore[no-untyped-def]
    return client.post("/admin/frameworks", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_admin_upload_loads_a_valid_file(app: Flask, people, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as(people["admin"])
    response = _upload(client, "cyber.yaml", _cyber_path().read_bytes())
    assert response.status_code == 302
    page = client.get("/admin/frameworks").get_data(as_text=True)
    assert "Council cyber security stock-take" in page and "2018.1" in page
    assert count_rows(FrameworkVersion) == 1


def test_admin_upload_shows_every_located_error_in_the_error_summary(
    app: Flask, people, login_as  # type: ignore[no-untyped-def]
) -> None:
    client = login_as(people["admin"])
    broken = sorted(BROKEN.glob("*.yaml"))[0]
    response = _upload(client, broken.name, broken.read_bytes())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html and broken.name in html
    assert count_rows(FrameworkVersion) == 0


def test_admin_upload_refuses_changed_content_and_non_utf8(app: Flask, people, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as(people["admin"])
    _upload(client, "cyber.yaml", _cyber_path().read_bytes())
    changed = _cyber_path().read_bytes().replace(b"title: Council cyber security stock-take",
                                                 b"title: Changed title", 1)
    html = _upload(client, "cyber.yaml", changed).get_data(as_text=True)
    assert "already loaded with different content" in html
    html = _upload(client, "bad.yaml", b"\xff\xfe\x00bad").get_data(as_text=True)
    assert "must be UTF-8 text" in html
    assert count_rows(FrameworkVersion) == 1


def test_blank_copy_lists_every_item_of_both_frameworks(app: Flask, people, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as(people["officer"])
    for path in shipped_framework_paths():
        framework = load_framework_file(path)
        stored = store_framework(framework).version
        html = client.get(f"/frameworks/{stored.id}").get_data(as_text=True)
        for item in framework.items():
            title = getattr(item, "text", None) or item.title
            assert title.replace("'", "&#39;") in html, item.key
        if framework.notice:
            assert framework.notice.split(".")[0][:40] in html.replace("&#39;", "'")
    assert client.get("/frameworks/9999").status_code == 404
