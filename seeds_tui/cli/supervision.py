"""``seeds-tui supervision add|list``: reflective supervision notes between observations.

Exit codes: 0 done, 1 problems (a note file that is not valid, a field that is not valid,
no store), 2 usage (a bad date or status, a missing name).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING

from seeds_tui.cli.common import OK, PROBLEMS, USAGE, date_argument, err, print_json, reads, store_from

if TYPE_CHECKING:
    from seeds_tui.core.actions import OpenAction
    from seeds_tui.storage.store import Store


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``supervision`` command and its subcommands."""
    p = subparsers.add_parser(
        "supervision",
        parents=parents,
        help="reflective supervision notes between observations (progress on actions, new actions, reflection)",
        description=(
            "Keep short notes of reflective supervision: the date, progress on each of the practitioner's open "
            "actions (done, ongoing, dropped, with a comment), any new action and a line of reflection; no score. "
            "Each is a file STORE/supervision/ID.toml (format seeds-supervision/1). The practitioner's next "
            "observation carries the actions as they stand after it; 'seeds-tui record' writes the development record."
        ),
        epilog="Exit codes: 0 done, 1 problems (each reported), 2 usage error.",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser(
        "add",
        parents=parents,
        help="record a supervision note",
        description=(
            "Record a supervision note. Progress is given per open action as N=STATUS[:COMMENT], N being its "
            "number in 'seeds-tui supervision list --open PRACTITIONER' (with the same --date; statuses: done, "
            "ongoing, dropped). An open action not given stays open as it was. Each new --action may be followed "
            "by its --owner (default: the practitioner) and --review DATE, as an action agreed at an observation."
        ),
    )
    add.add_argument("practitioner", metavar="PRACTITIONER", help="the practitioner, as the observations name them")
    add.add_argument("--date", dest="when", metavar="DATE", type=date_argument, help="the day of the supervision (default: today)")
    add.add_argument("--team", default="", help="the practitioner's team (default: as their latest observation says)")
    add.add_argument("--supervisor", default="", help="who held the supervision (optional)")
    add.add_argument("--progress", metavar="N=STATUS[:COMMENT]", action="append", default=[], help="how open action N stands (repeatable)")
    add.add_argument("--action", dest="actions", metavar="TEXT", action=_NewAction, default=[], help="a new action agreed (repeatable)")
    add.add_argument(
        "--owner", dest="actions", metavar="NAME", action=_NewActionPart, help="who does the --action before it (default: the practitioner)"
    )
    add.add_argument(
        "--review",
        dest="actions",
        metavar="DATE",
        action=_NewActionPart,
        type=date_argument,
        help="when the --action just before is reviewed (DD/MM/YYYY or YYYY-MM-DD; not before the supervision)",
    )
    add.add_argument("--reflection", default="", help="one line of reflection")
    add.set_defaults(func=run_add)
    reads(add, "store")
    lst = sub.add_parser(
        "list",
        parents=parents,
        help="list the supervision notes (or one practitioner's open actions)",
        description=(
            "List the store's supervision notes, or with --open PRACTITIONER the actions open for them, numbered for 'add --progress'."
        ),
    )
    lst.add_argument("--practitioner", metavar="NAME", help="only this practitioner's notes")
    lst.add_argument("--open", dest="open_for", metavar="NAME", help="list this practitioner's open actions instead, numbered")
    lst.add_argument(
        "--date",
        dest="when",
        metavar="DATE",
        type=date_argument,
        help="with --open: the actions open on this day (default: today), numbered as 'add --date DATE --progress' takes them",
    )
    lst.add_argument("--json", action="store_true", help='print one JSON object: {"notes": [...], "problems": [...], "store": DIR}')
    lst.set_defaults(func=run_list)
    reads(lst, "store")


class _NewAction(argparse.Action):
    """``--action TEXT``: a new action, to which the ``--owner`` and ``--review`` after it belong."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option: str | None = None) -> None:
        actions = [*(getattr(namespace, self.dest, None) or [])]
        actions.append({"text": str(values)})
        setattr(namespace, self.dest, actions)


class _NewActionPart(argparse.Action):
    """``--owner NAME`` or ``--review DATE``: for the ``--action`` given just before."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object, option: str | None = None) -> None:
        actions = getattr(namespace, self.dest, None) or []
        if not actions:
            parser.error(f"{option} goes after the --action it is for")
        part = "owner" if option == "--owner" else "review_date"
        if part in actions[-1]:
            parser.error(f"{option} is given twice for one --action")
        actions[-1][part] = values


def _progress(text: str) -> tuple[int, str, str] | None:
    number, _, rest = text.partition("=")
    status, _, comment = rest.partition(":")
    if not number.strip().isdigit() or status.strip() not in ("done", "ongoing", "dropped"):
        return None
    return int(number), status.strip(), comment.strip()


def run_add(args: argparse.Namespace) -> int:
    """Record one note; print its id (and a warning for text that looks like personal data)."""
    from pydantic import ValidationError

    from seeds_tui.core.errors import SeedsError
    from seeds_tui.core.models import problems_from_validation
    from seeds_tui.core.observation import Action
    from seeds_tui.core.privacy import ADVICE
    from seeds_tui.core.supervision import Progress, new_note, suspect_texts
    from seeds_tui.storage.supervision import add_note

    if not args.practitioner.strip():
        err("seeds-tui supervision add: PRACTITIONER is empty; give the practitioner's name")
        return USAGE
    wanted = []
    for text in args.progress:
        parsed = _progress(text)
        if parsed is None:
            err("seeds-tui supervision add: --progress is N=STATUS[:COMMENT], STATUS one of done, ongoing, dropped")
            return USAGE
        wanted.append(parsed)
    when = args.when or date.today()
    if any(a.get("review_date") is not None and a["review_date"] < when for a in args.actions):
        err("seeds-tui supervision add: --review is before the supervision's --date; give a later date")
        return USAGE
    store = store_from(args)
    still_open, team = _open_and_team(store, args.practitioner, when)
    progress = []
    for number, status, comment in wanted:
        if not 1 <= number <= len(still_open):
            err(
                f"seeds-tui supervision add: there is no open action {number} "
                f"({len(still_open)} open; see 'seeds-tui supervision list --open PRACTITIONER')"
            )
            return PROBLEMS
        carried = still_open[number - 1].action
        progress.append(Progress.model_validate(carried.model_dump() | {"status": status, "comment": comment}))
    try:
        note = new_note(
            when=when,
            practitioner=args.practitioner,
            team=args.team or team,
            supervisor=args.supervisor,
            progress=progress,
            actions=[
                Action(text=a["text"].strip(), owner=str(a.get("owner", args.practitioner)).strip(), review_date=a.get("review_date"))
                for a in args.actions
                if a["text"].strip()
            ],
            reflection=args.reflection,
        )
        add_note(store, note)
    except ValidationError as exc:
        for problem in problems_from_validation(exc, None, None):
            err(f"seeds-tui supervision add: {problem.field}: {problem.message}" if problem.field else problem.message)
        return PROBLEMS
    except SeedsError as exc:
        err(f"seeds-tui supervision add: {exc}")
        return PROBLEMS
    for where, found in suspect_texts(note):
        err(f"warning: {where}: {ADVICE} ({'; '.join(found)})")
    if not _known(store, note.practitioner):
        err("warning: no observation or earlier supervision note names this practitioner; check the spelling of the name")
    print(f"recorded {note.id} ({note.date.isoformat()}: {len(note.progress)} reviewed, {len(note.actions)} new)")
    return OK


def _known(store: Store, practitioner: str) -> bool:
    """Whether an observation, or a supervision note besides the one just kept, names the practitioner."""
    from seeds_tui.core.actions import same_person
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.storage.supervision import notes_for

    try:
        names = store.known_names()["practitioner"]
    except SeedsError:
        names = []
    return any(same_person(n, practitioner) for n in names) or len(notes_for(store, practitioner)[0]) > 1


def _open_and_team(store: Store, practitioner: str, when: date) -> tuple[list[OpenAction], str]:
    """The practitioner's actions open on ``when``, and their team as their latest observation names it."""
    from seeds_tui.core.actions import open_actions
    from seeds_tui.storage.carried import earlier_observations, supervision_notes

    earlier, _ = earlier_observations(store, practitioner)
    notes = supervision_notes(store, practitioner)
    found = open_actions(earlier, practitioner, before=when, notes=notes)
    latest = max(earlier, key=lambda o: o.session.date, default=None)
    return found, latest.session.team if latest is not None else ""


def run_list(args: argparse.Namespace) -> int:
    """Print the notes (or open actions); exit 1 if a file in the register is not valid (each reported)."""
    from seeds_tui.core.dates import uk_date
    from seeds_tui.storage.supervision import list_notes, notes_for

    store = store_from(args)
    if not store.root.is_dir():
        err(f"seeds-tui supervision list: no store at {store.root}; give the store folder with --store DIR (or SEEDS_STORE)")
        return PROBLEMS
    if args.when is not None and not args.open_for:
        err("seeds-tui supervision list: --date goes with --open NAME (the actions open on that day)")
        return USAGE
    if args.open_for:
        found, _ = _open_and_team(store, args.open_for, args.when or date.today())
        if args.json:
            rows = [
                {"n": n, "text": o.action.text, "agreed": o.action.agreed.isoformat() if o.action.agreed else None,
                 "status": o.last_status, "reviewed_in": o.last_where}
                for n, o in enumerate(found, 1)
            ]  # fmt: skip
            print_json({"open": rows, "store": str(store.root)})
        elif not found:
            print("no open actions for this practitioner")
        for n, o in enumerate(found if not args.json else [], 1):
            agreed = f"agreed {uk_date(o.action.agreed)}" if o.action.agreed else ""
            where = "in supervision on" if o.last_where == "supervision" else "at the observation of"
            last = f"; {o.last_status} {where} {uk_date(o.last_reviewed)}" if o.last_status and o.last_reviewed else ""
            print(f"{n}. {o.action.text}  ({agreed}{last})")
        return OK
    notes, problems = notes_for(store, args.practitioner) if args.practitioner else list_notes(store)
    if args.json:
        notes_rows: list[dict[str, object]] = [
            {"id": n.id, "date": n.date.isoformat(), "practitioner": n.practitioner, "team": n.team,
             "progress": [{"text": p.text, "status": p.status, "comment": p.comment} for p in n.progress],
             "actions": [a.text for a in n.actions], "reflection": n.reflection}
            for n in notes
        ]  # fmt: skip
        print_json({"notes": notes_rows, "problems": [str(p) for p in problems], "store": str(store.root)})
    elif not notes:
        print("no supervision notes; record one with seeds-tui supervision add PRACTITIONER")
    else:
        for note in notes:
            statuses = ", ".join(f"{p.status}" for p in note.progress) or "no actions reviewed"
            print(f"{note.id}  {note.date.isoformat()}  {note.practitioner}  ({statuses}; {len(note.actions)} new)")
    for problem in problems:
        err(f"warning: {problem}")
    return PROBLEMS if problems else OK
