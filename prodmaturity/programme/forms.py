"""Programme forms: deliverables, progress updates, measures and the Board report's quarter."""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..models import DeliverableStatus, ProgrammeRag, Round, Workstream
from .measures import kind_choices
from .quarters import Quarter, financial_year_label

RAG_CHOICES = [SelectChoice(r.value, r.label) for r in ProgrammeRag]
QUARTER_CHOICES = [SelectChoice(str(n), f"Quarter {n}") for n in range(1, 5)]


def year_choices(years: Sequence[int]) -> list[SelectChoice]:
    return [SelectChoice(str(year), financial_year_label(year)) for year in years]


def quarter_choices(years: Sequence[int]) -> list[SelectChoice]:
    return [SelectChoice(q.slug, q.label) for year in years for n in range(1, 5)
            if (q := Quarter(year, n))]


class DeliverableForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput(), validators=[
        InputRequired("Enter a title"),
        Length(max=200, message="Title must be 200 characters or fewer")])
    description = TextAreaField("Description", widget=GovTextArea(), validators=[Optional()])
    workstreams = SelectMultipleField("Workstreams", widget=GovCheckboxesInput(), coerce=int,
                                      validators=[InputRequired("Select at least one workstream")])
    owner = StringField("Owner", widget=GovTextInput(), validators=[
        InputRequired("Enter who owns this deliverable"), Length(max=120)])
    financial_year = SelectField("Financial year", widget=GovSelect(), coerce=int)
    due_quarter = RadioField("Due by the end of", widget=GovRadioInput(), choices=QUARTER_CHOICES,
                             validators=[InputRequired("Select the quarter it is due")])
    mou_commitment = BooleanField("This is a commitment in the MOU with MHCLG",
                                  widget=GovCheckboxInput())
    funding_source = StringField("Funding source", widget=GovTextInput(),
                                 validators=[Optional(), Length(max=120)])
    status = RadioField("Status", widget=GovRadioInput(), validators=[
        InputRequired("Select a status")],
        choices=[SelectChoice(s.value, s.label) for s in DeliverableStatus])
    rag = RadioField("RAG rating", widget=GovRadioInput(), choices=RAG_CHOICES,
                     validators=[InputRequired("Select a RAG rating")])
    submit = SubmitField("Save deliverable", widget=GovSubmitInput())

    def set_choices(self, workstreams: Sequence[Workstream], years: Sequence[int]) -> None:
        self.workstreams.choices = [SelectChoice(w.id, w.title) for w in workstreams]
        self.financial_year.choices = year_choices(years)


class ProgressUpdateForm(FlaskForm):
    quarter = SelectField("Quarter", widget=GovSelect(),
                          validators=[InputRequired("Select the quarter this update is for")])
    rag = RadioField("RAG rating", widget=GovRadioInput(), choices=RAG_CHOICES,
                     validators=[InputRequired("Select a RAG rating")])
    narrative = TextAreaField("Progress", widget=GovTextArea(), validators=[
        InputRequired("Enter the progress made"),
        Length(max=5000, message="Progress must be 5,000 characters or fewer")])
    submit = SubmitField("Add update", widget=GovSubmitInput())


class MeasureForm(FlaskForm):
    label = StringField("Name shown on the dashboard", widget=GovTextInput(), validators=[
        InputRequired("Enter a name for the measure"), Length(max=200)])
    round_id = SelectField("Round", widget=GovSelect(), coerce=int,
                           validators=[InputRequired("Select a round")])
    kind = SelectField("What to measure", widget=GovSelect(),
                       choices=[SelectChoice(key, name) for key, name in kind_choices()],
                       validators=[InputRequired("Select what to measure")])
    area = StringField("Key area, theme or section (optional)", widget=GovTextInput(),
                       validators=[Optional(), Length(max=60)])
    stage = IntegerField(
        "Stage number (for a share at or above a stage)", widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=1, message="Enter a stage number")])
    change = BooleanField("Show the change since the previous round", widget=GovCheckboxInput())
    target = FloatField("Target (optional)", widget=GovTextInput(),
                        validators=[Optional()])
    submit = SubmitField("Add measure", widget=GovSubmitInput())

    def set_rounds(self, rounds: Sequence[Round]) -> None:
        self.round_id.choices = [SelectChoice(r.id, r.title) for r in rounds]


class QuarterForm(FlaskForm):
    """The Board report's quarter, sent by GET so the report's address can be shared."""

    class Meta:
        csrf = False

    # DataRequired, not InputRequired: with no quarter in the address the default applies.
    quarter = SelectField("Quarter", widget=GovSelect(),
                          validators=[DataRequired("Select a quarter")])
    submit = SubmitField("Show report", widget=GovSubmitInput())
