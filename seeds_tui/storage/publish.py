"""Publishing finals to a team's shared store on a network share or a synced folder.

A team keeps one shared store on a folder its service already has: a network share, or a folder
that OneDrive, SharePoint or Syncthing keeps in step on every computer. SPOs score in their own
store on their laptop; drafts, consensus drafts, corrections in progress and copies kept aside
never leave it. A final (and an agreed consensus record) is *published*: copied, whole, into the
shared store, where facilitators, ``seeds-tui summary`` and the app's Team summary read it.

Nothing here relies on a lock, which a share or a sync tool cannot be trusted to honour:

- **unique names, write-once**: a final goes to ``SHARED/observations/<ID>.toml`` (its ULID, made
  on the observer's laptop), created exclusively, so two SPOs publishing at once never touch the
  same name. A correction (a higher revision of the same id) first keeps the revision it replaces
  under a new name in ``SHARED/history/``, then replaces it in one rename; a shared copy that is
  not an older revision of the same observation is never written over (a conflict, reported).
- **verify after write**: the file is read back and compared byte for byte; only then is it
  recorded as published (``STORE/.publish/<ID>.toml``, on the laptop). Each run lists the shared
  folders once: a final recorded as published whose file is no longer there is published again.
- **a seal**: each published file starts with a comment line giving its length and SHA-256
  (``seeds_tui.core.seal``). Every reader refuses a file that does not match it, so a file a sync
  tool has delivered only in part is reported and left out, never counted, and never written
  through (publishing leaves an incomplete shared copy alone).
- **conflict copies** a sync tool makes ("ID (conflicted copy).toml", "ID-LAPTOP.toml",
  "ID.sync-conflict-....toml") are not named by their id: every reader already leaves them out
  and reports them (``seeds_tui.storage.store.file_name_problem``); ``shared_store_problems``
  lists them, and incomplete files, once.
- **never lost**: a publish that cannot reach the share (not mounted, read-only, full, offline)
  changes nothing in the local store: the final stays there and is published at the next try
  (``seeds-tui publish``, the app at start, after each finalise and every minute while it runs).

The shared store must exist before the first publish and is marked by ``.seeds-shared-store``:
a share that is not connected is never mistaken for an empty folder to publish into.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from seeds_tui.core.errors import ObservationError, Problem, SeedsError, StoreError
from seeds_tui.core.observation import OBSERVATION_MAX_BYTES, Observation, now, observation_from_toml
from seeds_tui.core.seal import seal, seal_problem, unsealed
from seeds_tui.core.tomlio import NotARegularFile, decode_text, dump_toml, read_regular
from seeds_tui.storage.atomic import TEMP_PREFIX, create_exclusive, create_unique, ensure_dir, is_temp_name, write_atomic
from seeds_tui.storage.store import SHARED_MARK, Store, file_name_problem, is_shared_store, looks_like_id

#: The kinds of final a store publishes: observations and agreed consensus records (never drafts).
KINDS = ("observations", "consensus")
#: Files sync tools and operating systems leave in a folder (a new shared store may hold these).
SYNC_TOOL_FILES = {".stfolder", ".stignore", ".stversions", "desktop.ini", ".ds_store", "thumbs.db", ".dropbox", ".sync"}
LEDGER_FOLDER = ".publish"
WHERE_FILE = "shared-store.toml"
_MAX_LEDGER = 64 * 1024

State = Literal["published", "already", "waiting", "conflict"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one final: ``published`` now, ``already`` there, ``waiting`` (kept here, tried again later) or ``conflict``."""

    id: str
    kind: str
    state: State
    message: str = ""


@dataclass
class PublishReport:
    """One publish run: where to, and an outcome per final of the local store."""

    shared: Path
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, state: State) -> int:
        """How many finals ended in ``state``."""
        return sum(1 for o in self.outcomes if o.state == state)

    @property
    def problems(self) -> list[Outcome]:
        """The finals not (yet) in the shared store: waiting or in conflict."""
        return [o for o in self.outcomes if o.state in ("waiting", "conflict")]


# -- where the shared store is ------------------------------------------------------------------


def remembered_shared_store(store: Store) -> Path | None:
    """The shared store this store publishes to (``seeds-tui publish --to DIR`` remembers it), or None."""
    try:
        data = tomllib.loads(read_regular(store.root / LEDGER_FOLDER / WHERE_FILE, max_bytes=_MAX_LEDGER).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError):
        return None
    folder = data.get("folder")
    return Path(folder) if isinstance(folder, str) and folder else None


def remember_shared_store(store: Store, shared: Path) -> None:
    """Remember ``shared`` as the shared store of ``store`` (in ``STORE/.publish/``, on this computer)."""
    folder = store.folder(store.root / LEDGER_FOLDER)
    text = dump_toml({"schema": "seeds-publish/1", "folder": str(Path(os.path.abspath(shared)))})
    write_atomic(folder / WHERE_FILE, text.encode("utf-8"), root=store.root)


def make_shared_store(shared: Path) -> None:
    """Mark ``shared`` as a team's shared store (idempotent); it must exist, and hold nothing else yet.

    Raises ``StoreError`` naming the folder: missing (a share not connected, a folder not synced
    yet: never created here, so nothing is ever published onto a laptop's own disk by mistake),
    a store of someone's own, or a folder holding other files.
    """
    if is_shared_store(shared):
        return
    if not shared.is_dir():
        raise StoreError(
            f"{shared} does not exist or cannot be reached (is the share connected, the folder synced?); "
            "make the shared folder first, then publish to it"
        )
    try:
        # Our own temp files are another SPO making the same shared store at this very moment.
        others = [e.name for e in os.scandir(shared) if e.name.lower() not in SYNC_TOOL_FILES and not e.name.startswith(TEMP_PREFIX)]
    except OSError as exc:
        raise StoreError(f"cannot read {shared}: {exc.strerror or exc}") from None
    if others and not is_shared_store(shared):  # (marked meanwhile: the same shared store)
        what = "a store of its own" if "observations" in others or ".locks" in others else "other files"
        raise StoreError(f"{shared} holds {what}; a team's shared store starts in an empty folder: choose or make one")
    mark = dump_toml({"schema": "seeds-shared-store/1", "created": now().isoformat()})
    with contextlib.suppress(FileExistsError):  # another SPO marked it at the same moment: the same shared store
        create_exclusive(shared / SHARED_MARK, mark.encode("utf-8"), root=shared)
    for kind in (*KINDS, "history"):
        ensure_dir(shared / kind)


# -- publishing --------------------------------------------------------------------------------


def publish(store: Store, shared: Path | None = None, *, only: Iterable[str] | None = None, verify: bool = False) -> PublishReport:
    """Publish every final of ``store`` not yet in the shared store (``shared``, else the remembered one).

    Never raises for a share that cannot be reached: each final is then ``waiting`` with the
    reason, and stays in the local store as it was. ``only`` limits the run to those ids;
    ``verify`` reads back the shared copy of every final, also those noted as published before
    (a final noted as published but no longer in the shared store is published again by every run).
    Raises ``StoreError`` only when no shared store is set at all.
    """
    target = shared if shared is not None else remembered_shared_store(store)
    if target is None:
        raise StoreError(f"no shared store is set for {store.root}; publish once with --to DIR (the team's shared folder)")
    report = PublishReport(target)
    wanted = set(only) if only is not None else None
    finals = [(kind, path) for kind, path in _local_finals(store) if wanted is None or path.stem in wanted]
    if not finals:
        return report
    unreachable = _unreachable(target)
    present = _SharedNames(target)
    for kind, path in finals:
        if unreachable is not None:
            report.outcomes.append(Outcome(path.stem, kind, "waiting", unreachable))
            continue
        report.outcomes.append(_publish_one(store, target, kind, path, verify, present))
    return report


class _SharedNames:
    """The file names in each folder of the shared store, listed once per publish run (one listing, not a look-up per final).

    A final noted as published whose file is no longer there (removed from the shared store, e.g. an
    incomplete copy a person took away as they were told) is published again at the next run.
    A folder that cannot be listed counts as holding everything: the notes are trusted then.
    """

    def __init__(self, shared: Path) -> None:
        self.shared = shared
        self._names: dict[str, set[str] | None] = {}

    def holds(self, kind: str, name: str) -> bool:
        if kind not in self._names:
            try:
                self._names[kind] = {e.name for e in os.scandir(self.shared / kind)}
            except OSError:
                self._names[kind] = None
        names = self._names[kind]
        return names is None or name in names


def _unreachable(shared: Path) -> str | None:
    """Why the shared store cannot be published to now (then nothing is tried), or None."""
    try:
        if not shared.is_dir():
            return f"the shared store {shared} cannot be reached (not connected, or not synced yet); kept here, published later"
        if not is_shared_store(shared):
            return f"{shared} is not a team's shared store (no {SHARED_MARK}); publish once with --to {shared} to make it one"
    except OSError as exc:
        return f"the shared store {shared} cannot be reached ({exc.strerror or exc}); kept here, published later"
    return None


def _local_finals(store: Store) -> list[tuple[str, Path]]:
    """Every final of the local store that may be published: named by its id, regular files only."""
    found: list[tuple[str, Path]] = []
    for kind, folder in (("observations", store.final_dir), ("consensus", store.consensus_dir)):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            stem = entry.name.removesuffix(".toml")
            if (
                entry.name.endswith(".toml")
                and not is_temp_name(entry.name)
                and looks_like_id(stem)
                and entry.is_file(follow_symlinks=False)
            ):
                found.append((kind, Path(entry.path)))
    return found


def _publish_one(store: Store, shared: Path, kind: str, path: Path, verify: bool, present: _SharedNames) -> Outcome:
    obs_id = path.stem
    try:
        data = read_regular(path, max_bytes=OBSERVATION_MAX_BYTES)
        obs = observation_from_toml(decode_text(data, path, ObservationError), path)
    except (OSError, ObservationError) as exc:
        return Outcome(obs_id, kind, "conflict", f"{path} cannot be read, so it is not published: {_reason(exc)}")
    if obs.status != "final" or file_name_problem(path, obs.id) is not None:
        return Outcome(obs_id, kind, "conflict", f"{path} is not a final named by its id; it is not published")
    body = unsealed(data)
    digest = hashlib.sha256(body).hexdigest()
    if not verify and _ledger(store, obs_id).get("sha256") == digest and present.holds(kind, path.name):
        return Outcome(obs_id, kind, "already")
    sealed = seal(body)
    target = shared / kind / f"{obs_id}.toml"
    try:
        state: State = "already" if _read(target) == sealed else "published"
        if state == "published":
            outcome = _write(shared, target, sealed, obs, kind)
            if outcome is not None:
                return outcome
            if _read(target) != sealed:  # verify after write: a share or sync tool may not keep what it was given
                return Outcome(obs_id, kind, "waiting", f"{target} did not read back as written; kept here, published again later")
    except (OSError, SeedsError) as exc:
        return Outcome(obs_id, kind, "waiting", _not_published(exc, shared))
    try:
        _record(store, obs, kind, digest)
    except SeedsError as exc:  # published and verified; only the note of it failed: the next run finds it there
        return Outcome(obs_id, kind, state, f"in the shared store, but not noted in {store.root}: {exc}")
    return Outcome(obs_id, kind, state)


def _write(shared: Path, target: Path, sealed: bytes, obs: Observation, kind: str) -> Outcome | None:
    """Write ``sealed`` at ``target`` unless that would go over someone else's file; an outcome if it did not write."""
    ensure_dir(target.parent)
    try:
        create_exclusive(target, sealed, root=shared)
        return None
    except FileExistsError:
        pass
    existing = _read(target)
    if existing is None or existing == sealed:  # gone meanwhile (tried again next run), or already there
        return None if existing == sealed else Outcome(obs.id, kind, "waiting", f"{target} vanished while publishing; tried again later")
    if seal_problem(existing) is not None:
        return Outcome(
            obs.id, kind, "waiting",
            f"the shared store's copy {target} is incomplete (a sync still in progress?); it was left alone and is tried "
            "again later (if it stays so, remove it from the shared store)",
        )  # fmt: skip
    try:
        other = observation_from_toml(decode_text(existing, target, ObservationError), target)
    except ObservationError:
        other = None
    if other is None or other.id != obs.id or other.revision >= obs.revision:
        held = f"revision {other.revision}" if other is not None and other.id == obs.id else "another file"
        return Outcome(
            obs.id, kind, "conflict",
            f"the shared store holds {held} of {obs.id} ({target}), not an older revision of yours ({obs.revision}); nothing was "
            "written over it, yours stays here. Compare the two and correct one of them",
        )  # fmt: skip
    # A correction: the revision it replaces is kept under a new name, then replaced in one rename.
    ensure_dir(shared / "history")
    create_unique(shared / "history", f"{obs.id}.r{other.revision}", existing, root=shared)
    write_atomic(target, sealed, root=shared)
    return None


def _read(path: Path) -> bytes | None:
    try:
        return read_regular(path, max_bytes=OBSERVATION_MAX_BYTES + 1024)
    except FileNotFoundError:
        return None


def _not_published(exc: BaseException, shared: Path) -> str:
    """Why a final could not be written to the shared store: about the share when it is the share (so told once for all)."""
    reason = _reason(exc)
    if "not writable" in reason or (isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)):
        return f"the shared store {shared} is not writable (read-only, or no permission to write there); kept here, published later"
    if "disk is full" in reason or (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)):
        return f"the shared store {shared} is full; kept here, published when it has room"
    return f"could not publish to {shared}: {reason}; kept here, published later"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, NotARegularFile):
        return "not a regular file"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def _ledger(store: Store, obs_id: str) -> dict[str, object]:
    try:
        data = read_regular(store.root / LEDGER_FOLDER / f"{obs_id}.toml", max_bytes=_MAX_LEDGER)
        return tomllib.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError):
        return {}


def _record(store: Store, obs: Observation, kind: str, digest: str) -> None:
    folder = store.folder(store.root / LEDGER_FOLDER)
    text = dump_toml({"id": obs.id, "kind": kind, "revision": obs.revision, "sha256": digest, "published": now().isoformat()})
    write_atomic(folder / f"{obs.id}.toml", text.encode("utf-8"), root=store.root)


# -- what a shared store holds that is not counted -------------------------------------------------


def shared_store_problems(shared: Path) -> list[Problem]:
    """The files of a shared store that no reader counts, one problem each: conflict copies, incomplete files.

    Read only: nothing is moved or removed (a person decides which copy to keep).
    """
    problems: list[Problem] = []
    for kind in KINDS:
        folder = shared / kind
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith(".toml") or is_temp_name(entry.name):
                continue
            path = Path(entry.path)
            try:
                data = read_regular(path, max_bytes=OBSERVATION_MAX_BYTES + 1024)
            except OSError as exc:
                problems.append(Problem(path, f"cannot be read ({_reason(exc)}); it is left out"))
                continue
            sealed = seal_problem(data)
            if sealed is not None:
                problems.append(Problem(path, sealed, line=1))
                continue
            stem = entry.name.removesuffix(".toml")
            if not looks_like_id(stem):
                problems.append(
                    Problem(
                        path, "is a copy under another name (a sync tool's conflict copy?); it is not counted: keep ID.toml", field="id"
                    )
                )
    return problems
