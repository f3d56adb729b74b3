"""Shared data for the export and API tests (no tests here): rounds with real answers.

Responses are written directly (as a council's saves would leave them: scored points, who and
when) and results are stored with the results module's own ``compute_and_store``.
"""

from __future__ import annotations

import contextvars
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder

from prodmaturity.assessments.answers import response_points
from prodmaturity.assessments.results import compute_and_store
from prodmaturity.extensions import db
from prodmaturity.frameworks.model import Framework, Item, MaturityItem, Question
from prodmaturity.models import Assessment, Council, FrameworkVersion, Response, Round, User
from prodmaturity.models import AssessmentStatus as S
from tests.factories import make_round

HOSTILE = ("=HYPERLINK(\"http://evil.example\",\"Click\")", "+cmd|' /C calc'!A0", "@SUM(A1:A9)",
           "-1+1", "\tleading tab", "\rcarriage return")
TRICKY = 'Line one\nline two, with a comma and "quotes"'
WHEN = datetime(2024, 3, 31, 16, 5, 7)

Answer = Callable[[Item, int], dict[str, Any]]


def default_answer(item: Item, n: int) -> dict[str, Any]:
    """A varied, valid answer for any item; ``n`` varies it by council."""
    if isinstance(item, MaturityItem):
        return {"current_stage": 1 + n % 5, "target_stage": 1 + (n + 1) % 5}
    assert isinstance(item, Question)
    if item.type == "multiple_choice":
        return {"answer": [o.value for o in item.options[: 1 + n % len(item.options)]]}
    if item.type == "number":
        return {"answer": 10 + n}
    if item.type == "free_text":
        return {"answer": f"Partnership {n}"}
    return {"answer": item.options[n % len(item.options)].value}


def answer_round(round_: Round, *, status: str = S.SUBMITTED.value, author: User | None = None,
                 comments: dict[str, str] | None = None, councils: list[Council] | None = None,
                 answer: Answer = default_answer) -> None:
    """Answer every item for the round's assessments (or ``councils``'), then store results.

    ``comments`` maps GSS code to a comment put on every one of that council's answers.
    """
    framework = round_.framework_version.framework
    assessments = db.session.scalars(
        sa.select(Assessment).where(Assessment.round_id == round_.id).order_by(Assessment.id))
    wanted = {c.id for c in councils} if councils is not None else None
    for n, assessment in enumerate(assessments):
        if wanted is not None and assessment.council_id not in wanted:
            continue
        comment = (comments or {}).get(assessment.council.gss_code)
        _answer_all(framework, assessment, n, answer, comment, author)
        assessment.status = status
        if status in (S.SUBMITTED.value, S.ACCEPTED.value):
            assessment.submitted_at = WHEN
            compute_and_store(assessment)
    db.session.commit()


def _answer_all(framework: Framework, assessment: Assessment, n: int, answer: Answer,
                comment: str | None, author: User | None) -> None:
    for item in framework.items():
        response = Response(assessment_id=assessment.id, section_key=framework.section_of(
            item.key).key, item_key=item.key, comment=comment, updated_at=WHEN,
            updated_by_id=author.id if author else None, **answer(item, n))
        scored = response_points(framework, item, response)
        response.points, response.max_points = scored.points, scored.max_points
        response.at_lowest = scored.at_lowest
        db.session.add(response)
    db.session.flush()


def round_for(version: FrameworkVersion, councils: list[Council], **kwargs: Any) -> Round:
    return make_round(version, councils, **kwargs)


def stream(app: Flask, client: FlaskClient, url: str) -> tuple[str, list[bytes]]:
    """Call the WSGI app and read the body chunk by chunk, as a server would.

    The test client runs each request in its own context, which a streamed body (iterated
    later, under ``stream_with_context``) cannot leave; a server calls and iterates together.
    """
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    environ = EnvironBuilder(path=url, headers={"Cookie": f"{cookie.key}={cookie.value}"})

    def run() -> tuple[str, list[bytes]]:
        status: list[str] = []
        body = app(environ.get_environ(), lambda s, headers, exc_info=None: status.append(s))
        try:
            return status[0], list(body)
        finally:
            getattr(body, "close", lambda: None)()

    return contextvars.Context().run(run)


def read_csv_bytes(data: bytes) -> pd.DataFrame:
    """As an analyst would: pandas with the BOM honoured, every cell kept as text."""
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
