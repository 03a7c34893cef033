"""``seeds-tui import SRC... --store DIR``: validate observation files and copy the valid ones into a store."""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from seeds_tui.cli.common import OK, PROBLEMS, USAGE, UsageError, check_output, err, print_json, progress, registry_from, store_from

if TYPE_CHECKING:
    from seeds_tui.storage.importer import ImportResult, Source

#: Row fields, in report column order.
REPORT_FIELDS = ("source", "id", "outcome", "message", "path")


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``import`` command."""
    parser = sub.add_parser(
        "import",
        parents=parents,
        help="bring observation files (files, folders, zips) into a store",
        description=(
            "Validate each observation file against the rubric it names and copy the valid ones into the store, "
            "atomically and without ever overwriting. Folders are searched recursively; zips are read in place. "
            "A file already in the store with the same content is skipped; one with the same id but different content "
            "is a conflict: the store keeps its file and the incoming one is kept in STORE/conflicts/. Temp, hidden "
            "and non-.toml files are ignored. Importing the same files twice changes nothing."
        ),
        epilog="Exit codes: 0 everything imported or skipped, 1 some file was invalid or conflicting, 2 usage error.",
    )
    parser.add_argument("sources", nargs="+", metavar="SRC", help="observation files, folders or .zip archives")
    parser.add_argument("-n", "--dry-run", action="store_true", help="show what would happen; write nothing")
    parser.add_argument("--report", metavar="FILE", help="also write one row per file to FILE (.csv or .json)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (counts and rows) on stdout and nothing else")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every file, not only the invalid and conflicting ones")
    parser.set_defaults(func=run)


def report_text(rows: list[dict], fmt: str) -> str:
    """The report as CSV or JSON text."""
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in REPORT_FIELDS})
    return out.getvalue()


def run(args: argparse.Namespace) -> int:
    """Import the sources; print a summary (or JSON); exit 1 if anything was invalid or conflicting."""
    from seeds_tui.storage.atomic import write_atomic
    from seeds_tui.storage.importer import import_files

    if args.json and args.verbose:
        raise UsageError("--verbose does nothing with --json, which already lists every file; leave --verbose out")
    report_format = None
    if args.report:
        suffix = Path(args.report).suffix.lower()
        if suffix not in (".csv", ".json"):
            err("seeds-tui import: --report FILE must end in .csv or .json")
            return USAGE
        report_format = suffix[1:]
        if not Path(args.report).parent.is_dir():
            err(f"seeds-tui import: the folder for --report ({Path(args.report).parent}) does not exist")
            return USAGE
    store = store_from(args)
    if args.report:
        check_output(Path(args.report), stores=[store.root], inputs=[Path(s) for s in args.sources], option="--report")
    missing = [s for s in args.sources if not Path(s).exists()]
    if missing:
        from seeds_tui.storage.importer import ImportResult, ImportRow, display

        for source in missing:
            err(f"seeds-tui import: {display(source)}: no such file or folder (nothing was imported)")
        rows = [ImportRow(display(s), "invalid", message="no such file or folder (nothing was imported)") for s in missing]
        result = ImportResult(rows=rows, dry_run=args.dry_run)
    else:
        registry = registry_from(args)

        def bar(items: list[Source]) -> Iterable[Source]:
            return progress(items, total=len(items), label="importing", enabled=False if args.json else None)

        result = import_files(args.sources, store, registry, dry_run=args.dry_run, progress=bar)
    if report_format:
        write_atomic(Path(args.report), report_text(result.to_dict()["rows"], report_format).encode("utf-8"))
    return _print_result(args, result, store.root)


def _print_result(args: argparse.Namespace, result: ImportResult, root: Path) -> int:
    """Print the outcome (one JSON object with ``--json``); the exit code."""
    if args.json:
        print_json({**result.to_dict(), "store": str(root)})
    else:
        for row in result.rows:
            if args.verbose or row.outcome in ("invalid", "conflict"):
                ident = f" [{row.id}]" if row.id else ""
                print(f"{row.outcome:<8} {row.source}{ident}: {row.message}" if row.message else f"{row.outcome:<8} {row.source}{ident}")
        print(result.summary())
    return OK if result.ok else PROBLEMS
