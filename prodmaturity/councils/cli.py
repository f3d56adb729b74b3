"""``flask councils``: load the shipped register, import a register file, export the register."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import IO

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..extensions import db
from ..models.council import Council
from .register import (
    CouncilRecord,
    RegisterError,
    UpsertResult,
    read_councils_csv,
    read_register_csv,
    shipped_register_path,
    upsert_councils,
    write_register_csv,
)

councils_cli = AppGroup(
    "councils", help="Load, import and export the register of English principal councils."
)


@councils_cli.command("load")
def load_command() -> None:
    """Load the register shipped with the app (prodmaturity/data/councils.csv)."""
    result = _load(shipped_register_path(), read_register_csv)
    click.echo(f"Loaded {_summary(result)}")


@councils_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import councils from FILE: our register CSV or mySociety's UK local authorities CSV.

    The format is told by the header row. A file with any fault is refused whole.
    """
    result = _load(file, read_councils_csv)
    click.echo(f"Imported {_summary(result)} (from {file})")


@councils_cli.command("export")
def export_command() -> None:
    """Write the register as CSV to standard output, sorted by GSS code."""
    buffer = io.StringIO()
    write_register_csv(buffer, db.session.scalars(sa.select(Council)))
    click.echo(buffer.getvalue(), nl=False)


def _load(path: Path, read: Callable[[IO[str]], list[CouncilRecord]]) -> UpsertResult:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            records = read(stream)
    except RegisterError as error:
        raise click.ClickException(f"{path}: {error}. Nothing was imported.") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{path} is not UTF-8 text. Nothing was imported.") from None
    return upsert_councils(records)


def _summary(result: UpsertResult) -> str:
    return (
        f"{result.total} councils: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
