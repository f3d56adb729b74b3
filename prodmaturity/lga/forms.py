"""LGA forms: opening a round, extending a deadline, returning an assessment."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from ..models import FrameworkVersion

GSS_CODE = re.compile(r"E\d{8}")


class GovDateField(DateField):
    """Day, month and year boxes, with a GOV.UK message for a date that does not exist."""

    def __init__(self, label: str, message: str, **kwargs: Any) -> None:
        super().__init__(label, format="%d %m %Y", widget=GovDateInput(), **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not any(v.strip() for v in valuelist):
            self.data = None
            return
        try:
            self.data = datetime.strptime(" ".join(v.strip() for v in valuelist),
                                          "%d %m %Y").date()
        except ValueError as exc:
            self.data = None
            raise ValueError(self.message) from exc


class NewRoundForm(FlaskForm):
    framework_version = SelectField("Framework", widget=GovSelect(), validate_choice=False,
                                    validators=[InputRequired("Select a framework")])
    title = StringField("Title", widget=GovTextInput(),
                        description='For example, "NPS self-assessment 2018/19"',
                        validators=[InputRequired("Enter a title for the round"),
                                    Length(max=200, message="Title must be 200 characters or "
                                                            "fewer")])
    opens_on = GovDateField("Opening date", "Opening date must be a real date, like 1 4 2019",
                            validators=[InputRequired("Enter the opening date")])
    closes_on = GovDateField("Closing date", "Closing date must be a real date, like 30 6 2019",
                             validators=[InputRequired("Enter the closing date")])
    participants = RadioField(
        "Which councils take part?", widget=GovRadioInput(), default="all",
        choices=[SelectChoice("all", "Every council that exists on the opening date"),
                 SelectChoice("chosen", "Only the councils listed below")],
        validators=[InputRequired("Select which councils take part")])
    councils = TextAreaField("Councils taking part", widget=GovTextArea(),
                             description="GSS codes, one per line, like E07000001. Only used "
                                         "when you choose the councils listed.")
    submit = SubmitField("Open round", widget=GovSubmitInput())

    def set_versions(self, versions: list[FrameworkVersion]) -> None:
        self.framework_version.choices = [SelectChoice("", "Choose a framework"), *(
            SelectChoice(str(v.id), v.label) for v in versions)]
        self._versions = {str(v.id): v for v in versions}

    def chosen_version(self) -> FrameworkVersion | None:
        return self._versions.get(self.framework_version.data or "")

    def gss_codes(self) -> list[str] | None:
        """The listed councils' codes, or None for "every council on the opening date"."""
        if self.participants.data != "chosen":
            return None
        return [code.upper() for code in re.split(r"[\s,]+", self.councils.data or "") if code]

    def validate_participants(self, field: RadioField) -> None:
        if field.data not in ("all", "chosen"):
            raise ValidationError("Select which councils take part")

    def validate_councils(self, field: TextAreaField) -> None:
        if self.participants.data != "chosen":
            return
        codes = self.gss_codes() or []
        if not codes:
            raise ValidationError("Enter the GSS code of at least one council")
        if bad := [c for c in codes if not GSS_CODE.fullmatch(c)]:
            raise ValidationError(f"These are not GSS codes: {', '.join(bad)}")

    def validate_framework_version(self, field: SelectField) -> None:
        if self.chosen_version() is None:
            raise ValidationError("Select a framework")


class DeadlineForm(FlaskForm):
    deadline = GovDateField("New deadline", "The new deadline must be a real date, like 31 7 2019",
                            validators=[InputRequired("Enter the new deadline")])
    submit = SubmitField("Extend deadline", widget=GovSubmitInput())

    def current(self) -> date:
        assert self.deadline.data is not None
        return self.deadline.data


class ReturnForm(FlaskForm):
    reason = TextAreaField(
        "Why are you returning this assessment?", widget=GovCharacterCount(),
        description="The council's lead and officers will see this in their email",
        validators=[InputRequired("Enter the reason for returning this assessment"),
                    Length(max=2000, message="Reason must be 2000 characters or fewer")])
    submit = SubmitField("Return assessment", widget=GovSubmitInput())


class AcceptForm(FlaskForm):
    submit = SubmitField("Accept assessment", widget=GovSubmitInput())
