"""The marks list: time-stamped marks dropped while scoring, attached to an item later.

Enter attaches the highlighted mark to the item being scored; ``i`` picks any item of the rubric
(a mark dropped while another skill was being scored is moved there later, at the end of the
session); ``d`` detaches it. Every change made here (attach, move, detach, remove) is undone with
``u``, the last one first, as a removed mark is put back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

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


#: What ``u`` undoes: put a removed mark back at its index, or give a mark at its index its item again.
Undo = tuple[Literal["removed", "item"], int, "Event"]


class MarksDialog(BaseDialog[None]):
    """Every mark with its time; Enter attaches the highlighted mark to the item being scored,
    ``i`` to any item; ``u`` undoes the changes made here, the last first."""

    #: The list scrolls and gives way on a short terminal.
    FIT_BODY = "#list"

    BINDINGS = [
        Binding("enter", "attach", "Attach to current item", id="marks.attach"),
        Binding("i", "attach_to", "Attach to an item…", id="marks.attach_to", tooltip="Choose any item of the rubric for the mark"),
        Binding("e", "edit", "Edit text", id="marks.edit"),
        Binding("d", "detach", "Detach", id="marks.detach"),
        Binding("delete,backspace", "delete", "Delete", id="marks.delete"),
        Binding("u,ctrl+z", "undo", "Undo", id="marks.undo", tooltip="Undo the last change to the marks (remove, attach, detach)"),
    ]

    def __init__(self, session: ObservationSession, item_key: str) -> None:
        super().__init__("Marks")
        self.session = session
        self.item_key = item_key
        #: The changes made in this list, the last one last (u undoes them in turn).
        self._undo: list[Undo] = []

    def compose(self) -> ComposeResult:
        """The list and what Enter will do."""
        section_id, item_id = self.item_key.split(".")
        item = self.session.rubric.item(section_id, item_id)
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            yield Static(plain(f"Enter attaches the highlighted mark to: {item.text}"), classes="dialog-context")
            yield PickList(id="list")
            yield Static(
                plain("Enter attach here · i to another item · d detach · e edit text · Delete remove · u undo · Esc close"),
                classes="dialog-hint",
            )

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
            self.notify(str(exc), severity="warning")
            return False
        return True

    def _set_item(self, index: int, item: str | None) -> None:
        """Attach the mark at ``index`` to ``item`` (None: detach), remembering how it was for u."""
        old = self.session.observation.events[index]
        if old.item == item:
            return
        done = self._edit(self.session.update_mark, index, item=item) if item else self._edit(self.session.update_mark, index, detach=True)
        if done:
            self._undo.append(("item", index, old))
            self._fill(self.query_one("#list", OptionList).highlighted)

    def action_attach(self) -> None:
        """Attach the highlighted mark to the current item."""
        index = self._current()
        if index is not None:
            self._set_item(index, self.item_key)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a mark attaches it."""
        event.stop()
        self.action_attach()

    def action_attach_to(self) -> None:
        """Choose any item of the rubric for the highlighted mark (its own item, else the current one, highlighted)."""
        index = self._current()
        if index is None:
            return
        mark = self.session.observation.events[index]

        def chosen(item: str | None) -> None:
            if item is not None and index < len(self.session.observation.events):
                self._set_item(index, item)

        title = f"Attach the mark at {format_elapsed(mark.elapsed)} to"
        self.app.push_screen(ItemPickerDialog(title, self.session.rubric, mark.item or self.item_key, mark.text), chosen)

    def action_detach(self) -> None:
        """Detach the highlighted mark from its item."""
        index = self._current()
        if index is not None:
            self._set_item(index, None)

    def action_delete(self) -> None:
        """Remove the highlighted mark (u puts it back: its time cannot be made again)."""
        index = self._current()
        if index is None:
            return
        event = self.session.observation.events[index]
        if self._edit(self.session.delete_mark, index):
            self._undo.append(("removed", index, event))
            self._fill(self.query_one("#list", OptionList).highlighted)
            self.notify(f"Mark at {format_elapsed(event.elapsed)} removed · u puts it back", timeout=8)

    def action_undo(self) -> None:
        """Undo the last change made here: a removed mark comes back with its time, text and item;
        an attached, moved or detached one gets its item as it was."""
        if not self._undo:
            return
        kind, index, event = self._undo[-1]
        if kind == "removed":
            if not self._edit(self.session.insert_mark, index, event):
                return
            said = "Mark put back."
        else:
            keep = {"item": event.item} if event.item else {"detach": True}
            if not self._edit(self.session.update_mark, index, **keep):
                return
            said = f"Mark at {format_elapsed(event.elapsed)}: " + ("attached as it was." if event.item else "not attached, as it was.")
        self._undo.pop()
        self._fill(self._row_of(index))
        self.notify(said, timeout=3)

    def _row_of(self, index: int) -> int | None:
        """The row showing the mark at event ``index`` (to keep the cursor on what was undone)."""
        listing = self.query_one("#list", OptionList)
        for row in range(listing.option_count):
            if listing.get_option_at_index(row).id == str(index):
                return row
        return None

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


class ItemPickerDialog(BaseDialog[str]):
    """Every item of the rubric, section by section, to attach a mark to; Enter chooses, Esc changes nothing."""

    FIT_BODY = "#list"

    def __init__(self, title: str, rubric: Rubric, highlighted: str | None, text: str = "") -> None:
        super().__init__(title)
        self.rubric = rubric
        self.highlighted = highlighted
        self.text = text

    def compose(self) -> ComposeResult:
        """The mark's text, the items, what the keys do."""
        with Vertical(classes="dialog dialog-wide"):
            yield self.title_widget()
            yield Static(plain(self.text or "(no text)"), classes="dialog-context")
            yield PickList(id="list")
            yield Static(plain("↑ ↓ (or j k) choose · Enter attach · Esc back, nothing changed"), classes="dialog-hint")

    def on_mount(self) -> None:
        """One row an item, headed by its section; the mark's item (else the current one) highlighted."""
        listing = self.query_one("#list", OptionList)
        row = 0
        for section in self.rubric.sections:
            listing.add_option(Option(markup("[b]$title[/]", title=section.title), id=f"section:{section.id}", disabled=True))
            for item in section.items:
                key = f"{section.id}.{item.id}"
                if key == self.highlighted:
                    row = listing.option_count
                listing.add_option(Option(plain(f"  {item.text}"), id=key))
        listing.highlighted = row or 1
        listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on an item chooses it."""
        event.stop()
        if event.option.id and not event.option.id.startswith("section:"):
            self.dismiss(event.option.id)


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
