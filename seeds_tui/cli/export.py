"""``seeds-tui export --store DIR --format csv|jsonl|parquet [-o PATH]``: tables other tools can read."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from seeds_tui.cli.common import OK, PROBLEMS, USAGE, check_output, date_argument, err, registry_from, store_from, unknown_teams_message


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``export`` command."""
    parser = sub.add_parser(
        "export",
        parents=parents,
        help="export item scores or one row per observation (CSV, JSON Lines, Parquet)",
        description=(
            "Export the store's final observations as a table for spreadsheets, databases and data warehouses. "
            "--table items (default): one row per scored item per observation, with fixed columns. "
            "--table observations: one row per observation with metadata, section.<id>.percent, global.<id> and "
            "counter.<id> columns named by rubric ids. --table selfratings: one row per item a practitioner rated in a "
            "self-rating, beside the observer's score (self_value/self_code, observer_value/observer_code, difference). "
            "Parquet writes a folder partitioned by rubric_id and quarter "
            "(hive style) that DuckDB, Polars and Spark read directly. Files are written atomically and owner-only."
        ),
        epilog="Exit codes: 0 exported, 1 the store or options had problems or nothing matched, 2 usage error. See docs/scripting.md.",
    )
    parser.add_argument("--format", choices=("csv", "jsonl", "parquet"), default="csv", help="file format (default csv)")
    parser.add_argument("--table", choices=("items", "observations", "selfratings"), default="items", help="which table (default items)")
    parser.add_argument("-o", "--output", metavar="PATH", help="file to write (a folder for parquet); default: stdout for csv and jsonl")
    parser.add_argument("--rubric", metavar="ID", help="only observations scored against this rubric id")
    parser.add_argument(
        "--team", metavar="TEAM", nargs="+", action="extend", default=[],
        help="only these teams: --team A B or --team A --team B",
    )  # fmt: skip
    parser.add_argument(
        "--from", dest="date_from", metavar="DATE", type=date_argument, help="only sessions on or after DATE (DD/MM/YYYY or YYYY-MM-DD)"
    )
    parser.add_argument(
        "--to", dest="date_to", metavar="DATE", type=date_argument, help="only sessions on or before DATE (DD/MM/YYYY or YYYY-MM-DD)"
    )
    parser.add_argument("--include-drafts", action="store_true", help="include drafts (a final wins over a draft of the same id)")
    parser.add_argument(
        "--pseudonymise", "--pseudonymize", action="store_true",
        help="replace practitioner and observer names by stable keyed labels (P-..., O-...)",
    )  # fmt: skip
    parser.add_argument(
        "--key-file", metavar="FILE",
        help="the secret key for --pseudonymise (created owner-only if missing; default: the store's own key, "
             "the one seeds-tui summary uses). Keep it out of the export.",
    )  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the table and write it; warnings about left-out files go to stderr."""
    from seeds_tui.team.export import Filters, build, pseudonymise, read_key_file, write

    if args.format == "parquet" and not args.output:
        err("seeds-tui export: --format parquet writes a folder; give it with -o DIR")
        return USAGE
    if args.key_file and not args.pseudonymise:
        err("seeds-tui export: --key-file is used only with --pseudonymise")
        return USAGE
    if args.date_from and args.date_to and args.date_from > args.date_to:
        err("seeds-tui export: --from is after --to")
        return USAGE
    store = store_from(args)
    output = check_output(Path(args.output), stores=[store.root]).expanduser() if args.output else None
    registry = registry_from(args)
    filters = Filters(
        rubric_id=args.rubric, teams=tuple(args.team), date_from=args.date_from, date_to=args.date_to, include_drafts=args.include_drafts
    )
    export = build(store, registry, args.table, filters)
    if args.pseudonymise:
        if args.key_file:
            key = read_key_file(Path(args.key_file).expanduser())
        else:
            from seeds_tui.team.pseudonyms import pseudonym_key

            key = pseudonym_key(store)
        export.frame = pseudonymise(export.frame, key)
    if export.unmatched_teams:
        # As in ``seeds-tui summary``: the same words, and when no name matched, nothing else to say (exit 1).
        err(f"seeds-tui export: {unknown_teams_message(export.unmatched_teams, export.known_teams, store.root)}")
        if len(export.unmatched_teams) == len(set(args.team)) and not len(export.frame):
            return PROBLEMS
    for problem in export.problems:
        err(f"warning: {problem}")
    if not len(export.frame):
        # As in ``seeds-tui summary``: nothing matching is a problem (exit 1), and nothing is written.
        what = "observations" if args.include_drafts else "final observations"
        err(f"seeds-tui export: no {what} in {store.root} match the rubric, teams and dates asked for")
        return PROBLEMS
    written = write(export, args.format, output)
    if isinstance(written, bytes):
        sys.stdout.buffer.write(written)
        sys.stdout.flush()
    if not args.quiet:
        n = len(export.frame)
        where = "stdout" if output is None else str(output)
        extra = f" in {len(written)} file(s)" if args.format == "parquet" else ""
        err(f"exported {n} row(s) of the {args.table} table as {args.format} to {where}{extra}")
    return OK
