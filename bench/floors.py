"""Floors: what each page would cost if it were only one hand-written SQL statement.

A page's floor is a round trip through a minimal Flask route (no sessions, templates or ORM)
that runs a single statement computing the same data as the page, on the same database. The
ratio page / floor says how much the app adds on top of the data it must read: framework,
sign-in check, ORM, Python roll-ups and templates.

The statements are plain SQL that both SQLite and PostgreSQL run: UNION ALL of GROUP BYs over
common table expressions, in a fixed 7-column shape (part, key, key, count, value x 3). The big
tables are reached from the round's few assessments through their ``assessment_id`` index
(``IN (subquery)``, or ``CROSS JOIN``, which fixes the join order in SQLite): otherwise SQLite
builds a throw-away index over every response of every round on each run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import Flask, request

COUNTED = "('submitted', 'accepted')"

_COUNTED_CTE = f"""
counted AS MATERIALIZED (
  SELECT a.id, c.region, c.type FROM assessment a JOIN council c ON c.id = a.council_id
  WHERE a.round_id = :round_id AND a.status IN {COUNTED}),
previous AS (
  SELECT r.id FROM assessment_round r
  JOIN framework_version f ON f.id = r.framework_version_id
  WHERE f.slug = :slug AND r.opens_on < :opens_on
  ORDER BY r.opens_on DESC, r.id DESC LIMIT 1),
paired AS MATERIALIZED (
  SELECT cur.id AS current_id, prev.id AS previous_id FROM assessment cur
  JOIN assessment prev ON prev.council_id = cur.council_id
   AND prev.round_id = (SELECT id FROM previous) AND prev.status IN {COUNTED}
  WHERE cur.round_id = :round_id AND cur.status IN {COUNTED})"""

# Every figure of the LGA's maturity results page: group sizes, stage distributions with gaps
# (overall, by region, by type), theme medians, and paired change since the previous round.
AGGREGATES_MATURITY = f"""
WITH {_COUNTED_CTE},
stages AS (
  SELECT k.region, k.type, r.item_key, r.current_stage, r.target_stage,
         r.target_stage - r.current_stage AS gap
  FROM counted k CROSS JOIN response r
  WHERE r.assessment_id = k.id AND r.current_stage IS NOT NULL AND r.carried_forward = :no)
SELECT 'size', region, type, count(*), NULL, NULL, NULL FROM counted GROUP BY region, type
UNION ALL
SELECT 'item', NULL, item_key, current_stage, count(*), sum(gap), count(target_stage)
FROM stages GROUP BY item_key, current_stage
UNION ALL
SELECT 'region', region, item_key, current_stage, count(*), sum(gap), count(target_stage)
FROM stages GROUP BY region, item_key, current_stage
UNION ALL
SELECT 'type', type, item_key, current_stage, count(*), sum(gap), count(target_stage)
FROM stages GROUP BY type, item_key, current_stage
UNION ALL
SELECT 'theme', s.section_key, NULL, s.median_stage, count(*), avg(s.mean_stage),
       avg(s.share_mature)
FROM section_result s
WHERE s.assessment_id IN (SELECT id FROM counted) AND s.median_stage IS NOT NULL
GROUP BY s.section_key, s.median_stage
UNION ALL
SELECT 'before', NULL, r.item_key, r.current_stage, count(*), NULL, NULL
FROM response r
WHERE r.assessment_id IN (SELECT previous_id FROM paired) AND r.current_stage IS NOT NULL
  AND r.carried_forward = :no
GROUP BY r.item_key, r.current_stage
UNION ALL
SELECT 'after', NULL, r.item_key, r.current_stage, count(*), NULL, NULL
FROM response r
WHERE r.assessment_id IN (SELECT current_id FROM paired) AND r.current_stage IS NOT NULL
  AND r.carried_forward = :no
GROUP BY r.item_key, r.current_stage
"""

# Every figure of the LGA's questionnaire results page: overall bands by region and type,
# section bands, questions answered at their lowest, and paired change by section and overall.
AGGREGATES_QUESTIONNAIRE = f"""
WITH {_COUNTED_CTE}
SELECT 'overall', k.region, k.type, a.overall_band, count(*), sum(a.overall_percent),
       count(a.overall_percent)
FROM assessment a JOIN counted k ON k.id = a.id GROUP BY k.region, k.type, a.overall_band
UNION ALL
SELECT 'section', s.section_key, NULL, s.band, count(*), sum(s.percent), count(s.percent)
FROM section_result s WHERE s.assessment_id IN (SELECT id FROM counted)
GROUP BY s.section_key, s.band
UNION ALL
SELECT 'failed', NULL, r.item_key, NULL, count(*),
       sum(CASE WHEN r.at_lowest THEN 1 ELSE 0 END), NULL
FROM response r
WHERE r.assessment_id IN (SELECT id FROM counted) AND r.points IS NOT NULL
  AND r.not_applicable = :no AND r.carried_forward = :no
GROUP BY r.item_key
UNION ALL
SELECT 'before', s.section_key, NULL, NULL, count(*), avg(s.percent), NULL
FROM section_result s WHERE s.assessment_id IN (SELECT previous_id FROM paired)
GROUP BY s.section_key
UNION ALL
SELECT 'after', s.section_key, NULL, NULL, count(*), avg(s.percent), NULL
FROM section_result s WHERE s.assessment_id IN (SELECT current_id FROM paired)
GROUP BY s.section_key
UNION ALL
SELECT 'overall-before', NULL, NULL, NULL, count(*), avg(a.overall_percent), NULL
FROM assessment a WHERE a.id IN (SELECT previous_id FROM paired)
UNION ALL
SELECT 'overall-after', NULL, NULL, NULL, count(*), avg(a.overall_percent), NULL
FROM assessment a WHERE a.id IN (SELECT current_id FROM paired)
"""

# The round overview: councils by region, type and status (the page's own query is this one).
OVERVIEW = """
SELECT c.region, c.type, a.status, count(*), count(a.deadline_override)
FROM assessment a JOIN council c ON c.id = a.council_id
WHERE a.round_id = :round_id GROUP BY c.region, c.type, a.status
"""

# The council list: the first page of 50 councils with lead, deadline and the total.
COUNCIL_LIST = """
SELECT a.id, c.id, c.name, c.region, c.type, a.status, a.last_activity_at, l.lead_name,
       l.lead_count,
       CASE WHEN a.deadline_override > :closes_on THEN a.deadline_override
            ELSE :closes_on END,
       count(*) OVER ()
FROM assessment a JOIN council c ON c.id = a.council_id
LEFT JOIN (SELECT council_id, min(name) AS lead_name, count(*) AS lead_count
           FROM user_account WHERE role = 'council_lead' AND deactivated_at IS NULL
           GROUP BY council_id) l ON l.council_id = c.id
WHERE a.round_id = :round_id ORDER BY c.name, c.id LIMIT 50
"""


def _comparisons(bucket: str, section_bucket: str) -> str:
    """A council's results page: its stored result, the national, regional and same-type
    figures (overall and by section), and its history in earlier rounds."""
    groups = (("national", "1 = 1"), ("region", "p.region = (SELECT region FROM me)"),
              ("type", "p.type = (SELECT type FROM me)"))
    parts = [
        "SELECT 'me', CAST(a.result AS TEXT), NULL, NULL, NULL, NULL, NULL "
        "FROM assessment a WHERE a.id = :assessment_id"]
    for name, where in groups:
        parts.append(
            f"SELECT '{name}', NULL, CAST(p.{bucket} AS TEXT), count(*), sum(p.overall_percent),"
            f" sum(p.overall_mean_stage), sum(p.share_mature) FROM peers p WHERE {where} "
            f"GROUP BY p.{bucket}")
        parts.append(
            f"SELECT '{name}-section', s.section_key, CAST(s.{section_bucket} AS TEXT), "
            f"count(*), sum(s.percent), sum(s.mean_stage), sum(s.share_mature) "
            f"FROM section_result s JOIN peers p ON p.id = s.assessment_id WHERE {where} "
            f"GROUP BY s.section_key, s.{section_bucket}")
    parts.append(
        "SELECT 'history', r.title, s.section_key, a.id, a.overall_percent, s.percent, "
        "s.mean_stage FROM assessment a JOIN assessment_round r ON r.id = a.round_id "
        "JOIN framework_version f ON f.id = r.framework_version_id "
        "LEFT JOIN section_result s ON s.assessment_id = a.id "
        f"WHERE a.council_id = (SELECT council_id FROM me) AND f.slug = :slug "
        f"AND a.status IN {COUNTED} AND r.opens_on < :opens_on")
    return f"""
WITH me AS (
  SELECT a.round_id, a.council_id, c.region, c.type FROM assessment a
  JOIN council c ON c.id = a.council_id WHERE a.id = :assessment_id),
peers AS (
  SELECT a.id, c.region, c.type, a.overall_band, a.overall_median_stage, a.overall_percent,
         a.overall_mean_stage, a.share_mature
  FROM assessment a JOIN council c ON c.id = a.council_id
  WHERE a.round_id = (SELECT round_id FROM me) AND a.status IN {COUNTED})
""" + "\nUNION ALL\n".join(parts)


RESULTS_MATURITY = _comparisons("overall_median_stage", "median_stage")
RESULTS_QUESTIONNAIRE = _comparisons("overall_band", "band")

# The task list: every response's state and the section's assignee.
TASK_LIST = """
SELECT r.section_key, r.item_key, r.current_stage, r.target_stage, CAST(r.answer AS TEXT),
       r.not_applicable, r.carried_forward, u.name
FROM response r
LEFT JOIN section_assignment sa ON sa.assessment_id = r.assessment_id
 AND sa.section_key = r.section_key
LEFT JOIN user_account u ON u.id = sa.user_id
WHERE r.assessment_id = :assessment_id
"""

# A question page: the assessment's responses, with who changed each last.
QUESTION_PAGE = """
SELECT r.item_key, r.current_stage, r.target_stage, r.comment, r.version, r.updated_at, u.name
FROM response r LEFT JOIN user_account u ON u.id = r.updated_by_id
WHERE r.assessment_id = :assessment_id
"""

# Saving a page: one version-guarded UPDATE, committed.
SAVE_PAGE = """
UPDATE response SET current_stage = :current, target_stage = :target, comment = :comment,
       version = version + 1
WHERE id = :response_id AND version = :version
"""

STATEMENTS = {
    "aggregates_maturity": AGGREGATES_MATURITY,
    "aggregates_questionnaire": AGGREGATES_QUESTIONNAIRE,
    "overview": OVERVIEW,
    "council_list": COUNCIL_LIST,
    "results_maturity": RESULTS_MATURITY,
    "results_questionnaire": RESULTS_QUESTIONNAIRE,
    "task_list": TASK_LIST,
    "question_page": QUESTION_PAGE,
    "save_page": SAVE_PAGE,
}


def floor_engine(url: str) -> sa.Engine:
    """A plain engine on the benchmark database (SQLite waits on locks, as the app does)."""
    if url.startswith("sqlite"):
        return sa.create_engine(url, connect_args={"timeout": 30})
    return sa.create_engine(url)


def floor_app(engine: sa.Engine, routes: Mapping[str, tuple[str, dict[str, Any]]]) -> Flask:
    """The minimal route: ``/floor/<key>`` runs one statement and replies with a row count.

    ``routes[key]`` is (statement name, parameters); a POST's form fields are added to the
    parameters (the save floor sends the version it read, as the real form does).
    """
    app = Flask("bench-floor")

    @app.route("/floor/<key>", methods=["GET", "POST"])
    def floor(key: str) -> str:
        name, params = routes[key]
        values = {"no": False, **params, **request.form.to_dict()}
        with engine.begin() as conn:
            result = conn.execute(sa.text(STATEMENTS[name]), values)
            count = len(result.all()) if result.returns_rows else result.rowcount
        return str(count)

    return app
