"""``seeds-tui rubric list | check FILE...``: the rubrics seeds-tui knows, and checking rubric files."""

from __future__ import annotations

import argparse
from pathlib import Path

from seeds_tui.cli.common import OK, PROBLEMS, err, reads, registry_from


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``rubric`` command."""
    parser = sub.add_parser(
        "rubric",
        parents=parents,
        help="list known rubrics or check rubric files",
        description="List the rubrics seeds-tui can find, or check rubric files.",
    )
    actions = parser.add_subparsers(dest="rubric_command", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        parents=parents,
        help="id, version, title and file of every known rubric",
        description="List every rubric in the bundled folder, $SEEDS_RUBRICS and --rubrics folders.",
    )
    listing.set_defaults(func=run_list)
    reads(listing, "rubrics")
    check = actions.add_parser(
        "check",
        parents=parents,
        help="validate rubric files (exit 1 if any is bad)",
        description="Check rubric files. Each problem is printed as FILE:LINE: message "
        "(or FILE: field.path: message). Exit 0 if all are good, 1 otherwise. Items filed under the shared "
        "composites relationship or structuring that read as the other kind are warned about on stderr "
        "(exit 0).",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="rubric TOML files")
    check.set_defaults(func=run_check)
    reads(check, "rubrics")


def run_list(args: argparse.Namespace) -> int:
    """Print a table of known rubrics; report broken rubric files on stderr."""
    registry = registry_from(args)
    rows = [("ID", "VERSION", "TITLE", "FILE")]
    for loaded in sorted(registry, key=lambda r: (r.rubric.id, r.rubric.version)):
        rows.append((loaded.rubric.id, loaded.rubric.version, loaded.rubric.title, str(loaded.path)))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
    for broken in registry.errors:
        err(f"skipped a broken rubric file:\n{broken}")
    for group in registry.conflicting_copies():
        first, *others = group
        err(
            f"warning: {first.rubric.id} {first.rubric.version} is in {len(group)} files with different content; "
            f"{first.path} is used, not {', '.join(str(o.path) for o in others)}. Give changed rubrics a new version."
        )
    from seeds_tui.core.versions import check_registry

    for problem in check_registry(registry):
        err(f"warning: {problem}")
    return OK


def run_check(args: argparse.Namespace) -> int:
    """Check each file (and each new version against the older versions known); exit 1 if any is bad."""
    from seeds_tui.core.errors import Problem, RubricError
    from seeds_tui.core.groups import group_warnings
    from seeds_tui.core.rubric import LoadedRubric, load_rubric_file
    from seeds_tui.core.tomlio import find_line, line_index
    from seeds_tui.core.versions import check_registry

    problems: dict[Path, list[Problem]] = {}
    good: list[LoadedRubric] = []
    for name in args.files:
        path = Path(name)
        try:
            good.append(load_rubric_file(path))
            problems[path] = []
        except RubricError as exc:
            problems[path] = exc.problems
    # A new version must declare the items it renames or removes (against every other known version).
    checked = {loaded.path.resolve(): loaded.path for loaded in good}
    seen = {(r.rubric.id, r.rubric.version) for r in good}
    # Older versions are looked for in the known folders and beside each file checked.
    beside = sorted({loaded.path.parent for loaded in good})
    known = registry_from(args, extra=beside)
    pool = good + [r for r in known if r.path.resolve() not in checked and (r.rubric.id, r.rubric.version) not in seen]
    for problem in check_registry(pool):
        resolved = Path(problem.path).resolve() if problem.path is not None else None
        if resolved in checked:
            problems[checked[resolved]].append(problem)
    for loaded in good:
        if not problems[loaded.path]:
            r = loaded.rubric
            items = sum(len(s.items) for s in r.sections)
            print(
                f"{loaded.path}: ok ({r.id} {r.version}: {len(r.sections)} sections, {items} items, "
                f"{len(r.globals)} globals, {len(r.counters)} counters)"
            )
    for loaded in good:
        # A hint, not a problem: the shared composite names should mean one thing in every rubric.
        found = group_warnings(loaded.rubric)
        index = line_index(loaded.path.read_text(encoding="utf-8")) if found else {}
        for warning in found:
            loc = [int(p) if p.isdigit() else p for p in warning.field.split(".")]
            err(f"warning: {Problem(loaded.path, str(warning), line=find_line(index, loc), field=warning.field)}")
    bad = [path for path, found in problems.items() if found]
    for path in bad:
        for problem in problems[path]:
            print(problem)
    if bad:
        err(f"{len(bad)} of {len(args.files)} rubric file(s) have problems")
    return PROBLEMS if bad else OK
