"""Leavers, hand-overs, invitations resent and withdrawn, and councils left without a lead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from prodmaturity import timeutil
from prodmaturity.assessments import workflow
from prodmaturity.auth import lifecycle
from prodmaturity.extensions import db
from prodmaturity.mail import outbox_messages
from prodmaturity.models import Assessment, AuditEvent, Invitation, User, UserSession
from prodmaturity.permissions import Permission, Role
from tests.factories import load_shipped_framework, make_round, make_user, sign_in
from tests.test_auth import invite, link_in
from tests.test_responses import answer_all


def text(response: Any) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def request_context(app: Flask) -> Any:
    with app.test_request_context():
        yield


def test_lead_deactivates_an_officer_who_is_signed_out_at_once(
    app: Flask, people: dict[str, User], login_as: Any
) -> None:
    officer = login_as(people["officer"])
    assert officer.get("/council/assessments").status_code == 200
    lead = login_as(people["lead"])
    assert "Deactivate account" in text(lead.get(f"/council/team/{people['officer'].id}"))

    response = lead.post(f"/council/team/{people['officer'].id}/deactivate")
    assert response.headers["Location"] == "/council/team"
    assert "has been deactivated and they have been signed out" in text(lead.get("/council/team"))

    response = officer.get("/council/assessments")  # the session that was already open
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    record = db.session.scalars(sa.select(UserSession).filter_by(
        user_id=people["officer"].id)).one()
    assert record.end_reason == "deactivated" and record.ended_at is not None
    assert "Your account has been deactivated" in text(
        sign_in(app.test_client(), "officer@a.example"))
    assert "deactivated" in outbox_messages(to="officer@a.example")[-1]["Subject"]

    event = db.session.scalars(sa.select(AuditEvent).filter_by(action="user_deactivated")).one()
    assert event.actor.name == "Lead" and event.subject_id == people["officer"].id
    # Their name stays on what they did before they left.
    signed_in = db.session.scalars(sa.select(AuditEvent).filter_by(
        action="sign_in", actor_id=people["officer"].id)).first()
    assert signed_in.actor.name == "Officer"

    lead.post(f"/council/team/{people['officer'].id}/reactivate")
    assert sign_in(app.test_client(), "officer@a.example").status_code == 302


def test_a_lead_manages_only_officers_of_their_own_council(
    app: Flask, people: dict[str, User], login_as: Any, request_context: Any
) -> None:
    lead = login_as(people["lead"])
    assert lead.post(f"/council/team/{people['other_officer'].id}/deactivate").status_code == 404
    assert lead.get(f"/council/team/{people['other_officer'].id}").status_code == 404
    for who in ("lead", "admin", "other_officer"):
        assert not lifecycle.may_manage(people["lead"], people[who])
        with pytest.raises(lifecycle.LifecycleError):
            lifecycle.deactivate(people["lead"], people[who])
    assert all(u.is_active for u in db.session.scalars(sa.select(User)))
    assert lifecycle.may_manage(people["admin"], people["lead"])
    assert not lifecycle.may_manage(people["admin"], people["admin"])


@pytest.fixture
def assessment(app: Flask, councils: dict[str, Any], people: dict[str, User]) -> Assessment:
    round_ = make_round(load_shipped_framework("nps-2018"), [councils["a"]])
    return db.session.scalar(sa.select(Assessment).where(Assessment.round_id == round_.id))


def test_lead_hands_over_and_the_new_lead_submits(
    app: Flask, people: dict[str, User], assessment: Assessment, login_as: Any
) -> None:
    with app.test_request_context():
        answer_all(assessment, people["officer"])
    old_lead = login_as(people["lead"])
    response = old_lead.post(f"/council/team/{people['officer'].id}/make-lead")
    assert response.status_code == 302
    db.session.refresh(people["officer"])
    db.session.refresh(people["lead"])
    assert people["officer"].role == "council_lead" and people["lead"].role == "council_officer"
    assert old_lead.get("/council/team").status_code == 403  # takes effect at once
    changes = db.session.scalars(sa.select(AuditEvent).filter_by(action="role_changed")
                                 .order_by(AuditEvent.id)).all()
    assert [(e.subject_id, e.old_value, e.new_value) for e in changes] == [
        (people["officer"].id, "council_officer", "council_lead"),
        (people["lead"].id, "council_lead", "council_officer")]

    # The old lead leaves; the assessment they were responsible for can still be submitted.
    with app.test_request_context():
        lifecycle.deactivate(people["admin"], people["lead"])
        assert people["officer"].can(Permission.COUNCIL_LEAD)
        done = workflow.submit(assessment, people["officer"], today=timeutil.today(),
                               sign_off_name="Pat Director", sign_off_role="Director")
    assert done.newly_submitted and assessment.status == "submitted"
    assert assessment.submitted_by_id == people["officer"].id


def test_hand_over_only_to_an_active_officer(app: Flask, people: dict[str, User],
                                             request_context: Any) -> None:
    with pytest.raises(lifecycle.LifecycleError, match="Only an active council officer"):
        lifecycle.hand_over_lead(people["admin"], people["analyst"])
    people["officer"].deactivated_at = timeutil.utcnow()
    with pytest.raises(lifecycle.LifecycleError, match="Only an active council officer"):
        lifecycle.hand_over_lead(people["lead"], people["officer"])
    with pytest.raises(lifecycle.LifecycleError, match="cannot change this person's role"):
        lifecycle.hand_over_lead(people["other_lead"], people["officer"])


def _count_queries(app: Flask) -> Any:
    statements: list[str] = []

    def listener(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    return statements, lambda: sa.event.remove(db.engine, "before_cursor_execute", listener)


def test_councils_without_a_lead_need_attention(
    app: Flask, people: dict[str, User], councils: dict[str, Any], assessment: Assessment,
    login_as: Any
) -> None:
    version = load_shipped_framework("nps-2018")
    past = timeutil.today() - timedelta(days=30)
    make_round(version, [councils["b"]], title="Closed round", opens_on=past - timedelta(days=9),
               closes_on=past)  # council B: lead-less but its round has closed
    people["other_lead"].deactivated_at = timeutil.utcnow()
    db.session.commit()
    assert lifecycle.councils_without_a_lead(timeutil.today()) == []

    admin = login_as(people["admin"])
    admin.post(f"/admin/users/{people['lead'].id}/deactivate")
    statements, stop = _count_queries(app)
    found = lifecycle.councils_without_a_lead(timeutil.today())
    stop()
    assert len(statements) == 1
    assert [(row.council.name, row.open_assessments) for row in found] == [
        ("Alderley District Council", 1)]
    page = text(admin.get("/admin/needs-attention"))
    assert "Alderley District Council" in page and "Brackenshire" not in page
    assert "officer@a.example" in text(admin.get(f"/admin/users?council={councils['a'].gss_code}"))

    response = admin.post(f"/admin/users/{people['officer'].id}/make-lead")
    assert "is now the council lead for Alderley District Council" in text(
        admin.get(response.location))
    assert lifecycle.councils_without_a_lead(timeutil.today()) == []
    assert "Every council with an open assessment has an active lead" in text(
        admin.get("/admin/needs-attention"))


def test_submitted_assessments_do_not_need_a_lead(
    app: Flask, people: dict[str, User], assessment: Assessment
) -> None:
    assessment.status = "submitted"
    people["lead"].deactivated_at = timeutil.utcnow()
    db.session.commit()
    assert lifecycle.councils_without_a_lead(timeutil.today()) == []


def test_invitations_resent_and_withdrawn(app: Flask, people: dict[str, User],
                                          login_as: Any) -> None:
    first_link = invite(app, people["lead"])
    invitation = db.session.scalars(sa.select(Invitation)).one()
    invitation.expires_at = timeutil.utcnow() - timedelta(hours=1)  # expired: resend renews it
    db.session.commit()
    lead = login_as(people["lead"])
    assert "Send again" in text(lead.get("/council/team"))

    response = lead.post(f"/council/team/invitations/{invitation.id}/resend")
    assert "Invitation sent again to nia.jones@a.example" in text(lead.get(response.location))
    db.session.refresh(invitation)
    assert invitation.expires_at > timeutil.utcnow() + timedelta(days=6)
    second_link = link_in("nia.jones@a.example")
    assert len(outbox_messages(to="nia.jones@a.example")) == 2
    assert app.test_client().get(second_link).status_code == 200

    other = login_as(people["other_lead"])
    assert other.post(f"/council/team/invitations/{invitation.id}/revoke").status_code == 404
    response = lead.post(f"/council/team/invitations/{invitation.id}/revoke")
    assert "Invitation to nia.jones@a.example withdrawn" in text(lead.get(response.location))
    for link in (first_link, second_link):
        assert "This invitation has been withdrawn" in text(app.test_client().get(link))
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert {"invitation_resent", "invitation_revoked"} <= set(actions)
    assert "nia.jones@a.example" not in text(lead.get("/council/team"))


def test_admin_resends_and_withdraws_any_invitation(app: Flask, people: dict[str, User],
                                                    login_as: Any) -> None:
    invite(app, people["lead"], email="kit@a.example", name="Kit Moss")
    invitation = db.session.scalars(sa.select(Invitation)).one()
    admin = login_as(people["admin"])
    assert admin.post(f"/admin/invitations/{invitation.id}/resend").status_code == 302
    assert len(outbox_messages(to="kit@a.example")) == 2
    admin.post(f"/admin/invitations/{invitation.id}/revoke")
    response = admin.post(f"/admin/invitations/{invitation.id}/resend")
    assert "This invitation has been withdrawn" in text(admin.get(response.location))
    assert len(outbox_messages(to="kit@a.example")) == 2


def test_lead_cannot_withdraw_an_lga_invitation(app: Flask, people: dict[str, User],
                                               request_context: Any) -> None:
    invitation = Invitation(email="x@lga.example", name="X", role=Role.LGA_ANALYST.value,
                            council_id=people["lead"].council_id,
                            expires_at=timeutil.utcnow() + timedelta(days=1))
    db.session.add(invitation)
    db.session.commit()
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.revoke_invitation(people["lead"], invitation)


def test_admin_deactivates_and_reactivates_anyone(app: Flask, people: dict[str, User],
                                                  login_as: Any) -> None:
    analyst = login_as(people["analyst"])
    admin = login_as(people["admin"])
    page = text(admin.get(f"/admin/users/{people['analyst'].id}"))
    assert "Deactivate account" in page and "Make council lead" not in page
    admin.post(f"/admin/users/{people['analyst'].id}/deactivate")
    assert analyst.get("/account").status_code == 302
    assert "Deactivated on" in text(admin.get(f"/admin/users/{people['analyst'].id}"))
    response = admin.post(f"/admin/users/{people['admin'].id}/deactivate")
    assert "You cannot change this person&#39;s account" in text(admin.get(response.location))
    admin.post(f"/admin/users/{people['analyst'].id}/reactivate")
    assert sign_in(app.test_client(), "analyst@lga.example").status_code == 302


def test_user_made_by_the_factory_is_manageable(app: Flask, councils: dict[str, Any],
                                                people: dict[str, User],
                                                request_context: Any) -> None:
    newcomer = make_user("new@a.example", Role.COUNCIL_OFFICER, councils["a"])
    assert lifecycle.deactivate(people["lead"], newcomer) == 0
    with pytest.raises(lifecycle.LifecycleError, match="already deactivated"):
        lifecycle.deactivate(people["lead"], newcomer)
