"""Safe TOML reading, deterministic TOML writing, and finding the line behind a field.

Reading guards against hostile files: a size cap, binary junk, bad UTF-8, byte-order
marks, NaN/infinity, huge integers and deep nesting all end in one ``FileProblems``
naming the file, never a traceback, and never quoting the file's content.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import tomli_w

from seeds_tui.core.errors import FileProblems, Problem
from seeds_tui.core.seal import seal_problem

Loc = Sequence[str | int]

#: Observation and rubric files are small; anything far larger is not one of ours.
DEFAULT_MAX_BYTES = 2 * 1024 * 1024


class _NonFiniteFloat(ValueError):
    pass


def _parse_float(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise _NonFiniteFloat(text)
    return value


class NotARegularFile(OSError):
    """The path names a pipe, device, socket or folder: nothing seeds-tui reads or writes."""


def read_regular(path: Path, *, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of a regular file, never blocking on what is not one.

    The shared reader behind every file seeds-tui opens (observations, rubrics, settings, keys,
    the revision check before a save). A named pipe in place of a file would otherwise block
    ``open()`` until a writer appears, holding whatever the reader holds (the store's lock, the
    app's worker). So the file is opened with ``O_NONBLOCK`` (POSIX; Windows has no such pipes
    in a folder and no flag: 0 there) and ``fstat`` must say "regular file" before anything is
    read. A link is followed; what it leads to must be a regular file too. Raises
    ``NotARegularFile`` (an ``OSError``) for anything else, ``IsADirectoryError`` for a folder,
    and the ``OSError`` of ``open``/``read`` otherwise.
    """
    with open_regular(path) as handle:
        return handle.read(max_bytes + 1)


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading in binary, never blocking on what is not a regular file.

    For readers that need a file object rather than bytes (a zip archive is read by seeking in
    it): the same checks as ``read_regular``, which is built on it. The caller closes the file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    handle = os.fdopen(fd, "rb")
    try:
        kind = os.fstat(handle.fileno()).st_mode
        if stat.S_ISDIR(kind):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(kind):
            raise NotARegularFile(f"{path} is not a regular file")
    except BaseException:
        handle.close()
        raise
    return handle


def read_bytes(path: Path, *, max_bytes: int, error: type[FileProblems]) -> bytes:
    """Read a file's bytes, refusing one larger than ``max_bytes`` and anything but a regular file."""
    try:
        data = read_regular(path, max_bytes=max_bytes)
    except NotARegularFile:
        raise error(path, [Problem(path, "is not a regular file (a pipe, device or socket); give the path of a .toml file")]) from None
    except FileNotFoundError:
        raise error(path, [Problem(path, "file not found; check the path")]) from None
    except IsADirectoryError:
        raise error(path, [Problem(path, "is a folder, not a file")]) from None
    except PermissionError:
        if path.is_dir():  # Windows refuses to open a folder with "permission denied"
            raise error(path, [Problem(path, "is a folder, not a file")]) from None
        raise error(path, [Problem(path, "permission denied; check the file's owner and mode")]) from None
    except OSError as exc:
        raise error(path, [Problem(path, f"could not be read ({exc.strerror or 'I/O error'})")]) from None
    if len(data) > max_bytes:
        raise error(
            path,
            [Problem(path, f"file is larger than {max_bytes // 1024} KiB; this is not a seeds-tui file")],
        )
    return data


def decode_text(data: bytes, path: Path | None, error: type[FileProblems]) -> str:
    """Decode UTF-8 text, rejecting BOMs, NUL bytes and invalid sequences with a clear message.

    A published file whose seal does not hold (it arrived only in part, or changed since) is
    refused here, so that every reader leaves it out alike (``seeds_tui.core.seal``).
    """
    sealed = seal_problem(data)
    if sealed is not None:
        raise error(path, [Problem(path, sealed, line=1)])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise error(path, [Problem(path, "file is UTF-16 encoded; save it as UTF-8 (without a byte-order mark)", line=1)])
    if data.startswith(b"\xef\xbb\xbf"):
        raise error(path, [Problem(path, "file starts with a byte-order mark; save it as UTF-8 without a BOM", line=1)])
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise error(path, [Problem(path, "file contains binary data (NUL bytes); it is not a TOML text file", line=line)])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise error(
            path,
            [Problem(path, f"invalid UTF-8 at byte {exc.start}; save the file as UTF-8", line=line)],
        ) from None


_LINE_RE = re.compile(r"at line (\d+)")


#: Keys with more dotted parts than this are refused: tomllib takes quadratic time over them,
#: so one 2 MiB line of ``[a.a.a...]`` would hold the reader for many minutes. Only keys are
#: counted (a run of parts followed by ``=`` or ``]``), never text inside notes.
MAX_KEY_PARTS = 32
_PART = r"""(?>[A-Za-z0-9_-]+|"[^"\\\n]*"|'[^'\n]*')"""
_DEEP_KEY_RE = re.compile(
    rf"(?:^|[{{,])[ \t]*(?:\[\[?[ \t]*)?{_PART}(?:[ \t]*\.[ \t]*{_PART}){{{MAX_KEY_PARTS},}}[ \t]*[=\]]",
    re.MULTILINE,
)


def _has_deep_key(text: str) -> bool:
    return text.count(".") >= MAX_KEY_PARTS and _DEEP_KEY_RE.search(text) is not None


#: tomllib messages that quote keys (which may be long, or hold a name) -> the same without the key.
_KEY_QUOTING = {
    "Cannot declare ": "a table is declared twice",
    "Cannot mutate immutable namespace ": "a table or array defined earlier cannot be changed here",
    "Cannot redefine namespace ": "a table defined earlier cannot be redefined here",
    "Duplicate inline table key ": "duplicate key in an inline table",
}


def _quiet_reason(reason: str) -> str:
    for prefix, quiet in _KEY_QUOTING.items():
        if reason.startswith(prefix):
            return quiet
    return reason[:200]


def parse_toml(text: str, path: Path | None, error: type[FileProblems]) -> dict[str, Any]:
    """Parse TOML text into plain data, turning every failure into ``error``."""
    if _has_deep_key(text):
        raise error(path, [Problem(path, "nesting is too deep (a key with too many dotted parts); this is not a seeds-tui file")])
    try:
        return tomllib.loads(text, parse_float=_parse_float)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        match = _LINE_RE.search(msg)
        line = int(match.group(1)) if match else None
        reason = _quiet_reason(_LINE_RE.split(msg)[0].rstrip(" ("))
        raise error(path, [Problem(path, f"not valid TOML: {reason}", line=line)]) from None
    except _NonFiniteFloat:
        raise error(path, [Problem(path, "NaN and infinity are not allowed in seeds-tui files")]) from None
    except RecursionError:
        raise error(path, [Problem(path, "nesting is too deep; this is not a seeds-tui file")]) from None
    except (ValueError, OverflowError, MemoryError):
        raise error(path, [Problem(path, "a number is too large or malformed")]) from None


def _has_non_finite(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_toml_fast(text: str) -> dict[str, Any] | None:
    """Parse with the compiled ``rtoml`` parser (about ten times faster than tomllib), or None.

    For bulk readers (the summary cache) only. None means "use the safe reader": rtoml is
    missing, the text did not parse, or it holds NaN/infinity. Callers then go through
    ``parse_toml``, whose message names the problem and its line. rtoml already follows TOML
    1.1, so a hand-written file using 1.1-only syntax is read here but refused by ``validate``.
    """
    try:
        import rtoml
    except ImportError:  # pragma: no cover - rtoml is a dependency; stay correct without it
        return None
    try:
        data = rtoml.loads(text)
    except Exception:  # any failure: the safe reader will say what is wrong
        return None
    if not isinstance(data, dict) or _has_non_finite(data):
        return None
    return data


def load_toml(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, error: type[FileProblems]) -> tuple[dict[str, Any], str]:
    """Read, decode and parse a TOML file; return the data and the text (for line lookups)."""
    text = decode_text(read_bytes(path, max_bytes=max_bytes, error=error), path, error)
    return parse_toml(text, path, error), text


def dump_toml(data: Mapping[str, Any]) -> str:
    """Serialise plain data to TOML text. Same data, same bytes."""
    return tomli_w.dumps(data, multiline_strings=True)


# -- line lookup --------------------------------------------------------------------------

_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*(\]\]?)\s*(#.*)?$")
_KEY_RE = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=""")
_SEGMENT_RE = re.compile(r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'""")


def _split_key(key: str) -> list[str]:
    parts = []
    for seg in _SEGMENT_RE.findall(key):
        if seg.startswith('"'):
            seg = seg[1:-1].encode().decode("unicode_escape", errors="replace")
        elif seg.startswith("'"):
            seg = seg[1:-1]
        parts.append(seg)
    return parts


def line_index(text: str) -> dict[tuple[str | int, ...], int]:
    """Map each table header and key in TOML ``text`` to its 1-based line.

    Array-of-tables entries get integer indexes, as pydantic's error locations do, so
    ``("sections", 2, "items", 0, "scale")`` finds the ``scale =`` line of the first item
    of the third section. Best effort: multi-line values are skipped.
    """
    index: dict[tuple[str | int, ...], int] = {}
    array_counts: dict[tuple[str | int, ...], int] = {}
    arrays: set[tuple[str | int, ...]] = set()
    table: tuple[str | int, ...] = ()
    in_multiline: str | None = None

    def resolve(keys: list[str]) -> tuple[str | int, ...]:
        path: tuple[str | int, ...] = ()
        for key in keys:
            path = (*path, key)
            if path in arrays:
                path = (*path, array_counts[path] - 1)
        return path

    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER_RE.match(line)
        if header and header.group(1) == header.group(3)[::-1].replace("]", "["):
            keys = _split_key(header.group(2))
            if header.group(1) == "[[":
                parent = resolve(keys[:-1])
                base = (*parent, keys[-1])
                arrays.add(base)
                index.setdefault(base, number)
                array_counts[base] = array_counts.get(base, 0) + 1
                table = (*base, array_counts[base] - 1)
            else:
                table = resolve(keys)
            # Implicit parent tables (``scores`` and ``scores.s`` of ``[scores.s.i]``) live where first named.
            index.setdefault(table, number)
            for end in range(1, min(len(table), 8)):
                index.setdefault(table[:end], number)
            continue
        key = _KEY_RE.match(line)
        if key:
            full = (*table, *_split_key(key.group(1)))
            index.setdefault(full, number)
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return index


def find_line(index: Mapping[tuple[str | int, ...], int], loc: Iterable[str | int]) -> int | None:
    """The line of ``loc`` or, failing that, of its nearest enclosing table or key."""
    path = tuple(loc)
    while path:
        if path in index:
            return index[path]
        path = path[:-1]
    return None
