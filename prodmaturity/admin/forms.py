"""Inviting people: one form, its choices narrowed to what the inviter may grant."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

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
    # Choices are checked below and in the views, with GOV.UK messages, not "Not a valid choice".
    role = RadioField("Role", widget=GovRadioInput(), validate_choice=False,
                      validators=[DataRequired("Select a role")])
    council = SelectField("Council", widget=GovSelect(), validators=[Optional()], coerce=str,
                          validate_choice=False)
    submit = SubmitField("Send invitation", widget=GovSubmitInput())

    def set_roles(self, roles: tuple[Role, ...]) -> None:
        self.role.choices = [SelectChoice(r.value, r.label) for r in roles]
        self._role_values = {r.value for r in roles}
        if len(roles) == 1 and not self.role.data:
            # The only choice is made for them; a different posted role is refused below.
            self.role.data = roles[0].value

    def set_councils(self, councils: list[tuple[str, str]]) -> None:
        self.council.choices = [
            SelectChoice("", "Choose a council"),
            *(SelectChoice(code, name) for code, name in councils),
        ]
        self._council_codes = {code for code, _name in councils}

    def validate_role(self, field: RadioField) -> None:
        # Only the roles this inviter may grant are offered; anything else posted is refused.
        if field.data not in getattr(self, "_role_values", set()):
            raise ValidationError("Select a role")

    def chosen_council_code(self) -> str | None:
        """The posted council's GSS code when it is one of the offered councils."""
        code = self.council.data
        return code if code in getattr(self, "_council_codes", set()) else None
