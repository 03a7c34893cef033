"""Text entry that can never take the app down: every field knows its limit and keeps to it.

Each note, rationale, comment, action, set-up field and filter in the app is a
``NoteArea`` (several lines) or a ``LineInput`` (one line). Both

* keep what is typed or pasted up to the file format's limit (the models' max lengths) and
  drop the rest with one plain message saying so (never a traceback, never the text itself);
* take out control characters (an ``ESC`` pasted from a terminal, a bell): the text that is
  saved is text a person typed, not instructions for a terminal.

``Limits`` holds the file format's lengths, named after what they are for.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea
from textual.widgets.text_area import Edit

from seeds_tui.core.text import control_characters
from seeds_tui.tui.keys import KeysInOrder


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
            self.app.notify(too_long_message(self.max_length, self.what), title="Too long", severity="warning", timeout=8)
        if text != edit.text:
            edit = Edit(text, edit.from_location, edit.to_location, edit.maintain_selection_offset)
        return super().edit(edit)

    def load_text(self, text: str) -> None:
        """Show ``text`` (cleaned and clipped: a file edited by hand may hold more)."""
        super().load_text(clean(text, lines=True)[: self.max_length])


class FieldProblem(Static):
    """ "Team: required", under a required field left empty (in the blank line below its row)."""

    DEFAULT_CSS = """
    FieldProblem { color: $text-error; height: 1; width: 1fr; }
    """


class LineInput(KeysInOrder, Input):
    """A one-line field with a limit: a paste past it keeps what fits, and says so.

    With ``required`` (its label, e.g. "Team") the form may ``flag`` it when it is left empty: the line
    under the field says "Team: required" until something is typed there (and again if it is emptied).
    """

    def types_key(self, event: events.Key) -> bool:
        """Printable keys are typed here (and the field's own editing keys run as usual)."""
        if event.is_printable:
            return True
        active = self.screen.active_bindings.get(event.key)
        return active is not None and active.node is self

    def __init__(
        self, value: str | None = None, *, max_length: int = Limits.NAME, what: str = "This field", required: str = "", **kwargs: object
    ) -> None:
        self.what = what
        #: The field's label when it must be filled in ("" when it may stay empty).
        self.required = required
        #: The form asked for it (a save was tried): its "required" line follows what is typed.
        self._flagged = False
        self._problem: FieldProblem | None = None
        super().__init__(clean(value or "", lines=False)[:max_length], max_length=max_length, **kwargs)  # type: ignore[arg-type]

    def flag(self) -> str | None:
        """A save was tried: "Label: required" under the field while it is empty (None when it is filled in or optional)."""
        self._flagged = bool(self.required)
        return self._show_required()

    def set_required(self, label: str) -> None:
        """Required (``label``) or not (""), e.g. as another kind of record is chosen; a line shown follows."""
        self.required = label
        if self._problem is not None or (self._flagged and label):
            self._flagged = True
            self._show_required()

    def _show_required(self) -> str | None:
        missing = f"{self.required}: required" if self._flagged and self.required and not self.value.strip() else None
        if missing is None and self._problem is None:
            return None
        parent = self.parent
        row: Widget = parent if isinstance(parent, Widget) and parent is not self.screen else self
        if self._problem is None:
            self._problem = FieldProblem(id=f"{self.id}-required" if self.id else None)
            self._problem.styles.padding = (0, 0, 0, max(0, self.region.x - row.region.x))
            self._problem.display = False
            if isinstance(row.parent, Widget):
                row.parent.mount(self._problem, after=row)
        shown = missing is not None
        self._problem.update(Content(missing or ""))
        self._problem.display = shown
        # The line sits where the row's blank line below was: nothing else on the form moves.
        row.styles.margin = (row.styles.margin.top, row.styles.margin.right, 0, row.styles.margin.left) if shown else None
        return missing

    def watch_value(self, value: str) -> None:
        """A flagged field: its "required" line goes as soon as something is typed."""
        if self._flagged:
            self._show_required()

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
