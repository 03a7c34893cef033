"""Text from files made safe to show: control characters never reach a terminal, a page or a sheet.

A rubric title or an evidence note may hold bytes that a terminal obeys rather than prints
(``ESC ] 0 ; title BEL`` renames the window, ``ESC [ 2 J`` wipes the screen) or that reorder
what is shown (Unicode bidirectional overrides). Every output boundary (the app, the command
line, Markdown, HTML, CSV, xlsx) passes user text through ``printable``; ``validate`` and
``rubric check`` report such characters in files with ``control_characters``.

>>> printable("Score 3\\x1b[2J")
'Score 3␛[2J'
>>> printable("two\\nlines\\tand a tab")
'two\\nlines\\tand a tab'
>>> printable("one line only\\n", newlines=False)
'one line only␊'
>>> control_characters("fine\\ttext\\n")
[]
>>> control_characters("bad\\x07bell")
[(3, 'U+0007')]
"""

from __future__ import annotations

import re

#: C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidirectional controls
#: (embeddings, overrides, isolates and marks that can make a terminal show text in another order).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_WITH_LAYOUT = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    """A visible stand-in: the Unicode control picture for C0 and DEL (``␛`` for ESC), else U+FFFD."""
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def printable(text: str, *, newlines: bool = True) -> str:
    """``text`` with every control character replaced by a visible stand-in.

    Tab and newline are kept where the text may have lines (``newlines=True``, the default);
    with ``newlines=False`` (a table cell, a title, a terminal line) they are replaced too.
    Carriage returns are always replaced: a lone CR moves a terminal's cursor back over the line.
    """
    pattern = _UNSAFE if newlines else _UNSAFE_WITH_LAYOUT
    return pattern.sub(_picture, text) if pattern.search(text) else text


def control_characters(text: str, *, newlines: bool = True) -> list[tuple[int, str]]:
    """Where ``text`` holds control characters: (offset, ``U+XXXX``) for each, in order."""
    pattern = _UNSAFE if newlines else _UNSAFE_WITH_LAYOUT
    return [(m.start(), f"U+{ord(m.group(0)):04X}") for m in pattern.finditer(text)]


def span_text(seconds: int) -> str:
    """A length of time in words, as a person says it: seconds under a minute, else minutes.

    >>> span_text(45), span_text(60), span_text(754), span_text(3900)
    ('45 seconds', '1 minute', '13 minutes', '1 hour 5 minutes')
    """
    seconds = max(int(seconds), 0)
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    hours, minutes = divmod(round(seconds / 60), 60)
    words = [f"{hours} hour{'' if hours == 1 else 's'}"] if hours else []
    if minutes or not hours:
        words.append(f"{minutes} minute{'' if minutes == 1 else 's'}")
    return " ".join(words)


def format_elapsed(seconds: int) -> str:
    """Seconds on the session clock as the app and the sheet show them: ``MM:SS``, ``H:MM:SS`` past an hour.

    >>> format_elapsed(724), format_elapsed(303), format_elapsed(3729)
    ('12:04', '05:03', '1:02:09')
    """
    h, rest = divmod(max(int(seconds), 0), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"
