"""``seeds-tui demo``: write realistic synthetic observations into a store."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from seeds_tui.cli.common import OK, USAGE, err, progress, reads

MAX_OBSERVATIONS = 1_000_000  # same as seeds_tui.demo.generator.MAX_OBSERVATIONS (not imported: keeps --help fast)
MAX_TEAMS = 500


def _whole_number(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, like 500") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what} must be between {low:,} and {high:,}")
        return value

    return parse


def _seed(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("the seed must be a whole number, like 1") from None


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` command."""
    parser = subparsers.add_parser(
        "demo",
        parents=parents,
        help="write realistic synthetic observations (for trying the app and team views)",
        description=(
            "Write N invented, final observations into a store: invented teams, practitioners and observers, "
            "sessions over the last eight quarters, all three bundled rubrics, notes, marks and feedback. "
            "The same --seed gives the same files. Use a folder of its own, not a store holding real observations."
        ),
        epilog="Example: seeds-tui demo --store /tmp/demo --observations 500 --seed 3",
    )
    parser.add_argument(
        "--observations",
        "-n",
        metavar="N",
        required=True,
        type=_whole_number(1, MAX_OBSERVATIONS, "the number of observations"),
        help=f"how many observations to write (1 to {MAX_OBSERVATIONS:,})",
    )
    parser.add_argument("--seed", metavar="S", type=_seed, default=1, help="random seed; the same seed gives the same files (default 1)")
    parser.add_argument(
        "--teams",
        metavar="T",
        type=_whole_number(1, MAX_TEAMS, "the number of teams"),
        default=6,
        help=f"how many invented teams (1 to {MAX_TEAMS}, default 6)",
    )
    parser.set_defaults(func=run)
    reads(parser, "store", hint="the demo scores with the bundled rubrics")


def run(args: argparse.Namespace) -> int:
    """Write the observations and print a one-line summary."""
    if getattr(args, "store", None) is None:
        err("seeds-tui demo: give the folder to write into with --store DIR (demo data should not go into a real store)")
        return USAGE
    from seeds_tui.demo.generator import write_demo
    from seeds_tui.storage.store import Store

    store = Store(args.store)
    store.clean_temp_files()
    existing = len(store.files())
    if existing:
        err(f"note: {store.root} already holds {existing:,} observation files; the demo observations are added beside them")
    begun = time.perf_counter()
    result = write_demo(
        store,
        args.observations,
        seed=args.seed,
        teams=args.teams,
        wrap=lambda items: progress(items, total=args.observations, label="writing"),
    )
    seconds = time.perf_counter() - begun
    print(
        f"{_count(len(result.paths), 'observation')} written to {store.final_dir}, "
        f"across {_count(len(result.teams), 'team')}, {_count(result.practitioners, 'practitioner')}, "
        f"{_count(result.observers, 'observer')}, sessions {result.first_date} to {result.last_date} ({seconds:.1f} s)"
    )
    if result.events or result.sets:
        days, sets = _count(result.events, "training day"), _count(result.sets, "action learning set")
        print(f"{days} and {sets} registered in {store.root / 'events'}")
    if result.selfratings or result.supervision_notes or result.responses:
        print(
            f"{_count(result.selfratings, 'self-rating')}, {_count(result.supervision_notes, 'supervision note')} and "
            f"{_count(result.responses, 'questionnaire response')} written beside them"
        )
    return OK
