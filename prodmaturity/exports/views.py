"""Downloads: each role's list of exports, and the CSV and XLSX files themselves.

Every download is audited (and committed) before its first byte leaves. CSV bodies are
streamed from a generator that opens its own app context, and so its own database session,
when the server first asks for a chunk, and closes it when the body is finished or abandoned.
Flask's ``stream_with_context`` would instead enter the request's contexts while the view runs
and leave them wherever the body is finally closed, which breaks when the two happen in
different contexts (our isolated test client, async servers) and holds the request open; the
rows need nothing from the request, only the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template,
    request,
)
from flask_login import current_user

from ..councils.register import REGISTER_COLUMNS
from ..models import Round
from ..permissions import Permission, requires
from ..timeutil import utcnow
from . import queries, services
from .aggregates import AGGREGATE_COLUMNS, aggregate_results, aggregate_rows
from .csvutil import csv_lines
from .xlsx import round_workbook

bp = Blueprint("exports", __name__, url_prefix="/exports")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("")
@requires(Permission.SIGNED_IN)
def index() -> str:
    status = request.args.get("status")
    rounds = services.round_exports(current_user, status)
    register_rows = services.register_count() if current_user.is_lga else None
    return render_template("exports/index.html", rounds=rounds, status=status,
                           register_rows=register_rows)


def _round_or_404(round_id: int) -> Round:
    return services.round_for(current_user, round_id) or abort(404)


def _in_app_context(app: Flask, chunks: Iterator[str]) -> Iterator[str]:
    """The header chunk first (servers read one chunk before sending the status), then the
    rows inside a fresh app context that lives exactly as long as the stream."""
    yield next(chunks)
    with app.app_context():
        yield from chunks


def _csv(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A streamed CSV download; ``rows`` must be lazy or plain data (no request objects)."""
    body = _in_app_context(current_app._get_current_object(), csv_lines(header, rows))
    response = Response(body, mimetype="text/csv", content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _round_csv(round_id: int, export: str,
               columns: Callable[[queries.RoundInfo], Sequence[str]],
               rows: Callable[[queries.RoundInfo, queries.Scope], Iterable[Sequence[Any]]]
               ) -> Response:
    info = queries.RoundInfo.of(_round_or_404(round_id))
    scope = services.scope_for(current_user, request.args.get("status"))
    services.record_export(current_user, export, round_id=round_id, scope=scope)
    return _csv(f"{info.slug}-round-{info.id}-{export}.csv", columns(info), rows(info, scope))


@bp.route("/rounds/<int:round_id>/responses-long.csv")
@requires(Permission.SIGNED_IN)
def responses_long(round_id: int) -> Response:
    return _round_csv(round_id, "responses-long", lambda info: queries.LONG_COLUMNS,
                      queries.long_rows)


@bp.route("/rounds/<int:round_id>/responses-wide.csv")
@requires(Permission.SIGNED_IN)
def responses_wide(round_id: int) -> Response:
    return _round_csv(round_id, "responses-wide",
                      lambda info: queries.wide_columns(info.framework), queries.wide_rows)


@bp.route("/rounds/<int:round_id>/results.csv")
@requires(Permission.SIGNED_IN)
def results(round_id: int) -> Response:
    return _round_csv(round_id, "results", lambda info: queries.results_columns(info.framework),
                      queries.results_rows)


@bp.route("/rounds/<int:round_id>/aggregates.csv")
@requires(Permission.SIGNED_IN)
def aggregates(round_id: int) -> Response:
    round_ = _round_or_404(round_id)
    info = queries.RoundInfo.of(round_)
    figures = aggregate_results(round_, current_user)
    services.record_export(current_user, "aggregates", round_id=round_id)
    # Aggregates are small: read them now, while the request's objects are loaded.
    return _csv(f"{info.slug}-round-{info.id}-aggregates.csv", AGGREGATE_COLUMNS,
                list(aggregate_rows(info, figures)))


@bp.route("/rounds/<int:round_id>/round.xlsx")
@requires(Permission.SIGNED_IN)
def round_xlsx(round_id: int) -> Response:
    info = queries.RoundInfo.of(_round_or_404(round_id))
    scope = services.scope_for(current_user, request.args.get("status"))
    readme = render_template("exports/workbook_readme.txt", info=info, scope=scope,
                             user=current_user,
                             now_iso=utcnow().isoformat(timespec="seconds")).splitlines()
    workbook = round_workbook(info, scope, readme)
    services.record_export(current_user, "round-xlsx", round_id=round_id, scope=scope)
    response = Response(_file_chunks(workbook), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{info.slug}-round-{info.id}.xlsx"')
    return response


def _file_chunks(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """Send a file in pieces; closing it (and so deleting the temporary file) however the
    response ends, even if the client goes away part way."""
    with file:
        while chunk := file.read(size):
            yield chunk


@bp.route("/councils.csv")
@requires(Permission.LGA_READ)
def register() -> Response:
    services.record_export(current_user, "council-register")
    return _csv("council-register.csv", REGISTER_COLUMNS, queries.register_rows())
