"""Bring observation files from elsewhere (folders, e-mailed files, zips) into a store, safely.

Every file is validated against the rubric it names; valid ones are copied into the store
atomically, under their id. Importing is idempotent and never overwrites:

* ``imported``  - new to the store, now saved there;
* ``skipped``   - the store already holds exactly this observation (same content);
* ``conflict``  - the store holds different content under the same id: the store's file is
  left as it is and the incoming version is kept aside in ``STORE/conflicts/`` (both kept);
* ``invalid``   - unreadable, malformed, for an unknown rubric, or not fitting its rubric;
* ``ignored``   - temp and hidden files, files that are not ``.toml`` (or ``.zip``), and files found in
  a folder that were gone by the time they were read (a store in use: a draft finalised meanwhile).

Files are compared by their canonical form (what seeds-tui would write for the parsed
observation), so an observation re-saved by another editor with other spacing is still "the
same". Observations of an earlier file schema are stored in the current schema.

Each file lands where the store that wrote it keeps it: finals in ``observations/``, drafts in
``drafts/``, consensus records in ``consensus/`` and consensus drafts in ``consensus/drafts/``,
so importing a whole store (or a zip of one) reproduces it. A final with the same id and a
higher revision than a stored draft is that draft finalised: it replaces the draft, and so does
a later draft of it (a higher revision). A draft older than the final or the draft already
stored is skipped.

>>> import tempfile
>>> from seeds_tui.storage.importer import Store, import_files
>>> result = import_files([tempfile.mkdtemp()], Store(tempfile.mkdtemp()))
>>> result.counts
{'imported': 0, 'skipped': 0, 'conflict': 0, 'invalid': 0, 'ignored': 0}
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

from seeds_tui.core.errors import ObservationError, Problem, RubricNotFound, SeedsError, StoreError
from seeds_tui.core.events import EventError, parse_event
from seeds_tui.core.models import PathOrPaths, as_paths
from seeds_tui.core.observation import (
    OBSERVATION_MAX_BYTES,
    Observation,
    check_against_rubric,
    observation_to_toml,
    parse_observation,
    read_observation,
    ref_key,
)
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.core.tomlio import NotARegularFile, decode_text, open_regular, parse_toml, read_bytes, read_regular
from seeds_tui.storage.atomic import create_exclusive, ensure_dir, remove_file, write_atomic
from seeds_tui.storage.registers import Register
from seeds_tui.storage.store import Store

if TYPE_CHECKING:
    from seeds_tui.core.questionnaire import Questionnaires

__all__ = ["OUTCOMES", "ImportResult", "ImportRow", "import_files", "is_temp_file"]

Outcome = Literal["imported", "skipped", "conflict", "invalid", "ignored"]
#: Every outcome, in the order summaries list them.
OUTCOMES: tuple[Outcome, ...] = ("imported", "skipped", "conflict", "invalid", "ignored")

#: Caps for zip archives (zip bombs): per member, total uncompressed, number of members.
ZIP_MEMBER_MAX_BYTES = OBSERVATION_MAX_BYTES
ZIP_TOTAL_MAX_BYTES = 1024 * 1024 * 1024
ZIP_MAX_MEMBERS = 200_000

_TOO_BIG = f"larger than {ZIP_MEMBER_MAX_BYTES // 1024} KiB; this is not a seeds-tui file"
_ZIP_TOO_BIG = f"zip unpacks to more than {ZIP_TOTAL_MAX_BYTES // 2**20} MiB; split it"

_TEMP_SUFFIXES = ("~", ".tmp", ".swp", ".swo", ".swx", ".bak", ".part", ".crdownload")


def is_temp_file(name: str) -> bool:
    """True for hidden files, editor backups and partial downloads, which an import skips silently.

    >>> from seeds_tui.storage.importer import is_temp_file
    >>> [is_temp_file(n) for n in ("obs.toml", ".obs.toml.swp", "obs.toml~", "obs.tmp", "#obs.toml#")]
    [False, True, True, True, True]
    """
    return name.startswith((".", "~$")) or name.endswith(_TEMP_SUFFIXES) or (name.startswith("#") and name.endswith("#"))


@dataclass(frozen=True)
class ImportRow:
    """What happened to one source file. ``message`` never quotes values from the file."""

    source: str
    outcome: Outcome
    id: str | None = None
    message: str = ""
    #: Where it was (or would be) written, relative to the store: ``observations/ID.toml``, ``conflicts/...``.
    path: str | None = None


@dataclass
class ImportResult:
    """Every row of one import, in the order the sources were read."""

    rows: list[ImportRow] = field(default_factory=list)
    dry_run: bool = False

    @property
    def counts(self) -> dict[str, int]:
        """How many files had each outcome (every outcome present, zeros included)."""
        counts: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def ok(self) -> bool:
        """True when nothing was invalid or conflicting (exit code 0)."""
        counts = self.counts
        return counts["invalid"] == 0 and counts["conflict"] == 0

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: ``dry_run``, ``counts`` and ``rows``."""
        return {"dry_run": self.dry_run, "counts": self.counts, "rows": [asdict(row) for row in self.rows]}

    def summary(self) -> str:
        """One line: ``imported 3, skipped 1, conflicts 0, invalid 2, ignored 4``."""
        c = self.counts
        line = (
            f"imported {c['imported']}, skipped {c['skipped']}, conflicts {c['conflict']}, invalid {c['invalid']}, ignored {c['ignored']}"
        )
        return line + (" (dry run: nothing was written)" if self.dry_run else "")


# -- finding source files ---------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One file to import: a file on disk, or a member of a zip archive."""

    label: str
    path: Path
    member: zipfile.ZipInfo | None = None
    #: Found by searching a folder (not named by the user): if it is gone when read (a draft
    #: finalised or discarded while a live store is imported), it is skipped, not an error.
    found: bool = False


_CONTROL = dict.fromkeys([*range(0x20), 0x7F], "?")


def display(name: str) -> str:
    r"""A file name safe to print, log and write to a report: undecodable bytes and control
    characters (which could drive a terminal) become replacement characters.

    >>> from seeds_tui.storage.importer import display
    >>> display("bad\x1b[2Jname\udcff.toml")
    'bad?[2Jname\ufffd.toml'
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace").translate(_CONTROL)


def find_sources(paths: PathOrPaths) -> tuple[list[Source], list[ImportRow]]:
    """The files to read below ``paths`` (one path or several: files, folders searched recursively,
    zips), and rows for what was ignored or could not be listed."""
    sources: list[Source] = []
    rows: list[ImportRow] = []
    for path in as_paths(paths):
        if path.is_dir():
            for found in _walk(path):
                _add_file(found, display(str(found)), sources, rows, found=True)
        elif path.exists():
            _add_file(path, display(str(path)), sources, rows, named=True)
        else:
            rows.append(ImportRow(display(str(path)), "invalid", message="no such file or folder"))
    return sources, rows


#: A store's folders of earlier revisions and rejected copies: never imported from a store
#: (a folder holding ``observations/``), whether it is given as a folder or inside a zip.
NOT_IMPORTED_FROM_A_STORE = ("history", "conflicts")


def _walk(folder: Path) -> Iterator[Path]:
    """Files below ``folder``, sorted, skipping hidden folders and a store's history/conflicts/cache."""
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        is_store = "observations" in dirs
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (is_store and d in NOT_IMPORTED_FROM_A_STORE))
        for name in sorted(files):
            yield here / name


def _add_file(path: Path, label: str, sources: list[Source], rows: list[ImportRow], *, named: bool = False, found: bool = False) -> None:
    name = path.name
    if is_temp_file(name) and not named:
        rows.append(ImportRow(label, "ignored", message="temp or hidden file"))
    elif name.lower().endswith(".zip"):
        _add_zip(path, label, sources, rows)
    elif name.lower().endswith(".toml"):
        sources.append(Source(label, path, found=found))
    else:
        rows.append(ImportRow(label, "ignored", message="not an observation file (.toml) or a zip of them"))


def _add_zip(path: Path, label: str, sources: list[Source], rows: list[ImportRow]) -> None:
    try:
        # Opened without blocking: a pipe named x.zip would otherwise hang the import for good.
        with open_regular(path) as handle, zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
    except NotARegularFile:
        rows.append(ImportRow(label, "invalid", message="not a regular file (a pipe, device or socket); give the path of a .zip file"))
        return
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        rows.append(ImportRow(label, "invalid", message="not a readable zip archive"))
        return
    if len(infos) > ZIP_MAX_MEMBERS:
        rows.append(ImportRow(label, "invalid", message=f"zip holds more than {ZIP_MAX_MEMBERS} entries; split it"))
        return
    declared = 0
    stores = _stores_in_zip(infos)
    for info in sorted(infos, key=lambda i: i.filename):
        member_label = f"{label}:{display(info.filename)}"
        if info.is_dir():
            continue
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if any(part in NOT_IMPORTED_FROM_A_STORE and parts[:at] in stores for at, part in enumerate(parts[:-1])):
            continue  # as in a folder: a zipped store's older revisions and rejected copies stay out
        if info.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            rows.append(ImportRow(member_label, "invalid", message="unsafe path inside the zip (absolute or with '..'); not read"))
            continue
        if any(p.startswith(".") or p == "__MACOSX" for p in parts[:-1]) or is_temp_file(parts[-1]):
            rows.append(ImportRow(member_label, "ignored", message="temp or hidden file"))
            continue
        if not parts[-1].lower().endswith(".toml"):
            rows.append(ImportRow(member_label, "ignored", message="not an observation file (.toml)"))
            continue
        if info.flag_bits & 0x1:
            rows.append(ImportRow(member_label, "invalid", message="encrypted zip entry; unzip it yourself and import the folder"))
            continue
        if info.file_size > ZIP_MEMBER_MAX_BYTES:
            rows.append(ImportRow(member_label, "invalid", message=_TOO_BIG))
            continue
        declared += info.file_size
        if declared > ZIP_TOTAL_MAX_BYTES:
            rows.append(ImportRow(member_label, "invalid", message=_ZIP_TOO_BIG))
            continue
        sources.append(Source(member_label, path, info))


def _stores_in_zip(infos: list[zipfile.ZipInfo]) -> set[tuple[str, ...]]:
    """The folders inside a zip that are stores (they hold an ``observations/`` folder), as path parts."""
    stores: set[tuple[str, ...]] = set()
    for info in infos:
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        for at, part in enumerate(parts[:-1]):
            if part == "observations":
                stores.add(parts[:at])
    return stores


#: Why a file found in a folder was skipped when it had gone by the time it was read.
VANISHED = "removed while being read (in a store in use, a draft finalised or discarded meanwhile); skipped"


def vanished(source: Source) -> bool:
    """True when a file found by searching a folder no longer exists (it went after it was listed)."""
    return source.found and source.member is None and not os.path.lexists(source.path)


class ZipReader:
    """Keeps each zip open for the whole run and caps what is read from it."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack = stack
        self._open: dict[Path, zipfile.ZipFile] = {}
        self._read: dict[Path, int] = {}

    def read(self, source: Source) -> bytes:
        assert source.member is not None
        where = Path(source.label)
        try:
            archive = self._open.get(source.path)
            if archive is None:
                archive = self._stack.enter_context(zipfile.ZipFile(self._stack.enter_context(open_regular(source.path))))
                self._open[source.path] = archive
            with archive.open(source.member) as handle:
                # The header's size may lie: never read more than the cap, whatever it says.
                data = handle.read(ZIP_MEMBER_MAX_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
            raise ObservationError(where, [Problem(where, "could not be read from the zip (damaged or unsupported compression)")]) from None
        if len(data) > ZIP_MEMBER_MAX_BYTES:
            raise ObservationError(where, [Problem(where, _TOO_BIG)])
        total = self._read.get(source.path, 0) + len(data)
        self._read[source.path] = total
        if total > ZIP_TOTAL_MAX_BYTES:
            raise ObservationError(where, [Problem(where, _ZIP_TOO_BIG)])
        return data


# -- importing ---------------------------------------------------------------------------------


def _problem_text(problems: Sequence[Problem]) -> str:
    parts = []
    for p in problems:
        where = f"line {p.line}: " if p.line else ""
        what = f"{p.field}: {p.message}" if p.field else p.message
        parts.append(where + what)
    return "; ".join(parts) or "invalid"


def _canonical(obs: Observation) -> bytes:
    return observation_to_toml(obs).encode("utf-8")


def _store_canonical(path: Path, expected: bytes | None = None) -> bytes | None:
    """The canonical bytes of a file already in the store (its raw bytes if it no longer parses).

    Files the store wrote are already canonical: when the bytes equal ``expected`` no parsing is needed.
    """
    try:
        raw = read_regular(path, max_bytes=OBSERVATION_MAX_BYTES)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    if expected is not None and raw == expected:
        return raw
    try:
        text = decode_text(raw, path, ObservationError)
        return _canonical(parse_observation(parse_toml(text, path, ObservationError), path=path, text=text))
    except ObservationError:
        return raw


class _Importer:
    def __init__(self, store: Store, registry: RubricRegistry, *, dry_run: bool, zips: ZipReader) -> None:
        self.store = store
        self.registry = registry
        self.dry_run = dry_run
        self.zips = zips
        #: What a dry run would have written (and removed), so a second copy in the same run is judged correctly.
        self.planned: dict[Path, bytes] = {}
        self.removed: set[Path] = set()
        #: Consensus records in the store by session reference (read on first need).
        self.consensus_refs: dict[str, Path] | None = None
        #: The questionnaires responses are checked against: the shipped ones and the store's (read on first need).
        self.questionnaires: Questionnaires | None = None

    def rel(self, path: Path) -> str:
        return path.relative_to(self.store.root).as_posix()

    def read(self, source: Source) -> tuple[Observation, bytes] | ImportRow:
        where = Path(source.label)
        try:
            if source.member is not None:
                raw = self.zips.read(source)
            else:
                raw = read_bytes(source.path, max_bytes=OBSERVATION_MAX_BYTES, error=ObservationError)
            text = decode_text(raw, where, ObservationError)
            data = parse_toml(text, where, ObservationError)
            if isinstance(data.get("schema"), str) and data["schema"].startswith("seeds-event/"):
                return self.place_event(source, raw)
            if isinstance(data.get("schema"), str) and data["schema"].startswith("seeds-supervision/"):
                return self.place_note(source, raw)
            if isinstance(data.get("schema"), str) and data["schema"].startswith("seeds-selfrating/"):
                return self.place_selfrating(source, raw, text)
            if isinstance(data.get("schema"), str) and data["schema"].startswith("seeds-response/"):
                return self.place_response(source, raw)
            obs = parse_observation(data, path=where, text=text)
        except ObservationError as exc:
            if vanished(source):
                return ImportRow(source.label, "ignored", message=VANISHED)
            return ImportRow(source.label, "invalid", message=_problem_text(exc.problems))
        try:
            loaded = self.registry.get(obs.rubric.id, obs.rubric.version)
        except RubricNotFound:
            return ImportRow(
                source.label,
                "invalid",
                obs.id,
                f"rubric: {obs.rubric.id} {obs.rubric.version} is not a known rubric; add its folder with --rubrics DIR and import again",
            )
        problems = check_against_rubric(obs, loaded.rubric, path=where, text=text)
        if problems:
            return ImportRow(source.label, "invalid", obs.id, _problem_text(problems))
        return obs, raw

    def place_event(self, source: Source, raw: bytes) -> ImportRow:
        """A training event or set (a store's ``events/<id>.toml``): into the store's register, never over
        another event of the same id (that one is a conflict, kept aside as an observation's is)."""
        from seeds_tui.storage.events import EVENTS

        try:
            event = parse_event(raw, Path(source.label))
        except EventError as exc:
            return ImportRow(source.label, "invalid", message=_problem_text(exc.problems))
        return self.place_record(source, raw, event, EVENTS)

    def place_note(self, source: Source, raw: bytes) -> ImportRow:
        """A supervision note (a store's ``supervision/<id>.toml``): into the store's register, never over
        another note of the same id (that one is a conflict, kept aside as an observation's is)."""
        from seeds_tui.core.supervision import SUPERVISION_MAX_BYTES, SupervisionError, parse_note

        try:
            if len(raw) > SUPERVISION_MAX_BYTES:
                raise SupervisionError(Path(source.label), [Problem(Path(source.label), "is too large for a supervision note")])
            note = parse_note(raw, Path(source.label))
        except SupervisionError as exc:
            return ImportRow(source.label, "invalid", message=_problem_text(exc.problems))
        from seeds_tui.storage.supervision import SUPERVISION

        return self.place_record(source, raw, note, SUPERVISION)

    def place_selfrating(self, source: Source, raw: bytes, text: str) -> ImportRow:
        """A practitioner's self-rating (``selfratings/<id>.toml``), checked against its rubric: into the
        store's register, never over another of the same id (that one is a conflict, kept aside)."""
        from seeds_tui.core.selfrating import SelfRatingError, check_selfrating, parse_selfrating

        where = Path(source.label)
        try:
            record = parse_selfrating(raw, where)
        except SelfRatingError as exc:
            return ImportRow(source.label, "invalid", message=_problem_text(exc.problems))
        try:
            loaded = self.registry.get(record.rubric.id, record.rubric.version)
        except RubricNotFound:
            message = f"rubric: {record.rubric.id} {record.rubric.version} is not a known rubric; add its folder with --rubrics DIR"
            return ImportRow(source.label, "invalid", record.id, message)
        problems = check_selfrating(record, loaded.rubric, path=where, text=text)
        if problems:
            return ImportRow(source.label, "invalid", record.id, _problem_text(problems))

        from seeds_tui.storage.selfratings import SELFRATINGS

        return self.place_record(source, raw, record, SELFRATINGS)

    def place_response(self, source: Source, raw: bytes) -> ImportRow:
        """A questionnaire response (``responses/<id>.toml``), checked against its questionnaire (the shipped
        ones and this store's own): into the store's register, never over another of the same id."""
        from seeds_tui.core.questionnaire import RESPONSE_MAX_BYTES, ResponseError, check_answers, parse_response
        from seeds_tui.storage.responses import RESPONSES, month_only_time, questionnaires

        where = Path(source.label)
        if len(raw) > RESPONSE_MAX_BYTES:
            return ImportRow(source.label, "invalid", message="is too large for a questionnaire response")
        try:
            response = parse_response(raw, where)
        except ResponseError as exc:
            return ImportRow(source.label, "invalid", message=_problem_text(exc.problems))
        if self.questionnaires is None:
            self.questionnaires = questionnaires(self.store)  # once per import, not once per response
        questionnaire = self.questionnaires.get(response.questionnaire.id, response.questionnaire.version)
        if questionnaire is None:
            message = "questionnaire: not a known questionnaire (id and version); put its file in STORE/questionnaires/ and import again"
            return ImportRow(source.label, "invalid", response.id, message)
        problems = check_answers(response, questionnaire, where)
        if problems:
            return ImportRow(source.label, "invalid", response.id, _problem_text(problems))

        row = self.place_record(source, raw, response, RESPONSES)
        if row.outcome == "imported" and not self.dry_run:
            # As every way in: the file's own times say the month only, never the day it came.
            month_only_time(RESPONSES.path(self.store, response.id), response.month)
        return row

    def place_record(self, source: Source, raw: bytes, record: Any, register: Register[Any]) -> ImportRow:
        """A register's record into ``STORE/<folder>/<id>.toml``: skipped when the same, a conflict (kept aside) when another."""
        record_id, what = record.id, register.what
        canonical = record.to_toml().encode("utf-8")
        target = register.path(self.store, record_id)
        for _ in range(3):
            kept = self.planned.get(target) or register.canonical(target)
            if kept == canonical:
                return ImportRow(
                    source.label, "skipped", record_id, f"a {what} already in the store with the same content", self.rel(target)
                )
            if kept is not None:
                aside = self.store.conflict_dir / f"{record_id}.{hashlib.sha256(canonical).hexdigest()[:8]}.toml"
                message = (
                    f"the store holds another {what} under this id ({self.rel(target)}); nothing in the store was "
                    f"changed, the incoming one {'would be' if self.dry_run else 'is'} kept as {self.rel(aside)}"
                )
                if not self.dry_run:
                    ensure_dir(self.store.conflict_dir)
                    with contextlib.suppress(FileExistsError):
                        create_exclusive(aside, raw)
                return ImportRow(source.label, "conflict", record_id, message, self.rel(aside))
            if self.dry_run:
                self.planned[target] = canonical
                return ImportRow(source.label, "imported", record_id, f"would be imported (a {what})", self.rel(target))
            self.store.folder(target.parent)
            try:
                create_exclusive(target, canonical, root=self.store.root)
            except FileExistsError:
                continue
            return ImportRow(source.label, "imported", record_id, f"a {what}", self.rel(target))
        raise StoreError(f"{target} keeps changing while importing; try again when other imports have finished")

    def existing(self, path: Path, expected: bytes | None = None) -> bytes | None:
        if path in self.removed:
            return None
        if path in self.planned:
            return self.planned[path]
        return _store_canonical(path, expected)

    def places(self, obs: Observation) -> tuple[Path, Path]:
        """Where ``obs`` belongs in the store, and where the other status of the same id lives.

        Observations go to ``observations/`` (final) or ``drafts/``; consensus records (those
        with ``consensus.of``) to ``consensus/`` (final) or ``consensus/drafts/``, exactly as the
        store that wrote them keeps them, so that a whole store imported reproduces it.
        """
        name = self.store.final_path(obs.id).name  # checks the id
        if obs.consensus is not None:
            final, draft = self.store.consensus_dir / name, self.store.consensus_dir / "drafts" / name
        else:
            final, draft = self.store.final_dir / name, self.store.draft_dir / name
        return (final, draft) if obs.status == "final" else (draft, final)

    def revision_of(self, path: Path) -> int | None:
        """The revision of the observation stored (or planned) at ``path``; None if unreadable."""
        data = self.existing(path)
        if data is None:
            return None
        try:
            text = decode_text(data, path, ObservationError)
            return parse_observation(parse_toml(text, path, ObservationError), path=path, text=text).revision
        except ObservationError:
            return None

    def consensus_clash(self, obs: Observation, target: Path) -> Path | None:
        """Another consensus record of the same session already in the store (one per session)."""
        ref = obs.session.session_ref
        if obs.consensus is None or obs.status != "final" or ref is None:
            return None
        if self.consensus_refs is None:
            self.consensus_refs = {}
            for path in sorted(self.store.consensus_dir.glob("*.toml")):
                try:
                    other = read_observation(path)[0]
                except (ObservationError, OSError):
                    continue
                if other.session.session_ref is not None:
                    self.consensus_refs.setdefault(ref_key(other.session.session_ref), path)
        found = self.consensus_refs.get(ref_key(ref))
        return found if found is not None and found != target else None

    def place(self, source: Source, obs: Observation, raw: bytes) -> ImportRow:
        canonical = _canonical(obs)
        target, other = self.places(obs)
        for _ in range(3):
            current = self.existing(target, canonical)
            if current is not None:
                if current == canonical:
                    return ImportRow(source.label, "skipped", obs.id, "already in the store with the same content", self.rel(target))
                stored = self.revision_of(target) if obs.status == "draft" and obs.consensus is None else None
                if stored is not None and stored > obs.revision:
                    message = "the store holds a later draft of this observation (a higher revision)"
                    return ImportRow(source.label, "skipped", obs.id, message, self.rel(target))
                if stored is None or stored == obs.revision:
                    why = f"the store holds different content under this id ({self.rel(target)})"
                    return self.conflict(source, obs, raw, canonical, why)
                # A later draft of a draft the store holds (the observer saved it since): the next step.
                done = f"replaces the earlier draft {self.rel(target)} (revision {stored})"
                if self.dry_run:
                    self.planned[target] = canonical
                    return ImportRow(source.label, "imported", obs.id, done.replace("replaces", "would replace"), self.rel(target))
                try:
                    self.write_over(obs, target, canonical, current)
                except FileExistsError:
                    continue  # the stored draft changed meanwhile (an autosave): judge again
                return ImportRow(source.label, "imported", obs.id, done, self.rel(target))
            clash = self.consensus_clash(obs, target)
            if clash is not None:
                why = f"the store already records the consensus of this session ({self.rel(clash)})"
                return self.conflict(source, obs, raw, canonical, why)
            replaces: Path | None = None
            if self.existing(other) is not None:
                stored = self.revision_of(other)
                if obs.status == "final" and stored is not None and stored < obs.revision:
                    replaces = other  # the expected next step: the draft was finalised
                elif obs.status == "draft" and stored is not None and stored >= obs.revision:
                    message = "the store holds the final version of this observation, finalised from this draft or a later one"
                    return ImportRow(source.label, "skipped", obs.id, message, self.rel(other))
                else:
                    kind = "a draft" if obs.status == "final" else "a final version"
                    return self.conflict(source, obs, raw, canonical, f"the store holds {kind} of this observation ({self.rel(other)})")
            done = f"replaces the draft {self.rel(replaces)}" if replaces is not None else ""
            if self.dry_run:
                self.planned[target] = canonical
                if replaces is not None:
                    self.removed.add(replaces)
                message = f"would be imported; {done.replace('replaces', 'would replace')}" if done else "would be imported"
                return ImportRow(source.label, "imported", obs.id, message, self.rel(target))
            try:
                self.write(obs, target, canonical, replaces)
            except FileExistsError:
                continue  # another import wrote this id a moment ago: compare with what it wrote
            if (
                obs.consensus is not None
                and obs.status == "final"
                and obs.session.session_ref is not None
                and self.consensus_refs is not None
            ):
                self.consensus_refs.setdefault(ref_key(obs.session.session_ref), target)
            return ImportRow(source.label, "imported", obs.id, done, self.rel(target))
        raise StoreError(f"{target} keeps changing while importing; try again when other imports have finished")

    def write(self, obs: Observation, target: Path, canonical: bytes, replaces: Path | None) -> None:
        """Create ``target`` (never over an existing file); remove the draft it replaces, under the observation's lock."""
        self.store.folder(target.parent)
        if replaces is None:
            create_exclusive(target, canonical, root=self.store.root)
            return
        expected = self.existing(replaces)
        with self.store._lock(obs.id):
            if _store_canonical(replaces) != expected:
                raise FileExistsError(replaces)  # the draft changed meanwhile (an autosave): judge again
            create_exclusive(target, canonical, root=self.store.root)
            remove_file(replaces, self.store.root)

    def write_over(self, obs: Observation, target: Path, canonical: bytes, expected: bytes) -> None:
        """Replace the earlier draft at ``target`` by a later one, atomically, under the observation's
        lock; ``FileExistsError`` when it is no longer the draft that was judged."""
        with self.store._lock(obs.id):
            if _store_canonical(target) != expected:
                raise FileExistsError(target)
            write_atomic(target, canonical, root=self.store.root)

    def conflict(self, source: Source, obs: Observation, raw: bytes, canonical: bytes, why: str) -> ImportRow:
        aside = self.store.conflict_dir / f"{obs.id}.{hashlib.sha256(canonical).hexdigest()[:8]}.toml"
        message = f"{why}; nothing in the store was changed, the incoming version is kept as {self.rel(aside)}"
        if self.dry_run:
            return ImportRow(source.label, "conflict", obs.id, message.replace("is kept", "would be kept"), self.rel(aside))
        ensure_dir(self.store.conflict_dir)
        with contextlib.suppress(FileExistsError):
            create_exclusive(aside, raw)
        return ImportRow(source.label, "conflict", obs.id, message, self.rel(aside))

    def run(self, source: Source) -> ImportRow:
        read = self.read(source)
        if isinstance(read, ImportRow):
            return read
        return self.place(source, *read)


def import_files(
    sources: PathOrPaths,
    store: Store | str | os.PathLike[str],
    registry: RubricRegistry | None = None,
    *,
    dry_run: bool = False,
    progress: Callable[[list[Source]], Iterable[Source]] | None = None,
) -> ImportResult:
    """Validate and import observation files (files, folders, zips; one path or a list) into ``store``.

    Never overwrites: see the module docstring for the outcomes. ``registry`` defaults to
    the bundled rubrics plus ``SEEDS_RUBRICS``. With ``dry_run`` nothing is written.
    ``progress`` may wrap the list of files (to draw a progress bar). Raises ``StoreError``
    only when the store itself cannot be written; problems with files become rows.
    """
    store = store if isinstance(store, Store) else Store(store)
    registry = registry if registry is not None else RubricRegistry.default()
    found, early = find_sources(sources)
    result = ImportResult(rows=list(early), dry_run=dry_run)
    if found and not dry_run:
        store.ensure()
    with contextlib.ExitStack() as stack:
        importer = _Importer(store, registry, dry_run=dry_run, zips=ZipReader(stack))
        for source in progress(found) if progress else found:
            try:
                result.rows.append(importer.run(source))
            except StoreError:
                raise
            except SeedsError as exc:  # pragma: no cover - defensive: a user error we did not foresee
                result.rows.append(ImportRow(source.label, "invalid", message=str(exc).splitlines()[0]))
    return result
