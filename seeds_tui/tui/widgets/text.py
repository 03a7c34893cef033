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
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static

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
            self.screen.notify(too_long_message(self.max_length or 0, self.what), title="Too long", severity="warning", timeout=8)
        super().replace(text, start, end)
