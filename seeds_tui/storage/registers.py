"""Registers: a store's folders of small records, one TOML file per record, named by the record's id.

Observations have their own store (drafts, finals, revisions, locks: ``seeds_tui.storage.store``).
Every other kind of record a store keeps (training events and action learning sets, and the
records of the development cycle) is a *register*: ``STORE/<folder>/<id>.toml``, each file
written whole through the atomic helpers (temp file, fsync, ``os.replace``; a new record is
created exclusively, never over another), owner-only, inside the store only, and read with
the same size-limited, link-refusing safe TOML reader as every other file.

A register is described once by a :class:`Register` (its folder, how a file's bytes become a
record, how a record becomes text) and every kind uses the same four operations: list, find,
add (never replacing), save (replacing), remove. A file that is not valid is reported as a
``Problem`` (file, field, what to do) and skipped, never a traceback; a file named after
another id is reported, not read.

Example::

    from seeds_tui.storage.store import Store
    from seeds_tui.team.events import EVENTS
    records, problems = EVENTS.list(Store("my-store"))
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from seeds_tui.core.errors import FileProblems, Problem, SeedsError, StoreError
from seeds_tui.core.tomlio import read_bytes, read_regular
from seeds_tui.storage.atomic import create_exclusive, is_temp_name, remove_file, write_atomic
from seeds_tui.storage.store import Store


class Record(Protocol):
    """What a register keeps: a record with an id (which names its file) and its file's text."""

    @property
    def id(self) -> str: ...

    def to_toml(self) -> str: ...


R = TypeVar("R", bound=Record)


class RecordExists(SeedsError):
    """A new record's id is already kept in its register (nothing was written)."""


@dataclass(frozen=True)
class Register(Generic[R]):
    """One kind of record kept as ``STORE/<folder>/<id>.toml``.

    ``parse`` turns a file's bytes into a record or raises ``error`` (a ``FileProblems``) naming
    each problem; ``what`` names one record in messages ("training event"); ``order`` sorts a
    listing (by id when not given); ``hint`` is the command that lists the register, for messages.
    """

    folder: str
    what: str
    parse: Callable[[bytes, Path], R]
    error: type[FileProblems]
    max_bytes: int = 64 * 1024
    order: Callable[[R], Any] | None = None
    hint: str = ""

    def dir(self, store: Store) -> Path:
        """The register's folder (not made)."""
        return store.root / self.folder

    def path(self, store: Store, record_id: str) -> Path:
        """Where the record with this id is kept."""
        return self.dir(store) / f"{record_id}.toml"

    def _files(self, store: Store) -> Iterator[Path]:
        folder = self.dir(store)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except FileNotFoundError:
            return
        except NotADirectoryError:
            raise StoreError(f"{folder} is not a folder; move it aside so that the {self.what}s can be kept there") from None
        except OSError as exc:
            raise StoreError(f"cannot read folder {folder}: {exc.strerror or exc}") from None
        for entry in entries:
            if entry.name.endswith(".toml") and not is_temp_name(entry.name):
                yield Path(entry.path)

    def list(self, store: Store) -> tuple[list[R], list[Problem]]:
        """Every valid record, in the register's order, and the problems of the files that are not valid."""
        found: list[R] = []
        problems: list[Problem] = []
        for path in self._files(store):
            try:
                record = self.parse(read_bytes(path, max_bytes=self.max_bytes, error=self.error), path)
            except self.error as exc:
                problems.extend(exc.problems)
                continue
            if record.id != path.name.removesuffix(".toml"):
                problems.append(Problem(path, f"the file is named after another id; rename it to {record.id}.toml", field="id"))
                continue
            found.append(record)
        found.sort(key=self.order or (lambda r: r.id))
        return found, problems

    def canonical(self, path: Path) -> bytes | None:
        """The bytes the register would write for the record kept at ``path``: None when there is
        none, its raw bytes when it no longer parses (so that an import never takes it for the same)."""
        try:
            raw = read_regular(path, max_bytes=self.max_bytes)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
        try:
            return self.parse(raw, path).to_toml().encode("utf-8")
        except self.error:
            return raw

    def find(self, store: Store, record_id: str) -> R | None:
        """The valid record with this id, or None."""
        path = self.path(store, record_id)
        if record_id.startswith(".") or "/" in record_id or "\\" in record_id or not path.is_file():
            return None
        return next((r for r in self.list(store)[0] if r.id == record_id), None)

    def add(self, store: Store, record: R) -> R:
        """Keep a new record, never replacing one: ``RecordExists`` if its id is taken."""
        folder = store.folder(self.dir(store))
        try:
            create_exclusive(folder / f"{record.id}.toml", record.to_toml().encode("utf-8"), root=store.root)
        except FileExistsError:
            raise RecordExists(f"a {self.what} with id {record.id} is already kept; give it another id") from None
        return record

    def save(self, store: Store, record: R) -> R:
        """Write a record over its file (atomic): an edit of a kept record, or a new one."""
        folder = store.folder(self.dir(store))
        write_atomic(folder / f"{record.id}.toml", record.to_toml().encode("utf-8"), root=store.root)
        return record

    def remove(self, store: Store, record_id: str) -> R:
        """Remove a kept record; ``SeedsError`` if there is none with this id."""
        record = self.find(store, record_id)
        if record is None:
            where = f"; see '{self.hint}'" if self.hint else ""
            raise SeedsError(f"no {self.what} with id {record_id!r}{where}")
        remove_file(self.path(store, record.id), store.root)
        return record
