"""``seeds-tui self-rate form|open``: a practitioner's self-rating made on their own machine.

The observer writes a form for one observation (``form``: the observation's id, rubric, the
practitioner's name and the sections to rate; no scores, notes or marks); the practitioner opens it
in the app on their own machine (``open``), rates, and hands the file back; the observer brings it
into their store with ``seeds-tui import FILE --store DIR``. On the observer's laptop the app does the
same without any file (F6 after the session, or ``p`` on the home screen).

Exit codes: 0 done, 1 problems (a file that is not valid, an observation not in the store), 2 usage.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from seeds_tui.cli.common import OK, PROBLEMS, USAGE, check_output, err, registry_from, store_from

if TYPE_CHECKING:
    from seeds_tui.core.observation import Observation
    from seeds_tui.storage.store import Store


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``self-rate`` command and its subcommands."""
    p = subparsers.add_parser(
        "self-rate",
        parents=parents,
        help="a practitioner's self-rating of an observed session, on their own machine",
        description=(
            "The practitioner's self-rating of an observed session on the same rubric items (format seeds-selfrating/1). "
            "'form' writes a blank self-rating of one observation for the practitioner (none of the observer's scores, notes "
            "or marks); 'open' lets the practitioner rate it in the app on their own machine, kept in their own store "
            "(STORE/selfratings/ID.toml). The observer brings the file back with 'seeds-tui import FILE --store DIR'."
        ),
        epilog="Exit codes: 0 done, 1 problems (each reported), 2 usage error.",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    form = sub.add_parser(
        "form", parents=parents, help="write a blank self-rating of one observation", description="Write a blank self-rating form."
    )
    form.add_argument("observation", metavar="OBSERVATION", help="the observation's id, or its file")
    form.add_argument("-o", "--output", metavar="FILE", required=True, help="where to write the form (.toml)")
    form.add_argument(
        "--sections", metavar="ID", nargs="+", action="extend", default=[], help="only these sections (default: every section)"
    )
    form.set_defaults(func=run_form)
    opened = sub.add_parser(
        "open", parents=parents, help="rate a form in the app", description="Rate a self-rating form in the app; kept in --store."
    )
    opened.add_argument("file", metavar="FILE", help="the self-rating form (or a self-rating to change)")
    opened.set_defaults(func=run_open)


def _observation(store: Store, key: str) -> Observation | None:
    from seeds_tui.core.observation import load_observation

    path = Path(key)
    if path.suffix == ".toml" and path.is_file():
        return load_observation(path)
    for folder in (store.final_dir, store.draft_dir):
        candidate = folder / f"{key}.toml"
        if candidate.is_file():
            return load_observation(candidate)
    return None


def run_form(args: argparse.Namespace) -> int:
    """Write the blank form; say what to do with it."""
    from seeds_tui.core.errors import SeedsError
    from seeds_tui.core.selfrating import new_selfrating
    from seeds_tui.storage.atomic import write_atomic

    store = store_from(args)
    try:
        obs = _observation(store, args.observation)
        if obs is None:
            err(f"seeds-tui self-rate form: no observation {args.observation!r} in {store.root}; give its id or its file")
            return PROBLEMS
        rubric = registry_from(args).get(obs.rubric.id, obs.rubric.version).rubric
        known = [s.id for s in rubric.sections]
        unknown = [s for s in args.sections if s not in known]
        if unknown:
            err(f"seeds-tui self-rate form: --sections: {', '.join(unknown)} not in rubric {rubric.id}; its sections: {', '.join(known)}")
            return USAGE
        chosen = [] if set(args.sections) == set(known) else [s for s in known if s in args.sections]
        record = new_selfrating(obs, sections=chosen)
        output = check_output(Path(args.output), stores=[store.root])
        write_atomic(output, record.to_toml().encode("utf-8"))
    except SeedsError as exc:
        err(f"seeds-tui self-rate form: {exc}")
        return PROBLEMS
    err(f"wrote {output}: give it to the practitioner, who rates it with: seeds-tui self-rate open {output.name}")
    return OK


def run_open(args: argparse.Namespace) -> int:
    """Open the form in the app; once rated, say where the file is and what to do with it."""
    import sys

    from seeds_tui.core.errors import SeedsError
    from seeds_tui.core.selfrating import SELFRATING_MAX_BYTES, SelfRatingError, check_selfrating, parse_selfrating
    from seeds_tui.core.tomlio import read_bytes
    from seeds_tui.storage.selfratings import SELFRATINGS

    path = Path(args.file)
    try:
        raw = read_bytes(path, max_bytes=SELFRATING_MAX_BYTES, error=SelfRatingError)
        record = parse_selfrating(raw, path)
        rubric = registry_from(args).get(record.rubric.id, record.rubric.version).rubric
    except SeedsError as exc:
        err(f"seeds-tui self-rate open: {exc}")
        return PROBLEMS
    problems = check_selfrating(record, rubric, path=path, text=raw.decode("utf-8"))
    if problems:
        for problem in problems:
            err(str(problem))
        return PROBLEMS
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        err("seeds-tui self-rate open: the app needs a terminal (standard input and output are not one)")
        return USAGE
    from seeds_tui.tui.start import run_app

    store = store_from(args)
    code = run_app(store=str(store.root), rubric_dirs=getattr(args, "rubrics", None) or [], selfrating=record)
    kept = SELFRATINGS.path(store, record.id)
    if kept.is_file():
        err(f"your self-rating is kept in {kept}: give this file to your observer (seeds-tui import FILE --store DIR)")
    return code


__all__ = ["register"]
