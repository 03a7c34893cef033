"""``seeds-tui report FILE [--format markdown|html] [-o OUT]``: the practitioner's feedback sheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from seeds_tui.cli.common import OK, PROBLEMS, check_output, err, registry_from


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``report`` command."""
    parser = subparsers.add_parser(
        "report",
        parents=parents,
        help="the practitioner's feedback sheet for one observation (Markdown or HTML)",
        description="Write the practitioner's feedback sheet for one observation file (draft or final): session "
        "details (never the case reference), a score, bar and band per section, what went well and what to "
        "develop with the evidence behind them, agreed actions with owners and review dates, actions from "
        "earlier observations and how they stand, the practitioner's self-assessment and comments, and an "
        "item-by-item appendix. HTML is one self-contained page that prints on A4. See docs/feedback-sheet.md.",
    )
    parser.add_argument("file", metavar="FILE", help="an observation file (.toml)")
    parser.add_argument("--format", choices=("markdown", "html"), default="markdown", help="output format (default: markdown)")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write to this file (owner-only, replaced atomically) instead of standard output"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the sheet; exit 1 with a clear message for a file that cannot be used."""
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.core.observation import check_against_rubric, read_observation
    from seeds_tui.render.sheet import render_report
    from seeds_tui.storage.atomic import write_atomic

    path = Path(args.file)
    if args.output:
        from seeds_tui.storage.store import default_store_dir

        named = getattr(args, "store", None)
        check_output(Path(args.output), stores=[Path(named) if named else default_store_dir()], inputs=[path])
    try:
        obs, text = read_observation(path)
        loaded = registry_from(args).get(obs.rubric.id, obs.rubric.version)
        problems = check_against_rubric(obs, loaded.rubric, path=path, text=text)
        # A draft may miss required items; anything else means the sheet would be wrong.
        serious = [p for p in problems if "required item has no score" not in p.message]
        if serious:
            for problem in serious:
                err(str(problem))
            return PROBLEMS
        sheet = render_report(obs, loaded.rubric, args.format)
        if args.output:
            write_atomic(Path(args.output), sheet.encode("utf-8"))
            err(f"wrote {args.output}")
        else:
            sys.stdout.write(sheet)
    except SeedsError as exc:
        err(f"seeds-tui report: {exc}")
        return PROBLEMS
    return OK
