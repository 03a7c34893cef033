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

The mechanism behind all of it is ``KeysInOrder``, mixed into every focusable widget of the
app. Textual runs a key's binding only once the key has bubbled up to the app, and checks it
against the screen on top *then*; keys that arrived after it are meanwhile handled by the
widget that was focused when they arrived. So ``1 j 1 e`` ran ``e`` (which opens a dialog)
before ``1 j 1`` reached the app, and those were checked against the dialog and dropped.
``KeysInOrder`` runs each key's binding when the key reaches the focused widget, in the order
typed, and hands a key that reaches a widget which is no longer focused (an earlier key of
the burst moved the focus, or opened another screen) to the widget focused now.

``tests/tui/test_keys_pty.py`` drives these through a real pseudo-terminal with every key of a
burst written at once.
"""

from __future__ import annotations

import weakref
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


async def run_binding(screen: Screen[Any], key: str, active: Any) -> bool:
    """Run ``active`` (the screen's active binding for ``key``) as Textual would; True if an action ran.

    An action may decline (``SkipAction``: the screen's Ctrl+C copies only when text is selected):
    then the next binding of the key along the focus chain runs (the app's Ctrl+C says how to quit).
    """
    app = screen.app
    if await app.run_action(active.binding.action, active.node):
        return True
    later = False
    for node, bindings in screen._modal_binding_chain:
        for binding in bindings.key_to_bindings.get(key, []):
            if not later:
                later = binding is active.binding and node is active.node
                continue
            if app._check_action_state(binding.action, node) is False:
                continue
            if await app.run_action(binding.action, node):
                return True
    return False


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
    await run_binding(screen, event.key, active)
    return True


async def keys_in_order(widget: Widget, event: events.Key, *, types_itself: bool = False) -> None:
    """Handle ``event`` at ``widget`` in the order typed (see ``KeysInOrder``).

    ``types_itself``: the widget types this key (a text field and a printable key): leave it be.
    """
    app = widget.app
    top = app.screen
    focused = top.focused
    if focused is widget:
        _LEFT.discard(widget)
    elif widget in _LEFT or widget.screen is not top:
        # An earlier key of this burst moved the focus away (or opened a screen): the key belongs there.
        event.stop()
        event.prevent_default()
        reroute(focused or top, event)
        return
    else:
        return  # sent here when this widget had the focus (e.g. just before a priority Tab moved it on): its own
    if types_itself:
        return
    active = top.active_bindings.get(event.key)
    # A priority binding ran when the key reached the app, unless the key was handed on here later.
    if active is None or not active.enabled or (active.binding.priority and event not in _REROUTED):
        return
    event.stop()
    event.prevent_default()
    await run_binding(top, event.key, active)
    if app.screen.focused is not widget:
        _LEFT.add(widget)  # the keys after this one in the burst go where the focus is now


#: Widgets that a key run in order moved the focus away from (until they have the focus again).
_LEFT: weakref.WeakSet[Widget] = weakref.WeakSet()

#: Keys handed on by ``reroute``: they never passed the app's check of priority bindings.
_REROUTED: weakref.WeakSet[events.Key] = weakref.WeakSet()


def reroute(target: Widget, event: events.Key) -> None:
    """Hand a key on to ``target`` (a widget or a screen), as if it had arrived there."""
    key = events.Key(event.key, event.character)
    _REROUTED.add(key)
    target.post_message(key)


class KeysInOrder:
    """Mix into a focusable widget (before the Textual class): its keys are handled in the order typed.

    A widget that types keys itself (a text field) overrides ``types_key``.
    """

    def types_key(self, event: events.Key) -> bool:
        """True for keys this widget types itself (none, unless it is a text field)."""
        return False

    async def on_key(self, event: events.Key) -> None:
        """Run the key's binding now, or hand the key to the widget focused now."""
        assert isinstance(self, Widget)
        await keys_in_order(self, event, types_itself=self.types_key(event))


class ScreenKeysInOrder:
    """Mix into every screen and dialog (before the Textual class): keys that reach the screen itself, in order.

    * before the screen is shown and has given the focus to its first field, keys are held and
      handed on, in order, once it has (``n`` then ``Enter`` then names: each reaches its field);
    * a key for a screen no longer on top goes to the screen on top now;
    * a key that reaches the screen (nothing focused, or unhandled by the focused widget) runs its
      binding at once.
    """

    _held_keys: list[events.Key] | None = None
    _taking_keys = False

    def on_mount(self) -> None:
        """Start taking keys once the screen has drawn and focused its first field."""
        assert isinstance(self, Screen)
        self.call_after_refresh(self._take_keys)

    _waited_for_focus = 0

    def _take_keys(self) -> None:
        assert isinstance(self, Screen)
        if self.focused is None and self.focus_chain and self._waited_for_focus < 5:
            # The screen's focus() calls take effect a moment later: wait for them, the keys are for that field.
            self._waited_for_focus += 1
            self.call_after_refresh(self._take_keys)
            return
        self._taking_keys = True
        held, self._held_keys = self._held_keys or [], None
        for event in held:
            reroute(self.focused or self, event)

    async def on_key(self, event: events.Key) -> None:
        """Hold, hand on, or run the key's binding now."""
        assert isinstance(self, Screen)
        app = self.app
        if not self._taking_keys and app.screen is self:
            event.stop()
            event.prevent_default()
            if self._held_keys is None:
                self._held_keys = []
            self._held_keys.append(event)
            return
        top = app.screen
        if top is not self:
            event.stop()
            event.prevent_default()
            reroute(top.focused or top, event)
            return
        # Nothing focused, or bubbled up unhandled from a focused widget that does not order its keys.
        active = self.active_bindings.get(event.key)
        if active is None or not active.enabled or (active.binding.priority and event not in _REROUTED):
            return
        event.stop()
        event.prevent_default()
        await run_binding(self, event.key, active)


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
