"""The register of questionnaire responses: ``STORE/responses/<id>.toml`` (``seeds-response/1``).

A register like every other record kind but observations (``seeds_tui.storage.registers``): one
file per response, written atomically and exclusively (a new response never replaces another),
owner-only, read with the same safe TOML reader. Questionnaires are the shipped ones and a
service's own in ``STORE/questionnaires/``.

Example::

    from seeds_tui.storage.store import Store
    from seeds_tui.storage import responses
    store = Store("my-store")
    kept, problems = responses.list_responses(store)
    mine = responses.responses_for(store, "Sam Patel")   # the practitioner's own record only
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path

from seeds_tui.core.errors import Problem, SeedsError
from seeds_tui.core.observation import name_key
from seeds_tui.core.questionnaire import (
    PREFER_NOT,
    RESPONSE_ID,
    RESPONSE_MAX_BYTES,
    RESPONSE_SCHEMA,
    Questionnaire,
    Questionnaires,
    Response,
    ResponseError,
    bundled_questionnaire_dir,
    check_answers,
    flag_comment,
    new_response_id,
    parse_response,
    response_from_data,
)
from seeds_tui.storage.registers import RecordExists, Register
from seeds_tui.storage.store import Store

#: The register of responses (``STORE/responses/<id>.toml``), in month order.
RESPONSES: Register[Response] = Register(
    folder="responses",
    what="questionnaire response",
    parse=parse_response,
    error=ResponseError,
    max_bytes=RESPONSE_MAX_BYTES,
    order=lambda r: (r.month, r.id),
    hint="seeds-tui summary --by voice",
)


def questionnaires(store: Store | None = None) -> Questionnaires:
    """The shipped questionnaires, then the store's own (``STORE/questionnaires/``)."""
    folders = [bundled_questionnaire_dir()]
    if store is not None:
        folders.append(store.root / "questionnaires")
    return Questionnaires.read(*folders)


def list_responses(store: Store) -> tuple[list[Response], list[Problem]]:
    """Every valid response, by month, and the problems of files that are not valid."""
    return RESPONSES.list(store)


def responses_for(store: Store, practitioner: str) -> list[Response]:
    """The responses that name this practitioner, in date (month) order: for that practitioner's own
    development record only, never for a team view. Names match as everywhere (case and spacing ignored)."""
    key = name_key(practitioner)
    return [r for r in list_responses(store)[0] if r.practitioner and name_key(r.practitioner) == key]


def new_response(
    questionnaire: Questionnaire,
    *,
    month: str,
    team: str,
    answers: Mapping[str, int | str],
    practitioner: str | None = None,
    comment: str | None = None,
) -> Response:
    """A new response with a random id (``SeedsError`` naming the field if one is not valid).

    A comment that looks like it holds personal data is kept flagged (``comment_flagged``): it is
    never shown, not even in the practitioner's own record.
    """
    comment = (comment or "").strip() or None
    data: dict[str, object] = {
        "schema": RESPONSE_SCHEMA,
        "id": new_response_id(),
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "month": month,
        "team": team.strip(),
        "answers": dict(answers),
    }
    if practitioner and practitioner.strip():
        data["practitioner"] = practitioner.strip()
    if comment:
        data["comment"] = comment
        data["comment_flagged"] = flag_comment(comment)
    try:
        response = response_from_data(data)
    except ResponseError as exc:
        raise SeedsError("; ".join(f"{p.field}: {p.message}" if p.field else p.message for p in exc.problems)) from None
    problems = check_answers(response, questionnaire)
    if problems:
        raise SeedsError("; ".join(f"{p.field}: {p.message}" for p in problems))
    return response


def add_response(store: Store, response: Response) -> Response:
    """Keep a new response (never over another; a clash of random ids is tried again with a new id).

    The file's modification time is set to the first of its month, so not even the file system
    says when within the month it was kept (which could be matched to one session)."""
    for _ in range(5):
        try:
            kept = RESPONSES.add(store, response)
        except RecordExists:
            response = response.model_copy(update={"id": new_response_id()})
            continue
        month_only_time(RESPONSES.path(store, kept.id), kept.month)
        return kept
    raise SeedsError("could not find a free response id; try again")


def month_only_time(path: Path, month: str) -> None:
    """Set a response file's times to midnight (UTC) on the first of its month (best effort)."""
    import contextlib
    import os
    from datetime import UTC, datetime

    year, mon = (int(p) for p in month.split("-"))
    stamp = datetime(year, mon, 1, tzinfo=UTC).timestamp()
    with contextlib.suppress(OSError, NotImplementedError):
        os.utime(path, (stamp, stamp), follow_symlinks=False)


def validate_response(raw: bytes, where: Path, path: Path | None = None) -> list[Problem]:
    """Every problem of one response file (for ``seeds-tui validate``): its format, its answers against its
    questionnaire (the shipped ones and those of the store it is in), and, in a store, its file name."""
    try:
        response = parse_response(raw, where)
    except ResponseError as exc:
        return exc.problems
    problems: list[Problem] = []
    store_root = path.parent.parent if path is not None and path.parent.name == RESPONSES.folder else None
    if path is not None and store_root is not None and path.name != f"{response.id}.toml":
        problems.append(Problem(where, f"the file is named after another id; rename it to {response.id}.toml", field="id"))
    folders = [bundled_questionnaire_dir()] + ([store_root / "questionnaires"] if store_root is not None else [])
    questionnaire = Questionnaires.read(*folders).get(response.questionnaire.id, response.questionnaire.version)
    if questionnaire is None:
        problems.append(
            Problem(where, "not a known questionnaire (id and version); put its file in STORE/questionnaires/", field="questionnaire")
        )
    else:
        problems += check_answers(response, questionnaire, where)
    return problems


# -- import ----------------------------------------------------------------------------------------

#: The fixed columns of a CSV of answers (then one column per statement id). ``id`` is optional: a
#: row of ``seeds-tui voice export`` carries the response's id, so importing that file again (or
#: into the store it came from) skips what is already kept instead of counting a person twice.
CSV_COLUMNS = ("questionnaire", "version", "month", "team", "practitioner", "comment")


def import_responses(store: Store, paths: list[Path], *, dry_run: bool = False) -> tuple[list[tuple[str, str, str]], list[Problem]]:
    """Import response files (``.toml``) and CSV files of answers (``.csv``, one row per person).

    Returns one (source, outcome, message) row per response (outcomes ``imported``, ``skipped`` for a
    file already kept with the same content, ``flagged`` when a comment may hold personal data and is
    kept hidden) and the problems of what was refused. Every answer is checked against its
    questionnaire; a CSV row gets a new random id.
    """
    from seeds_tui.core.tomlio import read_bytes

    known = questionnaires(store)
    rows: list[tuple[str, str, str]] = []
    problems: list[Problem] = []
    for path in paths:
        from_csv = path.suffix.lower() == ".csv"
        if from_csv:
            got, bad = _csv_responses(path, known)
            problems.extend(bad)
            candidates = got
        else:
            try:
                response = parse_response(read_bytes(path, max_bytes=RESPONSE_MAX_BYTES, error=ResponseError), path)
            except ResponseError as exc:
                problems.extend(exc.problems)
                continue
            candidates = [(str(path), response)]
        for source, response in candidates:
            questionnaire = known.get(response.questionnaire.id, response.questionnaire.version)
            where = Path(source)
            if questionnaire is None:
                problems.append(
                    Problem(
                        where, "not a known questionnaire (id and version); put its file in STORE/questionnaires/", field="questionnaire"
                    )
                )
                continue
            bad = check_answers(response, questionnaire, where)
            if bad:
                problems.extend(bad)
                continue
            if response.comment and not response.comment_flagged and flag_comment(response.comment):
                response = response.model_copy(update={"comment_flagged": True})
            existing = RESPONSES.find(store, response.id)
            if existing is not None:
                if existing == response or (from_csv and _same_answers(existing, response)):
                    rows.append((source, "skipped", "a response already in the store with the same content"))
                else:
                    problems.append(Problem(where, "the store holds another response with this id; nothing was written", field="id"))
                continue
            if not dry_run:
                RESPONSES.add(store, response)
                month_only_time(RESPONSES.path(store, response.id), response.month)
            note = "the comment may hold personal data: kept hidden" if response.comment_flagged else ""
            rows.append((source, "flagged" if response.comment_flagged else "imported", note))
    return rows, problems


def _same_answers(kept: Response, row: Response) -> bool:
    """A CSV row (an export's: no practitioner, no comment) that holds what a kept response holds."""
    return (kept.questionnaire, kept.month, kept.team, kept.answers) == (row.questionnaire, row.month, row.team, row.answers)


def _csv_responses(path: Path, known: Questionnaires) -> tuple[list[tuple[str, Response]], list[Problem]]:
    from seeds_tui.core.tomlio import read_bytes

    try:
        text = read_bytes(path, max_bytes=4 * 1024 * 1024, error=ResponseError).decode("utf-8-sig")
    except ResponseError as exc:
        return [], exc.problems
    except UnicodeDecodeError:
        return [], [Problem(path, "not UTF-8 text; save the CSV as UTF-8")]
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    forbidden = [h for h in header if h.casefold() in ("name", "case", "case_reference", "crn", "pnc", "date", "dob")]
    if forbidden:
        return [], [
            Problem(path, "answers are anonymous: remove the name, case reference and date columns (keep month)", field=forbidden[0])
        ]
    missing = [c for c in ("questionnaire", "version", "month", "team") if c not in header]
    if missing:
        return [], [Problem(path, f"the first line must name the columns {', '.join(CSV_COLUMNS)} and one per statement", field=missing[0])]
    out: list[tuple[str, Response]] = []
    problems: list[Problem] = []
    for n, row in enumerate(reader, start=2):
        where = Path(f"{path}:{n}")
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        questionnaire = known.get(row["questionnaire"], row["version"])
        if questionnaire is None:
            problems.append(Problem(where, "not a known questionnaire (id and version)", field="questionnaire"))
            continue
        answers: dict[str, int | str] = {}
        bad = False
        for statement in questionnaire.statements:
            cell = row.get(statement.id, "").casefold()
            if not cell:
                continue
            if cell in (PREFER_NOT, "prefer not to say", "pnts"):
                answers[statement.id] = PREFER_NOT
            elif cell in ("1", "2", "3", "4", "5"):
                answers[statement.id] = int(cell)
            else:
                problems.append(Problem(where, "an answer is 1 to 5, or prefer-not-to-say, or empty", field=statement.id))
                bad = True
        if bad:
            continue
        try:
            response = new_response(
                questionnaire,
                month=row["month"],
                team=row["team"],
                answers=answers,
                practitioner=row.get("practitioner") or None,
                comment=row.get("comment") or None,
            )
        except SeedsError as exc:
            problems.append(Problem(where, str(exc)))
            continue
        given = row.get("id", "")
        if given:
            if not re.fullmatch(RESPONSE_ID, given):
                problems.append(
                    Problem(where, "an id is 16 lower-case letters and digits (as seeds-tui voice export writes it), or empty", field="id")
                )
                continue
            response = response.model_copy(update={"id": given})
        out.append((str(where), response))
    return out, problems


# -- export ----------------------------------------------------------------------------------------


def export_rows(responses: list[Response], questionnaire: Questionnaire) -> list[dict[str, object]]:
    """One row per response for an export: month, team and the answers; never the practitioner or the comment.

    (The practitioner and the comment belong to the practitioner's own record only.)
    """
    rows: list[dict[str, object]] = []
    for r in responses:
        if r.questionnaire.id != questionnaire.id:
            continue
        row: dict[str, object] = {
            "id": r.id,
            "questionnaire": r.questionnaire.id,
            "version": r.questionnaire.version,
            "month": r.month,
            "team": r.team,
        }
        for statement in questionnaire.statements:
            answer = r.answers.get(statement.id)
            row[statement.id] = "" if answer is None else answer
        rows.append(row)
    return rows


__all__ = [
    "RESPONSES",
    "add_response",
    "export_rows",
    "import_responses",
    "list_responses",
    "new_response",
    "questionnaires",
    "responses_for",
]
