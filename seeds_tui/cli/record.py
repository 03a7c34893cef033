"""``seeds-tui record PRACTITIONER [--format markdown|html|pdf] [-o OUT]``: the practitioner's development record.

Exit codes: 0 written, 1 problems (no store, nothing recorded for that name, a file left out), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from seeds_tui.cli.common import OK, PROBLEMS, UsageError, check_output, emit, err, reads, store_from


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``record`` command."""
    parser = subparsers.add_parser(
        "record",
        parents=parents,
        help="a practitioner's development record: observations, self-ratings, actions and their history, supervision notes",
        description=(
            "Write the development record a practitioner keeps: their final observations (what went well, what to "
            "develop, the actions agreed), their self-ratings, each action with its history (reviewed at observations "
            "and in supervision), their supervision notes and the comments people on probation left about them in "
            "the questionnaire (by month), in date order. Only that practitioner's own records, no team figures. "
            "HTML is one self-contained page; PDF is laid out for A4 (give -o FILE)."
        ),
        epilog="Exit codes: 0 written, 1 problems (each reported), 2 usage error.",
    )
    parser.add_argument("practitioner", metavar="PRACTITIONER", help="the practitioner, as the observations name them")
    parser.add_argument("--format", choices=("markdown", "html", "pdf"), default="markdown", help="output format (default: markdown)")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write to this file (owner-only, replaced atomically) instead of standard output"
    )
    parser.set_defaults(func=run)
    reads(parser, "store")


def run(args: argparse.Namespace) -> int:
    """Gather and render the record."""
    from datetime import date

    from seeds_tui.core.errors import SeedsError
    from seeds_tui.render.development import render_record
    from seeds_tui.storage.development import gather

    if args.format == "pdf" and not args.output and sys.stdout.isatty():
        raise UsageError("--format pdf writes a binary file: give -o FILE (or redirect standard output to a file)")
    store = store_from(args)
    if args.output:
        check_output(Path(args.output), stores=[store.root])
    if not store.root.is_dir():
        err(f"seeds-tui record: no store at {store.root}; give the store folder with --store DIR (or SEEDS_STORE)")
        return PROBLEMS
    try:
        record = gather(store, args.practitioner)
        if not record.entries:
            err(
                "seeds-tui record: nothing recorded for this practitioner "
                "(no final observation, self-rating or supervision note); check the name"
            )
            return PROBLEMS
        data = render_record(record, args.format, today=date.today())
        emit(data, args.output)
    except SeedsError as exc:
        err(f"seeds-tui record: {exc}")
        return PROBLEMS
    for problem in record.problems:
        err(f"warning: left out: {problem}")
    return PROBLEMS if record.problems else OK
