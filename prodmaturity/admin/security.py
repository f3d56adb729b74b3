"""LGA admin: security events (sign-ins, failures, lock-outs, account changes, exports).

Routes on the admin blueprint. The filter is a GET form so a filtered view can be bookmarked
and its CSV link carries the same filter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from .. import audit
from ..auth import events
from ..exports.csvutil import csv_lines
from ..extensions import db
from ..permissions import Permission, requires
from ..timeutil import utcnow
from .views import bp


def parse_day(text: str) -> date | None:
    """``2019-04-01``, ``1 4 2019`` or ``1/4/2019``; None when it is not a real date."""
    text = text.strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
                           (r"(\d{1,2})[ /.-]+(\d{1,2})[ /.-]+(\d{4})", "dmy")):
        found = re.fullmatch(pattern, text)
        if found:
            parts = dict(zip(order, map(int, found.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                return None
    return None


class DayField(StringField):
    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        if self.data and parse_day(self.data) is None:
            raise ValidationError(f"{self.label.text} must be a real date, like 1 4 2019")

    @property
    def day(self) -> date | None:
        return parse_day(self.data) if self.data else None


class EventFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = SelectField("Event", widget=GovSelect(), validate_choice=False,
                         validators=[Optional()])
    email = StringField("Email address", widget=GovTextInput(),
                        validators=[Optional(), Length(max=254)])
    date_from = DayField("From", widget=GovTextInput(), validators=[Optional()],
                         description="For example, 1 4 2019")
    date_to = DayField("To", widget=GovTextInput(), validators=[Optional()],
                       description="For example, 30 4 2019")
    submit = SubmitField("Filter events", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [SelectChoice("", "All events"), *(
            SelectChoice(key, label) for key, label in events.SECURITY_ACTIONS.items())]

    def chosen(self) -> events.EventFilter:
        """The filter, ignoring any part that did not validate."""
        action = self.action.data if self.action.data in events.SECURITY_ACTIONS else None
        return events.EventFilter(
            action=action, email=(self.email.data or "").strip() or None,
            date_from=None if self.date_from.errors else self.date_from.day,
            date_to=None if self.date_to.errors else self.date_to.day)


def _filter_form() -> EventFilterForm:
    form = EventFilterForm(formdata=request.args if request.args else None)
    if request.args:
        form.validate()
    return form


@bp.route("/security-events")
@requires(Permission.LGA_ADMIN)
def security_events() -> str:
    form = _filter_form()
    page = db.paginate(events.events_query(form.chosen()), per_page=50, error_out=False)
    return render_template("admin/security_events.html", form=form, page=page,
                           subjects=events.subjects_of(page.items),
                           labels=events.SECURITY_ACTIONS,
                           csv_args={k: v for k, v in request.args.items()
                                     if v and k != "page"})


@bp.route("/security-events.csv")
@requires(Permission.LGA_ADMIN)
def security_events_csv() -> Response:
    chosen = _filter_form().chosen()
    audit.record("export", actor=current_user, detail={
        "export": "security_events", **{k: str(v) for k, v in vars(chosen).items() if v}})
    db.session.commit()  # the download is on the record before its first byte leaves
    lines = csv_lines(events.CSV_HEADER, events.csv_rows(chosen))
    response = Response(_in_app_context(current_app._get_current_object(), lines),
                        content_type="text/csv; charset=utf-8")
    filename = f"security-events-{utcnow():%Y%m%dT%H%M}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _in_app_context(app: Flask, chunks: Iterator[str]) -> Iterator[str]:
    """Header first; the rows are read in an app context of their own that lasts exactly as
    long as the stream (as the exports do), not in the finished request's."""
    yield next(chunks)
    with app.app_context():
        yield from chunks


