"""``seeds-tui validate PATH...``: check observation files, folders and zips against their rubrics."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from seeds_tui.cli.common import OK, PROBLEMS, err, print_json, progress, reads, registry_from

if TYPE_CHECKING:
    from seeds_tui.core.errors import Problem
    from seeds_tui.core.rubric import RubricRegistry
    from seeds_tui.storage.importer import Source, ZipReader


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:
    """Add the ``validate`` command."""
    parser = sub.add_parser(
        "validate",
        parents=parents,
        help="validate observation files, folders or zips",
        description="Validate observation files against the rubric each one names. Folders are searched recursively "
        "and zips are read in place, exactly as `seeds-tui import` finds files (hidden and temp files "
        "are skipped). One line per problem: FILE:LINE: message. Exit 0 when all are valid, 1 otherwise "
        "(a path that does not exist is a problem too).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="observation files, folders or zips")
    parser.add_argument("--json", action="store_true", help="print one JSON object (counts and problems) instead of lines")
    parser.add_argument("-q", "--quiet", action="store_true", help="print problems only, no summary line")
    parser.set_defaults(func=run)
    reads(parser, "rubrics", hint="to check a store, name its folder as a PATH")


def validate_source(
    source: Source, registry: RubricRegistry, zips: ZipReader, ids: dict[str, list[tuple[bool, str]]] | None = None
) -> list[Problem]:
    """Every problem with one observation file or zip member (empty when it is valid).

    ``ids`` collects, per observation id, which files hold it (and whether each is named by it),
    for ``duplicate_problems`` once every file is read.
    """
    from seeds_tui.core.errors import ObservationError, Problem, RubricNotFound
    from seeds_tui.core.observation import OBSERVATION_MAX_BYTES, check_against_rubric, parse_observation
    from seeds_tui.core.tomlio import decode_text, parse_toml, read_bytes

    where = Path(source.label)
    try:
        raw = (
            zips.read(source)
            if source.member is not None
            else read_bytes(source.path, max_bytes=OBSERVATION_MAX_BYTES, error=ObservationError)
        )
        text = decode_text(raw, where, ObservationError)
        if text.lstrip().startswith('schema = "seeds-event/'):  # a training event of the register
            from seeds_tui.core.events import EventError, parse_event

            try:
                parse_event(raw, where)
            except EventError as exc:
                return exc.problems
            return []
        if text.lstrip().startswith('schema = "seeds-supervision/'):  # a supervision note of the register
            return _note_problems(raw, where)
        if text.lstrip().startswith('schema = "seeds-selfrating/'):  # a practitioner's self-rating
            return _selfrating_problems(raw, where, text, registry)
        if text.lstrip().startswith('schema = "seeds-response/'):  # a questionnaire response of the register
            from seeds_tui.storage.responses import validate_response

            return validate_response(raw, where, source.path if source.member is None else None)
        obs = parse_observation(parse_toml(text, where, ObservationError), path=where, text=text)
    except ObservationError as exc:
        return exc.problems
    named = _name_problems(source, where, obs.id, ids)
    try:
        loaded = registry.get(obs.rubric.id, obs.rubric.version)
    except RubricNotFound as exc:
        return [*named, Problem(where, str(exc))]
    problems = named + check_against_rubric(obs, loaded.rubric, path=where, text=text)
    if loaded.sha256 != obs.rubric.sha256 and not problems:
        # Same id and version but other bytes: the rubric file was edited. Worth knowing, not fatal.
        err(f"{where}: warning: rubric {obs.rubric.id} {obs.rubric.version} differs from the file it was scored with (sha256)")
    return problems


def _note_problems(raw: bytes, where: Path) -> list[Problem]:
    """Every problem with a supervision note (empty when it is valid); a note in a store's folder must be named by its id."""
    from seeds_tui.core.errors import Problem
    from seeds_tui.core.supervision import SUPERVISION_MAX_BYTES, SupervisionError, parse_note

    if len(raw) > SUPERVISION_MAX_BYTES:
        return [Problem(where, f"is larger than {SUPERVISION_MAX_BYTES // 1024} KiB; a supervision note is a few lines")]
    try:
        note = parse_note(raw, where)
    except SupervisionError as exc:
        return exc.problems
    if where.parent.name == "supervision" and where.name != f"{note.id}.toml":
        return [Problem(where, f"the file is named after another id; rename it to {note.id}.toml", field="id")]
    return []


def _selfrating_problems(raw: bytes, where: Path, text: str, registry: RubricRegistry) -> list[Problem]:
    """Every problem with a self-rating file: its format, then its rubric's items and scales."""
    from seeds_tui.core.errors import Problem, RubricNotFound
    from seeds_tui.core.selfrating import SelfRatingError, check_selfrating, parse_selfrating

    try:
        record = parse_selfrating(raw, where)
    except SelfRatingError as exc:
        return exc.problems
    try:
        loaded = registry.get(record.rubric.id, record.rubric.version)
    except RubricNotFound as exc:
        return [Problem(where, str(exc))]
    return check_selfrating(record, loaded.rubric, path=where, text=text)


#: Folders of a store whose files must be named ``<id>.toml``.
_NAMED_BY_ID = ("observations", "drafts", "consensus")


def _name_problems(source: Source, where: Path, obs_id: str, ids: dict[str, list[tuple[bool, str]]] | None) -> list[Problem]:
    """A store file not named by its id, or a file named by another observation's id; records the id."""
    from seeds_tui.core.errors import Problem
    from seeds_tui.storage.store import file_name_problem, looks_like_id

    problems: list[Problem] = []
    name = Path(source.member.filename if source.member is not None else source.path).name
    in_store = source.member is None and source.path.parent.name in _NAMED_BY_ID and (source.path.parent.parent / "observations").is_dir()
    stem = name.removesuffix(".toml")
    if (in_store or looks_like_id(stem)) and stem != obs_id:
        problem = file_name_problem(Path(name), obs_id)
        if problem is not None:
            problems.append(Problem(where, problem.message, field=problem.field))
    if ids is not None:
        # A draft left beside its final (a finalise cut short) is one observation, not a copy.
        kind = "draft" if source.member is None and source.path.parent.name == "drafts" else "other"
        ids.setdefault(f"{kind}:{obs_id}", []).append((stem == obs_id, source.label))
    return problems


def duplicate_problems(ids: dict[str, list[tuple[bool, str]]]) -> list[tuple[str, Problem]]:
    """One problem for each file whose id another file has too; the file named by the id is the original."""
    from seeds_tui.core.errors import Problem

    out: list[tuple[str, Problem]] = []
    for holders in ids.values():
        if len(holders) < 2:
            continue
        ordered = sorted(holders, key=lambda h: (not h[0], h[1]))  # the file named ID.toml first
        first = ordered[0][1]
        for _, label in ordered[1:]:
            message = f"the same observation id as {first}: a copy of it (a sync tool's conflicted copy?); keep one of the two"
            out.append((label, Problem(Path(label), message, field="id")))
    return out


def run(args: argparse.Namespace) -> int:
    """Validate every file; print problems; exit 1 if any file is invalid or a path is missing."""
    from seeds_tui.core.errors import Problem
    from seeds_tui.storage.importer import ZipReader, display, find_sources, vanished

    registry = registry_from(args)
    sources, listed = find_sources(args.paths)
    # Paths that do not exist, unreadable zips, unsafe zip entries: problems found while listing.
    named = {display(str(Path(p))) for p in args.paths}
    results: list[tuple[str, list[Problem]]] = [
        (row.source, [Problem(Path(row.source), row.message or "invalid")])
        for row in listed
        if row.outcome == "invalid" or (row.outcome == "ignored" and row.source in named)
    ]
    ids: dict[str, list[tuple[bool, str]]] = {}
    with contextlib.ExitStack() as stack:
        zips = ZipReader(stack)
        for source in progress(sources, total=len(sources), label="validating", enabled=None if not args.json else False):
            problems = validate_source(source, registry, zips, ids)
            if problems and vanished(source):
                continue  # found in a folder, gone before it was read: a store in use (a draft finalised meanwhile)
            results.append((source.label, problems))
    by_label = {label: probs for label, probs in results}
    for label, problem in duplicate_problems(ids):
        if label in by_label:
            by_label[label].append(problem)
    invalid = [(label, probs) for label, probs in results if probs]
    if args.json:
        print_json(
            {
                "files": len(results),
                "valid": len(results) - len(invalid),
                "invalid": len(invalid),
                "problems": [
                    {"file": str(p.path), "line": p.line, "field": p.field, "message": p.message} for _, probs in invalid for p in probs
                ],
            }
        )
    else:
        for _, probs in invalid:
            for problem in probs:
                print(problem)
        if not args.quiet:
            print(f"{len(results)} file(s) checked: {len(results) - len(invalid)} valid, {len(invalid)} invalid")
    return PROBLEMS if invalid else OK
