"""``seeds-tui history list [ID]`` and ``seeds-tui history purge ID [--revision N] [--yes]``.

A correction of a final observation keeps the revision it replaces in ``STORE/history/``. When
the correction took personal data out of a note, the earlier revision still holds it: ``purge``
deletes kept revisions on purpose, and ``history/purged.toml`` records which revision of which
observation was purged and when (never what it held).

Exit codes: 0 done, 1 not found (no store, nothing kept for that id), 2 usage (an id that is no
observation id; purging without ``--yes`` when standard input is not a terminal).
"""

from __future__ import annotations

import argparse
import sys

from seeds_tui.cli.common import OK, PROBLEMS, USAGE, err, print_json, reads, store_from


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``history`` command and its subcommands."""
    p = subparsers.add_parser(
        "history",
        parents=parents,
        help="earlier revisions kept when a final observation is corrected: list them, purge them on purpose",
        description=(
            "A correction of a final observation keeps the revision it replaces in STORE/history/ID.rN.toml. "
            "'list' shows the revisions kept (ids, revision numbers and dates, never what they hold) and the purges "
            "recorded. 'purge' deletes kept revisions on purpose, e.g. when a correction took personal data of the "
            "person on probation out of a note that the earlier revision still holds; each purge is recorded in "
            "STORE/history/purged.toml (seeds-purge/1: id, revision, when; no content) so an audit can see it happened."
        ),
        epilog="Exit codes: 0 done, 1 not found (each reported), 2 usage error.",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    lst = sub.add_parser(
        "list",
        parents=parents,
        help="the revisions kept in history, and the purges recorded",
        description="List the revisions kept in the store's history/ (all observations, or one), with when each was "
        "saved and when it was kept, and the purges recorded. Never a field's value.",
    )
    lst.add_argument("id", metavar="ID", nargs="?", help="only this observation (its id, as in its file name)")
    lst.add_argument("--json", action="store_true", help='print one JSON object: {"store": DIR, "kept": [...], "purged": [...]}')
    lst.set_defaults(func=run_list)
    reads(lst, "store")
    purge = sub.add_parser(
        "purge",
        parents=parents,
        help="delete the revisions of one observation kept in history, on purpose (recorded)",
        description="Delete the earlier revisions of observation ID kept in history/ (every one, or --revision N), "
        "for good, and record the purge (id, revision, when) in history/purged.toml. The current final file is not "
        "touched. Asks first on a terminal; give --yes to purge without asking (needed when standard input is not a "
        "terminal). A shared store keeps its own history/: purge there too with --store SHARED.",
    )
    purge.add_argument("id", metavar="ID", help="the observation's id (see 'seeds-tui history list')")
    purge.add_argument("--revision", metavar="N", type=int, help="only this revision (default: every revision kept)")
    purge.add_argument("--yes", action="store_true", help="purge without asking")
    purge.add_argument("--json", action="store_true", help='print one JSON object: {"store": DIR, "purged": [...]}')
    purge.set_defaults(func=run_purge)
    reads(purge, "store")


def _when(stamp: object) -> str:
    from datetime import datetime

    return stamp.strftime("%d/%m/%Y %H:%M") if isinstance(stamp, datetime) else "unknown"


def run_list(args: argparse.Namespace) -> int:
    """Print the kept revisions (and the purges recorded)."""
    from seeds_tui.core.errors import StoreError
    from seeds_tui.storage.history import HistoryError, check_id, kept_revisions, purges

    store = store_from(args)
    try:
        if args.id is not None:
            check_id(args.id)
    except HistoryError as exc:
        err(f"seeds-tui history list: the ID given: {exc}")
        return USAGE
    if not store.root.is_dir():
        err(f"seeds-tui history list: no store at {store.root}; give the store folder with --store DIR (or SEEDS_STORE)")
        return PROBLEMS
    try:
        kept = kept_revisions(store, args.id)
        done = [p for p in purges(store) if args.id is None or p.id == args.id]
    except StoreError as exc:
        err(f"seeds-tui history list: {exc}")
        return PROBLEMS
    if args.json:
        print_json(
            {
                "store": str(store.root),
                "kept": [
                    {
                        "id": k.id,
                        "revision": k.revision,
                        "file": str(k.path),
                        "saved": k.saved.isoformat() if k.saved else None,
                        "kept": k.kept.isoformat(),
                    }
                    for k in kept
                ],
                "purged": [{"id": p.id, "revision": p.revision, "when": p.when.isoformat(), "files": p.files} for p in done],
            }
        )
    else:
        for k in kept:
            print(f"{k.id}  revision {k.revision:<4} saved {_when(k.saved)}  kept {_when(k.kept)}  {k.path.name}")
        for p in done:
            print(f"{p.id}  revision {p.revision:<4} purged {_when(p.when)}")
        if not kept and not done:
            err(f"no revisions kept in {store.history_dir}" + (f" for {args.id}" if args.id else ""))
    if args.id is not None and not kept and not done:
        return PROBLEMS
    return OK


def _confirmed(count: int, obs_id: str, revision: int | None) -> bool:
    what = f"revision {revision}" if revision is not None else f"{count} kept revision{'s' if count != 1 else ''}"
    sys.stderr.write(f"Delete {what} of {obs_id} from history for good (the purge is recorded, not the content)? [y/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def run_purge(args: argparse.Namespace) -> int:
    """Purge kept revisions of one observation, asking first unless --yes."""
    from seeds_tui.core.errors import StoreError
    from seeds_tui.storage.history import PURGE_RECORD, HistoryError, check_id, kept_revisions, purge_history

    store = store_from(args)
    try:
        check_id(args.id)
    except HistoryError as exc:
        err(f"seeds-tui history purge: the ID given: {exc}")
        return USAGE
    if args.revision is not None and args.revision < 0:
        err("seeds-tui history purge: --revision is a revision number (0 or more), as 'seeds-tui history list' shows")
        return USAGE
    if not args.yes and not sys.stdin.isatty():
        err("seeds-tui history purge: standard input is not a terminal, so there is no one to ask; give --yes to purge")
        return USAGE
    if not store.root.is_dir():
        err(f"seeds-tui history purge: no store at {store.root}; give the store folder with --store DIR (or SEEDS_STORE)")
        return PROBLEMS
    try:
        kept = [k for k in kept_revisions(store, args.id) if args.revision is None or k.revision == args.revision]
        if not kept:
            which = f"revision {args.revision} of {args.id}" if args.revision is not None else f"revision of {args.id}"
            err(f"seeds-tui history purge: {store.history_dir} keeps no {which}; see 'seeds-tui history list'")
            return PROBLEMS
        if not args.yes and not _confirmed(len({k.revision for k in kept}), args.id, args.revision):
            err("nothing purged")
            return OK
        done = purge_history(store, args.id, args.revision)
    except StoreError as exc:
        err(f"seeds-tui history purge: {exc}")
        return PROBLEMS
    if args.json:
        print_json(
            {
                "store": str(store.root),
                "purged": [{"id": p.id, "revision": p.revision, "when": p.when.isoformat(), "files": p.files} for p in done],
            }
        )
    else:
        revisions = ", ".join(str(p.revision) for p in done)
        print(
            f"purged revision{'s' if len(done) != 1 else ''} {revisions} of {args.id} from {store.history_dir}; "
            f"recorded in {store.history_dir / PURGE_RECORD}"
        )
    return OK
