"""``seeds-tui compare FILE FILE``: agreement between two observers of one session."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from seeds_tui.cli.common import OK, PROBLEMS, err, registry_from


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``compare`` command."""
    parser = sub.add_parser(
        "compare", parents=parents, help="agreement between two observers of one session",
        description="Compare two observations of the same session (double-scoring): exact and within-one agreement "
                    "per item, section scores side by side, and the intraclass correlation (ICC(A,1)) on section "
                    "scores with its usual band. Disagreement is for discussion, not a verdict.",
    )
    parser.add_argument("first", metavar="FILE", help="the first observer's observation file")
    parser.add_argument("second", metavar="FILE", help="the second observer's observation file")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    parser.set_defaults(func=run)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def run(args: argparse.Namespace) -> int:
    """Print the comparison; exit 1 if a file is bad or the rubrics differ."""
    from seeds_tui.agreement import compare
    from seeds_tui.observation import load_observation

    first, second = load_observation(Path(args.first)), load_observation(Path(args.second))
    if first.rubric.id != second.rubric.id:
        err(f"{args.second}: scored with rubric {second.rubric.id}, but {args.first} with {first.rubric.id}; "
            "only observations of one rubric can be compared")
        return PROBLEMS
    # Double-scoring means two observers, one session: say so when the files do not look like that.
    if first.id == second.id:
        err("warning: both files are the same observation (same id); compare the two observers' own files")
    differ = [what for what, a, b in (
        ("session date", first.session.date, second.session.date),
        ("practitioner", first.session.practitioner, second.session.practitioner),
        ("team", first.session.team, second.session.team),
    ) if a != b]
    if differ:
        verb = "differs" if len(differ) == 1 else "differ"
        err(f"warning: the {' and '.join(differ)} {verb}: these may not be two observations of one session")
    elif first.session.observer == second.session.observer and first.id != second.id:
        err("warning: both files name the same observer; agreement is between two observers")
    rubric = registry_from(args).get(first.rubric.id, first.rubric.version).rubric
    result = compare(first, second, rubric)
    if args.json:
        print(json.dumps({
            "rubric": result.rubric_id,
            "items_compared": len(result.both_levels),
            "exact_percent": result.exact_percent,
            "within_one_percent": result.within_one_percent,
            "icc": result.icc,
            "icc_band": result.icc_band,
            "items": [vars(i) for i in result.items],
            "sections": [{"section": t, "first": a, "second": b} for t, a, b in result.sections],
        }, indent=2))
        return OK
    print(f"Rubric {rubric.title} ({rubric.id}); first = {args.first}, second = {args.second}")
    print(f"Items both scored with a level: {len(result.both_levels)}; exact agreement {_pct(result.exact_percent)}; "
          f"within one level {_pct(result.within_one_percent)}")
    if result.icc is not None:
        print(f"Section scores: ICC(A,1) = {result.icc:.2f} ({result.icc_band})")
    else:
        print("Section scores: ICC not defined (fewer than two sections scored by both, or no variation)")
    print()
    width = max(len(t) for t, _, _ in result.sections)
    print(f"{'SECTION'.ljust(width)}  FIRST  SECOND")
    for title, a, b in result.sections:
        print(f"{title.ljust(width)}  {_pct(a):>5}  {_pct(b):>6}")
    print()
    print("ITEMS TO DISCUSS (not exact)")
    shown = [i for i in result.items if i.outcome not in ("exact", "same code")]
    for item in shown:
        print(f"  {item.key:<28} {item.first:>3} vs {item.second:<3} {item.outcome}")
    if not shown:
        print("  none: every item agreed exactly")
    return OK
