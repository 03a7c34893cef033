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

Underneath all of it is the app's one queue of keys (``KeyQueue``, mixed into the app with
``AppKeysInOrder``). Textual hands each key to the widget focused when the key reaches the
app, and every widget and screen works through its own queue of messages, so the keys of a
burst were spread over several queues at once: a key sent to the field an earlier key had just
focused overtook the keys still waiting in the old field's queue (``Both`` typed as ``Btoh``), a
Tab (a priority binding, run as the key reaches the app) moved on before the name typed ahead
of it had reached its field, and keys sent to a screen still being set up waited in the
screen's queue while the ones after them went straight to its first field. Now the app lets a
key go only once the key before it has been handled all the way (stopped by a widget, or back
at the app and its bindings run) and the screen on top has been set up and has focused its
first field (``ScreenKeysInOrder``): each key meets the focus and the screen that the keys
before it left behind. Pastes wait their turn the same way.

``tests/tui/test_keys_pty.py`` drives these through a real pseudo-terminal with every key of a
burst written at once.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from textual import events
from textual._context import active_message_pump
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App


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
    from textual.widgets import TextArea  # here: the first frame (the home screen) has none to import it for

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
    top.post_message(passed_on(event))


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
    key = passed_on(event)
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
            let_go(event)
        queue = key_queue_of(self.app)
        if queue is not None:
            queue.next()  # keys typed while this screen was being set up: their turn now

    async def on_key(self, event: events.Key) -> None:
        """Hold, hand on, or run the key's binding now."""
        assert isinstance(self, Screen)
        app = self.app
        if not self._taking_keys and app.screen is self:
            event.stop()
            event.prevent_default()
            if self._held_keys is None:
                self._held_keys = []
            hold(event)
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


def is_taking_keys(screen: Screen[Any]) -> bool:
    """True once ``screen`` has been set up and its first field has the focus (keys may go to it)."""
    if isinstance(screen, ScreenKeysInOrder):
        return screen._taking_keys
    return True  # Textual's own screens (the command palette) focus their field as they are composed


class _InTurn:
    """A key (or paste) let go by the app's ``KeyQueue``: it tells the queue when it has been handled.

    Handled means stopped by a handler (once that widget has finished with it: the binding it
    ran, the focus it moved) or back at the app with the app's bindings run. A widget that hands
    the key on (``reroute``) sends a copy in the same turn (``passed_on``).
    """

    _queue: KeyQueue
    _turn: int
    #: Let go by the queue and not yet routed by the app (Textual routes it as a key from the terminal).
    _fresh: bool
    _ended: bool = False

    def stop(self, stop: bool = True) -> Any:
        """Stop the key here: its turn ends once the handler that stopped it has returned."""
        result = super().stop(stop)  # type: ignore[misc]
        if stop and not self._ended:
            try:
                pump = active_message_pump.get()
            except LookupError:
                self._queue.end(self)
            else:
                pump.call_next(self._queue.end, self)
        return result


class _TurnKey(_InTurn, events.Key):
    """A key from the terminal, let go by the app's ``KeyQueue`` in its turn."""


class _TurnPaste(_InTurn, events.Paste):
    """A paste from the terminal, let go by the app's ``KeyQueue`` in its turn."""


# Textual names a message's handler after its class: these are the terminal's own key and paste.
_TurnKey.handler_name = events.Key.handler_name
_TurnPaste.handler_name = events.Paste.handler_name


def _in_turn(event: events.Key | events.Paste, queue: KeyQueue, turn: int, *, fresh: bool) -> _TurnKey | _TurnPaste:
    copy = _TurnKey(event.key, event.character) if isinstance(event, events.Key) else _TurnPaste(event.text)
    copy._queue, copy._turn, copy._fresh = queue, turn, fresh
    # From no widget, as a key from the terminal is: Textual stops a key from a widget once it has
    # bubbled up to that widget's parent, and the app's bindings would never see it.
    copy._sender = None
    return copy


def passed_on(event: events.Key) -> events.Key:
    """A copy of ``event`` to hand to another widget; in the same turn of the app's queue (it is not done yet)."""
    if not isinstance(event, _TurnKey):
        return events.Key(event.key, event.character)
    copy = _in_turn(event, event._queue, event._turn, fresh=False)
    assert isinstance(copy, _TurnKey)
    copy._set_forwarded()  # handed to a widget as the app forwards a key: back at the app, only its bindings run
    event._queue.opened(copy)
    return copy


def hold(event: events.Key) -> None:
    """``event`` is kept (by a screen not yet set up) to be handed on later: its turn stays open."""
    if isinstance(event, _TurnKey):
        event._queue.opened(event)


def let_go(event: events.Key) -> None:
    """A key kept by ``hold`` has been handed on (``passed_on``)."""
    if isinstance(event, _TurnKey):
        event._queue.closed(event)


class KeyQueue:
    """The keys and pastes from the terminal, let go one at a time (see the module's notes).

    The next one goes once the one before has been handled (``end``) and the screen on top takes
    keys (``is_taking_keys``); then the app routes it as Textual routes any key, to the widget
    focused *now*.
    """

    #: A key whose handling never ends (sent to a widget that was closing) holds up the rest this long at most.
    GIVE_UP_AFTER: ClassVar[float] = 2.0

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.waiting: deque[events.Key | events.Paste] = deque()
        #: The turn of the key let go last; its pieces still on their way (the key, copies handed on, keys held).
        self.turn = 0
        self.open = 0
        self._give_up: asyncio.TimerHandle | None = None

    def arrive(self, event: events.Key | events.Paste) -> None:
        """A key or paste from the terminal: it waits for its turn."""
        self.waiting.append(event)
        self.next()

    def next(self) -> None:
        """Let the next key go, if the one before has been handled and the screen on top takes keys."""
        if self.open or not self.waiting:
            return
        try:
            screen = self.app.screen
        except Exception:  # no screen yet (starting) or any more (closing)
            return
        if not is_taking_keys(screen):
            return  # ScreenKeysInOrder calls next() once it takes keys
        self.turn += 1
        self.open = 1
        event = _in_turn(self.waiting.popleft(), self, self.turn, fresh=True)
        if not self.app.post_message(event):
            self.open = 0  # the app is closing
            self.waiting.clear()
            return
        self._give_up = asyncio.get_running_loop().call_later(self.GIVE_UP_AFTER, self._gave_up, self.turn)

    def opened(self, event: _InTurn) -> None:
        """Another piece of ``event``'s turn is on its way."""
        if event._turn == self.turn and self.open:
            self.open += 1

    def closed(self, event: _InTurn) -> None:
        """A piece of ``event``'s turn has arrived."""
        if event._turn != self.turn or not self.open:
            return
        self.open -= 1
        if not self.open:
            if self._give_up is not None:
                self._give_up.cancel()
                self._give_up = None
            self.next()

    def end(self, event: _InTurn) -> None:
        """``event`` has been handled (each key or copy counts once)."""
        if event._ended:
            return
        event._ended = True
        self.closed(event)

    def _gave_up(self, turn: int) -> None:
        if turn == self.turn and self.open:
            self.open = 0
            self._give_up = None
            self.next()

    async def route(self, event: events.Event, textual_on_event: Any) -> bool:
        """Handle a key or paste at the app (``textual_on_event``: Textual's ``App.on_event``); True if done here.

        A key or paste from the terminal is queued; one let go by the queue is routed by Textual
        (priority bindings, then the focused widget); one coming back up from a widget runs the
        app's bindings, after which it has been handled.
        """
        if not isinstance(event, (events.Key, events.Paste)):
            return False
        if not isinstance(event, _InTurn):
            if event.is_forwarded:
                return False
            self.arrive(event)
            return True
        fresh, event._fresh = event._fresh, False
        await textual_on_event(event)
        if not fresh or not event.is_forwarded:  # back at the app, or taken by a priority binding as it arrived
            self.end(event)
        return True


def key_queue_of(app: App[Any]) -> KeyQueue | None:
    """The app's queue of keys (None for an app without ``AppKeysInOrder``)."""
    return app.key_queue if isinstance(app, AppKeysInOrder) else None


class AppKeysInOrder:
    """Mix into the app (before Textual's ``App``): keys and pastes from the terminal are let go one at a time."""

    _key_queue: KeyQueue | None = None

    @property
    def key_queue(self) -> KeyQueue:
        """The app's queue of keys and pastes."""
        if self._key_queue is None:
            self._key_queue = KeyQueue(self)  # type: ignore[arg-type]
        return self._key_queue

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes go through the queue; every other event as Textual handles it."""
        if not await self.key_queue.route(event, super().on_event):  # type: ignore[misc]
            await super().on_event(event)  # type: ignore[misc]


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
