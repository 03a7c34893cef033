"""Keyboard lists for scoring: items of a section, whole-session ratings, and sections.

The scoring keys are bound here, on the focused list, never app-wide: they must not fire
while the user types in a note. Each key calls an action on the screen (``screen.*``),
which asks the session controller to change the observation.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, OptionList

from seeds_tui.tui.keys import KeysInOrder

_DIGITS = [
    Binding(
        str(d),
        f"screen.level({d})",
        "Level",
        show=d == 0,
        key_display="0-9",
        id=f"score.level{d}",
        tooltip="Choose the level with this value",
    )
    for d in range(10)
]


class StopAtEnds(KeysInOrder, OptionList):
    """An option list whose cursor stops (with a bell) at the first and last option instead of wrapping.

    Wrapping turns a burst such as ``2 j 1 j 0 j 2`` in a short section into an overwrite of item 1.
    """

    def action_cursor_down(self) -> None:
        """Next option; a bell on the last."""
        if self.highlighted is not None and self.highlighted >= self.option_count - 1:
            self.app.bell()
            return
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous option; a bell on the first."""
        if self.highlighted is not None and self.highlighted <= 0:
            self.app.bell()
            return
        super().action_cursor_up()


class ItemList(StopAtEnds):
    """The items of the current section: digits choose a level, a/o NA/NO, Backspace clears."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="score.down"),
        Binding("k", "cursor_up", "Up", show=False, id="score.up"),
        *_DIGITS,
        Binding("a", "screen.code('NA')", "NA", id="score.na", tooltip="Not applicable: the session never called for this skill"),
        Binding("o", "screen.code('NO')", "NO", id="score.no", tooltip="Not observed: you could not judge it"),
        Binding("backspace,delete", "screen.clear", "Clear", show=False, id="score.clear", tooltip="Remove the level or code"),
        Binding(
            "e,enter", "screen.evidence", "Note", key_display="e", id="score.evidence", tooltip="Write the evidence note for this item"
        ),
        Binding("m", "screen.mark", "Mark", id="score.mark", tooltip="Drop a time-stamped mark now; attach it to an item later"),
        Binding("x", "screen.marks", "Marks", id="score.marks", tooltip="List marks; attach one to the current item"),
        Binding("n,right_square_bracket,ctrl+right,l", "screen.section(1)", "Next §", key_display="n", id="score.next_section"),
        Binding("p,left_square_bracket,ctrl+left,h", "screen.section(-1)", "Prev §", key_display="p", show=False, id="score.prev_section"),
        Binding("t", "screen.clock", "Clock", id="score.clock", tooltip="Pause or resume the session clock"),
        Binding("shift+down,J", "screen.scroll_detail(3)", "Scroll detail", show=False, id="score.detail_down"),
        Binding("shift+up,K", "screen.scroll_detail(-3)", "Scroll detail", show=False, id="score.detail_up"),
        Binding("u", "screen.undo_counter", "Undo tally", show=False, id="score.undo"),
    ]

    class CounterKey(Message):
        """A letter was pressed that may be a counter's key."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, counter_keys: frozenset[str] = frozenset(), id: str | None = None) -> None:
        super().__init__(id=id)
        self.counter_keys = counter_keys

    async def on_key(self, event: events.Key) -> None:
        """Counter keys come from the rubric, so they cannot be class-level bindings; every other key in the order typed."""
        if event.key in self.counter_keys and self.screen is self.app.screen and self.screen.focused is self:
            event.stop()
            event.prevent_default()
            self.post_message(self.CounterKey(event.key))
            return
        await super().on_key(event)


class GlobalList(StopAtEnds):
    """Whole-session ratings: digits choose a level, Backspace clears."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="globals.down"),
        Binding("k", "cursor_up", "Up", show=False, id="globals.up"),
        *[
            Binding(
                str(d),
                f"screen.rate({d})",
                "Rate",
                show=d == 0,
                key_display="0-9",
                id=f"globals.level{d}",
                tooltip="Choose the level with this value",
            )
            for d in range(10)
        ],
        Binding("backspace,delete", "screen.rate(None)", "Clear", show=False, id="globals.clear"),
    ]


class SectionList(OptionList, can_focus=False):
    """The sections with per-section progress (display only: n/p and the palette move between them)."""


class PickList(KeysInOrder, OptionList):
    """An option list that also moves with j/k."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


class KeyTable(KeysInOrder, DataTable[object]):
    """A table of rows to pick from (home, calibration): its keys in the order typed."""
