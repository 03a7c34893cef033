"""Keys typed in a burst (a fast typist, a paste, tmux send-keys) land where the user meant them.

``burst`` posts every key to the app before any is handled, as a terminal delivers them;
``pilot.press`` would wait for each key to be handled and hide the problem.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input

from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.rubric import RubricScreen
from seeds_tui.tui.screens.session_form import SessionScreen

NAMED = {"\t": "tab", "\r": "enter", " ": "space"}


async def burst(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Deliver ``text`` as one burst of key events (\\t is Tab, \\r is Enter), then let the app catch up."""
    for char in text:
        key = NAMED.get(char, char)
        pilot.app.post_message(events.Key(key, None if char in "\t\r" else char))
    for _ in range(20):
        await pilot.pause(0.02)


def field_values(screen: SessionScreen) -> dict[str, str]:
    return {name: screen.query_one(f"#{name}", Input).value for name in ("observer", "practitioner", "team", "session_type")}


async def test_names_typed_straight_after_choosing_the_rubric_reach_the_form(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, RubricScreen)
        await burst(pilot, "\rSam Observer\tAmy Hussain\tNorth")
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert field_values(screen) == {"observer": "Sam Observer", "practitioner": "Amy Hussain", "team": "North", "session_type": ""}


async def test_keys_after_tab_go_to_the_next_field(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.query_one("#observer", Input).focus()
        await pilot.pause()
        await burst(pilot, "Zed Q\tPat Practitioner\tNor\tRoutine")
        assert field_values(screen) == {"observer": "Zed Q", "practitioner": "Pat Practitioner", "team": "Nor", "session_type": "Routine"}
