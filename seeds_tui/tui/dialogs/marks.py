"""The marks list: time-stamped marks dropped while scoring, attached to an item later."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from seeds_tui.tui.controllers.session import ObservationSession, ReadOnly, TooLong, format_elapsed
from seeds_tui.tui.dialogs.base import BaseDialog, TextEntryDialog
from seeds_tui.tui.widgets.lists import PickList
from seeds_tui.tui.widgets.safe import markup, plain

if TYPE_CHECKING:
    from seeds_tui.core.observation import Event, Observation
    from seeds_tui.core.rubric import Rubric


class MarksDialog(BaseDialog[None]):
    """Every mark with its time; Enter attaches the highlighted mark to the item being scored."""

    #: The list scrolls and gives way on a short terminal.
    FIT_BODY = "#list"

    BINDINGS = [
        Binding("enter", "attach", "Attach to current item", id="marks.attach"),
        Binding("e", "edit", "Edit text", id="marks.edit"),
        Binding("d", "detach", "Detach", id="marks.detach"),
        Binding("delete,backspace", "delete", "Delete", id="marks.delete"),
        Binding("u,ctrl+z", "undo_delete", "Undo remove", id="marks.undo"),
    ]

    def __init__(self, session: ObservationSession, item_key: str) -> None:
        super().__init__("Marks")
        self.session = session
        self.item_key = item_key
        #: The mark removed last and where it was in the observation's events (u puts it back).
        self._removed: tuple[int, Event] | None = None

    def compose(self) -> ComposeResult:
        """The list and what Enter will do."""
        section_id, item_id = self.item_key.split(".")
        item = self.session.rubric.item(section_id, item_id)
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            yield Static(plain(f"Enter attaches the highlighted mark to: {item.text}"), classes="dialog-context")
            yield PickList(id="list")
            yield Static(plain("Enter attach · e edit text · d detach · Delete remove (u undo) · Esc close"), classes="dialog-hint")

    def on_mount(self) -> None:
        """Fill the list, unattached marks first."""
        self._fill()
        self.query_one("#list", OptionList).focus()

    def _fill(self, keep: int | None = None) -> None:
        listing = self.query_one("#list", OptionList)
        listing.clear_options()
        obs = self.session.observation
        order = [i for i, e in enumerate(obs.events) if e.kind == "mark" and e.item is None]
        order += [i for i, e in enumerate(obs.events) if e.kind == "mark" and e.item is not None]
        for index in order:
            listing.add_option(
                Option(
                    _mark_row(
                        self.session.rubric,
                        obs.events[index].elapsed,
                        obs.events[index].text,
                        obs.events[index].item,
                        scored_before(obs, obs.events[index].elapsed),
                    ),
                    id=str(index),
                )
            )
        if not order:
            listing.add_option(Option(plain("No marks yet. Press m while scoring to drop one."), id="none", disabled=True))
        elif keep is not None:
            listing.highlighted = min(keep, len(order) - 1)
        else:
            listing.highlighted = 0

    def _current(self) -> int | None:
        listing = self.query_one("#list", OptionList)
        option = listing.highlighted_option
        if option is None or option.id in (None, "none"):
            return None
        return int(option.id)

    def _edit(self, func: Callable[..., object], *args: object, **kwargs: object) -> bool:
        try:
            func(*args, **kwargs)
        except (ReadOnly, TooLong) as exc:
            self.app.notify(str(exc), severity="warning")
            return False
        return True

    def action_attach(self) -> None:
        """Attach the highlighted mark to the current item."""
        index = self._current()
        if index is not None and self._edit(self.session.update_mark, index, item=self.item_key):
            self._fill(self.query_one("#list", OptionList).highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a mark attaches it."""
        event.stop()
        self.action_attach()

    def action_detach(self) -> None:
        """Detach the highlighted mark from its item."""
        index = self._current()
        if index is not None and self._edit(self.session.update_mark, index, detach=True):
            self._fill(self.query_one("#list", OptionList).highlighted)

    def action_delete(self) -> None:
        """Remove the highlighted mark (u puts it back: its time cannot be made again)."""
        index = self._current()
        if index is None:
            return
        event = self.session.observation.events[index]
        if self._edit(self.session.delete_mark, index):
            self._removed = (index, event)
            self._fill(self.query_one("#list", OptionList).highlighted)
            self.app.notify(f"Mark at {format_elapsed(event.elapsed)} removed · u puts it back", timeout=8)

    def action_undo_delete(self) -> None:
        """Put back the mark removed last, with its time, text and item."""
        if self._removed is None:
            return
        index, event = self._removed
        if self._edit(self.session.insert_mark, index, event):
            self._removed = None
            self._fill()
            self.app.notify("Mark put back.", timeout=3)

    def action_edit(self) -> None:
        """Write what the mark was about."""
        index = self._current()
        if index is None:
            return
        event = self.session.observation.events[index]

        def done(text: str | None) -> None:
            if text is not None and self._edit(self.session.update_mark, index, text=text):
                self._fill(self.query_one("#list", OptionList).highlighted)

        def live(text: str) -> None:
            # Into the draft while typing (the autosave keeps it if the app dies with the dialog open).
            if self.session.editable and self.session.observation.events[index].text != text:
                self._edit(self.session.update_mark, index, text=text)

        self.app.push_screen(TextEntryDialog(f"Mark at {format_elapsed(event.elapsed)}", event.text, live=live, enter_done=True), done)


def scored_before(obs: Observation, elapsed: int) -> str | None:
    """The ``section.item`` scored last at or before ``elapsed`` on the session clock (None if none was).

    A mark dropped without text shows only its time; the item being scored around then tells
    the observer, at the end of the session, which moment it was.
    """
    best: tuple[int, str] | None = None
    for section_id, items in obs.scores.items():
        for item_id, score in items.items():
            at = score.elapsed
            if at is not None and at <= elapsed and (best is None or at >= best[0]):
                best = (at, f"{section_id}.{item_id}")
    return best[1] if best else None


def _mark_row(rubric: Rubric, elapsed: int, text: str, item: str | None, near: str | None = None) -> Content:
    if item is None:
        where = "not attached"
        if near is not None:
            section_id, item_id = near.split(".")
            with contextlib.suppress(KeyError):
                where += f" · after scoring {rubric.item(section_id, item_id).text}"
    else:
        section_id, item_id = item.split(".")
        try:
            where = "→ " + rubric.item(section_id, item_id).text
        except KeyError:
            where = f"→ {item}"
    return markup(
        "[b]$at[/]  $text  [dim]$where[/]",
        at=format_elapsed(elapsed),
        text=text or "(no text)",
        where=where,
    )
