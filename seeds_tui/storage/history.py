"""Earlier revisions kept in a store's ``history/``, and purging them on purpose.

A correction of a final observation keeps the revision it replaces as
``history/<ID>.r<N>.toml`` (``<ID>.r<N>-2.toml`` for a second copy of one revision). When a
correction took personal data out of a note, the earlier revision still holds it: purging
deletes kept revisions on purpose and leaves a purge record, ``history/purged.toml``
(``schema = "seeds-purge/1"``), that says which revision of which observation was purged and
when, and nothing of what it held, so an audit can see that a purge happened.

Nothing here reads or shows a revision's notes: a listing gives ids, revision numbers and dates.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from seeds_tui.core.errors import SeedsError, StoreError
from seeds_tui.core.observation import now
from seeds_tui.core.rubric import Rubric
from seeds_tui.core.tomlio import dump_toml, read_regular
from seeds_tui.storage.atomic import check_no_links, locked, remove_file, write_atomic
from seeds_tui.storage.store import Store, looks_like_id

PURGE_SCHEMA = "seeds-purge/1"
#: The purge record's file name, in ``history/``.
PURGE_RECORD = "purged.toml"
#: A kept revision's file name: the id, the revision, and a copy number after a second copy.
KEPT_NAME = re.compile(r"^(?P<id>[0-9A-HJKMNP-TV-Z]{26})\.r(?P<revision>\d{1,10})(?:-(?P<copy>\d{1,4}))?\.toml$")
#: The purge record is read whole; past this it is not a record seeds-tui wrote.
PURGE_RECORD_MAX_BYTES = 8 * 1024 * 1024


class HistoryError(SeedsError):
    """A purge or listing that cannot be done as asked (an id that is no observation id)."""


@dataclass(frozen=True)
class KeptRevision:
    """One earlier revision kept in ``history/``: which observation, which revision, since when."""

    id: str
    revision: int
    path: Path
    #: When the file was put in history (its modification time), local time.
    kept: datetime
    #: When that revision was saved (its ``updated`` time), or None when the file cannot be read.
    saved: datetime | None


@dataclass(frozen=True)
class Purge:
    """One entry of the purge record: a revision of an observation removed from history on purpose."""

    id: str
    revision: int
    when: datetime
    #: How many files held that revision (a second copy after a correction cut short).
    files: int = 1


def check_id(obs_id: str) -> str:
    """``obs_id`` if it is an observation id (26 characters made by seeds-tui), else ``HistoryError``."""
    if not looks_like_id(obs_id):
        raise HistoryError("that is not an observation id (26 letters and digits, as in the observation's file name)")
    return obs_id


def _saved_time(path: Path) -> datetime | None:
    try:
        data = tomllib.loads(read_regular(path, max_bytes=2 * 1024 * 1024).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError):
        return None
    updated = data.get("updated")
    return updated if isinstance(updated, datetime) else None


def kept_revisions(store: Store, obs_id: str | None = None) -> list[KeptRevision]:
    """Every revision kept in the store's history (of ``obs_id`` only, when given), by id then revision."""
    if obs_id is not None:
        check_id(obs_id)
    folder = store.history_dir
    try:
        check_no_links(folder, store.root)
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"cannot read {folder}: {exc.strerror or exc}") from None
    found: list[KeptRevision] = []
    for entry in entries:
        match = KEPT_NAME.fullmatch(entry.name)
        if match is None or (obs_id is not None and match["id"] != obs_id):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            kept = datetime.fromtimestamp(entry.stat(follow_symlinks=False).st_mtime).astimezone().replace(microsecond=0)
        except OSError:
            continue
        path = Path(entry.path)
        found.append(KeptRevision(match["id"], int(match["revision"]), path, kept, _saved_time(path)))
    return sorted(found, key=lambda k: (k.id, k.revision, k.path.name))


def flagged_revisions(store: Store, obs_id: str, rubric: Rubric) -> list[tuple[int, list[str]]]:
    """The kept revisions of ``obs_id`` holding notes the personal-data check flags, as
    (revision, where each note is), oldest first. Places only, never a note's text; a kept file
    that cannot be read is left out (it is listed by ``kept_revisions`` all the same)."""
    from seeds_tui.core.errors import ObservationError
    from seeds_tui.core.observation import read_observation
    from seeds_tui.core.privacy import suspect_notes

    out: dict[int, list[str]] = {}
    for kept in kept_revisions(store, obs_id):
        try:
            earlier, _ = read_observation(kept.path)
        except ObservationError:
            continue
        places = [where for where, _ in suspect_notes(earlier, rubric)]
        if places:
            out.setdefault(kept.revision, [])
            out[kept.revision] += [p for p in places if p not in out[kept.revision]]
    return sorted(out.items())


def purges(store: Store) -> list[Purge]:
    """The purge record's entries, oldest first (empty when nothing was ever purged)."""
    path = store.history_dir / PURGE_RECORD
    try:
        data = tomllib.loads(read_regular(path, max_bytes=PURGE_RECORD_MAX_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise StoreError(
            f"{path}: the purge record cannot be read ({type(exc).__name__}); move it aside and keep it for the audit"
        ) from None
    if data.get("schema") != PURGE_SCHEMA or not isinstance(data.get("purged", []), list):
        raise StoreError(f'{path}: not a purge record (expected schema = "{PURGE_SCHEMA}"); move it aside and keep it for the audit')
    out = []
    for entry in data.get("purged", []):
        try:
            out.append(Purge(str(entry["id"]), int(entry["revision"]), entry["when"], int(entry.get("files", 1))))
        except (KeyError, TypeError, ValueError):
            raise StoreError(f"{path}: an entry of the purge record is not as seeds-tui writes it; keep the file for the audit") from None
    return out


def _record(store: Store, done: list[Purge]) -> None:
    """Add ``done`` to the purge record (atomically, under its own lock)."""
    store.folder(store.lock_dir)
    with locked(store.lock_dir / "purged.lock", timeout=store.lock_timeout, what="the purge record"):
        before = purges(store)
        entries: list[dict[str, Any]] = [{"id": p.id, "revision": p.revision, "when": p.when, "files": p.files} for p in [*before, *done]]
        text = dump_toml({"schema": PURGE_SCHEMA, "purged": entries})
        write_atomic(store.history_dir / PURGE_RECORD, text.encode("utf-8"), root=store.root)


def purge_history(store: Store, obs_id: str, revision: int | None = None) -> list[Purge]:
    """Delete the revisions of ``obs_id`` kept in history (only ``revision``, when given) and
    record each in the purge record; return what was purged (empty when nothing was kept).

    The record is written for every revision whose files were deleted, even when a later
    delete fails (the failure is raised after it), so the record never misses a purge.
    """
    kept = [k for k in kept_revisions(store, obs_id) if revision is None or k.revision == revision]
    if not kept:
        return []
    stamp = now()
    done: dict[int, int] = {}

    def purged() -> list[Purge]:
        return [Purge(obs_id, rev, stamp, files) for rev, files in sorted(done.items())]

    try:
        for one in kept:
            remove_file(one.path, store.root)
            done[one.revision] = done.get(one.revision, 0) + 1
    finally:
        if done:
            _record(store, purged())
    return purged()


__all__ = [
    "KEPT_NAME",
    "PURGE_RECORD",
    "PURGE_SCHEMA",
    "HistoryError",
    "KeptRevision",
    "Purge",
    "check_id",
    "flagged_revisions",
    "kept_revisions",
    "purge_history",
    "purges",
]
