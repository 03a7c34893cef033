"""The seal on a published file: its first line says how long the rest is and what its SHA-256 is.

A final published to a team's shared store (``seeds_tui.storage.publish``) gets one comment line
on top, ``# seeds-tui published: 8123 bytes, sha256 <hex>``; TOML readers ignore it as a comment.
A sync tool (OneDrive, SharePoint, Syncthing) or a network copy that has delivered only part of
the file, or a file changed after it was published, then no longer matches its seal, and every
reader refuses it with a clear message instead of counting a half-arrived observation:
``seeds_tui.core.tomlio.decode_text`` checks the seal of every file it reads (the store, the
summary cache, calibration, ``validate``, ``import``, ``report``). A file without a seal is read
as before. A truncation keeps the first line, so a cut anywhere is caught; a file cut inside the
seal line itself is caught too.

>>> sealed = seal(b'schema = "x"\\n')
>>> sealed.startswith(b"# seeds-tui published: 13 bytes, sha256 ")
True
>>> seal_problem(sealed) is None, unsealed(sealed)
(True, b'schema = "x"\\n')
>>> print(seal_problem(sealed[:-3]))  # doctest: +NORMALIZE_WHITESPACE
is incomplete: it was published with 13 bytes and 10 have arrived (a sync tool still copying it, or a copy cut short);
it is left out until it is complete
"""

from __future__ import annotations

import hashlib
import re

SEAL_MARK = b"# seeds-tui published: "
_SEAL_RE = re.compile(rb"(\d{1,9}) bytes, sha256 ([0-9a-f]{64})\r?")
#: The longest a seal line can be (the mark, 9 digits, the hash and the words).
SEAL_LINE_MAX = len(SEAL_MARK) + 9 + len(b" bytes, sha256 ") + 64 + 2


def seal(data: bytes) -> bytes:
    """``data`` with a seal line on top (an existing seal that holds is replaced, never stacked)."""
    body = unsealed(data)
    return SEAL_MARK + f"{len(body)} bytes, sha256 {hashlib.sha256(body).hexdigest()}\n".encode("ascii") + body


def unsealed(data: bytes) -> bytes:
    """``data`` without its seal line when the seal holds; otherwise ``data`` as it is."""
    if data.startswith(SEAL_MARK) and seal_problem(data) is None:
        return data[data.index(b"\n") + 1 :]
    return data


def seal_problem(data: bytes) -> str | None:
    """Why ``data`` does not match its seal (words to follow a file's name), or None (no seal, or it holds)."""
    if not data.startswith(SEAL_MARK):
        if data and SEAL_MARK.startswith(data):
            return _incomplete(None, len(data))
        return None
    end = data.find(b"\n", 0, SEAL_LINE_MAX)
    if end < 0:
        return _incomplete(None, len(data)) if len(data) < SEAL_LINE_MAX else "has a damaged seal line (line 1); it is left out"
    match = _SEAL_RE.fullmatch(data[len(SEAL_MARK) : end])
    if match is None:
        return "has a damaged seal line (line 1); it is left out"
    size, digest = int(match.group(1)), match.group(2).decode("ascii")
    body = data[end + 1 :]
    if len(body) < size:
        return _incomplete(size, len(body))
    if len(body) > size or hashlib.sha256(body).hexdigest() != digest:
        return (
            "was changed after it was published (it no longer matches its seal: edited by hand, or damaged on the way); "
            "it is left out: publish it again from the observer's own store"
        )
    return None


def _incomplete(size: int | None, arrived: int) -> str:
    told = f"was published with {size} bytes and {arrived} have arrived" if size is not None else "has only part of its first line"
    return f"is incomplete: it {told} (a sync tool still copying it, or a copy cut short); it is left out until it is complete"
