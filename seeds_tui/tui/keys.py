"""Keys that must survive bursts, in one place: type-ahead over SSH, a fast typist, a paste, tmux.

A terminal hands the app every key of a burst at once, and Textual routes each key to the
widget focused *when the key arrives*. So in ``e x y z`` the ``x y z`` reach the scoring list
before the ``e`` has opened its note, and in ``j 2`` the digit can be acted on before the
list's highlight message moved the cursor. The rules, used by every screen:

* the cursor a key acts on is the list's own ``highlighted`` (never a copy updated by a message);
* a key whose binding opens a text field runs at once, as the key passes the screen
  (``open_dialog_now``), and the printable keys after it are handed to the dialog
  (``forward_early_key``), which types them once its field has the focus (``EarlyKeys``);
* a key that moves the focus (Tab, Esc back to a list) moves it at once, so the next keys go
  where the user meant them (``type_with_tabs`` replays a Tab typed early);
* a list's cursor stops at its ends instead of wrapping (``StopAtEnds`` in widgets/lists.py),
  so ``2 j 1 j 0`` in a short section never overwrites the first item.

``tests/tui/test_keys_pty.py`` drives these through a real pseudo-terminal with every key of a
burst written at once.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea


@runtime_checkable
class AcceptsEarlyKeys(Protocol):
    """A screen or dialog that takes keys typed for it before it could have the focus."""

    def type_early(self, text: str) -> None:
        """Type ``text`` (``\\t`` moves to the next field) into the field the user is on, now or once it is shown."""
        ...


def typed_character(event: events.Key) -> str | None:
    """The text a key types (Tab as ``\\t``), or None for keys that type nothing."""
    if event.key == "tab":
        return "\t"
    if event.is_printable and event.character:
        return event.character
    return None


def type_into(field: Widget, text: str) -> None:
    """Type ``text`` into a text field at its cursor."""
    if isinstance(field, TextArea):
        field.insert(text)
    elif isinstance(field, Input):
        field.insert_text_at_cursor(text)


def type_with_tabs(screen: Screen[Any], field: Input, text: str) -> None:
    """Type ``text`` into ``field``; a Tab in it moves on to the next field at once, as the key would."""
    fields = [w for w in screen.query(Input) if w.can_focus]
    first, *after_tabs = text.split("\t")
    field.insert_text_at_cursor(first)
    for part in after_tabs:
        at = fields.index(field) if field in fields else -1
        if 0 <= at < len(fields) - 1:
            field = fields[at + 1]
            screen.set_focus(field)  # at once, so the next keys go there too
        field.insert_text_at_cursor(part)


def forward_early_key(screen: Screen[Any], event: events.Key) -> None:
    """Pass a printable key on to a text dialog that ``screen`` has just opened.

    The keys of a burst (``e x y z``) are all routed to the focused widget of the screen that
    was on top when they arrived; once ``e`` has opened a dialog, the rest would otherwise be
    checked against the dialog's bindings and dropped. Call from ``on_key`` of such screens.
    """
    top = screen.app.screen
    if top is screen or not isinstance(top, AcceptsEarlyKeys) or not event.is_printable or event.character is None:
        return
    if getattr(top, "TEXT_FIELD", None) is None:
        return
    event.stop()
    event.prevent_default()
    top.post_message(events.Key(event.key, event.character))


async def open_dialog_now(screen: Screen[Any], event: events.Key, actions: set[str]) -> bool:
    """Run at once a key's binding whose action opens a text dialog; True if it did.

    Bindings run when a key reaches the app, after the keys that followed it in a burst were
    already routed to the old screen; opening the dialog while the key passes the screen lets
    ``forward_early_key`` hand those keys to the dialog.
    """
    if screen.app.screen is not screen:
        return False
    active = screen.active_bindings.get(event.key)
    if active is None or not active.enabled or active.binding.priority or active.binding.action not in actions:
        return False
    event.stop()
    event.prevent_default()
    await screen.app.run_action(active.binding.action, active.node)
    return True


async def run_binding_now(widget: Widget, event: events.Key) -> bool:
    """Run the focused ``widget``'s own binding for this key at once (in the order typed); True if it did.

    For lists whose keys may be followed, in the same burst, by keys for a field that a key of
    theirs focuses (``j 2 e because…`` on the consensus list).
    """
    screen = widget.screen
    if widget.app.screen is not screen or screen.focused is not widget:
        return False
    active = screen.active_bindings.get(event.key)
    if active is None or not active.enabled or active.node is not widget or active.binding.priority:
        return False
    event.stop()
    event.prevent_default()
    await widget.app.run_action(active.binding.action, active.node)
    return True


class EarlyKeys:
    """Keys that arrived before a screen's text field had the focus, kept in order to be typed there."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def keep(self, text: str) -> None:
        """Keep ``text`` for later."""
        if text:
            self.keys.append(text)

    def take(self) -> str:
        """Everything kept so far (and forget it)."""
        text = "".join(self.keys)
        self.keys.clear()
        return text
