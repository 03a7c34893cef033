"""What every screen of an open observation shows the same way: the save state, a privacy warning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.content import Content

from seeds_tui.core.privacy import personal_data_warnings

if TYPE_CHECKING:
    from textual.screen import Screen

    from seeds_tui.tui.controllers.session import ObservationSession


def save_state_text(session: ObservationSession) -> Content:
    """``saved``, ``saving…``, ``waiting for the store…`` or a loud ``NOT SAVED``."""
    if session.mode == "final":
        return Content.from_markup("[dim]final · read-only[/]")
    if session.mode == "correction":
        return Content.from_markup("[$text-warning]correction: Ctrl+S saves[/]" if session.has_unsaved else "[dim]correction saved[/]")
    if session.state == "unsaved":
        return Content.from_markup("[b reverse $text-error] NOT SAVED [/]")
    if session.state == "saved":
        return Content.from_markup("[$text-success]saved[/]")
    if session.busy:
        return Content.from_markup("[$text-warning]waiting for the store…[/]")
    return Content.from_markup("[dim]saving…[/]")


def warn_personal(screen: Screen[Any], text: str) -> None:
    """A gentle, non-blocking warning when a note looks like it names the person on probation."""
    found = personal_data_warnings(text)
    if found:
        # Short (it sits over the items being scored at 80x24) and with its capitals ("CRN", "Mr"):
        # the title says what it is about, the text what was seen and what to write instead.
        seen = "; ".join(found)
        screen.notify(
            f"{seen[:1].upper()}{seen[1:]}. Write 'the person on probation' or the case reference.",
            title="Personal data?",
            severity="warning",
            timeout=10,
        )
