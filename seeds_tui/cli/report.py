"""``seeds-tui report FILE [--format markdown|html|pdf] [-o OUT]``: the practitioner's feedback sheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from seeds_tui.cli.common import OK, PROBLEMS, UsageError, check_output, emit, err, registry_from

if TYPE_CHECKING:
    from seeds_tui.core.observation import Observation
    from seeds_tui.core.rubric import Rubric
    from seeds_tui.core.selfrating import SelfRating


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``report`` command."""
    parser = subparsers.add_parser(
        "report",
        parents=parents,
        help="the practitioner's feedback sheet for one observation (Markdown, HTML or PDF)",
        description="Write the practitioner's feedback sheet for one observation file (draft or final): session "
        "details (never the case reference), a score, bar and band per section, what went well and what to "
        "develop with the evidence behind them, agreed actions with owners and review dates, actions from "
        "earlier observations and how they stand, the practitioner's self-assessment and comments, and an "
        "item-by-item appendix. HTML is one self-contained page that prints on A4; PDF is laid out for A4 "
        "(give -o FILE: it is not text). See docs/feedback-sheet.md.",
    )
    parser.add_argument("file", metavar="FILE", help="an observation file (.toml)")
    parser.add_argument("--format", choices=("markdown", "html", "pdf"), default="markdown", help="output format (default: markdown)")
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write to this file (owner-only, replaced atomically) instead of standard output"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the sheet; exit 1 with a clear message for a file that cannot be used."""
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.core.observation import check_against_rubric, read_observation
    from seeds_tui.render.sheet import render_report

    path = Path(args.file)
    if getattr(args, "store", None) and not args.output:
        # The sheet is of FILE, its self-rating from the store FILE lies in: --store only guards -o.
        raise UsageError(
            "--store does nothing with seeds-tui report unless -o OUT is given (it keeps OUT out of that store); "
            "the sheet reads FILE and the self-rating beside it: leave --store out"
        )
    if args.format == "pdf" and not args.output and sys.stdout.isatty():
        raise UsageError("--format pdf writes a binary file: give -o FILE (or redirect standard output to a file)")
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
        mine = _selfrating(path, obs.id)
        data = (
            _pdf(obs, loaded.rubric, mine) if args.format == "pdf" else render_report(obs, loaded.rubric, args.format, mine).encode("utf-8")
        )
        emit(data, args.output)
    except SeedsError as exc:
        err(f"seeds-tui report: {exc}")
        return PROBLEMS
    return OK


def _selfrating(path: Path, observation_id: str) -> SelfRating | None:
    """The practitioner's self-rating of the observation, when its file lies in a store that keeps one."""
    from seeds_tui.storage.selfratings import selfrating_of
    from seeds_tui.storage.store import Store

    root = path.resolve().parent.parent
    if not (root / "selfratings").is_dir():
        return None
    return selfrating_of(Store(root), observation_id)


def _pdf(obs: Observation, rubric: Rubric, selfrating: SelfRating | None = None) -> bytes:
    """The sheet as PDF; a warning (no values quoted) when the PDF's font lacks some of its characters."""
    from seeds_tui.render.sheet import build_sheet
    from seeds_tui.render.sheet_pdf import characters_missing, render_pdf_sheet

    sheet = build_sheet(obs, rubric, selfrating)
    missing = characters_missing(sheet)
    if missing:
        err(
            f"warning: {missing} character(s) of this sheet are not in the PDF's font (it covers Latin, Greek and "
            "Cyrillic letters; not other scripts, emoji or control characters); they print as �. "
            "The HTML sheet (--format html) shows them."
        )
    return render_pdf_sheet(sheet)
