"""What every command shares: exit codes, the store and rubric options, clean error output."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from seeds_tui.core.rubric import RubricRegistry
    from seeds_tui.storage.store import Store

T = TypeVar("T")


class UsageError(Exception):
    """The command was used wrongly (exit 2); the message says how to use it."""


OK = 0
#: The input had problems (each reported).
PROBLEMS = 1
#: The command was used wrongly.
USAGE = 2


def common_options() -> argparse.ArgumentParser:
    """``--store`` and ``--rubrics``, accepted before or after the command name."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--store",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the store folder (default: $SEEDS_STORE, else the per-user data folder)",
    )
    parent.add_argument(
        "--rubrics",
        metavar="DIR",
        action="append",
        default=argparse.SUPPRESS,
        help="another folder of rubric files (repeatable; also $SEEDS_RUBRICS)",
    )
    return parent


def store_from(args: argparse.Namespace) -> Store:
    """The store named by ``--store`` (or the default), with leftovers of killed saves cleaned up."""
    from seeds_tui.storage.store import Store

    store = Store(getattr(args, "store", None))
    store.clean_temp_files()
    return store


def registry_from(args: argparse.Namespace, extra: list[Path] | None = None) -> RubricRegistry:
    """Every rubric in the bundled folder, ``$SEEDS_RUBRICS``, ``--rubrics`` (and ``extra``).

    A ``--rubrics`` folder that does not exist is a usage error: a typo there would otherwise
    silently hide the rubrics it was meant to add.
    """
    import os

    from seeds_tui.core.rubric import RubricRegistry

    named = [Path(p) for p in getattr(args, "rubrics", None) or []]
    for folder in named:
        if not folder.is_dir():
            raise UsageError(f"--rubrics {folder}: no such folder")
    for folder in os.environ.get("SEEDS_RUBRICS", "").split(os.pathsep):
        if folder and not Path(folder).is_dir():
            err(f"warning: SEEDS_RUBRICS names {folder}, which is not a folder")
    return RubricRegistry.default([*named, *(extra or [])])


def err(message: str) -> None:
    """Print a message on stderr."""
    print(message, file=sys.stderr)


def progress(items: Iterable[T], *, total: int | None, label: str, enabled: bool | None = None) -> Iterator[T]:
    """Yield ``items``, drawing a progress bar on stderr when stderr is a terminal."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show or not total:
        yield from items
        return
    width = 30
    step = max(1, total // 200)
    for done, item in enumerate(items, start=1):
        yield item
        if done % step == 0 or done == total:
            filled = int(width * done / total)
            sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()
    sys.stderr.write("\n")


def paths_argument(values: list[str]) -> list[Path]:
    """Arguments as paths."""
    return [Path(v) for v in values]
