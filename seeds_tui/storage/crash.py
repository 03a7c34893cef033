"""The last resort: work rescued when the store cannot take it, and crash reports a user can send.

Both go to the user data folder (``SEEDS_DATA_DIR`` if set, else platformdirs' per-user data
folder), never into the store and never over an earlier file: each file gets a new name
(created exclusively, owner-only, flushed and fsynced like every save).

A crash report holds what a developer needs and nothing a user typed: the program and
platform versions, the exception's type (never its message, which can quote a field's
value) and, for each frame of the stack, the file, line and function. No locals, no values.
"""

from __future__ import annotations

import os
import platform
import re
import sys
import time
import traceback
from pathlib import Path
from types import TracebackType

from seeds_tui.core.errors import SeedsError, StoreError
from seeds_tui.storage.atomic import create_exclusive, ensure_dir


def data_dir() -> Path:
    """The per-user data folder for rescued work and crash reports (``SEEDS_DATA_DIR`` overrides it)."""
    env = os.environ.get("SEEDS_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("seeds-tui", appauthor=False)


def rescue_dir() -> Path:
    """Where work is kept when its own place (the store) could not take it."""
    return data_dir() / "rescued"


def report_dir() -> Path:
    """Where crash reports are written."""
    return data_dir() / "crash-reports"


def _unique(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    ensure_dir(folder)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", stem)[:80] or "work"
    for n in range(1000):
        path = folder / f"{stamp}-{safe}{'' if n == 0 else f'-{n}'}{suffix}"
        try:
            create_exclusive(path, data)
        except FileExistsError:
            continue
        return path
    raise StoreError(f"could not find a free file name in {folder}")


def write_rescue(stem: str, data: bytes, *, suffix: str = ".toml") -> Path:
    """Keep ``data`` in the rescue folder under a new name; its path. Raises ``SeedsError``."""
    return _unique(rescue_dir(), stem, suffix, data)


def describe(exc: BaseException) -> str:
    """The report's text for ``exc``: versions, exception types and the stack (no messages, no locals)."""
    from seeds_tui import __version__

    lines = [
        "seeds-tui crash report",
        f"seeds-tui {__version__} · Python {sys.version.split()[0]} · {platform.system()} {platform.release()} ({platform.machine()})",
    ]
    try:
        from importlib.metadata import version

        lines.append(f"textual {version('textual')} · pydantic {version('pydantic')}")
    except Exception:  # versions are a courtesy; the report is written anyway
        pass
    lines += [
        f"time: {time.strftime('%Y-%m-%d %H:%M:%S %z')}",
        "",
        "What went wrong (exception types only: messages can quote what was typed, so they are left out):",
    ]
    seen: set[int] = set()
    current: BaseException | None = exc
    chain: list[BaseException] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    for number, error in enumerate(reversed(chain), 1):
        kind = type(error)
        lines.append(f"{number}. {kind.__module__}.{kind.__qualname__}")
        lines += [f"     {frame}" for frame in _frames(error.__traceback__)]
    return "\n".join(lines) + "\n"


def _frames(tb: TracebackType | None) -> list[str]:
    out = []
    for frame in traceback.extract_tb(tb):
        name = frame.filename
        for marker in ("site-packages" + os.sep, "seeds_tui" + os.sep):
            if marker in name:
                name = name[name.index(marker) + (len(marker) if marker.startswith("site") else 0) :]
                break
        out.append(f"{name}:{frame.lineno} in {frame.name}")
    return out


def write_crash_report(exc: BaseException) -> Path | None:
    """Write a crash report for ``exc``; its path, or None if no report could be written."""
    try:
        return _unique(report_dir(), "crash", ".txt", describe(exc).encode("utf-8"))
    except (SeedsError, OSError):
        return None


def crash_paragraph(report: Path | None, saved: list[str]) -> str:
    """The one plain paragraph the user reads after a crash: what happened, where the work is, what to send."""
    where = " ".join(saved) if saved else "Work saved before the problem is in the store as usual."
    sent = (
        f"A report without any of your text is in {report}: please send it to whoever looks after seeds-tui."
        if report is not None
        else "No report could be written."
    )
    return f"seeds-tui stopped because of an unexpected problem (a bug, not something you did). {where} {sent}"
