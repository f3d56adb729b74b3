"""Forms for the account's API token pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length


class NewTokenForm(FlaskForm):
    name = StringField(
        "Name for the token",
        widget=GovTextInput(),
        description="So you can tell your tokens apart, for example \"Power BI dashboard\"",
        validators=[InputRequired("Enter a name for the token"),
                    Length(max=80, message="Name must be 80 characters or fewer")],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: revoking needs a POST from our own page."""

    submit = SubmitField("Revoke", widget=GovSubmitInput())
