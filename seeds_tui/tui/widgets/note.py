"""``NoteArea``: a multi-line text field with a limit (see ``seeds_tui.tui.widgets.text``).

Apart from ``LineInput`` so that the home screen's first frame does not import Textual's TextArea.
"""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea
from textual.widgets.text_area import Edit

from seeds_tui.tui.keys import KeysInOrder
from seeds_tui.tui.widgets.limits import Limits, clean, too_long_message


class NoteArea(KeysInOrder, TextArea):
    """A multi-line text field with a limit (``max_length``): a paste past it keeps what fits."""

    def types_key(self, event: events.Key) -> bool:
        """Printable keys, Enter, and what the field's own editing keys do (arrows, Backspace…) are typed here.

        With ``enter_done`` Enter is not typed: it runs the screen's Enter binding (done).
        """
        if event.is_printable or (event.key == "enter" and not self.enter_done) or (event.key == "tab" and self.tab_behavior == "indent"):
            return True
        active = self.screen.active_bindings.get(event.key)
        return active is not None and active.node is self

    def __init__(
        self, text: str = "", *, max_length: int = Limits.NOTE, what: str = "This note", enter_done: bool = False, **kwargs: object
    ) -> None:
        self.max_length = max_length
        self.what = what
        #: Enter finishes the text (a short label such as a mark's) instead of starting a new line.
        self.enter_done = enter_done
        super().__init__(clean(text, lines=True)[:max_length], **kwargs)  # type: ignore[arg-type]

    def on_resize(self, event: events.Resize) -> None:
        """Another width: draw every line again, wrapped to it.

        Textual 8's TextArea draws its lines as soon as its size changes, still wrapped to the old
        width, and rewraps only afterwards, on the Resize event (``TextArea._on_resize``), without
        asking to be drawn again: the note stayed garbled (old lines cut or short, the cursor's
        line new) until the next key changed it.
        """
        self.refresh()

    def edit(self, edit: Edit) -> object:  # type: ignore[override]
        """Every change (typing, paste, undo) passes here: clean it and clip it to the limit."""
        text = clean(edit.text, lines=True)
        replaced = len(self.get_text_range(*sorted((edit.from_location, edit.to_location))))
        room = self.max_length - (len(self.text) - replaced)
        if len(text) > room:
            text = text[: max(0, room)]
            self.app.bell()
            self.screen.notify(too_long_message(self.max_length, self.what), title="Too long", severity="warning", timeout=8)
        if text != edit.text:
            edit = Edit(text, edit.from_location, edit.to_location, edit.maintain_selection_offset)
        return super().edit(edit)

    def load_text(self, text: str) -> None:
        """Show ``text`` (cleaned and clipped: a file edited by hand may hold more)."""
        super().load_text(clean(text, lines=True)[: self.max_length])
