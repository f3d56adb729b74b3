"""Between stored responses and the pure scoring functions.

A carried-forward answer is not the council's answer for this round until someone confirms it,
so it is left out of scoring (it shows as missing) until then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..frameworks.model import Framework, Item, MaturityItem, Question
from ..models.assessment import Response
from ..scoring import MaturityAnswer, QuestionAnswer, score_questionnaire


def scoring_answer(item: Item, response: Response) -> MaturityAnswer | QuestionAnswer:
    if isinstance(item, MaturityItem):
        return MaturityAnswer(current=response.current_stage, target=response.target_stage)
    return QuestionAnswer(value=response.answer, not_applicable=response.not_applicable)


def answers_for(
    framework: Framework, responses: Iterable[Response], *, include_carried: bool = False
) -> dict[str, MaturityAnswer | QuestionAnswer]:
    """The answers the scoring functions take, keyed by item, from stored responses."""
    keys = {item.key: item for item in framework.items()}
    return {
        r.item_key: scoring_answer(keys[r.item_key], r)
        for r in responses
        if r.item_key in keys and (include_carried or not r.carried_forward)
    }


@dataclass(frozen=True)
class ResponsePoints:
    points: float | None
    max_points: float | None
    at_lowest: bool


def response_points(framework: Framework, item: Item, response: Response) -> ResponsePoints:
    """Weighted points, weighted maximum, and whether the answer is at the bottom of its scale.

    Stored on each response so SQL can sum points and count the most often failed questions.
    """
    if isinstance(item, MaturityItem):
        return ResponsePoints(None, None, response.current_stage == 1)
    answer = scoring_answer(item, response)
    result = score_questionnaire(framework, {item.key: answer})
    scored = next(q for q in result.questions if q.key == item.key)
    if scored.points is None or scored.max_points is None:
        return ResponsePoints(None, None, False)
    assert isinstance(item, Question)
    return ResponsePoints(
        scored.points, scored.max_points, scored.points <= item.lowest_points * item.weight
    )
