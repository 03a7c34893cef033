"""The voice of people on probation: a short questionnaire and its anonymous responses.

A **questionnaire** is a TOML file like a rubric (``seeds-questionnaire/1``; docs/file-format.md, "Questionnaires"):
an id, a version, a title, three to six statements each with an id and its text, the five-point
agree scale (labels may be reworded), and an optional comment prompt. One ships with seeds-tui
(``questionnaires/`` in the source tree, inside the wheel); a service may keep its own in
``STORE/questionnaires/``.

A **response** is one person's answers (``seeds-response/1``; docs/file-format.md), kept as one
file in ``STORE/responses/<id>.toml``::

    schema = "seeds-response/1"
    id = "k3v9q2m7x4c8w1rz"                  # random: it says nothing about when it was made
    month = "2026-11"                         # no date finer than the month
    team = "Riverside"
    practitioner = "Sam Patel"                # optional: only for that practitioner's own record
    comment = "They explained what happens next."   # optional
    comment_flagged = false                   # true: the comment may hold personal data (never shown)

    [questionnaire]
    id = "voice-of-people-on-probation"
    version = "1.0.0"

    [answers]
    listened = 4                              # 1 strongly disagree ... 5 strongly agree
    plan = "prefer-not-to-say"                # a statement left out is not answered

A response is anonymous: there is no field for a name, a case reference or a date, and a file
holding one is refused. The model is pure; the register is ``seeds_tui.storage.responses``.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from seeds_tui.core.errors import FileProblems, Problem
from seeds_tui.core.models import Model, problems_from_validation
from seeds_tui.core.privacy import personal_data_warnings
from seeds_tui.core.rubric import SEMVER_RE
from seeds_tui.core.tomlio import decode_text, dump_toml, load_toml, parse_toml

QUESTIONNAIRE_SCHEMA = "seeds-questionnaire/1"
RESPONSE_SCHEMA = "seeds-response/1"

#: Largest questionnaire and response files read.
QUESTIONNAIRE_MAX_BYTES = 64 * 1024
RESPONSE_MAX_BYTES = 16 * 1024

#: The five points of the agree scale, lowest first (a questionnaire may reword the labels).
AGREE_SCALE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
#: The answer of a person who chose not to answer a statement.
PREFER_NOT = "prefer-not-to-say"
#: What a person sees for it.
PREFER_NOT_LABEL = "Prefer not to say"
#: Values that count as agreeing (for the "share agreeing" figure).
AGREEING = (4, 5)

#: A response id: 16 random lower-case letters and digits (no time in it).
RESPONSE_ID = r"^[a-z0-9]{16}$"
#: A month: ``YYYY-MM``.
MONTH = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"

#: Keys a response must never hold: it is anonymous (the message says so instead of "unknown key").
FORBIDDEN_KEYS = (
    "name",
    "person",
    "respondent",
    "case",
    "case_ref",
    "case_reference",
    "crn",
    "pnc",
    "date",
    "day",
    "date_of_birth",
    "dob",
    "created",
    "updated",
    "submitted",
    "time",
    "timestamp",
)

_Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
_Line = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
_Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
_Comment = Annotated[str, Field(min_length=1, max_length=1000, pattern=r"^[^\x00-\x09\x0b-\x1f\x7f]+$")]


class QuestionnaireError(FileProblems):
    """A questionnaire file is not valid (each problem names the file and the field)."""


class ResponseError(FileProblems):
    """A response file is not valid (each problem names the file and the field, never a value)."""


class Statement(Model):
    """One statement a person agrees or disagrees with ("I felt listened to")."""

    id: _Id
    text: _Line


class Questionnaire(Model):
    """A short questionnaire: three to six statements on the five-point agree scale, and an optional comment."""

    schema_: Literal["seeds-questionnaire/1"] = Field(alias="schema")
    id: _Id
    version: str
    title: _Line
    intro: _Comment | None = None
    scale: list[_Line] = Field(default_factory=lambda: list(AGREE_SCALE), min_length=5, max_length=5)
    statements: list[Statement] = Field(min_length=3, max_length=6)
    comment: _Line | None = None

    model_config = Model.model_config | {"populate_by_name": True}

    @field_validator("version")
    @classmethod
    def _semver(cls, version: str) -> str:
        if not SEMVER_RE.match(version):
            raise ValueError('must be a semantic version such as "1.0.0"')
        return version

    @model_validator(mode="after")
    def _unique(self) -> Questionnaire:
        ids = [s.id for s in self.statements]
        if len(set(ids)) != len(ids):
            raise ValueError("statements: two statements have the same id; give each its own")
        if "comment" in ids:
            raise ValueError("statements: 'comment' is kept for the comment; give the statement another id")
        return self

    def statement(self, statement_id: str) -> Statement | None:
        """The statement with this id, or None."""
        return next((s for s in self.statements if s.id == statement_id), None)

    def label(self, value: int) -> str:
        """The words of a point of the scale (1 to 5)."""
        return self.scale[value - 1]


class QuestionnaireRef(Model):
    """Which questionnaire a response answers."""

    id: _Id
    version: str

    @field_validator("version")
    @classmethod
    def _semver(cls, version: str) -> str:
        if not SEMVER_RE.match(version):
            raise ValueError('must be a semantic version such as "1.0.0"')
        return version


Answer = Annotated[int, Field(ge=1, le=5)] | Literal["prefer-not-to-say"]


class Response(Model):
    """One person's anonymous answers: the month, the team, optionally the practitioner, the answers, a comment."""

    schema_: Literal["seeds-response/1"] = Field(alias="schema")
    id: Annotated[str, Field(pattern=RESPONSE_ID)]
    questionnaire: QuestionnaireRef
    month: Annotated[str, Field(pattern=MONTH)]
    team: _Name
    practitioner: _Name | None = None
    answers: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,63}$")], Answer] = Field(default_factory=dict, max_length=6)
    comment: _Comment | None = None
    comment_flagged: bool = False

    model_config = Model.model_config | {"populate_by_name": True}

    def to_toml(self) -> str:
        """The file's text (keys in a fixed order)."""
        data: dict[str, Any] = {"schema": RESPONSE_SCHEMA, "id": self.id, "month": self.month, "team": self.team}
        if self.practitioner:
            data["practitioner"] = self.practitioner
        if self.comment:
            data["comment"] = self.comment
            data["comment_flagged"] = self.comment_flagged
        data["questionnaire"] = {"id": self.questionnaire.id, "version": self.questionnaire.version}
        data["answers"] = dict(self.answers)
        return dump_toml(data)

    def value(self, statement_id: str) -> int | None:
        """The point given to a statement (1 to 5), or None when not answered or preferred not to say."""
        answer = self.answers.get(statement_id)
        return answer if isinstance(answer, int) else None


def new_response_id() -> str:
    """A random response id: 16 lower-case letters and digits, with nothing of the time in it."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def month_of(year: int, month: int) -> str:
    """``YYYY-MM``."""
    return f"{year:04d}-{month:02d}"


def flag_comment(comment: str | None) -> bool:
    """True when a comment looks like it holds personal data (a name after a title, a date, a case number)."""
    return bool(comment and personal_data_warnings(comment))


def check_answers(response: Response, questionnaire: Questionnaire, path: Path | None = None) -> list[Problem]:
    """Problems of a response against its questionnaire: every answer is to one of its statements."""
    known = {s.id for s in questionnaire.statements}
    return [
        Problem(path, f"not a statement of questionnaire {questionnaire.id} {questionnaire.version}", field=f"answers.{key}")
        for key in response.answers
        if key not in known
    ]


def _anonymity_problems(raw: dict[str, Any], path: Path | None) -> list[Problem]:
    found = [key for key in raw if isinstance(key, str) and key.casefold() in FORBIDDEN_KEYS]
    return [
        Problem(
            path,
            'a response is anonymous: it holds no name, case reference or date (only the month, as month = "2026-11"); remove this key',
            field=key,
        )
        for key in found
    ]


def response_from_data(raw: dict[str, Any], path: Path | None = None, text: str | None = None) -> Response:
    """A response from plain data (as read from TOML), or ``ResponseError`` naming each problem."""
    schema = raw.get("schema")
    if schema != RESPONSE_SCHEMA:
        if isinstance(schema, str) and schema.startswith("seeds-response/"):
            msg = "written for a newer seeds-tui (unknown response schema); upgrade seeds-tui to read it"
        else:
            msg = f'not a questionnaire response: expected schema = "{RESPONSE_SCHEMA}" at the top'
        raise ResponseError(path, [Problem(path, msg, line=1, field="schema")])
    problems = _anonymity_problems(raw, path)
    if problems:
        raise ResponseError(path, problems)
    try:
        return Response.model_validate(raw)
    except ValidationError as exc:
        raise ResponseError(path, problems_from_validation(exc, path, text)) from None


def parse_response(data: bytes, path: Path | None = None) -> Response:
    """A response from a file's bytes, or ``ResponseError`` naming each problem (never a value)."""
    text = decode_text(data, path, ResponseError)
    return response_from_data(parse_toml(text, path, ResponseError), path, text)


def parse_questionnaire(data: dict[str, Any], path: Path | None = None, text: str | None = None) -> Questionnaire:
    """A questionnaire from plain data (as read from TOML), or ``QuestionnaireError``."""
    if data.get("schema") != QUESTIONNAIRE_SCHEMA:
        msg = f'not a seeds-tui questionnaire: expected schema = "{QUESTIONNAIRE_SCHEMA}" at the top'
        raise QuestionnaireError(path, [Problem(path, msg, line=1, field="schema")])
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireError(path, problems_from_validation(exc, path, text)) from None


def load_questionnaire(path: str | os.PathLike[str]) -> Questionnaire:
    """Read and validate a questionnaire file.

    >>> load_questionnaire(bundled_questionnaire_dir() / "voice-of-people-on-probation.toml").statements[0].id
    'listened'
    """
    where = Path(path)
    data, text = load_toml(where, max_bytes=QUESTIONNAIRE_MAX_BYTES, error=QuestionnaireError)
    return parse_questionnaire(data, where, text)


def bundled_questionnaire_dir() -> Path:
    """The folder of questionnaires shipped with seeds-tui (inside the wheel, or the source tree)."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "_questionnaires"
    if shipped.is_dir():
        return shipped
    return package.parent / "questionnaires"


@dataclass
class Questionnaires:
    """Every questionnaire found in some folders (broken files kept as errors)."""

    found: list[tuple[Questionnaire, Path]]
    errors: list[QuestionnaireError]

    @classmethod
    def read(cls, *folders: Path) -> Questionnaires:
        """The questionnaires of ``folders`` (shipped first, then a service's own)."""
        found: list[tuple[Questionnaire, Path]] = []
        errors: list[QuestionnaireError] = []
        for folder in folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.toml")):
                try:
                    found.append((load_questionnaire(path), path))
                except QuestionnaireError as exc:
                    errors.append(exc)
        return cls(found, errors)

    def get(self, questionnaire_id: str, version: str) -> Questionnaire | None:
        """The questionnaire with this id and version, or None."""
        return next((q for q, _ in self.found if q.id == questionnaire_id and q.version == version), None)

    def current(self) -> Questionnaire | None:
        """The one to ask: the newest of a service's own (read last), else the shipped one."""
        if not self.found:
            return None
        newest = self.found[-1][0]
        same = [q for q, _ in self.found if q.id == newest.id]
        return max(same, key=lambda q: _version_key(q.version))


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version.split("-")[0])[:3])


__all__ = [
    "AGREE_SCALE",
    "PREFER_NOT",
    "Questionnaire",
    "QuestionnaireError",
    "Questionnaires",
    "Response",
    "ResponseError",
    "Statement",
    "check_answers",
    "flag_comment",
    "load_questionnaire",
    "new_response_id",
    "parse_response",
]
