"""``seeds-tui validate PATH...``: check observation files (and folders, recursively) against their rubrics."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

from seeds_tui.cli.common import OK, PROBLEMS, USAGE, err, progress, registry_from


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` command."""
    parser = sub.add_parser(
        "validate", parents=parents, help="validate observation files or folders",
        description="Validate observation files against the rubric each one names. Folders are searched recursively "
                    "for *.toml files (hidden and temp files are skipped). One line per problem: FILE:LINE: message. "
                    "Exit 0 when all are valid, 1 otherwise.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="observation files or folders")
    parser.add_argument("--json", action="store_true", help="print one JSON object (counts and problems) instead of lines")
    parser.add_argument("-q", "--quiet", action="store_true", help="print problems only, no summary line")
    parser.set_defaults(func=run)


def observation_files(paths: list[Path]) -> Iterator[Path]:
    """Files named directly, and every non-hidden *.toml below the folders named."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*.toml")):
                if not any(part.startswith(".") for part in found.relative_to(path).parts) and found.is_file():
                    yield found
        else:
            yield path


def validate_file(path: Path, registry) -> list:
    """Every problem with one observation file (empty when it is valid)."""
    from seeds_tui.errors import ObservationError, Problem, RubricNotFound
    from seeds_tui.observation import check_against_rubric, read_observation

    try:
        obs, text = read_observation(path)
    except ObservationError as exc:
        return exc.problems
    try:
        loaded = registry.get(obs.rubric.id, obs.rubric.version)
    except RubricNotFound as exc:
        return [Problem(path, str(exc), field="rubric")]
    problems = check_against_rubric(obs, loaded.rubric, path=path, text=text)
    if loaded.sha256 != obs.rubric.sha256 and not problems:
        # Same id and version but other bytes: the rubric file was edited. Worth knowing, not fatal.
        err(f"{path}: warning: rubric {obs.rubric.id} {obs.rubric.version} differs from the file it was scored with (sha256)")
    return problems


def run(args: argparse.Namespace) -> int:
    """Validate every file; print problems; exit 1 if any file is invalid."""
    paths = [Path(p) for p in args.paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        for p in missing:
            err(f"{p}: no such file or folder")
        return USAGE
    registry = registry_from(args)
    files = list(observation_files(paths))
    results = []
    for path in progress(files, total=len(files), label="validating", enabled=None if not args.json else False):
        results.append((path, validate_file(path, registry)))
    invalid = [(p, probs) for p, probs in results if probs]
    if args.json:
        print(json.dumps({
            "files": len(results),
            "valid": len(results) - len(invalid),
            "invalid": len(invalid),
            "problems": [
                {"file": str(p.path), "line": p.line, "field": p.field, "message": p.message}
                for _, probs in invalid for p in probs
            ],
        }, indent=2))
    else:
        for _, probs in invalid:
            for problem in probs:
                print(problem)
        if not args.quiet:
            print(f"{len(results)} file(s) checked: {len(results) - len(invalid)} valid, {len(invalid)} invalid")
    return PROBLEMS if invalid else OK
