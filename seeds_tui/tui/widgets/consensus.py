"""The consensus screen's two keyboard widgets: the items to agree, and the rationale of the highlighted one.

The level keys are the scoring screen's own (digits for levels, ``a`` NA, ``o`` NO, Backspace
clears): the list takes those bindings from ``ItemList`` rather than defining its own. Both
widgets route keys at once, in the order typed (``seeds_tui.tui.keys``).
"""

from __future__ import annotations

from textual.binding import Binding

from seeds_tui.tui.widgets.lists import ItemList, StopAtEnds
from seeds_tui.tui.widgets.text import Limits, NoteArea

#: The scoring keys this screen shares with the scoring screen (by binding id): move, level, NA, NO, clear, scroll.
SHARED_KEYS = frozenset(
    {"score.down", "score.up", "score.na", "score.no", "score.clear", "score.detail_down", "score.detail_up"}
    | {f"score.level{d}" for d in range(10)}
)


class AgreedList(StopAtEnds):
    """The items to agree: the scoring keys choose the agreed level; e or Enter writes the rationale.

    Keys run in the order typed (``seeds_tui.tui.keys.KeysInOrder``): in a burst such as
    ``j 2 e because…`` (a fast typist, a paste, ``tmux send-keys``) the keys after ``e`` are
    typed into the rationale.
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


class RationaleArea(NoteArea):
    """The rationale of the highlighted item. Esc goes back to the list at once, so ``Esc j 2`` moves and chooses."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_length=Limits.ENTRY, what="A rationale", **kwargs)  # type: ignore[arg-type]
