"""``seeds-tui event add|edit|list|remove``: the register of training events and action learning sets in a store.

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
        help="the register of training events and action learning sets (a before/after comparison is made around one)",
        description=(
            "Keep the store's register of training events: the quarterly follow-up days teams attend with their SPO, and "
            "the teams' action learning sets (--kind set: a topic, the items it addresses, learning points, a practice "
            "focus; no individual is named). Each is a file STORE/events/ID.toml (format seeds-event/2). "
            "'seeds-tui summary --event ID' compares equal windows before and after one; 'seeds-tui summary --by sets' "
            "shows every set's items before and after it."
        ),
        epilog="Exit codes: 0 done, 1 problems (each reported), 2 usage error.",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser(
        "add", parents=parents, help="register a training event or an action learning set",
        description="Register a training event, or (--kind set) a team's action learning set. The words are checked: "
        "a record naming a practitioner or observer of the store, or holding what looks like personal data, is refused.",
    )  # fmt: skip
    add.add_argument(
        "--date", dest="when", metavar="DATE", type=date_argument, required=True, help="the day it was held (DD/MM/YYYY or YYYY-MM-DD)"
    )
    _record_options(add, new=True)
    add.add_argument("--id", metavar="ID", help="the record's id (default: the date and the title's first words)")
    add.set_defaults(func=run_add)
    reads(add, "store")
    edit = sub.add_parser(
        "edit", parents=parents, help="change a registered event or set",
        description="Change the fields given of a registered training event or action learning set (the others are kept; "
        "--team, --covers and --learning-point replace the whole list).",
    )  # fmt: skip
    edit.add_argument("id", metavar="ID", help="the record's id (see 'seeds-tui event list')")
    edit.add_argument("--date", dest="when", metavar="DATE", type=date_argument, help="the day it was held")
    _record_options(edit, new=False)
    edit.set_defaults(func=run_edit)
    reads(edit, "store")
    lst = sub.add_parser("list", parents=parents, help="list the registered events", description="List the registered training events.")
    lst.add_argument("--json", action="store_true", help='print one JSON object: {"events": [...], "problems": [...], "store": DIR}')
    lst.set_defaults(func=run_list)
    reads(lst, "store")
    rm = sub.add_parser("remove", parents=parents, help="remove a registered event", description="Remove a registered training event.")
    rm.add_argument("id", metavar="ID", help="the event's id (see 'seeds-tui event list')")
    rm.set_defaults(func=run_remove)
    reads(rm, "store")


def _record_options(p: argparse.ArgumentParser, *, new: bool) -> None:
    """The fields of a record, for add (defaults) and edit (None: keep)."""
    keep: list[str] | None = None if not new else []
    p.add_argument(
        "--kind", choices=("training", "set"), default="training" if new else None,
        help="a training day (default) or a team's action learning set" if new else "change the record's kind",
    )  # fmt: skip
    p.add_argument("--title", help="what it was, e.g. 'Quarterly follow-up: reflections' (a set: default 'Action learning set: TOPIC')")
    p.add_argument("--team", metavar="T", nargs="+", action="extend", default=keep, help="the teams that attended (default: every team)")
    p.add_argument(
        "--covers", metavar="PART", nargs="+", action="extend", default=keep,
        help="the rubric's sections or items it covered or addresses: section ids (open) or section.item ids (talk.c)",
    )  # fmt: skip
    p.add_argument("--topic", help="a set's topic, e.g. 'Keeping the session on its purpose' (needed with --kind set)")
    p.add_argument(
        "--learning-point", dest="learning_points", metavar="TEXT", action="append", default=keep,
        help="a learning point the team drew (repeat for each)",
    )  # fmt: skip
    p.add_argument("--focus", help="the practice focus the team agreed")


def _set_only(args: argparse.Namespace, kind: str) -> str | None:
    if kind != "set" and (args.topic or args.learning_points or args.focus):
        return "--topic, --learning-point and --focus belong to an action learning set; add --kind set"
    return None


def run_add(args: argparse.Namespace) -> int:
    """Register one event or set; print its id."""
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.team.events import add_record, new_record

    if args.title is not None and not args.title.strip():
        err("seeds-tui event add: --title is empty; say what the training was")
        return USAGE
    if args.kind == "training" and not args.title:
        err("seeds-tui event add: give --title (what the training was), or --kind set --topic TEXT for an action learning set")
        return USAGE
    wrong = _set_only(args, args.kind)
    if wrong:
        err(f"seeds-tui event add: {wrong}")
        return USAGE
    if args.kind == "set" and not (args.topic or "").strip():
        err("seeds-tui event add: an action learning set needs --topic TEXT")
        return USAGE
    try:
        record = new_record(
            args.when, kind=args.kind, title=args.title, topic=args.topic, teams=args.team, covers=args.covers,
            learning_points=args.learning_points, focus=args.focus, id=args.id,
        )  # fmt: skip
        event = add_record(store_from(args), record)
    except SeedsError as exc:
        err(f"seeds-tui event add: {exc}")
        return PROBLEMS
    print(f"registered {event.id} ({event.date.isoformat()}: {event.title})")
    return OK


def run_edit(args: argparse.Namespace) -> int:
    """Change the fields given of one registered record."""
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.team.events import find_event, new_record, save_event

    store = store_from(args)
    found = find_event(store, args.id)
    if found is None:
        err(f"seeds-tui event edit: no training event or set with id {args.id} in {store.root}; see 'seeds-tui event list'")
        return PROBLEMS
    kind = args.kind or found.kind
    wrong = _set_only(args, kind)
    if wrong:
        err(f"seeds-tui event edit: {wrong}")
        return USAGE

    def given(value: object, old: object) -> object:
        return old if value is None else value

    # A set's title made from its topic follows a new topic.
    default_title = args.topic is not None and found.title == f"Action learning set: {found.topic}"

    try:
        record = new_record(
            given(args.when, found.date),  # type: ignore[arg-type]
            kind=kind,
            title=args.title if args.title is not None else (None if default_title else found.title),
            topic=given(args.topic, found.topic if kind == "set" else None),  # type: ignore[arg-type]
            teams=given(args.team, found.teams),  # type: ignore[arg-type]
            covers=given(args.covers, found.covers),  # type: ignore[arg-type]
            learning_points=given(args.learning_points, found.learning_points if kind == "set" else []),  # type: ignore[arg-type]
            focus=given(args.focus, found.focus if kind == "set" else None),  # type: ignore[arg-type]
            id=found.id,
        )
        save_event(store, record)
    except SeedsError as exc:
        err(f"seeds-tui event edit: {exc}")
        return PROBLEMS
    print(f"saved {record.id} ({record.date.isoformat()}: {record.title})")
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
        rows = [
            {
                "id": e.id, "kind": e.kind, "date": e.date.isoformat(), "title": e.title, "teams": e.teams, "covers": e.covers,
                "topic": e.topic, "learning_points": e.learning_points, "focus": e.focus,
            }
            for e in events
        ]  # fmt: skip
        print_json({"events": rows, "problems": [str(p) for p in problems], "store": str(store.root)})
    elif not events:
        print("no training events registered; add one with seeds-tui event add --date DD/MM/YYYY --title TEXT")
    else:
        for e in events:
            teams = ", ".join(e.teams) if e.teams else "every team"
            covers = f"; covers {', '.join(e.covers)}" if e.covers else ""
            kind = "set" if e.kind == "set" else "training"
            print(f"{e.id}  {e.date.isoformat()}  {kind}  {e.title}  ({teams}{covers})")
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
