"""Inviting people: one form, its choices narrowed to what the inviter may grant."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional

from ..permissions import Role


class InviteForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's full name"), Length(max=120)],
    )
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the person's email address"),
            Email("Enter an email address in the correct format, like name@example.gov.uk",
                  check_deliverability=False),
            Length(max=254),
        ],
    )
    role = RadioField("Role", widget=GovRadioInput(),
                      validators=[InputRequired("Select a role")])
    council = SelectField("Council", widget=GovSelect(), validators=[Optional()], coerce=str)
    submit = SubmitField("Send invitation", widget=GovSubmitInput())

    def set_roles(self, roles: tuple[Role, ...]) -> None:
        self.role.choices = [(r.value, r.label) for r in roles]
        if len(roles) == 1:
            self.role.data = roles[0].value

    def set_councils(self, councils: list[tuple[str, str]]) -> None:
        self.council.choices = [("", "Choose a council"), *councils]
