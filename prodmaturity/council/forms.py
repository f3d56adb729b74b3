"""Council forms: a question page built from the framework, the declaration, assignment.

A page form is made per page from the framework, so every item type gets its GOV.UK control.
Choices are not checked by WTForms ("Not a valid choice"): the form parses what was posted and
asks the service's ``validate_input`` (the one definition of an allowed answer) for the verdict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from ..assessments.pages import Page
from ..assessments.responses import AnswerError, AnswerInput, is_required, validate_input
from ..frameworks.model import Framework, Item, MaturityItem, Question
from ..models import Response, User

NOT_APPLICABLE = "__na__"
NONE_OF_THESE = "__none__"


class PageForm(FlaskForm):
    """Base for the per-page forms that :func:`page_form` builds."""

    save_and_continue = SubmitField("Save and continue", widget=GovSubmitInput())
    save_for_later = SubmitField("Save and come back later", widget=GovSubmitInput())

    framework: Framework
    page: Page
    inputs: dict[str, AnswerInput]

    @property
    def continuing(self) -> bool:
        return bool(self.save_and_continue.data)

    def versions(self) -> dict[str, int]:
        out = {}
        for item in self.page.items:
            raw = self[f"{item.key}-version"].data or ""
            out[item.key] = int(raw) if raw.isdigit() else -1  # unreadable: treat as stale
        return out

    def set_versions(self, versions: Mapping[str, int]) -> None:
        """After a conflict: keep what was typed, but save over what is now stored."""
        for key, version in versions.items():
            self[f"{key}-version"].data = str(version)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        self.inputs = {}
        for item in self.page.items:
            try:
                value = self._parse(item)
                validate_input(self.framework, item, value)
                if self.continuing and is_required(item):
                    self._require(item, value)
            except AnswerError as exc:
                self[self._error_field(item, str(exc))].errors.append(str(exc))
                valid = False
            else:
                self.inputs[item.key] = value
        self._errors = None  # WTForms caches errors; field errors were added above
        return valid

    def _error_field(self, item: Item, message: str) -> str:
        if message.startswith("Comment"):
            return f"{item.key}-comment"
        if isinstance(item, MaturityItem):
            return f"{item.key}-target" if "target" in message else f"{item.key}-current"
        return f"{item.key}-answer"

    def _parse(self, item: Item) -> AnswerInput:
        comment = (self[f"{item.key}-comment"].data or "").strip() or None
        if isinstance(item, MaturityItem):
            return AnswerInput(current_stage=_stage(self, item, "current"),
                               target_stage=_stage(self, item, "target"), comment=comment)
        answer, not_applicable = _question_value(self, item)
        return AnswerInput(answer=answer, not_applicable=not_applicable, comment=comment)

    def _require(self, item: Item, value: AnswerInput) -> None:
        if isinstance(item, MaturityItem):
            if value.current_stage is None:
                raise AnswerError(item.key, f"Select the current stage for {item.title}")
            if value.target_stage is None:
                raise AnswerError(item.key, f"Select the target stage for {item.title}")
        elif not value.not_applicable and value.answer in (None, ""):
            verb = "Enter" if item.type in ("number", "free_text") else "Select"
            raise AnswerError(item.key, f"{verb} an answer for {item.title}")


def _stage(form: PageForm, item: MaturityItem, which: str) -> int | None:
    raw = (form[f"{item.key}-{which}"].data or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise AnswerError(item.key, f"Select the {which} stage for {item.title} from the list")
    return int(raw)


def _question_value(form: PageForm, item: Question) -> tuple[Any, bool]:
    field = form[f"{item.key}-answer"]
    na_field = form._fields.get(f"{item.key}-na")
    if item.type == "multiple_choice":
        chosen = list(field.data or [])
        if NOT_APPLICABLE in chosen:
            return (None if chosen == [NOT_APPLICABLE] else chosen), True
        if NONE_OF_THESE in chosen:
            if len(chosen) > 1:
                raise AnswerError(item.key, f"Select answers for {item.title}, or None of these")
            return [], False
        return (chosen or None), False
    raw = field.data
    if item.scored:
        if raw == NOT_APPLICABLE:
            return None, True
        return (raw or None), False
    not_applicable = bool(na_field and na_field.data)
    text = (raw or "").strip()
    if item.type == "number" and text:
        try:
            number = float(text.replace(",", ""))
        except ValueError as exc:
            raise AnswerError(item.key, f"{item.title} must be a number, like 12") from exc
        if not math.isfinite(number):
            raise AnswerError(item.key, f"{item.title} must be a number, like 12")
        return (int(number) if number.is_integer() else number), not_applicable
    return (text or None), not_applicable


def page_form(framework: Framework, page: Page, current: Mapping[str, Response],
              comment_max: int) -> PageForm:
    """The form for one page, showing the stored answers and the versions they are at.

    For a POST pass no responses: a field left out of the post must read as empty, never as
    the stored value (or a missing version field would let a stale save through).
    """
    fields: dict[str, Any] = {}
    data: dict[str, Any] = {}
    for item in page.items:
        fields.update(_item_fields(framework, item, comment_max))
        data.update(_item_data(item, current.get(item.key)))
    form_class = type("PageForm", (PageForm,), fields)
    form = form_class(data=data)
    form.framework, form.page = framework, page
    return form


def _item_fields(framework: Framework, item: Item, comment_max: int) -> dict[str, Any]:
    key = item.key
    fields: dict[str, Any] = {
        f"{key}-version": HiddenField(),
        f"{key}-comment": TextAreaField(
            "Comment (optional)", widget=GovCharacterCount(),
            validators=[Length(max=comment_max,
                               message=f"Comment must be {comment_max} characters or fewer")]),
    }
    if isinstance(item, MaturityItem):
        stages = [SelectChoice(str(s.number), s.name) for s in framework.stages]
        fields[f"{key}-current"] = RadioField("Current stage", choices=stages,
                                              widget=GovRadioInput(), validate_choice=False)
        fields[f"{key}-target"] = RadioField("Target stage", choices=stages,
                                             widget=GovRadioInput(), validate_choice=False)
        return fields
    na = [SelectChoice(NOT_APPLICABLE, "Not applicable")] if item.allow_na else []
    options = [SelectChoice(o.value, o.label) for o in item.options]
    if item.type == "multiple_choice":
        fields[f"{key}-answer"] = SelectMultipleField(
            item.text, choices=[*options, SelectChoice(NONE_OF_THESE, "None of these"), *na],
            widget=GovCheckboxesInput(), validate_choice=False, description=item.help)
    elif item.scored:
        fields[f"{key}-answer"] = RadioField(item.text, choices=[*options, *na],
                                             widget=GovRadioInput(), validate_choice=False,
                                             description=item.help)
    else:
        widget = GovTextInput() if item.type == "number" else GovTextArea()
        fields[f"{key}-answer"] = StringField(item.text, widget=widget, description=item.help)
        if item.allow_na:
            fields[f"{key}-na"] = BooleanField("Not applicable", widget=GovCheckboxInput())
    return fields


def _item_data(item: Item, response: Response | None) -> dict[str, Any]:
    key = item.key
    data: dict[str, Any] = {f"{key}-version": str(response.version if response else 0)}
    if response is None:
        return data
    data[f"{key}-comment"] = response.comment or ""
    if isinstance(item, MaturityItem):
        data[f"{key}-current"] = str(response.current_stage or "")
        data[f"{key}-target"] = str(response.target_stage or "")
    elif item.type == "multiple_choice":
        if response.not_applicable:
            data[f"{key}-answer"] = [NOT_APPLICABLE]
        else:
            data[f"{key}-answer"] = response.answer or ([NONE_OF_THESE]
                                                        if response.answer == [] else [])
    elif item.scored:
        data[f"{key}-answer"] = NOT_APPLICABLE if response.not_applicable else response.answer
    else:
        answer = response.answer
        data[f"{key}-answer"] = (f"{answer:g}" if isinstance(answer, int | float)
                                 else answer or "")
        data[f"{key}-na"] = response.not_applicable
    return data


class DeclarationForm(FlaskForm):
    confirm = BooleanField(
        "I confirm that these answers are accurate to the best of my knowledge and that a senior "
        "officer has signed them off", widget=GovCheckboxInput(),
        validators=[InputRequired("Confirm the declaration before you submit")])
    sign_off_name = StringField(
        "Name of the senior officer who signed this off", widget=GovTextInput(),
        validators=[InputRequired("Enter the name of the senior officer who signed this off"),
                    Length(max=120, message="Name must be 120 characters or fewer")])
    sign_off_role = StringField(
        "Their role", widget=GovTextInput(), description="For example, Director of Resources",
        validators=[InputRequired("Enter the role of the senior officer who signed this off"),
                    Length(max=120, message="Role must be 120 characters or fewer")])
    submit = SubmitField("Submit assessment", widget=GovSubmitInput())


class AssignForm(FlaskForm):
    assignee = RadioField("Who should complete this section?", widget=GovRadioInput(),
                          validate_choice=False,
                          validators=[InputRequired("Select who should complete this section")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def set_people(self, people: list[User]) -> None:
        self.assignee.choices = [*(SelectChoice(str(p.id), p.name) for p in people),
                                 SelectChoice("nobody", "Nobody")]
        self._people = {str(p.id): p for p in people}

    def chosen(self) -> User | None:
        """The colleague chosen; ``None`` for "Nobody"; ``KeyError`` for anything else posted."""
        if self.assignee.data == "nobody":
            return None
        return self._people[self.assignee.data]


class ConfirmForm(FlaskForm):
    """A button with a CSRF token, for actions that need no other input."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
