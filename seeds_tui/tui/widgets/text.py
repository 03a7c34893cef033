"""Text entry that can never take the app down: every field knows its limit and keeps to it.

Each note, rationale, comment, action, set-up field and filter in the app is a
``NoteArea`` (several lines) or a ``LineInput`` (one line). Both

* keep what is typed or pasted up to the file format's limit (the models' max lengths) and
  drop the rest with one plain message saying so (never a traceback, never the text itself);
* take out control characters (an ``ESC`` pasted from a terminal, a bell): the text that is
  saved is text a person typed, not instructions for a terminal.

``Limits`` holds the file format's lengths, named after what they are for. ``NoteArea`` is in
``seeds_tui.tui.widgets.note`` (importable from here too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.widgets import Input

from seeds_tui.tui.keys import KeysInOrder
from seeds_tui.tui.widgets.limits import Limits as Limits
from seeds_tui.tui.widgets.limits import clean as clean
from seeds_tui.tui.widgets.limits import too_long_message as too_long_message

if TYPE_CHECKING:
    from seeds_tui.tui.widgets.note import NoteArea as NoteArea


def __getattr__(name: str) -> object:
    """``NoteArea`` lives in ``widgets.note`` (Textual's TextArea is not imported for the first frame, which has none)."""
    if name == "NoteArea":
        from seeds_tui.tui.widgets.note import NoteArea

        return NoteArea
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class LineInput(KeysInOrder, Input):
    """A one-line field with a limit: a paste past it keeps what fits, and says so."""

    def types_key(self, event: events.Key) -> bool:
        """Printable keys are typed here (and the field's own editing keys run as usual)."""
        if event.is_printable:
            return True
        active = self.screen.active_bindings.get(event.key)
        return active is not None and active.node is self

    def __init__(self, value: str | None = None, *, max_length: int = Limits.NAME, what: str = "This field", **kwargs: object) -> None:
        self.what = what
        super().__init__(clean(value or "", lines=False)[:max_length], max_length=max_length, **kwargs)  # type: ignore[arg-type]

    async def action_submit(self) -> None:
        """Enter: in a form field (class ``moves-on``), the next field at once, as Tab does, so a key
        typed straight after Enter reaches that field (a posted Submitted would be handled after
        it); elsewhere, Submitted as usual."""
        if self.has_class("moves-on"):
            self.screen.focus_next()
            return
        await super().action_submit()

    def replace(self, text: str, start: int, end: int) -> None:
        """Every change passes here: clean it and clip it to the limit."""
        text = clean(text, lines=False)
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        room = self.max_length - (len(value) - (end - start)) if self.max_length else len(text)
        if len(text) > room:
            text = text[: max(0, room)]
            self.app.bell()
            self.app.notify(too_long_message(self.max_length or 0, self.what), title="Too long", severity="warning", timeout=8)
        super().replace(text, start, end)
