"""Errors a user can cause, each with a message a person can act on.

Every error names the file (and line or field where known), says what was wrong and,
where it helps, what to do. Messages never echo values read from a file: observation
files can hold personal data, and errors end up in terminals, logs and e-mails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where it is and what is wrong.

    ``line`` is 1-based when it could be found; ``field`` is a dotted path such as
    ``sections.2.items.0.scale``.
    """

    path: Path | None
    message: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "<input>"
        if self.line is not None:
            return f"{where}:{self.line}: {self._text()}"
        return f"{where}: {self._text()}"

    def _text(self) -> str:
        if self.field:
            return f"{self.field}: {self.message}"
        return self.message


class SeedsError(Exception):
    """Base of every error a user can cause. ``str(err)`` is the message to show."""


@dataclass
class FileProblems(SeedsError):
    """A file could not be used; ``problems`` lists each thing wrong with it."""

    path: Path | None
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems) or f"{self.path}: invalid"


class RubricError(FileProblems):
    """A rubric file is unreadable or breaks the rubric format's rules."""


class ObservationError(FileProblems):
    """An observation file is unreadable, malformed or does not fit its rubric."""


class StoreError(SeedsError):
    """The store could not read or write a file (permissions, full disk, missing folder)."""


class StoreBusy(StoreError):
    """Another program held the store's lock for too long: nothing was written; try again shortly.

    Not a conflict: nobody else's save is known to have changed the file.
    """


class ConflictError(StoreError):
    """An observation changed on disk since it was read; saving would overwrite someone's work."""


class RubricNotFound(SeedsError):
    """No known rubric folder holds the rubric (id and version) that was asked for."""
