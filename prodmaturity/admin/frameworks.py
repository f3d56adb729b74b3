"""LGA admin: upload a framework file as a new version, and see every version."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from werkzeug.wrappers import Response
from wtforms import SubmitField

from ..frameworks.errors import FrameworkInvalid
from ..frameworks.loader import parse_framework
from ..frameworks.store import FrameworkConflict, list_versions, store_framework
from ..permissions import Permission, requires
from .views import bp


class UploadFrameworkForm(FlaskForm):
    file = FileField(
        "Framework file (YAML)",
        widget=GovFileInput(),
        validators=[FileRequired("Select a framework file")],
    )
    submit = SubmitField("Check and load", widget=GovSubmitInput())


def _read_upload(form: UploadFrameworkForm) -> str | None:
    try:
        return str(form.file.data.read().decode("utf-8"))
    except UnicodeDecodeError:
        form.file.errors = ["The selected file must be UTF-8 text (a YAML file)"]
        return None


@bp.route("/frameworks", methods=["GET", "POST"])
@requires(Permission.LGA_ADMIN)
def frameworks() -> str | Response:
    form = UploadFrameworkForm()
    if form.validate_on_submit():
        text = _read_upload(form)
        if text is not None:
            filename = form.file.data.filename or "uploaded file"
            try:
                result = store_framework(parse_framework(text, filename), loaded_by=current_user)
            except FrameworkInvalid as exc:
                form.file.errors = [f"{filename}: {error}" for error in exc.errors]
            except FrameworkConflict as exc:
                form.file.errors = [str(exc)]
            else:
                stored = result.version
                flash(f"{stored.title} version {stored.version} "
                      + ("loaded" if result.created else "was already loaded: nothing changed"),
                      "success")
                return redirect(url_for("admin.frameworks"))
    return render_template("admin/frameworks.html", form=form, versions=list_versions())
