"""The store: a folder of observation files that never loses work.

Layout (all owner-only)::

    STORE/
      observations/<ID>.toml     final observations (the current revision)
      history/<ID>.r<N>.toml     earlier revisions of corrected final observations
      drafts/<ID>.toml           drafts, autosaved while scoring
      conflicts/                 files an import could not merge (both versions kept)
      consensus/<ID>.toml        agreed records of double-scored sessions (not in summaries)
      .cache/                    derived data for fast summaries (safe to delete)
      .lock                      advisory lock held while checking and saving

File names are the observation's ULID: unique, sortable by creation time, and
meaningless to anyone who sees a listing. Every save is atomic and checks the revision
on disk first, so two people editing one observation get one save and one conflict.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from seeds_tui.core.errors import ConflictError, ObservationError, Problem, StoreError
from seeds_tui.core.observation import (
    OBSERVATION_MAX_BYTES,
    Observation,
    check_against_rubric,
    now,
    observation_to_toml,
    parse_observation,
    read_observation,
)
from seeds_tui.core.rubric import Rubric
from seeds_tui.core.tomlio import load_toml, parse_toml
from seeds_tui.storage.atomic import TEMP_PREFIX, create_exclusive, ensure_dir, fsync_dir, is_temp_name, locked, write_atomic

_ID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")

#: Temp files older than this (seconds) are leftovers of a killed save, never a save in flight.
TEMP_MAX_AGE = 300.0


def default_store_dir() -> Path:
    """``SEEDS_STORE`` if set, else the per-user data folder (platformdirs)."""
    env = os.environ.get("SEEDS_STORE")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("seeds-tui", appauthor=False) / "store"


@dataclass(frozen=True)
class StoredFile:
    """One observation file in the store, not yet parsed."""

    path: Path
    id: str
    status: str  # "draft" | "final"


class Store:
    """A folder of observations. Create with ``Store(path)``; folders are made on first save."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root).expanduser() if root is not None else default_store_dir()
        self.final_dir = self.root / "observations"
        self.draft_dir = self.root / "drafts"
        self.history_dir = self.root / "history"
        self.conflict_dir = self.root / "conflicts"
        self.consensus_dir = self.root / "consensus"
        self.cache_dir = self.root / ".cache"
        self._lock_path = self.root / ".lock"

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    # -- paths ------------------------------------------------------------------------

    def final_path(self, obs_id: str) -> Path:
        """Where the final version of an observation lives."""
        return self.final_dir / f"{_checked_id(obs_id)}.toml"

    def draft_path(self, obs_id: str) -> Path:
        """Where the draft of an observation lives."""
        return self.draft_dir / f"{_checked_id(obs_id)}.toml"

    def path_of(self, obs: Observation) -> Path:
        """The file an observation is saved to, by its status."""
        return self.final_path(obs.id) if obs.status == "final" else self.draft_path(obs.id)

    def ensure(self) -> None:
        """Create the store's folders (owner-only) if missing."""
        for folder in (self.root, self.final_dir, self.draft_dir):
            ensure_dir(folder)

    # -- listing and reading ------------------------------------------------------------

    def files(self, status: str | None = None) -> list[StoredFile]:
        """Observation files (drafts first, then finals), newest first within each; temp files skipped."""
        found: list[StoredFile] = []
        for kind, folder in (("draft", self.draft_dir), ("final", self.final_dir)):
            if status not in (None, kind):
                continue
            try:
                entries = list(os.scandir(folder))
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise StoreError(f"cannot read folder {folder}: {exc.strerror or exc}") from None
            names = sorted(
                (e.name for e in entries if e.name.endswith(".toml") and not is_temp_name(e.name) and e.is_file()),
                reverse=True,
            )
            found += [StoredFile(folder / n, n.removesuffix(".toml"), kind) for n in names]
        return found

    def read(self, path: Path) -> Observation:
        """Load one observation file (raises ``ObservationError``)."""
        return read_observation(path)[0]

    def load(self, obs_id: str) -> Observation:
        """The current version of an observation: its draft if one exists, else its final file."""
        for path in (self.draft_path(obs_id), self.final_path(obs_id)):
            if path.exists():
                return self.read(path)
        raise StoreError(f"no observation {obs_id} in {self.root}")

    def iter_observations(self, *, include_drafts: bool = False) -> Iterator[tuple[Path, Observation | ObservationError]]:
        """Every observation with its path; a file that fails to load yields its error instead."""
        for stored in self.files(None if include_drafts else "final"):
            try:
                yield stored.path, self.read(stored.path)
            except ObservationError as exc:
                yield stored.path, exc

    def drafts(self) -> list[tuple[Path, Observation | ObservationError]]:
        """All drafts, newest first, each loaded (or its error)."""
        out: list[tuple[Path, Observation | ObservationError]] = []
        for stored in self.files("draft"):
            try:
                out.append((stored.path, self.read(stored.path)))
            except ObservationError as exc:
                out.append((stored.path, exc))
        return out

    # -- saving -----------------------------------------------------------------------

    def save_draft(self, obs: Observation) -> Observation:
        """Save a draft atomically after checking nobody else saved it since it was read.

        Returns the saved copy (revision + 1, ``updated`` now). Raises ``ConflictError`` if
        the draft on disk has another revision, ``StoreError`` if the disk refuses.
        """
        if obs.status != "draft":
            raise StoreError("save_draft takes a draft; use finalise() or save_correction() for final observations")
        self.ensure()
        path = self.draft_path(obs.id)
        with locked(self._lock_path):
            on_disk = _disk_revision(path)
            if on_disk is None and obs.revision > 0 and self.final_path(obs.id).exists():
                raise ConflictError(
                    f"observation {obs.id} was finalised elsewhere ({self.final_path(obs.id)}); open the final file to correct it"
                )
            if (on_disk or 0) != obs.revision:
                raise ConflictError(_conflict_message(path, obs.revision, on_disk))
            saved = obs.model_copy(update={"revision": obs.revision + 1, "updated": now()})
            write_atomic(path, _checked_bytes(saved, path))
        return saved

    def finalise(self, obs: Observation, rubric: Rubric) -> tuple[Observation, Path]:
        """Validate a draft against its rubric, write the final file once, remove the draft.

        Raises ``ObservationError`` listing what is missing (the draft is untouched),
        ``ConflictError`` if a final file with this id already exists.
        """
        stamp = now()
        final = obs.model_copy(update={"status": "final", "finalised": stamp, "updated": stamp, "revision": obs.revision + 1})
        problems = check_against_rubric(final, rubric, path=self.final_path(obs.id))
        if problems:
            raise ObservationError(self.final_path(obs.id), problems)
        self.ensure()
        path = self.final_path(obs.id)
        draft = self.draft_path(obs.id)
        with locked(self._lock_path):
            on_disk = _disk_revision(draft)
            if on_disk is not None and on_disk != obs.revision:
                raise ConflictError(_conflict_message(draft, obs.revision, on_disk))
            try:
                create_exclusive(path, _checked_bytes(final, path))
            except FileExistsError:
                raise ConflictError(f"{path} already exists: this observation was finalised before; open it to correct it") from None
            with contextlib.suppress(FileNotFoundError):
                draft.unlink()
                fsync_dir(self.draft_dir)
        return final, path

    def save_correction(self, obs: Observation, rubric: Rubric) -> tuple[Observation, Path]:
        """Save a corrected final observation as a new revision; the previous one goes to history/.

        Refuses with ``ConflictError`` if the final file changed since ``obs`` was read.
        """
        if obs.status != "final":
            raise StoreError("save_correction takes a final observation")
        stamp = now()
        corrected = obs.model_copy(update={"revision": obs.revision + 1, "updated": stamp})
        path = self.final_path(obs.id)
        problems = check_against_rubric(corrected, rubric, path=path)
        if problems:
            raise ObservationError(path, problems)
        ensure_dir(self.history_dir)
        with locked(self._lock_path):
            on_disk = _disk_revision(path)
            if on_disk != obs.revision:
                raise ConflictError(_conflict_message(path, obs.revision, on_disk))
            old = self.history_dir / f"{obs.id}.r{obs.revision}.toml"
            try:
                write_atomic(old, path.read_bytes())
            except OSError as exc:
                raise StoreError(f"could not keep the previous revision of {path}: {exc.strerror or exc}") from None
            write_atomic(path, _checked_bytes(corrected, path))
        return corrected, path

    def keep_aside(self, obs: Observation, reason: str = "unsaved") -> Path:
        """Write a copy that could not be saved in its place into ``conflicts/`` and return its path.

        Used when saving would overwrite someone else's work (or the draft folder refuses):
        both versions are kept and nothing is lost. One file per observation and reason;
        keeping aside again replaces that copy atomically.
        """
        ensure_dir(self.conflict_dir)
        path = self.conflict_dir / f"{_checked_id(obs.id)}.{reason}.toml"
        write_atomic(path, observation_to_toml(obs).encode("utf-8"))
        return path

    def discard_draft(self, obs_id: str) -> None:
        """Delete a draft the observer chose to throw away."""
        with contextlib.suppress(FileNotFoundError):
            self.draft_path(obs_id).unlink()
            fsync_dir(self.draft_dir)

    def clean_temp_files(self, *, older_than: float = TEMP_MAX_AGE) -> int:
        """Remove temp files a killed or crashed save left behind; return how many were removed.

        Only our own temp names (``.tmp-*``) in the store's folders, and only those last
        changed more than ``older_than`` seconds ago, so a save in flight in another process
        (which finishes in well under a second) is never disturbed. Best effort: a folder that
        cannot be listed or written is skipped silently (readers skip temp files anyway).
        Called when the app or a command opens the store.
        """
        limit = time.time() - older_than
        removed = 0
        folders = (
            *(self.final_dir, self.draft_dir, self.history_dir, self.conflict_dir),
            *(self.consensus_dir, self.consensus_dir / "drafts", self.cache_dir),
        )
        for folder in folders:
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if not entry.name.startswith(TEMP_PREFIX):
                    continue
                try:
                    if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < limit:
                        os.unlink(entry.path)
                        removed += 1
                except OSError:
                    continue
        return removed

    # -- names for pick lists -------------------------------------------------------------

    def known_names(self, limit: int = 500) -> dict[str, list[str]]:
        """Practitioners, teams and observers named in the newest ``limit`` files, sorted."""
        found: dict[str, set[str]] = {"practitioner": set(), "team": set(), "observer": set()}
        for stored in self.files()[:limit]:
            try:
                session = self.read(stored.path).session
            except ObservationError:
                continue
            found["practitioner"].add(session.practitioner)
            found["team"].add(session.team)
            found["observer"].add(session.observer)
        return {k: sorted(v, key=str.casefold) for k, v in found.items()}


def _checked_bytes(obs: Observation, path: Path) -> bytes:
    """The file text of ``obs``, refused (``ObservationError``) if it would not load back.

    Edits are model copies, which pydantic does not validate: without this check a note pasted
    past its length cap would be saved into a file that the app then cannot open again.
    """
    text = observation_to_toml(obs)
    try:
        parse_observation(parse_toml(text, path, ObservationError), path=path, text=text)
    except ObservationError as exc:
        problems = [Problem(path, f"not saved, the observation would not load back: {p.message}", field=p.field) for p in exc.problems]
        raise ObservationError(path, problems) from None
    return text.encode("utf-8")


def _checked_id(obs_id: str) -> str:
    if not _ID_RE.match(obs_id):
        raise StoreError("not an observation id (26 characters, as made by seeds-tui)")
    return obs_id


def _conflict_message(path: Path, expected: int, on_disk: int | None) -> str:
    if on_disk is None:
        return f"{path} was removed or finalised since it was opened; your changes were not saved over it. Reopen the observation."
    return (
        f"{path} changed on disk since it was opened (revision {on_disk}, expected {expected}); "
        "someone else saved it. Nothing was overwritten: reopen it and apply your change again."
    )


_HEAD_RE = re.compile(r"^\s*\[")


def _disk_revision(path: Path) -> int | None:
    """The revision saved in ``path`` (None if the file is missing), read from its top-level keys only."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    lines = []
    for line in head.decode("utf-8", errors="replace").splitlines():
        if _HEAD_RE.match(line):
            break
        lines.append(line)
    try:
        value = tomllib.loads("\n".join(lines)).get("revision")
    except tomllib.TOMLDecodeError:
        value = None
    if not isinstance(value, int) and len(head) == 4096:
        # A long comment or top part pushed the revision past the first 4 KiB: read the whole file.
        value = load_toml(path, max_bytes=OBSERVATION_MAX_BYTES, error=ObservationError)[0].get("revision")
    if not isinstance(value, int):
        problem = Problem(path, "the file on disk has no readable revision; it is damaged or not ours", field="revision")
        raise ObservationError(path, [problem])
    return value
