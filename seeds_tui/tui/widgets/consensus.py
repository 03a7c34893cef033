"""The consensus screen's two keyboard widgets: the items to agree, and the rationale of the highlighted one.

The level keys are the scoring screen's own (digits for levels, ``a`` NA, ``o`` NO, Backspace
clears): the list takes those bindings from ``ItemList`` rather than defining its own. Both
widgets route keys at once, in the order typed (``seeds_tui.tui.keys``).
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding

from seeds_tui.tui.keys import run_binding_now
from seeds_tui.tui.widgets.lists import ItemList, StopAtEnds
from seeds_tui.tui.widgets.text import Limits, NoteArea

#: The scoring keys this screen shares with the scoring screen (by binding id): move, level, NA, NO, clear, scroll.
SHARED_KEYS = frozenset(
    {"score.down", "score.up", "score.na", "score.no", "score.clear", "score.detail_down", "score.detail_up"}
    | {f"score.level{d}" for d in range(10)}
)


class AgreedList(StopAtEnds):
    """The items to agree: the scoring keys choose the agreed level; e or Enter writes the rationale.

    Keys run here, in the order typed, rather than when they reach the app: in a burst such as
    ``j 2 e because…`` (a fast typist, a paste, ``tmux send-keys``) every key is routed to the
    list before ``e`` has moved the focus, so the keys after it are typed into the rationale.
    """

    BINDINGS = [
        *[b for b in ItemList.BINDINGS if isinstance(b, Binding) and b.id in SHARED_KEYS],
        Binding(
            "e,enter",
            "screen.rationale",
            "Rationale",
            key_display="e",
            id="consensus.rationale",
            tooltip="Write why the observers agreed on this score",
        ),
    ]

    async def on_key(self, event: events.Key) -> None:
        """Run this list's keys at once; keys that arrive after the focus moved to the rationale go there."""
        screen = self.screen
        if self.app.screen is not screen:  # a dialog is open: the key is its business
            return
        focused = screen.focused
        if isinstance(focused, RationaleArea):
            if focused.type_key(event):
                event.stop()
                event.prevent_default()
            return
        await run_binding_now(self, event)


class RationaleArea(NoteArea):
    """The rationale of the highlighted item. Esc goes back to the list at once, so ``Esc j 2`` moves and chooses."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_length=Limits.ENTRY, what="A rationale", **kwargs)  # type: ignore[arg-type]

    def type_key(self, event: events.Key) -> bool:
        """A key typed for this field that was routed to the list before the focus moved here.

        True if it was used; other keys (Ctrl+S, F1…) go on to the screen and app as usual.
        """
        if event.key == "escape":
            self.screen.set_focus(self.screen.query_one(AgreedList))
        elif event.key == "enter":
            self.insert("\n")
        elif event.key == "backspace":
            self.action_delete_left()
        elif event.is_printable and event.character:
            self.insert(event.character)
        else:
            return False
        return True

    async def on_key(self, event: events.Key) -> None:
        """Esc: back to the list now; a key that arrives after the focus went back belongs to the list."""
        screen = self.screen
        if self.app.screen is not screen:
            return
        if screen.focused is not self:
            listing = screen.query_one(AgreedList)
            if screen.focused is listing:
                event.stop()
                event.prevent_default()
                await listing.on_key(events.Key(event.key, event.character))
            return
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            screen.set_focus(screen.query_one(AgreedList))
