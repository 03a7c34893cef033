"""``seeds-tui voice import|export|check``: the questionnaire answered by people on probation.

Team figures of the answers are ``seeds-tui summary --by voice``. Exit codes: 0 done, 1 problems
(each reported: file, field, what to do), 2 usage.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from seeds_tui.cli.common import OK, PROBLEMS, USAGE, check_output, err, print_json, reads, store_from


def register(subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``voice`` command and its subcommands."""
    p = subparsers.add_parser(
        "voice",
        parents=parents,
        help="questionnaire answers from people on probation: import, export, check a questionnaire",
        description=(
            "The anonymous questionnaire people on probation answer about their meetings (no name, no case reference, "
            "no date finer than the month). Each response is a file STORE/responses/ID.toml (format seeds-response/1); "
            "questionnaires are seeds-questionnaire/1 files, shipped or in STORE/questionnaires/. "
            "Team figures: seeds-tui summary --by voice."
        ),
        epilog="Exit codes: 0 done, 1 problems (each reported), 2 usage error.",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = sub.add_parser(
        "import",
        parents=parents,
        help="import response files (.toml) or a CSV of answers (.csv)",
        description=(
            "Import response files (seeds-response/1) or CSV files with the columns questionnaire, version, month, "
            "team, practitioner, comment and one per statement id (1 to 5, prefer-not-to-say, or empty). Every answer "
            "is checked against its questionnaire; a name, case reference or date column is refused. A comment that may "
            "hold personal data is kept flagged and never shown. Nothing is ever overwritten."
        ),
    )
    imp.add_argument("sources", nargs="+", metavar="FILE", help="response .toml files or .csv files of answers")
    imp.add_argument("-n", "--dry-run", action="store_true", help="check and say what would be imported; write nothing")
    imp.add_argument("--json", action="store_true", help="print one JSON object (rows and problems)")
    imp.set_defaults(func=run_import)
    reads(imp, "store")
    exp = sub.add_parser(
        "export",
        parents=parents,
        help="export the answers (one row per response: month, team, answers)",
        description=(
            "Export one row per response of a questionnaire: questionnaire, version, month, team and one column per "
            "statement. The practitioner and the comment are never exported (they belong to the practitioner's own record)."
        ),
    )
    exp.add_argument("--format", choices=("csv", "jsonl"), default="csv", help="file format (default csv)")
    exp.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    exp.add_argument("--questionnaire", metavar="ID", help="which questionnaire (default: the one the app asks)")
    exp.set_defaults(func=run_export)
    reads(exp, "store")
    chk = sub.add_parser(
        "check",
        parents=parents,
        help="validate questionnaire files",
        description="Validate questionnaire files (seeds-questionnaire/1): one line per problem, FILE:LINE: field: message.",
    )
    chk.add_argument("files", nargs="+", metavar="FILE", help="questionnaire .toml files")
    chk.set_defaults(func=run_check)
    reads(chk)


def run_import(args: argparse.Namespace) -> int:
    """Import; print one line per response and per problem; exit 1 if anything was refused."""
    from seeds_tui.storage.responses import import_responses

    missing = [s for s in args.sources if not Path(s).is_file()]
    if missing:
        for source in missing:
            err(f"seeds-tui voice import: {source}: no such file (nothing was imported)")
        return PROBLEMS
    store = store_from(args)
    rows, problems = import_responses(store, [Path(s) for s in args.sources], dry_run=args.dry_run)
    if args.json:
        print_json(
            {
                "rows": [{"source": s, "outcome": o, "message": m} for s, o, m in rows],
                "problems": [{"file": str(p.path), "line": p.line, "field": p.field, "message": p.message} for p in problems],
                "dry_run": args.dry_run,
                "store": str(store.root),
            }
        )
    else:
        for source, outcome, message in rows:
            if outcome != "imported":
                print(f"{outcome:<8} {source}" + (f": {message}" if message else ""))
        for problem in problems:
            print(f"invalid  {problem}")
        done = sum(1 for _, o, _ in rows if o in ("imported", "flagged"))
        verb = "would import" if args.dry_run else "imported"
        print(f"{verb} {done} response(s); {sum(1 for _, o, _ in rows if o == 'skipped')} already kept; {len(problems)} problem(s)")
    return PROBLEMS if problems else OK


def run_export(args: argparse.Namespace) -> int:
    """Write the answers as CSV or JSON Lines."""
    from seeds_tui.storage.responses import export_rows, list_responses, questionnaires

    store = store_from(args)
    if not store.root.is_dir():
        err(f"seeds-tui voice export: no store at {store.root}; give the store folder with --store DIR (or SEEDS_STORE)")
        return PROBLEMS
    known = questionnaires(store)
    wanted = known.current()
    if args.questionnaire:
        versions = [q for q, _ in known.found if q.id == args.questionnaire]
        wanted = versions[-1] if versions else None
    if wanted is None:
        err("seeds-tui voice export: no such questionnaire; see docs/file-format.md, 'Questionnaires'")
        return USAGE
    responses, problems = list_responses(store)
    rows = export_rows(responses, wanted)
    for problem in problems:
        err(f"warning: {problem}")
    if args.format == "jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    else:
        out = io.StringIO()
        writer = csv.DictWriter(
            out, fieldnames=["id", "questionnaire", "version", "month", "team", *[s.id for s in wanted.statements]], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
        text = out.getvalue()
    if args.output:
        from seeds_tui.storage.atomic import write_atomic

        target = check_output(Path(args.output), stores=[store.root])
        write_atomic(target, text.encode("utf-8"))
        err(f"exported {len(rows)} response(s) to {target}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return OK


def run_check(args: argparse.Namespace) -> int:
    """Validate questionnaire files."""
    from seeds_tui.core.questionnaire import QuestionnaireError, load_questionnaire

    bad = 0
    for name in args.files:
        try:
            q = load_questionnaire(name)
        except QuestionnaireError as exc:
            bad += 1
            for problem in exc.problems:
                print(problem)
            continue
        print(f"{name}: ok ({q.id} {q.version}, {len(q.statements)} statements)")
    return PROBLEMS if bad else OK
