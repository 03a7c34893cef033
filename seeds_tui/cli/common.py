"""What every command shares: exit codes, the store and rubric options, clean error output."""

from __future__ import annotations

import argparse
import contextlib
import os
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


#: The folders of a store that hold its data (no command's output may go there).
_STORE_FOLDERS = ("observations", "drafts", "history", "conflicts", "consensus", ".cache", ".locks")
#: What a seeds-tui data file starts with (an output must never replace one, wherever it is).
_DATA_MARKS = (b'schema = "seeds-observation/', b'schema = "seeds-rubric/')


def _store_of(path: Path) -> Path | None:
    """The store folder ``path`` lies in: one holding a store's lock, or the parent of its data folders."""
    from seeds_tui.storage.atomic import store_root_of

    root = store_root_of(path)
    if root is not None:
        return root
    for folder in path.parents:
        if folder.name in _STORE_FOLDERS and (folder.parent / "observations").is_dir():
            return folder.parent
    return None


def _is_data_file(path: Path) -> bool:
    from seeds_tui.core.tomlio import read_regular

    try:
        head = read_regular(path, max_bytes=64 * 1024)
    except OSError:
        return False
    return any(mark in head for mark in _DATA_MARKS)


def check_output(output: Path, *, stores: Iterable[Path] = (), inputs: Iterable[Path] = (), option: str = "-o") -> Path:
    """Refuse (``UsageError``) an output path that would write into a store or over a seeds-tui file.

    The one check behind every output option (``report -o``, ``summary -o``, ``export -o``,
    ``import --report``): never inside a store folder (``stores``, the store the file lies in,
    or any store found around the path) except its ``reports/`` folder, never over one of the
    ``inputs`` the command reads, and never over an observation or rubric file anywhere. Links
    are followed first, so a link cannot lead around the check. Returns the path as given.
    """
    target = Path(os.path.realpath(output.expanduser()))
    for source in inputs:
        if os.path.lexists(source) and os.path.realpath(source) == str(target):
            raise UsageError(f"{option} {output}: that is the file this command reads; write the output to another file")
    roots = [Path(os.path.realpath(root)) for root in stores]
    found = _store_of(target)
    if found is not None:
        roots.append(found)
    for root in roots:
        if target == root or (target.is_relative_to(root) and not target.is_relative_to(root / "reports")):
            raise UsageError(
                f"{option} {output}: that is inside the store {root}, where only seeds-tui's own files go; "
                "write the output outside the store folder (or in its reports/ folder)"
            )
    if _is_data_file(target):
        raise UsageError(f"{option} {output}: that is a seeds-tui observation or rubric file; write the output to another file")
    return output


def registry_from(args: argparse.Namespace, extra: list[Path] | None = None) -> RubricRegistry:
    """Every rubric in the bundled folder, ``$SEEDS_RUBRICS``, ``--rubrics`` (and ``extra``).

    A ``--rubrics`` folder that does not exist is a usage error: a typo there would otherwise
    silently hide the rubrics it was meant to add.
    """
    from seeds_tui.core.rubric import RubricRegistry

    named = [Path(p) for p in getattr(args, "rubrics", None) or []]
    for folder in named:
        if not folder.is_dir():
            raise UsageError(f"--rubrics {folder}: no such folder")
    for listed in os.environ.get("SEEDS_RUBRICS", "").split(os.pathsep):
        if listed and not Path(listed).is_dir():
            err(f"warning: SEEDS_RUBRICS names {listed}, which is not a folder")
    return RubricRegistry.default([*named, *(extra or [])])


def err(message: str) -> None:
    """Print a message on stderr (a terminal that has gone away, an SSH link dropped, is not an error of ours)."""
    with contextlib.suppress(OSError):
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
