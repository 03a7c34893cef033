"""One base modal and the plain dialogs built on it (confirm, message, text entry)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

R = TypeVar("R")


class BaseDialog(ModalScreen[R], Generic[R]):
    """A centred box with a title; Escape closes it with ``cancel_value``."""

    BINDINGS = [Binding("escape", "cancel", "Close", id="dialog.close", tooltip="Close this dialog")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.dialog_title = title

    def cancel_value(self) -> R | None:
        """What Escape returns."""
        return None

    def action_cancel(self) -> None:
        """Close with the cancel value."""
        self.dismiss(self.cancel_value())

    def title_widget(self) -> Static:
        """The dialog's title line (plain text, never markup)."""
        return Static(Content(self.dialog_title), classes="dialog-title")


class ConfirmDialog(BaseDialog[bool]):
    """A yes/no question. Returns True for the first button."""

    BINDINGS = [
        Binding("y", "choose(True)", "Yes", show=False, id="confirm.yes"),
        Binding("n", "choose(False)", "No", show=False, id="confirm.no"),
        Binding("left,right", "app.focus_next", show=False),
    ]

    def __init__(self, title: str, message: str, *, yes: str = "Yes", no: str = "No", yes_variant: str = "primary") -> None:
        super().__init__(title)
        self.message = message
        self.yes = yes
        self.no = no
        self.yes_variant = yes_variant

    def cancel_value(self) -> bool:
        """Escape means no."""
        return False

    def compose(self) -> ComposeResult:
        """Title, message, two buttons."""
        with Vertical(classes="dialog"):
            yield self.title_widget()
            with VerticalScroll(classes="dialog-body"):
                yield Static(Content(self.message), classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant=self.yes_variant, id="yes")  # type: ignore[arg-type]
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        """Focus the first button."""
        self.query_one("#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """First button: True; second: False."""
        self.dismiss(event.button.id == "yes")

    def action_choose(self, value: bool) -> None:
        """Answer with a key."""
        self.dismiss(value)


class MessageDialog(BaseDialog[None]):
    """Something the user must read (an error naming a file, a list of problems). One OK button."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(title)
        self.message = message

    def compose(self) -> ComposeResult:
        """Title, message, OK."""
        with Vertical(classes="dialog"):
            yield self.title_widget()
            with VerticalScroll(classes="dialog-body"):
                yield Static(Content(self.message), classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", variant="primary", id="ok")

    def on_mount(self) -> None:
        """Focus OK."""
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Close."""
        self.dismiss(None)


class TextEntryDialog(BaseDialog[str | None]):
    """Write or edit a note in a text area. Escape or Ctrl+S keeps the text; Cancel throws changes away."""

    BINDINGS = [
        Binding("escape", "done", "Done (keep text)", id="note.done", tooltip="Close and keep the text"),
        Binding("ctrl+s", "done", "Done", show=False, id="note.save"),
    ]

    def __init__(self, title: str, text: str = "", *, hint: str = "", context: str = "", keep: Callable[[str], None] | None = None) -> None:
        super().__init__(title)
        self.text = text
        self.hint = hint
        self.context = context
        #: Called at once with the text on Done (also when the app quits with the dialog open).
        self.keep = keep

    def compose(self) -> ComposeResult:
        """Title, optional context, the text area, buttons."""
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            if self.context:
                yield Static(Content(self.context), classes="dialog-context")
            area = TextArea(self.text, id="entry", soft_wrap=True, tab_behavior="focus")
            yield area
            yield Static(Content(self.hint or "Esc or Ctrl+S: done (keeps the text) · Tab: buttons"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done", variant="primary", id="done")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Focus the text, cursor at the end."""
        area = self.query_one("#entry", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_done(self) -> None:
        """Close, keeping the text."""
        text = self.query_one("#entry", TextArea).text
        if self.keep is not None:
            self.keep(text)
        self.dismiss(text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Done keeps, Cancel discards."""
        if event.button.id == "done":
            self.action_done()
        else:
            self.dismiss(None)
