"""One base modal and the plain dialogs built on it (confirm, message, text entry)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Button, Input, Static, TextArea

from seeds_tui.core.text import printable
from seeds_tui.tui.base import SeedsModal
from seeds_tui.tui.keys import EarlyKeys, forward_early_key, type_into
from seeds_tui.tui.widgets.safe import plain
from seeds_tui.tui.widgets.text import Limits, NoteArea

R = TypeVar("R")


class DialogForm(VerticalScroll, can_focus=False):
    """The fields of a dialog, scrolling when the terminal is short (Tab goes field to field, never to the box)."""


class BaseDialog(SeedsModal[R], Generic[R]):
    """A centred box with a title; Escape closes it with ``cancel_value``.

    Keys typed in the same instant as the key that opened the dialog (a fast typist, a paste,
    ``tmux send-keys``) reach the dialog screen before its text field has the focus; the
    printable ones are kept and typed into the field (``text_field``) once it has the focus.
    """

    BINDINGS = [Binding("escape", "cancel", "Close", id="dialog.close", tooltip="Close this dialog")]

    #: The id of the text field that printable keys arriving at the screen belong to (None: no such field).
    TEXT_FIELD: ClassVar[str | None] = None

    def __init__(self, title: str) -> None:
        super().__init__()
        self.dialog_title = title
        self._early = EarlyKeys()

    async def on_key(self, event: events.Key) -> None:
        """Keep printable keys that reached the screen itself while the text field was not yet focused."""
        if not event.is_printable or event.character is None:
            return
        if self.app.screen is not self:  # this dialog opened another one: pass the key on
            forward_early_key(self, event)
            return
        if self.TEXT_FIELD is None:
            return
        field = self._field_or_none()
        focused = self.focused
        # A key bubbling up from a focused field was already handled by it (fields stop printable keys);
        # one arriving here while the field (or nothing) has the focus was sent to the screen itself.
        if field is None or focused is None:
            self._early.keep(event.character)
        elif focused is field:
            type_into(field, event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    def _field_or_none(self) -> TextArea | Input | None:
        if self.TEXT_FIELD is None:
            return None
        try:
            field = self.query_one(f"#{self.TEXT_FIELD}")
        except NoMatches:  # not composed yet
            return None
        return field if isinstance(field, (TextArea, Input)) else None

    def type_early(self, text: str) -> None:
        """Keys typed for this dialog's text field before it had the focus (see ``seeds_tui.tui.keys``)."""
        field = self._field_or_none()
        if field is None or self.focused is not field:
            self._early.keep(text)
        else:
            type_into(field, text)

    def type_early_keys(self) -> None:
        """Type the keys that arrived before the field had the focus (call after focusing it)."""
        field = self._field_or_none()
        text = self._early.take()
        if field is not None and text:
            type_into(field, text)

    def cancel_value(self) -> R | None:
        """What Escape returns."""
        return None

    def action_cancel(self) -> None:
        """Close with the cancel value."""
        self.dismiss(self.cancel_value())

    def title_widget(self) -> Static:
        """The dialog's title line (plain text, never markup)."""
        return Static(plain(printable(self.dialog_title, newlines=False)), classes="dialog-title")


class ConfirmDialog(BaseDialog[bool]):
    """A yes/no question. Returns True for the first button."""

    BINDINGS = [
        Binding("y", "choose(True)", "Yes", show=False, id="confirm.yes"),
        Binding("n", "choose(False)", "No", show=False, id="confirm.no"),
        Binding("left,right", "app.focus_next", show=False),
    ]

    def __init__(
        self,
        title: str,
        message: str,
        *,
        yes: str = "Yes",
        no: str = "No",
        yes_variant: str = "primary",
        focus_yes: bool | None = None,
    ) -> None:
        super().__init__(title)
        self.message = message
        self.yes = yes
        self.no = no
        self.yes_variant = yes_variant
        #: Which button has the focus first: the safe one (No) whenever Yes destroys something.
        self.focus_yes = yes_variant != "error" if focus_yes is None else focus_yes

    def cancel_value(self) -> bool:
        """Escape means no."""
        return False

    def compose(self) -> ComposeResult:
        """Title, message, two buttons."""
        with Vertical(classes="dialog"):
            yield self.title_widget()
            with VerticalScroll(classes="dialog-body"):
                yield Static(plain(printable(self.message)), classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, variant=self.yes_variant, id="yes")  # type: ignore[arg-type]
                yield Button(self.no, id="no")

    def on_mount(self) -> None:
        """Focus the safe choice: the second button when the first one destroys something."""
        self.query_one("#yes" if self.focus_yes else "#no", Button).focus()

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
                yield Static(plain(printable(self.message)), classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK", variant="primary", id="ok")

    def on_mount(self) -> None:
        """Focus OK."""
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Close."""
        self.dismiss(None)


class TextEntryDialog(BaseDialog[str | None]):
    """Write or edit a note in a text area. Escape or Ctrl+S keeps the text; Cancel throws changes away.

    ``live`` is called with the text on every change while typing, so the session's autosave
    holds what is typed even if the app dies with the dialog open; Cancel calls it with the
    original text again.
    """

    TEXT_FIELD = "entry"
    BINDINGS = [
        Binding("escape", "done", "Done (keep text)", id="note.done", tooltip="Close and keep the text"),
        Binding("ctrl+s", "done", "Done", show=False, id="note.save"),
        Binding("enter", "enter_done", "Done", show=False, id="note.enter", tooltip="Close and keep the text (a one-line text)"),
    ]

    def __init__(
        self,
        title: str,
        text: str = "",
        *,
        hint: str = "",
        context: str = "",
        keep: Callable[[str], None] | None = None,
        live: Callable[[str], None] | None = None,
        max_length: int = Limits.NOTE,
        enter_done: bool = False,
    ) -> None:
        super().__init__(title)
        #: A short text (a mark's): Enter finishes it, as in a one-line field, instead of starting a new line.
        self.enter_done = enter_done
        self.text = text[:max_length]
        self.max_length = max_length
        self.hint = hint
        self.context = context
        #: Called at once with the text on Done (also when the app quits with the dialog open).
        self.keep = keep
        #: Called with the text as it is typed.
        self.live = live
        self._answered = False

    def compose(self) -> ComposeResult:
        """Title, optional context, the text area, buttons."""
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            with DialogForm(classes="dialog-body dialog-form"):
                if self.context:
                    yield Static(plain(printable(self.context)), classes="dialog-context")
                yield NoteArea(
                    self.text, id="entry", soft_wrap=True, tab_behavior="focus", max_length=self.max_length, enter_done=self.enter_done
                )
            default_hint = "Enter, Esc or Ctrl+S: done (keeps the text) · Tab: buttons" if self.enter_done else ""
            yield Static(plain(self.hint or default_hint or "Esc or Ctrl+S: done (keeps the text) · Tab: buttons"), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Done", variant="primary", id="done")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Focus the text, cursor at the end; type what arrived early."""
        area = self.query_one("#entry", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        self.type_early_keys()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Hand the text over as it is typed."""
        if self.live is not None and not self._answered:
            self.live(event.text_area.text)

    def unsaved_text(self) -> dict[str, str] | None:
        """What is typed, if it has no other home (no ``live`` hand-over): kept if the app must close."""
        if self._answered or self.live is not None or self.keep is not None:
            return None
        area = self.query_one("#entry", TextArea)
        return {self.dialog_title: area.text} if area.text != self.text else None

    def action_done(self) -> None:
        """Close, keeping the text."""
        if self._answered:
            return
        self._answered = True
        text = self.query_one("#entry", TextArea).text
        if self.keep is not None:
            self.keep(text)
        elif self.live is not None:
            self.live(text)
        self.dismiss(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter finishes only a one-line text (elsewhere it starts a new line, or presses a button)."""
        return action != "enter_done" or (self.enter_done and self.focused is not None and self.focused.id == "entry")

    def action_enter_done(self) -> None:
        """Enter in a one-line text: close, keeping it."""
        self.action_done()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Done keeps, Cancel discards."""
        if event.button.id == "done":
            self.action_done()
        elif not self._answered:
            self._answered = True
            if self.live is not None:
                self.live(self.text)
            self.dismiss(None)
