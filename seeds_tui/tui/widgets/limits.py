"""What every text field keeps to: the file format's lengths (``Limits``), no control characters (``clean``),
and what the user is told when a paste passes a limit (see ``seeds_tui.tui.widgets.text``)."""

from __future__ import annotations

from typing import ClassVar

from seeds_tui.core.text import control_characters


class Limits:
    """The longest text each kind of field may hold (as the observation file format allows)."""

    NOTE: ClassVar[int] = 20_000  # evidence, section notes, self-assessment, comments, marks
    ENTRY: ClassVar[int] = 4_000  # a strength, development area, action, consensus rationale
    NAME: ClassVar[int] = 100  # observer, practitioner, team, session type, owner
    CHANGE_TARGET: ClassVar[int] = 200
    FOCUS: ClassVar[int] = 200
    PLAN: ClassVar[int] = 2_000
    CASE_REFERENCE: ClassVar[int] = 32
    SESSION_REFERENCE: ClassVar[int] = 64
    DATE: ClassVar[int] = 10
    SEARCH: ClassVar[int] = 200


def clean(text: str, *, lines: bool) -> str:
    """``text`` without control characters (tab and newline kept where ``lines``; CRLF becomes LF)."""
    text = text.replace("\r\n", "\n")
    if not control_characters(text, newlines=lines):
        return text
    keep = {"\n", "\t"} if lines else set()
    if not lines:
        text = text.replace("\t", " ").replace("\n", " ")
    return "".join(ch for ch in text if ch in keep or not control_characters(ch, newlines=lines))


def too_long_message(limit: int, what: str = "This field") -> str:
    """What the user is told when typing or pasting would pass a field's limit."""
    return f"{what} can hold at most {limit:,} characters; the rest was not added. Shorten it, or split it over several notes."
