"""Atomic, owner-only file writes: a crash, a kill or a full disk never leaves a torn file.

The recipe: write a temp file in the same folder, flush, fsync, ``os.replace`` over the
target, then fsync the folder so the rename itself survives a power cut. On any failure
the temp file is removed and the previous version of the target is untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from seeds_tui.core.errors import StoreError

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_PREFIX = ".tmp-"


def is_temp_name(name: str) -> bool:
    """True for names of our temp files (and any hidden file), which readers must skip."""
    return name.startswith(".")


def ensure_dir(path: Path) -> None:
    """Create ``path`` (and parents) owner-only if missing; explain failures."""
    try:
        # Each missing parent is made owner-only too (mkdir's ``parents=True`` would use the umask).
        missing = [p for p in (path, *path.parents) if not p.exists()]
        for folder in reversed(missing):
            folder.mkdir(mode=DIR_MODE, exist_ok=True)
        if not path.is_dir():
            raise FileExistsError(errno.EEXIST, "a file is in the way")
    except PermissionError:
        raise StoreError(f"cannot create folder {path}: permission denied; choose a store you can write (--store DIR)") from None
    except OSError as exc:
        raise StoreError(f"cannot create folder {path}: {exc.strerror or exc}") from None


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
    return f"cannot save in {folder}: {exc.strerror or exc} (nothing was changed)"


def fsync_dir(path: Path) -> None:
    """fsync a folder so renames in it are durable (no-op where folders cannot be opened)."""
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


def write_atomic(path: Path, data: bytes, *, mode: int = FILE_MODE, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically, or raise ``StoreError`` leaving it as it was.

    ``durable=False`` skips the fsyncs (still atomic against crashes of this process, not
    against power loss): for bulk writers such as the demo generator, which sync once at the end.
    """
    folder = path.parent
    tmp = folder / f"{TEMP_PREFIX}{path.name}.{secrets.token_hex(4)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as exc:
        raise StoreError(_explain(exc, path)) from None
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreError(_explain(exc, path)) from None
    if durable:
        fsync_dir(folder)


def create_exclusive(path: Path, data: bytes, *, mode: int = FILE_MODE) -> None:
    """Write a new file atomically; fail with ``FileExistsError`` if ``path`` already exists."""
    folder = path.parent
    tmp = folder / f"{TEMP_PREFIX}{path.name}.{secrets.token_hex(4)}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        # link() fails if the target exists, so two writers can never both create it.
        os.link(tmp, path)
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
    fsync_dir(folder)


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path`` (created owner-only) for the block."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX; the revision check still guards
        yield
        return
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as exc:
        raise StoreError(_explain_folder(exc, lock_path.parent)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
