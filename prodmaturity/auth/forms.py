"""Sign-in and password forms, with messages in GOV.UK style."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from .passwords import password_problem


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your email address"),
            Email("Enter an email address in the correct format, like name@example.gov.uk",
                  check_deliverability=False),
            Length(max=254),
        ],
    )
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    """Choosing a password: the rules live in passwords.password_problem."""

    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        description="Use 12 characters or more. A few unrelated words together work well.",
        # No Length(max=...): it would add maxlength, which silently truncates pasted passwords,
        # and a second, non-GOV.UK message; password_problem says "128 characters or fewer".
        validators=[InputRequired("Enter a password")],
    )
    confirm = PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Confirm your password"),
            EqualTo("password", "Passwords must match"),
        ],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())

    def __init__(self, *args: Any, email: str = "", name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._email = email
        self._name = name

    def validate_password(self, field: PasswordField) -> None:
        problem = password_problem(field.data or "", email=self._email, name=self._name)
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
    )


class SecurityCodeForm(FlaskForm):
    code = StringField(
        "Security code",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the security code"), Length(max=20)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RecoveryCodeForm(FlaskForm):
    code = StringField(
        "Recovery code",
        widget=GovTextInput(),
        description="One of the recovery codes you saved when you set up two-factor sign-in",
        validators=[InputRequired("Enter a recovery code"), Length(max=40)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmPasswordForm(FlaskForm):
    """Asked before a change to sign-in security, so an unattended browser cannot make it."""

    current_password = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class AuthenticatorForm(ConfirmPasswordForm):
    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        description="The 6-digit code your app shows for this service",
        validators=[InputRequired("Enter the code from your authenticator app"), Length(max=20)],
    )
    submit = SubmitField("Turn on authenticator app", widget=GovSubmitInput())
