"""Shared plumbing: strict base model, error formatting that never echoes values, path arguments."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from seeds_tui.core.errors import FileProblems, Problem
from seeds_tui.core.tomlio import decode_text, find_line, line_index, parse_toml

#: One path, or several: what every function taking paths accepts.
PathOrPaths = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def as_paths(value: PathOrPaths) -> list[Path]:
    """``value`` as a list of paths: a single path (``str`` or ``PathLike``) is one path, never its characters.

    >>> from pathlib import Path
    >>> from seeds_tui.core.models import as_paths
    >>> as_paths("inbox"), as_paths(["a", Path("b")])
    ([PosixPath('inbox')], [PosixPath('a'), PosixPath('b')])
    """
    if isinstance(value, (str, os.PathLike)):
        return [Path(value)]
    if isinstance(value, bytes):
        raise TypeError("give paths as str or pathlib.Path, not bytes")
    return [Path(p) for p in value]


class Model(BaseModel):
    """Base for every file model: unknown keys are errors, types are checked strictly."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True)


#: At most this many problems are listed for one file.
MAX_PROBLEMS = 50


#: A model type ``parse_record`` returns.
M = TypeVar("M", bound=BaseModel)


def parse_record(data: bytes, path: Path | None, *, model: type[M], schema: str, what: str, error: type[FileProblems]) -> M:
    """A record of format ``schema`` from a file's bytes, or ``error`` naming each problem (never a value).

    Another kind of file, or one written by a newer seeds-tui, is said in one plain line on its
    ``schema`` key rather than as a list of field errors.
    """
    text = decode_text(data, path, error)
    raw = parse_toml(text, path, error)
    found = raw.get("schema")
    if found != schema:
        if isinstance(found, str) and found.startswith(schema.rsplit("/", 1)[0] + "/"):
            msg = f"written by a newer seeds-tui (unknown {what} schema); upgrade seeds-tui to read it"
        else:
            msg = f'not a seeds-tui {what}: expected schema = "{schema}" at the top'
        raise error(path, [Problem(path, msg, line=1 if found is None else None, field="schema")])
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise error(path, problems_from_validation(exc, path, text)) from None


def problems_from_validation(exc: ValidationError, path: Path | None, text: str | None) -> list[Problem]:
    """Turn a pydantic ``ValidationError`` into ``Problem``s with lines where they can be found.

    Only the location and pydantic's message are used, never the offending input.
    """
    index = line_index(text) if text else {}
    problems = []
    errors = exc.errors(include_input=False, include_url=False)
    for err in errors[:MAX_PROBLEMS]:
        loc = [part for part in err["loc"] if not (isinstance(part, str) and part.startswith(("function-", "tagged-union")))]
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key; check its spelling against the format documentation"
        elif err["type"] == "missing":
            message = "required key is missing"
        elif err["type"] == "string_pattern_mismatch":
            message = _PATTERN_MESSAGES.get(str((err.get("ctx") or {}).get("pattern")), message)
        elif err["type"] == "string_type" and loc and loc[-1] == "version":
            message = 'must be text: put the version in quotes, e.g. version = "1.0.0"'
        elif err["type"] in ("string_type", "int_type", "bool_type", "date_type", "datetime_type", "list_type", "dict_type"):
            message = f"{message} (check the value's type: text needs quotes; numbers, true/false and dates do not)"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(
            Problem(
                path,
                message,
                line=find_line(index, loc) if index else None,
                field=".".join(_safe_part(p) for p in loc) or None,
            )
        )
    if len(errors) > MAX_PROBLEMS:
        # A hostile or badly broken file must not flood a terminal or a log.
        problems.append(Problem(path, f"... and {len(errors) - MAX_PROBLEMS} more problems; fix the ones above first"))
    return problems


#: What a pattern means, in words a person can act on (patterns from rubric.py and observation.py).
_PATTERN_MESSAGES: dict[str, str] = {
    r"^[a-z][a-z0-9_-]{0,63}$": "must be an id: a lower-case letter, then lower-case letters, digits, _ or - (at most 64)",
    r"^[^\x00-\x1f\x7f]+$": "must not contain control characters (tabs, line breaks); write the name on one line",
    r"^[^\x00-\x1f\x7f]*$": "must not contain control characters (tabs, line breaks); write it on one line",
    r"^[a-z]$": "must be a single lower-case letter",
    r"^[0-9a-f]{64}$": "must be a sha256: 64 lower-case hexadecimal characters",
    r"^[0-9A-HJKMNP-TV-Z]{26}$": "must be an observation id made by seeds-tui (26 characters)",
    r"^[a-z][a-z0-9_-]{0,63}\.[a-z][a-z0-9_-]{0,63}$": "must be a section.item id, e.g. beginning.agenda",
    r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$": "must be a session reference: letters, digits, _ . : / or - (at most 64), "
    "starting with a letter or digit, e.g. CAL-2026-11-23-N1",
    r"^[A-Za-z0-9][A-Za-z0-9_/-]{0,31}$": "must be a short pseudonymous reference: letters, digits, _ / or - (at most 32), "
    "never a name, date of birth or case number",
}

_SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _safe_part(part: str | int) -> str:
    """A location part for a message: keys that do not look like identifiers may hold
    personal data (``[scores."A Name"]``), so they are shown as ``<key>``; the line still points at them."""
    text = str(part)
    return text if text == "[key]" or _SAFE_KEY.match(text) else "<key>"
