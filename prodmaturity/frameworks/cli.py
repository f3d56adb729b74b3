"""`flask frameworks validate|load|list`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from . import shipped_framework_paths
from .errors import FrameworkInvalid
from .loader import load_framework_file
from .store import FrameworkConflict, list_versions, store_framework

frameworks_cli = AppGroup("frameworks", help="Validate and load assessment frameworks.")


def _load(path: Path):  # type: ignore[no-untyped-def]
    try:
        return load_framework_file(path)
    except FrameworkInvalid as exc:
        raise click.ClickException(f"{path} is not a valid framework:\n{exc}") from exc
    except OSError as exc:
        raise click.ClickException(f"Cannot read {path}: {exc.strerror}") from exc


@frameworks_cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check framework files without loading them."""
    for path in files:
        framework = _load(path)
        items = sum(1 for _ in framework.items())
        click.echo(f"{path}: valid — {framework.slug} version {framework.version}, "
                   f"{len(framework.sections)} sections, {items} items")


@frameworks_cli.command("load")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--shipped", is_flag=True, help="Load the frameworks that ship with the service.")
def load(files: tuple[Path, ...], shipped: bool) -> None:
    """Validate and store framework files as new versions (a no-op for one already loaded)."""
    paths = list(files) + (shipped_framework_paths() if shipped else [])
    if not paths:
        raise click.UsageError("Give one or more FILES, or --shipped")
    frameworks = [(_load(path), path) for path in paths]  # all valid before anything is stored
    for framework, path in frameworks:
        try:
            result = store_framework(framework)
        except FrameworkConflict as exc:
            raise click.ClickException(f"{path}: {exc}") from exc
        state = "loaded" if result.created else "already loaded (no change)"
        click.echo(f"{framework.slug} version {framework.version}: {state}")


@frameworks_cli.command("list")
def list_command() -> None:
    """List stored framework versions."""
    for version in list_versions():
        click.echo(f"{version.slug}\t{version.version}\t{version.checksum[:12]}\t{version.title}")
