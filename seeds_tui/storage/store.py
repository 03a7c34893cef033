"""The store: a folder of observation files that never loses work.

Layout (all owner-only)::

    STORE/
      observations/<ID>.toml     final observations (the current revision)
      history/<ID>.r<N>.toml     earlier revisions of corrected final observations
      drafts/<ID>.toml           drafts, autosaved while scoring
      conflicts/<ID>.<why>.toml  copies kept aside (a save that met someone else's, an import
                                 that could not merge): each a new file, never overwritten
      consensus/<ID>.toml        agreed records of double-scored sessions (not in summaries)
      reports/<ID>.md|.html      feedback sheets and exports written from the app (for a team's
                                 shared store: the user's own store's reports/, never the share)
      .cache/                    derived data for fast summaries (safe to delete)
      .locks/<ID>.lock           one lock per observation, held while checking and saving it
      .publish/                  what was published to the team's shared store, and where it is

A team's shared store (``seeds_tui.storage.publish``) has the same layout, holds finals only
(and earlier revisions in ``history/``), and is marked by ``.seeds-shared-store``: drafts,
corrections and copies kept aside are refused there (they stay on the observer's computer).

File names are the observation's ULID: unique, sortable by creation time, and
meaningless to anyone who sees a listing. A file whose name is not its id (a sync tool's
"conflicted copy", "X (1).toml") is reported, never read as that observation, and never
saved through. Every save is atomic and checks the revision on disk first, so two people
editing one observation get one save and one conflict. Each observation has its own lock,
with a timeout: a save that is stuck (a slow share) never holds up another observation, and
a wait that runs out is ``StoreBusy`` (try again), never a conflict.

No save, delete or clean-up goes through a link inside the store: a folder or file of the
store that is a link is refused with a ``StoreError`` naming it (the store folder itself may
be a link).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from seeds_tui.core.errors import ConflictError, ObservationError, Problem, StoreError
from seeds_tui.core.observation import (
    OBSERVATION_MAX_BYTES,
    REVISION_MAX,
    Observation,
    check_against_rubric,
    name_key,
    now,
    observation_to_toml,
    parse_observation,
    read_observation,
)
from seeds_tui.core.rubric import Rubric
from seeds_tui.core.tomlio import NotARegularFile, load_toml, parse_toml, read_regular
from seeds_tui.storage.atomic import (
    LOCK_TIMEOUT,
    TEMP_PREFIX,
    check_no_links,
    create_exclusive,
    create_unique,
    ensure_dir,
    is_temp_name,
    locked,
    remove_file,
    write_atomic,
)

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

    def __init__(self, root: str | os.PathLike[str] | None = None, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.root = Path(root).expanduser() if root is not None else default_store_dir()
        self.final_dir = self.root / "observations"
        self.draft_dir = self.root / "drafts"
        self.history_dir = self.root / "history"
        self.conflict_dir = self.root / "conflicts"
        self.consensus_dir = self.root / "consensus"
        self.lock_dir = self.root / ".locks"
        #: Seconds a save waits for another save of the same observation before ``StoreBusy``.
        self.lock_timeout = lock_timeout
        #: Copies this store object kept aside, with their inode: only these may be brought up to date.
        self._kept: dict[Path, int] = {}
        self._shared: bool | None = None

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    @property
    def cache_dir(self) -> Path:
        """The summary cache's folder: ``STORE/.cache``; for a team's shared store, a folder on this computer.

        Nothing but published finals is written into a share (a cache there would be rewritten by every
        facilitator's summary, and synced, and copied in conflict), and a read-only share keeps the speed-up.
        """
        if self.is_shared:
            return shared_cache_dir(self.root)
        return self.root / ".cache"

    @property
    def reports_dir(self) -> Path:
        """Where feedback sheets and exports go: ``STORE/reports/``; for a team's shared store, the user's own.

        A shared store holds published finals only: a practitioner's sheet or a team export written
        there would be synced to the whole team (and a read-only share would refuse it), so they go
        to the ``reports/`` folder of this computer's own store (see ``local_reports_store``).
        """
        if self.is_shared:
            return self.local_reports_store().reports_dir
        return self.root / "reports"

    def local_reports_store(self) -> Store:
        """The store whose ``reports/`` takes this store's reports: itself, or for a shared store the user's own.

        The user's own store is the default one (``SEEDS_STORE``, else the per-user data folder);
        when that is a shared store too (or this very one), the per-user data folder's store.
        Raises ``StoreError`` when neither is a store of the user's own.
        """
        if not self.is_shared:
            return self
        from platformdirs import user_data_path

        here = os.path.abspath(self.root)
        for root in (default_store_dir(), user_data_path("seeds-tui", appauthor=False) / "store"):
            if os.path.abspath(root) != here and not is_shared_store(root):
                return Store(root)
        raise StoreError(
            f"{self.root} is a team's shared store, which keeps published finals only, and there is no store of your own "
            "on this computer for feedback sheets and exports: set SEEDS_STORE to a folder of your own"
        )

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
        """Create the store's folders (owner-only) if missing; refuse one that is a link."""
        for folder in (self.final_dir, self.draft_dir, self.lock_dir):
            self.folder(folder)

    @property
    def is_shared(self) -> bool:
        """True for a team's shared store (``seeds-tui publish``): finals arrive there only by publishing."""
        if self._shared is None:
            self._shared = is_shared_store(self.root)
        return self._shared

    def _refuse_if_shared(self) -> None:
        if self.is_shared:
            raise StoreError(
                f"{self.root} is a team's shared store: drafts, corrections and copies stay on your own computer. "
                "Score in your own store (seeds-tui --store DIR) and publish the final (seeds-tui publish)"
            )

    def folder(self, folder: Path) -> Path:
        """``folder`` of this store, made (owner-only) if missing, after checking it is no link.

        Every folder the store, the app and the calibration flow write into comes through here:
        a link there is refused with a ``StoreError`` naming it, so nothing is written outside.
        """
        if folder in (self.draft_dir, self.conflict_dir, self.consensus_dir / "drafts"):
            self._refuse_if_shared()  # drafts and consensus drafts never leave the laptop
        ensure_dir(self.root)
        check_no_links(folder, self.root)
        ensure_dir(folder)
        return folder

    def _lock(self, obs_id: str) -> contextlib.AbstractContextManager[None]:
        """The lock of one observation (saves of other observations never wait for it)."""
        self.folder(self.lock_dir)
        return locked(self.lock_dir / f"{_checked_id(obs_id)}.lock", timeout=self.lock_timeout, what=f"observation {obs_id}")

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
                (e.name for e in entries if e.name.endswith(".toml") and not is_temp_name(e.name) and _is_file(e)),
                reverse=True,
            )
            found += [StoredFile(folder / n, n.removesuffix(".toml"), kind) for n in names]
        if status is None or status == "draft":
            # A draft whose final file exists was left behind by a finalise cut short: the final counts.
            finals = {f.path.name for f in found if f.status == "final"} if status is None else _final_names(self.final_dir)
            found = [f for f in found if f.status == "final" or f.path.name not in finals]
        return found

    def read(self, path: Path) -> Observation:
        """Load one observation file (raises ``ObservationError``).

        In the store's own folders a file must be named by its id: a copy under another name
        (a sync tool's "conflicted copy", "X (1).toml", a renamed file) is refused here, so it
        is counted nowhere and never opened, corrected or saved as the observation it copies.
        """
        obs = read_observation(path)[0]
        if path.parent in (self.final_dir, self.draft_dir):
            problem = file_name_problem(path, obs.id)
            if problem is not None:
                raise ObservationError(path, [problem])
        return obs

    def load(self, obs_id: str) -> Observation:
        """The current version of an observation: its final file if one exists, else its draft."""
        for path in (self.final_path(obs_id), self.draft_path(obs_id)):
            if os.path.lexists(path):
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

        Returns the saved copy (revision + 1, ``updated`` now). Raises ``ConflictError`` only
        when the draft on disk really has another revision (or went), ``StoreBusy`` when another
        save of this observation held its lock too long, ``StoreError`` if the disk refuses.
        """
        if obs.status != "draft":
            raise StoreError("save_draft takes a draft; use finalise() or save_correction() for final observations")
        path = self.draft_path(obs.id)
        _check_revision_room(obs, path)
        self.ensure()
        check_no_links(path, self.root)
        with self._lock(obs.id):
            on_disk = _disk_revision(path)
            if on_disk is None and obs.revision > 0 and os.path.lexists(self.final_path(obs.id)):
                raise ConflictError(
                    f"observation {obs.id} was finalised elsewhere ({self.final_path(obs.id)}); open the final file to correct it"
                )
            if (on_disk or 0) != obs.revision:
                raise ConflictError(_conflict_message(path, obs.revision, on_disk))
            saved = obs.model_copy(update={"revision": obs.revision + 1, "updated": now()})
            write_atomic(path, _checked_bytes(saved, path), root=self.root)
        return saved

    def finalise(self, obs: Observation, rubric: Rubric) -> tuple[Observation, Path]:
        """Validate a draft against its rubric, write the final file once, remove the draft.

        Raises ``ObservationError`` listing what is missing (the draft is untouched),
        ``ConflictError`` if a final file with this id already exists.
        """
        path = self.final_path(obs.id)
        _check_revision_room(obs, path)
        stamp = now()
        final = obs.model_copy(update={"status": "final", "finalised": stamp, "updated": stamp, "revision": obs.revision + 1})
        problems = check_against_rubric(final, rubric, path=path)
        if problems:
            raise ObservationError(path, problems)
        self.ensure()
        draft = self.draft_path(obs.id)
        check_no_links(draft, self.root)
        with self._lock(obs.id):
            on_disk = _disk_revision(draft)
            if on_disk is not None and on_disk != obs.revision:
                raise ConflictError(_conflict_message(draft, obs.revision, on_disk))
            try:
                create_exclusive(path, _checked_bytes(final, path), root=self.root)
            except FileExistsError:
                raise ConflictError(f"{path} already exists: this observation was finalised before; open it to correct it") from None
            if on_disk is not None:
                remove_file(draft, self.root)
        return final, path

    def save_correction(self, obs: Observation, rubric: Rubric) -> tuple[Observation, Path]:
        """Save a corrected final observation as a new revision; the previous one goes to history/.

        Refuses with ``ConflictError`` if the final file changed since ``obs`` was read. The
        copy in history/ is a new file (never written over: a second copy of one revision, after
        a correction cut short, gets a new name).
        """
        if obs.status != "final":
            raise StoreError("save_correction takes a final observation")
        self._refuse_if_shared()
        path = self.final_path(obs.id)
        _check_revision_room(obs, path)
        stamp = now()
        corrected = obs.model_copy(update={"revision": obs.revision + 1, "updated": stamp})
        problems = check_against_rubric(corrected, rubric, path=path)
        if problems:
            raise ObservationError(path, problems)
        self.folder(self.history_dir)
        check_no_links(path, self.root)
        with self._lock(obs.id):
            on_disk = _disk_revision(path)
            if on_disk != obs.revision:
                raise ConflictError(_conflict_message(path, obs.revision, on_disk))
            try:
                previous = read_regular(path, max_bytes=OBSERVATION_MAX_BYTES)
            except OSError as exc:
                raise StoreError(f"could not keep the previous revision of {path}: {exc.strerror or exc}") from None
            kept = self.history_dir / f"{obs.id}.r{obs.revision}.toml"
            if _read_or_none(kept) != previous:  # the same copy already kept (a correction cut short) is not kept twice
                create_unique(self.history_dir, kept.stem, previous, root=self.root)
            write_atomic(path, _checked_bytes(corrected, path), root=self.root)
        return corrected, path

    def keep_aside(self, obs: Observation, reason: str = "unsaved", *, replacing: Path | None = None) -> Path:
        """Write a copy that could not be saved in its place into ``conflicts/`` and return its path.

        Used when saving would overwrite someone else's work (or the draft folder refuses):
        both versions are kept and nothing is lost. Every call makes a new file
        (``ID.unsaved.toml``, then ``ID.unsaved-2.toml``...), created exclusively: a copy another
        editor kept aside is never written over. ``replacing`` (a path this same ``Store`` object
        returned earlier) brings that one copy up to date instead, if it is still the file this
        object wrote; otherwise a new copy is made.
        """
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,31}", reason):
            raise StoreError("the reason for keeping a copy aside is a short lower-case word")
        self.folder(self.conflict_dir)
        data = observation_to_toml(obs).encode("utf-8")
        if replacing is not None and replacing.parent == self.conflict_dir and self._kept.get(replacing) == _inode(replacing):
            write_atomic(replacing, data, root=self.root)
            self._kept[replacing] = _inode(replacing)
            return replacing
        path = create_unique(self.conflict_dir, f"{_checked_id(obs.id)}.{reason}", data, root=self.root)
        self._kept[path] = _inode(path)
        return path

    def write_report(self, name: str, data: bytes) -> Path:
        """Write a feedback sheet (or another report) as ``STORE/reports/NAME`` (atomic, owner-only); return its path.

        For a team's shared store, into the user's own store's ``reports/`` (``reports_dir``), never into the share.
        """
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", name):
            raise StoreError("a report's name is letters, digits, dots and dashes (no folders)")
        if self.is_shared:
            return self.local_reports_store().write_report(name, data)
        path = self.folder(self.reports_dir) / name
        write_atomic(path, data, root=self.root)
        return path

    def discard_draft(self, obs_id: str) -> None:
        """Delete a draft the observer chose to throw away."""
        path = self.draft_path(obs_id)
        remove_file(path, self.root)

    def clean_temp_files(self, *, older_than: float = TEMP_MAX_AGE) -> int:
        """Remove temp files a killed or crashed save left behind; return how many were removed.

        Only our own temp names (``.tmp-*``) in the store's folders, and only those last
        changed more than ``older_than`` seconds ago, so a save in flight in another process
        (which finishes in well under a second) is never disturbed. Best effort: a folder that
        cannot be listed or written, or that is a link (it could lead outside the store), is
        skipped silently (readers skip temp files anyway). Called when the app or a command
        opens the store.
        """
        limit = time.time() - older_than
        removed = 0
        folders = (
            *(self.final_dir, self.draft_dir, self.history_dir, self.conflict_dir, self.root / "reports"),
            *(self.consensus_dir, self.consensus_dir / "drafts", self.cache_dir),
        )
        for folder in folders:
            try:
                check_no_links(folder, self.root)
                entries = list(os.scandir(folder))
            except (OSError, StoreError):
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

    def latest_teams(self, limit: int = 500) -> dict[str, str]:
        """Each practitioner's team in their latest session among the newest ``limit`` files, keyed by
        ``name_key`` of the practitioner (so the set-up form can fill in the team of a known name)."""
        latest: dict[str, tuple[date, str]] = {}
        for stored in self.files()[:limit]:
            try:
                session = self.read(stored.path).session
            except ObservationError:
                continue
            key = name_key(session.practitioner)
            if key not in latest or session.date > latest[key][0]:
                latest[key] = (session.date, session.team)
        return {k: team for k, (_, team) in latest.items()}


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


def shared_cache_dir(root: Path) -> Path:
    """Where this computer keeps the summary cache of the shared store at ``root``: the per-user cache folder, one per path."""
    from platformdirs import user_cache_path

    key = hashlib.sha256(os.path.abspath(root).encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return user_cache_path("seeds-tui", appauthor=False) / "shared-stores" / key


#: The file that marks a folder as a team's shared store (made by ``seeds-tui publish --to DIR``).
SHARED_MARK = ".seeds-shared-store"


def is_shared_store(root: Path) -> bool:
    """True when ``root`` is a team's shared store (it holds the shared-store mark)."""
    return os.path.lexists(root / SHARED_MARK)


def file_name_problem(path: Path, obs_id: str) -> Problem | None:
    """The problem with a store file not named ``<id>.toml`` by the id inside it, or None.

    Such a file is a copy (a sync tool's "conflicted copy", "X (1).toml", a file renamed by hand):
    reading it as an observation would count that observation twice, and saving it would write
    to the file of the observation it copies.
    """
    if path.name == f"{obs_id}.toml":
        return None
    return Problem(
        path,
        "the file's name is not the observation's id (a copy, e.g. a sync tool's conflicted copy or a renamed file); "
        "it is not counted or opened: keep the file named ID.toml and move this one out of the store",
        field="id",
    )


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _final_names(folder: Path) -> set[str]:
    try:
        return {e.name for e in os.scandir(folder) if e.name.endswith(".toml")}
    except OSError:
        return set()


def _inode(path: Path) -> int:
    try:
        return os.lstat(path).st_ino
    except OSError:
        return -1


def _read_or_none(path: Path) -> bytes | None:
    try:
        return read_regular(path, max_bytes=OBSERVATION_MAX_BYTES)
    except OSError:
        return None


def _check_revision_room(obs: Observation, path: Path) -> None:
    """Refuse to save an observation whose revision cannot grow (the same bound ``validate`` checks)."""
    if obs.revision >= REVISION_MAX:
        problem = Problem(path, f"the revision is at its limit ({REVISION_MAX:,}); this file cannot be saved again", field="revision")
        raise ObservationError(path, [problem])


def looks_like_id(name: str) -> bool:
    """True when ``name`` has the form of an observation id (26 characters of Crockford base32)."""
    return _ID_RE.fullmatch(name) is not None


def _checked_id(obs_id: str) -> str:
    if not _ID_RE.fullmatch(obs_id):
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
        # Never blocks: a named pipe (or a device) in place of the file is refused, not waited on.
        head = read_regular(path, max_bytes=4095)
    except FileNotFoundError:
        return None
    except NotARegularFile:
        problem = Problem(path, "is not a regular file (a pipe, device or socket); remove it, then save again", field="revision")
        raise ObservationError(path, [problem]) from None
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
