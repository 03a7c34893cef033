"""The ``seeds-tui`` command line: a thin layer over the library.

Exit codes: 0 success, 1 the input had problems (each reported), 2 usage error.
Each command lives in its own module with ``register(subparsers, parents)``, which sets
``func`` to a callable taking the parsed arguments and returning the exit code.
Command modules import nothing heavy at import time: ``seeds-tui --help`` stays fast.

Every command's ``--json`` (and ``--format json`` on stdout) prints one JSON object on every
path: a command writes its object with ``print_json``; when it stops before that (a usage
error, a missing store, any error) ``main`` writes ``{"ok": false, "exit_code": N, "error": ...}``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from seeds_tui import __version__
from seeds_tui.cli.common import PROBLEMS, USAGE, UsageError, common_options, err, finish_json, start_json, unused_common, wants_json
from seeds_tui.core.errors import SeedsError

#: Command modules, in the order ``--help`` lists them.
COMMANDS = (
    "rubric", "validate", "schema", "demo", "summary", "event", "supervision", "voice", "export", "import_", "compare", "report",
    "record", "publish", "serve", "self_rate", "history",
)  # fmt: skip


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors also kept for a ``--json`` run's error object."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        err(f"{self.prog}: error: {message}")
        raise SystemExit(USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (used by ``main`` and by the documentation tests)."""
    common = common_options()
    parser = _Parser(
        prog="seeds-tui",
        description="Observed practice in probation: score a session, give feedback, summarise a team.",
        epilog="With no command, opens the app. Exit codes: 0 success, 1 input had problems, 2 usage error.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"seeds-tui {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"seeds_tui.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"seeds_tui.cli.{name}":
                continue
            raise
        module.register(sub, [common])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    The last resort: an exception no command expected never shows a traceback (it could quote
    a field's value). A crash report without any field values goes to the user data folder,
    one plain paragraph says so, and the exit code is 3.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    start_json(wants_json(None, words))
    code = CRASHED
    try:
        code = _main(words)
    except Exception as exc:
        from seeds_tui.storage.crash import crash_paragraph, write_crash_report

        err(crash_paragraph(write_crash_report(exc), []))
        code = CRASHED
    finally:
        finish_json(code)  # also puts standard output back, whatever ended the command
    return code


#: Exit code after an unexpected error (a bug): a crash report was written.
CRASHED = 3


class _NotOnlyTheApp(Exception):
    """The words are more than the options that open the app (a command, --help, a mistake)."""


class _AppOnlyParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotOnlyTheApp(message)


def _app_only(words: list[str]) -> argparse.Namespace | None:
    """The parsed options when ``words`` only open the app (``--store``, ``--rubrics``, no command), else None.

    Opening the app is the one path where start-up time is felt: it is parsed without importing
    every command's module to build the full parser. Anything else (a command, ``--help``,
    ``--version``, a mistake) goes through the full parser, which says what it says."""
    parser = _AppOnlyParser(prog="seeds-tui", parents=[common_options()], add_help=False)
    try:
        args, rest = parser.parse_known_args(words)
    except _NotOnlyTheApp:
        return None
    if rest:
        return None
    args.command = None
    return args


def _main(argv: Sequence[str] | None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = _app_only(words)
    if args is None:
        parser = build_parser()
        try:
            args = parser.parse_args(words)
        except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
            return int(exc.code or 0) if isinstance(exc.code, int) else USAGE
    start_json(wants_json(args))
    try:
        if args.command is None:
            return _open_app(args)
        unused = unused_common(args)
        if unused:
            raise UsageError(unused)
        return int(args.func(args))
    except UsageError as exc:
        err(f"seeds-tui: {exc}")
        return USAGE
    except SeedsError as exc:
        err(f"seeds-tui: {exc}")
        return PROBLEMS
    except KeyboardInterrupt:
        err("seeds-tui: interrupted")
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error for the user.
        sys.stderr.close()
        return 0


def _open_app(args: argparse.Namespace) -> int:
    from seeds_tui.cli.serve import served_in_browser

    # textual-serve runs the app with pipes for a browser tab; everyone else needs a terminal.
    if not (sys.stdin.isatty() and sys.stdout.isatty()) and not served_in_browser():
        err(
            "seeds-tui: the app needs a terminal (standard input and output are not one); "
            "for scripts use a command, e.g. seeds-tui validate or seeds-tui summary (see seeds-tui --help)"
        )
        return USAGE
    for folder in getattr(args, "rubrics", None) or []:
        if not Path(folder).is_dir():
            raise UsageError(f"--rubrics {folder}: no such folder")
    from seeds_tui.tui.start import run_app

    # The store is opened (and old temp files of a killed save removed) behind the app's first frame.
    return run_app(store=getattr(args, "store", None), rubric_dirs=getattr(args, "rubrics", None) or [])
