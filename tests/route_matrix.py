"""Who gets what from every route: the expectation table the route matrix test checks.

Every endpoint in the app must appear in ``EXPECTED``, or ``test_routes.py`` fails: a new route
is not finished until this file says what each kind of visitor gets from it.

To add a route:
- add ``"blueprint.endpoint": {...}`` to ``EXPECTED`` with a status for every visitor in
  ``VISITORS`` (the helpers ``everyone``, ``signed_in``, ``only`` keep entries short);
- if its URL has parameters, add a sample for each parameter name to ``SAMPLE_VALUES`` (a function
  of ``Sample``, so it can point at council A's objects made in ``make_sample``); objects belong to
  council A, so ``other_officer`` and ``other_lead`` (council B) should usually get 404;
- if it only answers POST, add it to ``METHODS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# "anonymous" is not signed in; the rest are keys of the ``people`` fixture. officer and lead
# belong to council A; other_officer and other_lead to council B.
VISITORS = ("anonymous", "officer", "lead", "other_officer", "other_lead", "analyst", "admin")
SIGNED_IN = VISITORS[1:]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(VISITORS, status)


def signed_in(status: int, anonymous: int = 302, **exceptions: int) -> dict[str, int]:
    """``status`` for every signed-in visitor (bar ``exceptions``); a redirect to sign in if not."""
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, status), **exceptions}


def only(*allowed: str, status: int = 200, others: int = 403) -> dict[str, int]:
    """``status`` for the visitors named, 403 for other signed-in ones, sign-in redirect else."""
    return signed_in(others, **dict.fromkeys(allowed, status))


COUNCIL_LEADS = ("lead", "other_lead")

EXPECTED: dict[str, dict[str, int]] = {
    # Open to all
    "main.home": everyone(200),
    "main.healthz": everyone(200),
    "pages.accessibility": everyone(200),
    "pages.cookies": everyone(200),
    "pages.privacy": everyone(200),
    # Signed-in people are sent home from the sign-in page
    "auth.sign_in": signed_in(302, anonymous=200),
    # POST only (see METHODS): signing out sends everyone to the sign-in page
    "auth.sign_out": everyone(302),
    # Sample tokens are not valid: the "link problem" page is 410 Gone for anyone
    "auth.accept_invitation": everyone(410),
    "auth.forgot_password": everyone(200),
    "auth.reset_password": everyone(410),
    "auth.change_password": signed_in(200),
    # The second sign-in step: without a pending sign-in, back to sign in (signed in: home)
    "auth.two_factor_code": everyone(302),
    "auth.recovery_code": everyone(302),
    "auth.new_security_code": everyone(302),
    # Your account
    "account.index": signed_in(200),
    "account.authenticator": signed_in(200),
    "account.email_codes": signed_in(200),
    "account.recovery_codes": signed_in(200),
    "account.sign_out_others": signed_in(302),
    # LGA admin
    "admin.users": only("admin"),
    "admin.invite": only("admin"),
    "admin.user": only("admin"),
    "admin.needs_attention": only("admin"),
    "admin.security_events": only("admin"),
    "admin.security_events_csv": only("admin"),
    # POST actions on the sample leaver and invitation (council A); each redirects back
    "admin.deactivate_user": only("admin", status=302),
    "admin.make_lead": only("admin", status=302),
    "admin.reactivate_user": only("admin", status=302),
    "admin.reset_two_factor": only("admin", status=302),
    "admin.resend_invitation": only("admin", status=302),
    "admin.revoke_invitation": only("admin", status=302),
    # Council leads (each sees their own council's team)
    "council.team": only(*COUNCIL_LEADS),
    "council.invite": only(*COUNCIL_LEADS),
    # A lead's own council's people and invitations; another council's are 404
    "council.team_member": {**only("lead"), "other_lead": 404},
    "council.deactivate_member": {**only("lead", status=302), "other_lead": 404},
    "council.hand_over_lead": {**only("lead", status=302), "other_lead": 404},
    "council.reactivate_member": {**only("lead", status=302), "other_lead": 404},
    "council.resend_invitation": {**only("lead", status=302), "other_lead": 404},
    "council.revoke_invitation": {**only("lead", status=302), "other_lead": 404},
    # Frameworks: a printable blank copy for everyone signed in; uploads for LGA admins
    "frameworks.index": signed_in(200),
    "frameworks.blank": signed_in(200),
    "admin.frameworks": only("admin"),
    # Productivity programme: LGA analysts read, LGA admins manage; council users get 403
    "programme.dashboard": only("analyst", "admin"),
    "programme.deliverable": only("analyst", "admin"),
    "programme.board_report_page": only("analyst", "admin"),
    "programme.board_report_csv": only("analyst", "admin"),
    "programme.new_deliverable": only("admin"),
    "programme.edit_deliverable": only("admin"),
    "programme.add_update": only("admin"),
    "programme.add_measure": only("admin"),
    # LGA round overview, council list, chase list and aggregated results (issue 5)
    "lga.round_overview": only("analyst", "admin"),
    "lga.round_councils": only("analyst", "admin"),
    "lga.chase": only("analyst", "admin"),
    "lga.send_reminders": only("admin"),  # POST: an empty form asks to select a council
    "lga.results": only("analyst", "admin"),
    "lga.round_results": only("analyst", "admin"),
    "lga.critical_gaps": only("analyst", "admin"),
    # Council assessments (issue 4): council A's assessment; council B's people get 404
    "council.assessments": only("officer", "lead", "other_officer", "other_lead"),
    "council.assessment": only("officer", "lead") | {"other_officer": 404, "other_lead": 404},
    "council.page": only("officer", "lead") | {"other_officer": 404, "other_lead": 404},
    "council.check_answers": only("officer", "lead") | {"other_officer": 404,
                                                         "other_lead": 404},
    "council.assign_section": only("officer", "lead") | {"other_officer": 404,
                                                          "other_lead": 404},
    # Not yet submitted: sent back to the task list
    "council.submitted": only("officer", "lead", status=302) | {"other_officer": 404,
                                                                 "other_lead": 404},
    "council.submit": only("lead") | {"other_lead": 404},
    "council.history": only("lead") | {"other_lead": 404},
    # Results (draft until submitted): the council's own people only
    "council.results": only("officer", "lead") | {"other_officer": 404, "other_lead": 404},
    # No earlier round to carry answers from: 404 even for the lead
    "council.carry_forward": only("lead", "other_lead", status=404),
    # LGA rounds, deadlines and review (issue 4)
    "lga.rounds": only("analyst", "admin"),
    "lga.new_round": only("admin"),
    "lga.round_detail": only("analyst", "admin"),
    "lga.extend_deadline": only("admin"),
    "lga.extend_council_deadline": only("admin"),
    "lga.review": only("analyst", "admin"),
    "lga.history": only("analyst", "admin"),
    "lga.return_assessment": only("admin"),
    # POST: the sample assessment is not submitted, so accepting is refused with a message
    "lga.accept": only("admin", status=302),
    # Exports (issue 7): the sample round has councils A and B, so each council's people
    # export their own rows (200); the council register is LGA only
    "exports.index": signed_in(200),
    "exports.responses_long": signed_in(200),
    "exports.responses_wide": signed_in(200),
    "exports.results": signed_in(200),
    "exports.aggregates": signed_in(200),
    "exports.round_xlsx": signed_in(200),
    "exports.register": only("analyst", "admin"),
    # JSON API (issue 7): bearer tokens only, so a session cookie gets 401 JSON
    "api.openapi": everyone(200),
    "api.rounds": everyone(401),
    "api.round_detail": everyone(401),
    "api.round_results": everyone(401),
    "api.council_results": everyone(401),
    "api.council_result": everyone(401),
    "api.frameworks": everyone(401),
    "api.framework_detail": everyone(401),
    # API tokens on the account page; the sample token is the officer's (404 for anyone else)
    "api_tokens.index": signed_in(200),
    "api_tokens.new": signed_in(200),
    "api_tokens.revoke": signed_in(404, officer=302),
}

# Routes that do not answer GET are requested with this method (and an empty form).
METHODS: dict[str, str] = {
    "auth.sign_out": "POST",
    "auth.new_security_code": "POST",
    "account.sign_out_others": "POST",
    "admin.deactivate_user": "POST",
    "admin.make_lead": "POST",
    "admin.reactivate_user": "POST",
    "admin.reset_two_factor": "POST",
    "admin.resend_invitation": "POST",
    "admin.revoke_invitation": "POST",
    "council.deactivate_member": "POST",
    "council.hand_over_lead": "POST",
    "council.reactivate_member": "POST",
    "council.resend_invitation": "POST",
    "council.revoke_invitation": "POST",
    "lga.send_reminders": "POST",
    "lga.accept": "POST",
    "api_tokens.revoke": "POST",
}


@dataclass
class Sample:
    """Objects the sample URLs point at; later features add theirs in ``make_sample``."""

    councils: dict[str, Any]
    people: dict[str, Any]
    framework_version: Any = None


def make_sample(councils: dict[str, Any], people: dict[str, Any]) -> Sample:
    from tests.factories import load_shipped_framework

    return Sample(councils=councils, people=people,
                  framework_version=load_shipped_framework("nps-2018"))


# URL parameter name -> sample value (a function of the Sample).
SAMPLE_VALUES: dict[str, Callable[[Sample], Any]] = {
    "token": lambda sample: "not-a-real-token",
    "gss_code": lambda sample: sample.councils["a"].gss_code,
    "version_id": lambda sample: sample.framework_version.id,
    "deliverable_id": lambda sample: sample_deliverable_id(),
    # A council A officer, and an open invitation to council A, both made for the matrix: the
    # POST routes act on them (deactivate before hand-over, so the lead keeps the lead role).
    "user_id": lambda sample: sample_leaver_id(sample),
    "invitation_id": lambda sample: sample_invitation_id(sample),
    "round_id": lambda sample: sample_round_id(sample),
    "assessment_id": lambda sample: sample_assessment_id(sample),
    "page_key": lambda sample: "engaging-councillors",
    "section_key": lambda sample: "enablers",
    "token_id": lambda sample: sample_api_token_id(sample),
}


def sample_assessment_id(sample: Sample) -> int:
    """Council A's assessment in the sample round."""
    import sqlalchemy as sa

    from prodmaturity.extensions import db
    from prodmaturity.models import Assessment

    return db.session.scalar(sa.select(Assessment.id).where(
        Assessment.round_id == sample_round_id(sample),
        Assessment.council_id == sample.councils["a"].id))


def sample_round_id(sample: Sample) -> int:
    """A round of the sample framework with councils A and B taking part, made on first use."""
    import sqlalchemy as sa

    from prodmaturity.extensions import db
    from prodmaturity.models import Round
    from tests.factories import make_round

    existing = db.session.scalar(sa.select(Round.id).order_by(Round.id).limit(1))
    if existing is None:
        existing = make_round(sample.framework_version,
                              [sample.councils["a"], sample.councils["b"]]).id
    return existing


def sample_deliverable_id() -> int:
    """A programme deliverable (not any council's), made on first use."""
    import sqlalchemy as sa

    from prodmaturity.extensions import db
    from prodmaturity.models import Deliverable

    existing = db.session.scalar(sa.select(Deliverable.id).limit(1))
    if existing is None:
        deliverable = Deliverable(title="Sample deliverable", owner="LGA", financial_year=2018,
                                  due_quarter=2)
        db.session.add(deliverable)
        db.session.commit()
        existing = deliverable.id
    return existing


def sample_api_token_id(sample: Sample) -> int:
    """An API token of council A's officer, made on first use."""
    import sqlalchemy as sa

    from prodmaturity.api.tokens import create_token
    from prodmaturity.extensions import db
    from prodmaturity.models import ApiToken

    existing = db.session.scalar(sa.select(ApiToken.id).limit(1))
    return existing or create_token(sample.people["officer"], "Sample token")[0].id


def sample_leaver_id(sample: Sample) -> int:
    import sqlalchemy as sa

    from prodmaturity.extensions import db
    from prodmaturity.models import User
    from prodmaturity.permissions import Role
    from tests.factories import make_user

    existing = db.session.scalar(sa.select(User.id).where(User.email == "leaver@a.example"))
    if existing is None:
        existing = make_user("leaver@a.example", Role.COUNCIL_OFFICER, sample.councils["a"]).id
    return existing


def sample_invitation_id(sample: Sample) -> int:
    from datetime import timedelta

    import sqlalchemy as sa

    from prodmaturity.extensions import db
    from prodmaturity.models import Invitation
    from prodmaturity.timeutil import utcnow

    existing = db.session.scalar(sa.select(Invitation.id).where(
        Invitation.email == "invited@a.example"))
    if existing is None:
        invitation = Invitation(email="invited@a.example", name="Ivy Invited",
                                role="council_officer", council_id=sample.councils["a"].id,
                                invited_by_id=sample.people["lead"].id,
                                expires_at=utcnow() + timedelta(days=7))
        db.session.add(invitation)
        db.session.commit()
        existing = invitation.id
    return existing


def url_values(arguments: set[str] | frozenset[str], sample: Sample) -> dict[str, Any]:
    missing = set(arguments) - set(SAMPLE_VALUES)
    if missing:
        raise KeyError(f"Add a sample value to tests/route_matrix.py for: {sorted(missing)}")
    return {name: SAMPLE_VALUES[name](sample) for name in arguments}
