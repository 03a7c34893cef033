"""What every command shares: exit codes, the store and rubric options, clean error output."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

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


def date_argument(text: str) -> date:
    """An argparse type for a date typed day first (``03/12/2026``) or ISO (``2026-12-03``)."""
    from seeds_tui.core.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


#: The options every command is given by ``common_options``.
COMMON = ("store", "rubrics")


def reads(parser: argparse.ArgumentParser, *options: str, hint: str = "") -> None:
    """Declare which of ``--store`` and ``--rubrics`` a command reads (a command that does not
    declare reads both): ``unused_common`` makes giving another a usage error, never ignored.
    ``hint`` ends the message, saying what to do instead."""
    parser.set_defaults(common_reads=frozenset(options), common_prog=parser.prog, common_hint=hint)


def unused_common(args: argparse.Namespace) -> str | None:
    """The message for a common option given to a command that does not read it (exit 2), or None."""
    read = getattr(args, "common_reads", frozenset(COMMON))
    prog = getattr(args, "common_prog", "this command")
    hint = getattr(args, "common_hint", "")
    given = vars(args)
    for name in COMMON:
        if name in given and name not in read:
            return f"--{name} does nothing with {prog}; leave it out" + (f" ({hint})" if hint else "")
    return None


def store_from(args: argparse.Namespace) -> Store:
    """The store named by ``--store`` (or the default), with leftovers of killed saves cleaned up."""
    from seeds_tui.storage.store import Store

    store = Store(getattr(args, "store", None))
    store.clean_temp_files()
    return store


#: The folders of a store that hold its data (no command's output may go there).
_STORE_FOLDERS = ("observations", "drafts", "history", "conflicts", "consensus", ".cache", ".locks", "selfratings")
#: What a seeds-tui data file starts with (an output must never replace one, wherever it is).
_DATA_MARKS = (b'schema = "seeds-observation/', b'schema = "seeds-rubric/', b'schema = "seeds-selfrating/')


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
    or any store found around the path) except its ``reports/`` folder (none at all in a team's
    shared store: it keeps published finals only), never over one of the
    ``inputs`` the command reads, and never over an observation or rubric file anywhere. Links
    are followed first, so a link cannot lead around the check. Returns the path as given.
    """
    from seeds_tui.storage.store import is_shared_store

    target = Path(os.path.realpath(output.expanduser()))
    for source in inputs:
        if os.path.lexists(source) and os.path.realpath(source) == str(target):
            raise UsageError(f"{option} {output}: that is the file this command reads; write the output to another file")
    roots = [Path(os.path.realpath(root)) for root in stores]
    found = _store_of(target)
    if found is not None:
        roots.append(found)
    for root in roots:
        if target.is_relative_to(root) and is_shared_store(root):
            raise UsageError(
                f"{option} {output}: that is inside the team's shared store {root}, which keeps published finals only "
                "(whatever goes there is synced to the whole team); write the output to a folder of your own"
            )
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


#: The first columns of every ``summary --format csv``, whatever the view and the rubrics.
SUMMARY_CSV_LEAD = ("rubric_id", "view", "table")
#: The last columns: whether a row's figures are hidden, and why.
SUMMARY_CSV_TAIL = ("suppressed", "note")


def summary_csv(tables: Sequence[Any]) -> str:
    """``seeds-tui summary --format csv``: one stable column set for any number of tables and rubrics.

    Columns: ``rubric_id``, ``view``, ``table`` (the table's title), then the view's own columns in
    the order the tables give them, then one ``level_<value>`` column per level any scale has, in
    order of value, then ``suppressed`` and ``note``. A column a row has no figure for is empty.
    ``tables`` are ``SummaryTable`` objects (``title``, ``view``, ``rubric_id``, ``frame``).
    """
    import csv
    import io
    import math
    import re

    level = re.compile(r"level_(-?\d+)$")
    middle: list[str] = []
    levels: set[str] = set()
    for table in tables:
        for col in table.frame.columns:
            if level.match(str(col)):
                levels.add(str(col))
            elif col not in middle and col not in SUMMARY_CSV_LEAD and col not in SUMMARY_CSV_TAIL:
                middle.append(str(col))
    ordered_levels = sorted(levels, key=lambda c: int(level.match(c).group(1)))  # type: ignore[union-attr]
    columns = [*SUMMARY_CSV_LEAD, *middle, *ordered_levels, *SUMMARY_CSV_TAIL]

    def cell(value: Any) -> Any:
        if hasattr(value, "item") and not isinstance(value, (str, bytes)):
            value = value.item()
        if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
            return ""
        if isinstance(value, float):
            return round(value, 2)
        try:
            import pandas as pd

            if value is pd.NA or value is pd.NaT:
                return ""
        except ImportError:  # pragma: no cover - pandas is a core dependency
            pass
        return value

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for table in tables:
        lead = {"rubric_id": table.rubric_id, "view": table.view, "table": table.title}
        for rec in table.frame.to_dict("records"):
            writer.writerow([cell(lead[c]) if c in lead else cell(rec.get(c)) for c in columns])
    return buf.getvalue() if tables else ""


def unknown_teams_message(unmatched: Sequence[str], known: Sequence[str], root: Path) -> str:
    """What every command filtering by ``--team`` says about names that match no team (the same words everywhere).

    >>> from pathlib import Path
    >>> from seeds_tui.cli.common import unknown_teams_message
    >>> unknown_teams_message(["Nowhere"], ["North", "Westgate"], Path("/srv/store"))
    "no team called 'Nowhere' in /srv/store; known teams: North, Westgate"
    """
    word = "team" if len(unmatched) == 1 else "teams"
    asked = ", ".join(repr(t) for t in unmatched)
    return f"no {word} called {asked} in {root}; known teams: {', '.join(known) or 'none'}"


def emit(data: bytes | str, output: str | os.PathLike[str] | None) -> None:
    """A command's result: into ``-o FILE`` (atomically, saying so on stderr) or onto standard output."""
    if output:
        from seeds_tui.storage.atomic import write_atomic

        target = Path(output)
        write_atomic(target, data if isinstance(data, bytes) else data.encode("utf-8"))
        err(f"wrote {target}")
        return
    if isinstance(data, bytes):
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)
    sys.stdout.flush()


def err(message: str) -> None:
    """Print a message on stderr (and keep it for the JSON object of a ``--json`` run).

    A terminal that has gone away (an SSH link dropped) is not an error of ours.
    """
    with contextlib.suppress(OSError):
        print(message, file=sys.stderr)
    if _json.active:
        _json.messages.append(message)


# -- --json: one JSON object on stdout, on every path -------------------------------------------


class _JsonRun:
    """The state of one command run for its ``--json`` promise."""

    def __init__(self) -> None:
        self.active = False
        self.written = False
        self.messages: list[str] = []
        self.stdout: Any = None


class _Watched:
    """Standard output, noting whether the command wrote anything on it."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        if text:
            _json.written = True
        return int(self._inner.write(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


_json = _JsonRun()


def wants_json(args: argparse.Namespace | None, argv: Sequence[str] = ()) -> bool:
    """True when the command was asked for JSON on stdout: ``--json``, or ``--format json`` without ``-o``.

    Before the arguments are parsed (``args`` None, a usage error), the raw ``argv`` decides.
    """
    if args is None:
        words = list(argv)
        return "--json" in words or any(a == "--format" and b == "json" for a, b in itertools.pairwise(words)) or ("--format=json" in words)
    if getattr(args, "json", False):
        return True
    return getattr(args, "format", None) == "json" and not getattr(args, "output", None)


def start_json(active: bool) -> None:
    """Begin a run: with ``active``, every message on stderr is also kept for the JSON object,
    and standard output is watched (a command that wrote its object needs no other)."""
    _restore_stdout()
    _json.active, _json.written, _json.messages = active, False, []
    if active:
        _json.stdout = sys.stdout
        sys.stdout = _Watched(sys.stdout)  # type: ignore[assignment]


def _restore_stdout() -> None:
    if _json.stdout is not None:
        if isinstance(sys.stdout, _Watched):
            sys.stdout = _json.stdout
        _json.stdout = None


def print_json(data: dict[str, Any]) -> None:
    """Write the run's one JSON object on stdout (every ``--json`` output goes through here)."""
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")
    sys.stdout.flush()
    _json.written = True


def finish_json(code: int) -> None:
    """End a ``--json`` run: if the command stopped before writing its object (a usage error, a
    missing store, a failure), write one saying so, so that stdout always holds one JSON object.

    ``{"ok": false, "exit_code": 2, "error": "...", "messages": [...]}``: ``error`` is the last
    message printed on stderr, ``messages`` all of them (never a value from an observation file).
    """
    try:
        if not _json.active or _json.written or code == 0:
            return
        messages = [m for m in _json.messages if m.strip()]
        last = messages[-1] if messages else "the command failed; see the messages on stderr"
        print_json({"ok": False, "exit_code": code, "error": last, "messages": messages})
    finally:
        _restore_stdout()
        _json.active = False


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
