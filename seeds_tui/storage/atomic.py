"""Atomic, owner-only file writes: a crash, a kill or a full disk never leaves a torn file.

The recipe: write a temp file in the same folder, flush, fsync, ``os.replace`` over the
target, then fsync the folder so the rename itself survives a power cut. On any failure
the temp file is removed and the previous version of the target is untouched.

Writes never go through a link inside a store: a folder of the store (``drafts/``,
``reports/``...) or a file in it that is a symbolic link (or a Windows junction) could lead
the write, or a clean-up, to a place outside the store, so it is refused with a
``StoreError`` naming the link (``check_no_links``).

Platforms (the fallbacks are part of the promise, see docs/reliability.md):

- the store lock is ``filelock`` (``flock`` on Linux and macOS, ``msvcrt.locking`` on Windows,
  a lock file where neither works), always with a timeout (``StoreBusy`` when it runs out);
- fsync of a folder is POSIX-only: Windows cannot open a folder, and NTFS journals the rename
  itself, so there it is skipped;
- ``os.O_BINARY`` is added where it exists (Windows), so bytes are written as they are;
- ``os.link`` (exclusive create) falls back to ``os.rename`` on Windows, which refuses an
  existing target, and to an ``O_EXCL`` claim elsewhere (file systems without hard links);
- ``os.replace`` is retried briefly on Windows, where a reader or a virus scanner holding the
  target open makes it fail for a moment;
- the modes 0600/0700 are set where the platform has them; on Windows the files inherit the
  owner-only access of the per-user data folder instead (os.chmod only sets "read-only" there).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

from seeds_tui.core.errors import StoreBusy, StoreError

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_PREFIX = ".tmp-"

#: How long a save waits for another save of the same observation (seconds) before ``StoreBusy``.
LOCK_TIMEOUT = 5.0

_BINARY = getattr(os, "O_BINARY", 0)
_WINDOWS = os.name == "nt"
#: What marks a folder as a store: its lock folder, or (older versions) a lock file beside the finals.
_LOCK_FOLDER = ".locks"


def is_temp_name(name: str) -> bool:
    """True for names of our temp files (and any hidden file), which readers must skip."""
    return name.startswith(".")


def ensure_dir(path: Path) -> None:
    """Create ``path`` (and parents) owner-only if missing; explain failures."""
    if path.is_dir():  # the common case, one stat: every save passes here
        return
    try:
        # Each missing parent is made owner-only too (mkdir's ``parents=True`` would use the umask).
        missing = [p for p in (path, *path.parents) if not p.exists()]
        for folder in reversed(missing):
            if folder.is_symlink():  # a link to nowhere: mkdir would fail with a puzzling "exists"
                raise StoreError(f"{folder} is a link to a folder that does not exist; remove the link or make its folder")
            folder.mkdir(mode=DIR_MODE, exist_ok=True)
        if not path.is_dir():
            raise FileExistsError(errno.EEXIST, "a file is in the way")
    except PermissionError:
        raise StoreError(f"cannot create folder {path}: permission denied; choose a store you can write (--store DIR)") from None
    except OSError as exc:
        raise StoreError(f"cannot create folder {path}: {exc.strerror or exc}") from None


# -- links ------------------------------------------------------------------------------------


def _is_link(path: Path) -> bool:
    if path.is_symlink():
        return True
    isjunction = getattr(os.path, "isjunction", None)  # Python 3.12+: Windows junctions
    return bool(isjunction is not None and isjunction(path))


def store_root_of(path: Path) -> Path | None:
    """The store folder that ``path`` lies in (the nearest folder holding a store's lock), or None."""
    for folder in path.parents:
        if (
            os.path.lexists(folder / _LOCK_FOLDER)
            or os.path.lexists(folder / ".seeds-shared-store")  # a team's shared store (storage/store.py SHARED_MARK)
            or (os.path.lexists(folder / ".lock") and os.path.isdir(folder / "observations"))
        ):
            return folder
    return None


def check_no_links(path: Path, root: Path | None = None) -> None:
    """Refuse (``StoreError`` naming the link) a write, delete or clean-up that would go through a link.

    Every folder between the store folder ``root`` (found from ``path`` when not given) and
    ``path``, and ``path`` itself, must be a real folder or file: a link there could lead
    outside the store. The store folder itself may be a link (it is the one the user chose).
    Outside any store nothing is checked.
    """
    if root is None:
        root = store_root_of(path)
        if root is None:
            return
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        raise StoreError(f"{path} is outside the store {root}; seeds-tui writes only inside the store") from None
    current = root
    for part in parts:
        current = current / part
        if _is_link(current):
            raise StoreError(
                f"{current} is a link; seeds-tui never writes, deletes or cleans through a link in a store (it could lead "
                f"outside {root}). Replace the link with a real {'file' if current == path else 'folder'}."
            )


# -- explaining failures -----------------------------------------------------------------------


def _explain(exc: OSError, path: Path) -> str:
    intact = " (the previous version is intact)" if path.exists() else " (nothing was written)"
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return f"could not save {path}: the disk is full; free some space and save again{intact}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"could not save {path}: the folder {path.parent} is not writable; check its permissions or choose another store"
    if exc.errno == errno.ENOENT and not path.parent.is_dir():
        return f"could not save {path}: the folder {path.parent} does not exist"
    return f"could not save {path}: {exc.strerror or exc}{intact}"


def _explain_folder(exc: OSError, folder: Path) -> str:
    """Why nothing could be saved in ``folder`` (the lock file is an implementation detail: not named)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot save in {folder}: the disk is full; free some space and save again (nothing was changed)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot save in {folder}: the folder is not writable (read-only or no permission); check it or choose another store"
    if exc.errno == errno.ELOOP:
        return f"cannot save in {folder}: a link is where the store keeps its lock; remove it (nothing was changed)"
    return f"cannot save in {folder}: {exc.strerror or exc} (nothing was changed)"


# -- writing ----------------------------------------------------------------------------------


def fsync_dir(path: Path) -> None:
    """fsync a folder so renames in it are durable (a no-op where folders cannot be opened: Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(path: Path, data: bytes, mode: int, durable: bool) -> Path:
    """A new temp file beside ``path`` holding ``data`` (fsynced when ``durable``); raises ``OSError``."""
    tmp = path.parent / f"{TEMP_PREFIX}{path.name}.{secrets.token_hex(4)}"
    # O_EXCL: never opens an existing file, and never follows a link planted under the temp name.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def _replace(tmp: Path, path: Path) -> None:
    """``os.replace``, retried for a moment on Windows while another program has the target open."""
    for attempt in range(10 if _WINDOWS else 1):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if not _WINDOWS or attempt == 9:
                raise
            time.sleep(0.02 * (attempt + 1))


def write_atomic(path: Path, data: bytes, *, mode: int = FILE_MODE, durable: bool = True, root: Path | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, or raise ``StoreError`` leaving it as it was.

    ``durable=False`` skips the fsyncs (still atomic against crashes of this process, not
    against power loss): for bulk writers such as the demo generator, which sync once at the end.
    Inside a store (``root``, else found from ``path``), a link on the way to ``path`` is refused
    (``check_no_links``).
    """
    check_no_links(path, root)
    try:
        tmp = _write_temp(path, data, mode, durable)
    except OSError as exc:
        raise StoreError(_explain(exc, path)) from None
    try:
        _replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreError(_explain(exc, path)) from None
    if durable:
        fsync_dir(path.parent)


def _link_no_replace(tmp: Path, path: Path) -> None:
    """Give the finished temp file the name ``path`` unless that name exists (``FileExistsError``)."""
    try:
        # link() fails if the target exists, so two writers can never both create it.
        os.link(tmp, path)
        return
    except FileExistsError:
        raise
    except (AttributeError, NotImplementedError, OSError) as exc:
        # Windows reports "no hard links here" with assorted codes; elsewhere only these mean it.
        no_links = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS, None)
        if isinstance(exc, OSError) and not _WINDOWS and exc.errno not in no_links:
            raise
    # No hard links here (FAT, some network shares, Windows without them).
    if _WINDOWS:
        os.rename(tmp, path)  # on Windows rename refuses an existing target: still exclusive
        return
    claim = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, FILE_MODE)  # FileExistsError if taken
    os.close(claim)
    os.replace(tmp, path)


def create_exclusive(path: Path, data: bytes, *, mode: int = FILE_MODE, root: Path | None = None) -> None:
    """Write a new file atomically; fail with ``FileExistsError`` if ``path`` already exists (never replaced)."""
    check_no_links(path, root)
    try:
        tmp = _write_temp(path, data, mode, True)
    except OSError as exc:
        raise StoreError(_explain(exc, path)) from None
    try:
        _link_no_replace(tmp, path)
    except FileExistsError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreError(_explain(exc, path)) from None
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    fsync_dir(path.parent)


def create_unique(folder: Path, stem: str, data: bytes, *, suffix: str = ".toml", root: Path | None = None) -> Path:
    """Write ``data`` to a new file ``folder/STEM.toml`` (or ``STEM-2.toml``, ``STEM-3.toml``... when taken).

    For copies that must never be overwritten (``conflicts/``, ``history/``): every call makes a
    new file, created exclusively, so two writers at once both keep theirs. Returns its path.
    """
    for n in range(1, 10_000):
        path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        if os.path.lexists(path):
            continue
        try:
            create_exclusive(path, data, root=root)
        except FileExistsError:
            continue
        return path
    raise StoreError(f"too many copies named {stem} in {folder}; move some of them away")


def remove_file(path: Path, root: Path | None = None) -> None:
    """Delete ``path`` (a file already gone is fine) and make that durable; never through a link in a store."""
    check_no_links(path.parent, root)
    try:
        os.unlink(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"could not remove {path}: {exc.strerror or exc}") from None
    fsync_dir(path.parent)


# -- locking ----------------------------------------------------------------------------------


@contextlib.contextmanager
def locked(lock_path: Path, *, timeout: float = LOCK_TIMEOUT, what: str = "this file") -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (created owner-only) for the block.

    Waits at most ``timeout`` seconds, then raises ``StoreBusy`` (so does a wait cut short by a
    signal): the caller keeps its data and tries again. The lock is ``filelock``'s, which works
    on Linux, macOS and Windows and never follows a link at ``lock_path``.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path), timeout=timeout, mode=FILE_MODE)
    try:
        lock.acquire()
    except Timeout:
        raise StoreBusy(
            f"{what} is being saved by another program (or another window) that has held it for more than "
            f"{timeout:g} s; nothing was changed: save again in a moment"
        ) from None
    except InterruptedError:
        raise StoreBusy(f"the wait to save {what} was interrupted; nothing was changed: save again") from None
    except OSError as exc:
        raise StoreError(_explain_folder(exc, lock_path.parent.parent if lock_path.parent.name == ".locks" else lock_path.parent)) from None
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.release()
