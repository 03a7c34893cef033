"""``seeds-tui publish [--to SHARED]``: copy this store's finals into the team's shared store."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from seeds_tui.cli.common import OK, PROBLEMS, err, reads, store_from


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``publish`` command."""
    parser = subparsers.add_parser(
        "publish",
        parents=parents,
        help="publish this store's finals to the team's shared store (a network share or synced folder)",
        description="Copy every final observation (and agreed consensus record) of your store that is not yet in the "
        "team's shared store into it, each whole, under its own id, read back to check it. Drafts never leave your "
        "store. The shared store is a folder on a network share or a synced folder (OneDrive, SharePoint, "
        "Syncthing); facilitators read it with seeds-tui summary --store SHARED. A final that cannot be published "
        "now (the share is not connected, read-only or full) stays in your store and is published next time; the "
        "app publishes at start, after each finalise and every minute. See README.md, 'A team's shared folder'.",
        epilog="Exit codes: 0 everything is in the shared store, 1 some finals are waiting or in conflict (each reported), 2 usage error.",
    )
    parser.add_argument(
        "--to",
        metavar="SHARED",
        help="the team's shared folder (it must exist; an empty one becomes a shared store); remembered for this store",
    )
    parser.add_argument("--verify", action="store_true", help="check the shared copy of every final, also those published before")
    parser.add_argument("--json", action="store_true", help="print one JSON object (counts and each problem)")
    parser.set_defaults(func=run)
    reads(parser, "store")


def run(args: argparse.Namespace) -> int:
    """Publish; print what was published, what waits and why, and what the shared store holds that is not counted."""
    from seeds_tui.storage.publish import make_shared_store, publish, remember_shared_store, shared_store_problems

    store = store_from(args)
    if args.to:
        shared = Path(args.to).expanduser()
        make_shared_store(shared)
        remember_shared_store(store, shared)
    report = publish(store, verify=args.verify)
    found = shared_store_problems(report.shared) if report.shared.is_dir() else []
    counts = {state: report.count(state) for state in ("published", "already", "waiting", "conflict")}
    if args.json:
        print(
            json.dumps(
                {
                    "shared_store": str(report.shared),
                    **counts,
                    "problems": [{"id": o.id, "kind": o.kind, "state": o.state, "message": o.message} for o in report.problems],
                    "not_counted_in_shared_store": [{"file": str(p.path), "message": p.message} for p in found],
                },
                indent=2,
            )
        )
    else:
        # One line per reason (a share that cannot be reached is one reason, however many finals wait for it).
        reasons: dict[tuple[str, str], list[str]] = {}
        for outcome in report.problems:
            reasons.setdefault((outcome.state, outcome.message), []).append(outcome.id)
        for (state, message), ids in reasons.items():
            err(f"{state}: {ids[0]}: {message}" if len(ids) == 1 else f"{state}: {len(ids)} finals ({ids[0]}, ...): {message}")
        for problem in found:
            err(f"warning: {problem}")
        print(
            f"{counts['published']} published to {report.shared}, {counts['already']} already there, "
            f"{counts['waiting']} waiting (kept in {store.root}, published next time), {counts['conflict']} in conflict"
        )
    return PROBLEMS if report.problems else OK
