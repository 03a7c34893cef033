"""``seeds-tui event add|list|remove``: the register of training events in a store.

Exit codes: 0 done, 1 problems (an event file that is not valid, an id taken or unknown),
2 usage (a bad date, a missing title).
"""

from __future__ import annotations

import argparse

from seeds_tui.cli.common import OK, PROBLEMS, USAGE, date_argument, err, print_json, reads, store_from


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``event`` command and its subcommands."""
    p = subparsers.add_parser(
        "event",
        parents=parents,
        help="the register of training events (a before/after comparison is made around one)",
        description=(
            "Keep the store's register of training events: the quarterly follow-up days teams attend with their SPO. "
            "Each is a file STORE/events/ID.toml (format seeds-event/1). 'seeds-tui summary --event ID' compares equal "
            "windows before and after one."
        ),
        epilog="Exit codes: 0 done, 1 problems (each reported), 2 usage error.",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", parents=parents, help="register a training event", description="Register a training event.")
    add.add_argument(
        "--date", dest="when", metavar="DATE", type=date_argument, required=True, help="the day of the training (DD/MM/YYYY or YYYY-MM-DD)"
    )
    add.add_argument("--title", required=True, help="what it was, e.g. 'Quarterly follow-up: reflections'")
    add.add_argument("--team", metavar="T", nargs="+", action="extend", default=[], help="the teams that attended (default: every team)")
    add.add_argument(
        "--covers", metavar="PART", nargs="+", action="extend", default=[],
        help="the rubric's sections or items it covered: section ids (open) or section.item ids (talk.c)",
    )  # fmt: skip
    add.add_argument("--id", metavar="ID", help="the event's id (default: the date and the title's first words)")
    add.set_defaults(func=run_add)
    reads(add, "store")
    lst = sub.add_parser("list", parents=parents, help="list the registered events", description="List the registered training events.")
    lst.add_argument("--json", action="store_true", help='print one JSON object: {"events": [...], "problems": [...], "store": DIR}')
    lst.set_defaults(func=run_list)
    reads(lst, "store")
    rm = sub.add_parser("remove", parents=parents, help="remove a registered event", description="Remove a registered training event.")
    rm.add_argument("id", metavar="ID", help="the event's id (see 'seeds-tui event list')")
    rm.set_defaults(func=run_remove)
    reads(rm, "store")


def run_add(args: argparse.Namespace) -> int:
    """Register one event; print its id."""
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.team.events import add_event

    if not args.title.strip():
        err("seeds-tui event add: --title is empty; say what the training was")
        return USAGE
    try:
        event = add_event(store_from(args), args.when, args.title.strip(), teams=args.team, covers=args.covers, id=args.id)
    except SeedsError as exc:
        err(f"seeds-tui event add: {exc}")
        return PROBLEMS
    print(f"registered {event.id} ({event.date.isoformat()}: {event.title})")
    return OK


def run_list(args: argparse.Namespace) -> int:
    """Print the register; exit 1 if a file in it is not valid (each reported)."""
    from seeds_tui.team.events import list_events

    store = store_from(args)
    if not store.root.is_dir():
        # As in summary and compare: a mistyped --store is said, never taken for an empty register.
        err(f"seeds-tui event list: no store at {store.root}; give the store folder with --store DIR (or SEEDS_STORE)")
        return PROBLEMS
    events, problems = list_events(store)
    if args.json:
        rows = [{"id": e.id, "date": e.date.isoformat(), "title": e.title, "teams": e.teams, "covers": e.covers} for e in events]
        print_json({"events": rows, "problems": [str(p) for p in problems], "store": str(store.root)})
    elif not events:
        print("no training events registered; add one with seeds-tui event add --date DD/MM/YYYY --title TEXT")
    else:
        for e in events:
            teams = ", ".join(e.teams) if e.teams else "every team"
            covers = f"; covers {', '.join(e.covers)}" if e.covers else ""
            print(f"{e.id}  {e.date.isoformat()}  {e.title}  ({teams}{covers})")
    for problem in problems:
        err(f"warning: {problem}")
    return PROBLEMS if problems else OK


def run_remove(args: argparse.Namespace) -> int:
    """Remove one event."""
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.team.events import remove_event

    try:
        event = remove_event(store_from(args), args.id)
    except SeedsError as exc:
        err(f"seeds-tui event remove: {exc}")
        return PROBLEMS
    print(f"removed {event.id}")
    return OK
