"""Saving answers page by page without losing anyone's work, and what is still to do.

Each page's form carries the ``version`` of every response it showed. A save goes through only
if none of them changed since (``UPDATE ... WHERE version = :v``); otherwise the whole page is
refused with a :class:`ConflictError` that shows both sides, so colleagues merge by hand rather
than silently overwrite each other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from .. import audit
from ..extensions import db
from ..frameworks.model import Framework, Item, MaturityItem, Question, Section
from ..models import Assessment, FrameworkVersion, Response, Round, SectionAssignment, User
from ..permissions import Permission
from ..timeutil import utcnow
from .answers import response_points
from .pages import Page, page_for, page_of_item
from .workflow import WorkflowError, check_editable, is_editable, lock_for_edit


@dataclass(frozen=True)
class AnswerInput:
    """One item's answer as typed: stages 1..n, or an option value / list / number / text."""

    current_stage: int | None = None
    target_stage: int | None = None
    answer: Any = None
    not_applicable: bool = False
    comment: str | None = None

    @classmethod
    def of(cls, response: Response | None) -> AnswerInput:
        if response is None:
            return cls()
        return cls(response.current_stage, response.target_stage, response.answer,
                   response.not_applicable, response.comment)


class AnswerError(ValueError):
    """An answer the framework does not allow (a tampered option, a stage out of range)."""

    def __init__(self, item_key: str, message: str) -> None:
        super().__init__(message)
        self.item_key = item_key


@dataclass(frozen=True)
class ConflictItem:
    item_key: str
    title: str
    theirs: str
    changed_by: str | None
    changed_at: datetime | None
    yours: str


class ConflictError(Exception):
    """Someone saved this page since it was opened; ``versions`` lets the merged form save."""

    def __init__(self, conflicts: list[ConflictItem], versions: dict[str, int]) -> None:
        super().__init__("Someone else changed this page while you were editing it")
        self.conflicts = conflicts
        self.versions = versions


def framework_of(assessment: Assessment) -> Framework:
    return assessment.round.framework_version.framework


def comment_limit() -> int:
    return int(current_app.config["COMMENT_MAX_LENGTH"])


# Validation and display ------------------------------------------------------------------------

def validate_input(framework: Framework, item: Item, value: AnswerInput) -> None:
    """Refuse anything the framework does not offer, whatever the form sent."""
    if value.comment is not None and len(value.comment) > comment_limit():
        raise AnswerError(item.key, f"Comment must be {comment_limit()} characters or fewer")
    if isinstance(item, MaturityItem):
        for stage in (value.current_stage, value.target_stage):
            if stage is not None and (isinstance(stage, bool) or not isinstance(stage, int)
                                      or not 1 <= stage <= len(framework.stages)):
                raise AnswerError(item.key, f"Select a stage for {item.title} from the list")
        return
    if value.not_applicable:
        if not item.allow_na or value.answer is not None:
            raise AnswerError(item.key, f"Select an answer for {item.title} from the list")
        return
    _validate_question_value(item, value.answer)


def _validate_question_value(item: Question, answer: Any) -> None:
    if answer is None:
        return
    if item.type == "multiple_choice":
        if (not isinstance(answer, list) or len(set(answer)) != len(answer)
                or any(not isinstance(v, str) or item.option(v) is None for v in answer)):
            raise AnswerError(item.key, f"Select answers for {item.title} from the list")
    elif item.scored:
        if not isinstance(answer, str) or item.option(answer) is None:
            raise AnswerError(item.key, f"Select an answer for {item.title} from the list")
    elif item.type == "number":
        if isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(
                answer):
            raise AnswerError(item.key, f"{item.title} must be a number")
    elif not isinstance(answer, str) or len(answer) > comment_limit():
        raise AnswerError(item.key, f"{item.title} must be {comment_limit()} characters or fewer")


def describe(framework: Framework, item: Item, value: AnswerInput) -> str:
    """An answer in words, for the audit trail, conflict messages and check-answers."""
    parts: list[str] = []
    if isinstance(item, MaturityItem):
        if value.current_stage is not None:
            parts.append(f"Current stage: {framework.stage(value.current_stage).name}")
        if value.target_stage is not None:
            parts.append(f"Target stage: {framework.stage(value.target_stage).name}")
    elif value.not_applicable:
        parts.append("Not applicable")
    elif value.answer is not None and value.answer != "":
        parts.append(answer_label(item, value.answer))
    if value.comment:
        parts.append(f"Comment: {value.comment}")
    return ". ".join(parts) if parts else "Not answered"


def answer_label(item: Question, answer: Any) -> str:
    if item.type == "multiple_choice":
        labels = [o.label for v in answer if (o := item.option(v))]
        return ", ".join(labels) or "None of these"
    if item.scored:
        option = item.option(answer)
        return option.label if option else str(answer)
    return f"{answer:g}" if isinstance(answer, int | float) else str(answer)


def is_answered(item: Item, response: Response | None) -> bool:
    """Confirmed and complete: a carried-forward answer is not this round's answer yet."""
    if response is None or response.carried_forward:
        return False
    if isinstance(item, MaturityItem):
        return response.current_stage is not None and response.target_stage is not None
    if response.not_applicable:
        return True
    if isinstance(response.answer, str):
        return bool(response.answer.strip())
    return response.answer is not None


def is_required(item: Item) -> bool:
    return isinstance(item, MaturityItem) or item.required


# Saving a page --------------------------------------------------------------------------------

def responses_by_item(assessment: Assessment) -> dict[str, Response]:
    rows = db.session.scalars(sa.select(Response).where(Response.assessment_id == assessment.id))
    return {r.item_key: r for r in rows}


def save_page(assessment: Assessment, page_key: str, inputs: Mapping[str, AnswerInput],
              versions: Mapping[str, int], actor: User, today: date) -> list[str]:
    """Save one page's answers in one transaction; return the keys of items that changed.

    ``versions`` maps each item key to the version the form showed (0: no response yet).
    Saving a page confirms any carried-forward answers on it.
    """
    framework = framework_of(assessment)
    page = page_for(framework, page_key)
    if page is None:
        raise KeyError(page_key)
    check_editable(assessment, today)  # a closed assessment is the clearer message
    keys = {item.key for item in page.items}
    for key in set(inputs) - keys:
        raise AnswerError(key, "That question is not on this page")
    for item in page.items:
        validate_input(framework, item, inputs.get(item.key, AnswerInput()))
    current = responses_by_item(assessment)
    conflicts = _conflicts(framework, page, current, inputs, versions)
    if conflicts:
        raise ConflictError(conflicts, _versions(page, current))
    lock_for_edit(assessment, actor, today)
    changed = []
    for item in page.items:
        response, new = current.get(item.key), inputs.get(item.key, AnswerInput())
        old = AnswerInput.of(response)
        if new == old and not (response is not None and response.carried_forward):
            continue
        if response is None and new == AnswerInput():
            continue
        if not _write(framework, assessment, item, response, new, actor):
            db.session.rollback()
            current = responses_by_item(assessment)
            raise ConflictError(_conflicts(framework, page, current, inputs, versions),
                                _versions(page, current))
        audit.record("response_changed", actor=actor, council_id=assessment.council_id,
                     subject=assessment,
                     old=describe(framework, item, old) if response is not None else None,
                     new=describe(framework, item, new),
                     detail={"item_key": item.key, "section_key": page.section.key,
                             "confirmed_carried_forward": bool(response
                                                               and response.carried_forward)})
        changed.append(item.key)
    db.session.commit()
    return changed


def _versions(page: Page, current: Mapping[str, Response]) -> dict[str, int]:
    return {item.key: current[item.key].version if item.key in current else 0
            for item in page.items}


def _conflicts(framework: Framework, page: Page, current: Mapping[str, Response],
               inputs: Mapping[str, AnswerInput], versions: Mapping[str, int]
               ) -> list[ConflictItem]:
    """Items saved by someone else since the form was shown, where this person typed otherwise."""
    found = []
    for item in page.items:
        response = current.get(item.key)
        typed = inputs.get(item.key, AnswerInput())
        if versions.get(item.key, 0) == (response.version if response else 0):
            continue
        if response is not None and typed == AnswerInput.of(response):
            continue  # both typed the same: nothing to merge
        found.append(ConflictItem(
            item.key, item.title, describe(framework, item, AnswerInput.of(response)),
            response.updated_by.name if response and response.updated_by else None,
            response.updated_at if response else None, describe(framework, item, typed)))
    return found


def _scored_values(framework: Framework, item: Item, new: AnswerInput) -> dict[str, Any]:
    probe = Response(current_stage=new.current_stage, target_stage=new.target_stage,
                     answer=new.answer, not_applicable=new.not_applicable)
    points = response_points(framework, item, probe)
    return {"current_stage": new.current_stage, "target_stage": new.target_stage,
            "answer": new.answer, "not_applicable": new.not_applicable, "comment": new.comment,
            "points": points.points, "max_points": points.max_points,
            "at_lowest": points.at_lowest}


def _write(framework: Framework, assessment: Assessment, item: Item, response: Response | None,
           new: AnswerInput, actor: User) -> bool:
    """Insert or version-guarded update; False when someone else got there first."""
    values = _scored_values(framework, item, new) | {
        "carried_forward": False, "updated_at": utcnow(), "updated_by_id": actor.id}
    if response is None:
        db.session.add(Response(assessment_id=assessment.id, section_key=framework.section_of(
            item.key).key, item_key=item.key, version=1, **values))
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            return False
        return True
    return bool(db.session.execute(
        sa.update(Response)
        .where(Response.id == response.id, Response.version == response.version)
        .values(version=Response.version + 1, **values),
        execution_options={"synchronize_session": False},
    ).rowcount)


# Progress, missing items, last change ---------------------------------------------------------

@dataclass(frozen=True)
class SectionProgress:
    section: Section
    answered: int
    total: int
    carried: int
    status: str  # "Not started", "In progress" or "Completed"
    first_page_key: str
    assignee: User | None = None


@dataclass(frozen=True)
class MissingItem:
    key: str
    title: str
    section_title: str
    page_key: str
    reason: str


def section_progress(assessment: Assessment) -> list[SectionProgress]:
    """The task list: each section's status and how many of its items are answered."""
    framework, current = framework_of(assessment), responses_by_item(assessment)
    assignees = {a.section_key: a.user for a in db.session.scalars(
        sa.select(SectionAssignment).where(SectionAssignment.assessment_id == assessment.id))}
    rows = []
    for section in framework.sections:
        answered = sum(is_answered(i, current.get(i.key)) for i in section.items)
        carried = sum(bool(current.get(i.key) and current[i.key].carried_forward)
                      for i in section.items)
        done = all(is_answered(i, current.get(i.key)) for i in section.items if is_required(i))
        status = ("Completed" if done and answered else
                  "In progress" if answered or carried else "Not started")
        rows.append(SectionProgress(section, answered, len(section.items), carried, status,
                                    page_of_item(framework, section.items[0].key).key,
                                    assignees.get(section.key)))
    return rows


def missing_items(assessment: Assessment) -> list[MissingItem]:
    """Required items not yet answered or not yet confirmed, for check-answers and submit."""
    framework, current = framework_of(assessment), responses_by_item(assessment)
    missing = []
    for section in framework.sections:
        for item in section.items:
            response = current.get(item.key)
            if is_required(item) and not is_answered(item, response):
                reason = ("Carried forward \u2014 confirm or change" if response is not None
                          and response.carried_forward else "Not answered")
                missing.append(MissingItem(item.key, item.title, section.title,
                                           page_of_item(framework, item.key).key, reason))
    return missing


@dataclass(frozen=True)
class LastChange:
    name: str
    at: datetime


def last_change(assessment: Assessment, page: Page) -> LastChange | None:
    """Who last changed any answer on this page, and when."""
    response = db.session.scalar(
        sa.select(Response)
        .where(Response.assessment_id == assessment.id,
               Response.item_key.in_([i.key for i in page.items]))
        .order_by(Response.updated_at.desc(), Response.id.desc()).limit(1))
    if response is None:
        return None
    return LastChange(response.updated_by.name if response.updated_by else "Someone",
                      response.updated_at)


# Carry forward ---------------------------------------------------------------------------------

def carry_forward_source(assessment: Assessment) -> Assessment | None:
    """This council's assessment in the latest earlier round of the same framework slug."""
    has_answers = sa.exists().where(Response.assessment_id == Assessment.id)
    return db.session.scalar(
        sa.select(Assessment).join(Round, Assessment.round_id == Round.id)
        .join(FrameworkVersion, Round.framework_version_id == FrameworkVersion.id)
        .where(Assessment.council_id == assessment.council_id,
               FrameworkVersion.slug == assessment.round.slug,
               Round.opens_on < assessment.round.opens_on, has_answers)
        .order_by(Round.opens_on.desc(), Round.id.desc()).limit(1))


def carry_forward(assessment: Assessment, actor: User, today: date) -> int:
    """Copy last round's answers for items still in this version; return how many were copied.

    Each copy is marked carried forward and counts as unanswered until confirmed on its page.
    Items already answered in this round, and answers the new version no longer allows, are
    left alone.
    """
    if not actor.can(Permission.COUNCIL_LEAD) or actor.council_id != assessment.council_id:
        raise WorkflowError("Only a council lead can start from last round's answers")
    source = carry_forward_source(assessment)
    if source is None:
        raise WorkflowError("Your council has no earlier answers to start from")
    framework, current = framework_of(assessment), responses_by_item(assessment)
    keys = {item.key: item for item in framework.items()}
    lock_for_edit(assessment, actor, today)
    copied = 0
    for old in responses_by_item(source).values():
        item = keys.get(old.item_key)
        value = AnswerInput.of(old)
        if item is None or old.item_key in current or value == AnswerInput():
            continue
        try:
            validate_input(framework, item, value)
        except AnswerError:
            continue
        db.session.add(Response(
            assessment_id=assessment.id, section_key=framework.section_of(item.key).key,
            item_key=item.key, version=1, updated_at=utcnow(), updated_by_id=actor.id,
            **(_scored_values(framework, item, value) | {"carried_forward": True})))
        copied += 1
    audit.record("answers_carried_forward", actor=actor, council_id=assessment.council_id,
                 subject=assessment, new=str(copied),
                 detail={"from_assessment_id": source.id, "from_round": source.round.title})
    try:
        db.session.commit()
    except sa.exc.IntegrityError as exc:
        db.session.rollback()
        raise WorkflowError("Someone saved answers at the same time. Try again") from exc
    return copied


# Section assignment ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Assigned:
    assessment: Assessment
    section_key: str
    section_title: str
    first_page_key: str = field(default="")


def colleagues(council_id: int) -> list[User]:
    """Active people of one council, who may be assigned its sections."""
    return list(db.session.scalars(
        sa.select(User).where(User.council_id == council_id, User.deactivated_at.is_(None))
        .order_by(User.name)))


def assign_section(assessment: Assessment, section_key: str, assignee: User | None,
                   actor: User, today: date) -> None:
    """Give a section to a colleague of the same council (or to nobody), audited."""
    framework = framework_of(assessment)
    section = next((s for s in framework.sections if s.key == section_key), None)
    if section is None:
        raise KeyError(section_key)
    check_editable(assessment, today)
    if assignee is not None and (assignee.council_id != assessment.council_id
                                 or not assignee.is_active):
        raise WorkflowError("Choose a colleague from your council")
    existing = db.session.scalar(sa.select(SectionAssignment).where(
        SectionAssignment.assessment_id == assessment.id,
        SectionAssignment.section_key == section_key))
    old = existing.user.name if existing else None
    if assignee is None:
        if existing:
            db.session.delete(existing)
    elif existing:
        existing.user_id, existing.assigned_by_id = assignee.id, actor.id
        existing.assigned_at = utcnow()
    else:
        db.session.add(SectionAssignment(assessment_id=assessment.id, section_key=section_key,
                                         user_id=assignee.id, assigned_by_id=actor.id))
    audit.record("section_assigned", actor=actor, council_id=assessment.council_id,
                 subject=assessment, old=old, new=assignee.name if assignee else None,
                 detail={"section_key": section_key, "section_title": section.title})
    db.session.commit()


def assignments_for(user: User, today: date) -> list[Assigned]:
    """Sections assigned to this person in assessments they can still change."""
    rows = db.session.scalars(
        sa.select(SectionAssignment).where(SectionAssignment.user_id == user.id)
        .order_by(SectionAssignment.assigned_at))
    found = []
    for row in rows:
        assessment = db.session.get(Assessment, row.assessment_id)
        if assessment is None or assessment.council_id != user.council_id:
            continue
        if not is_editable(assessment, today):
            continue
        framework = framework_of(assessment)
        section = next((s for s in framework.sections if s.key == row.section_key), None)
        if section is not None:
            found.append(Assigned(assessment, section.key, section.title,
                                  page_of_item(framework, section.items[0].key).key))
    return found
