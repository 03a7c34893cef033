"""Pilot tests for two more things an SPO stumbled on in a live-session rehearsal at 80x24 (issue 14)."""

from __future__ import annotations

from collections.abc import Callable

from screen_text import screen_text
from tui_helpers import set_up, settle, type_text

from seeds_tui.core.observation import load_observation
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.dialogs import MessageDialog, TextEntryDialog
from seeds_tui.tui.dialogs.marks import MarksDialog
from seeds_tui.tui.screens.scoring import ScoringScreen
from seeds_tui.tui.widgets.render import GUIDANCE_MORE

#: SEED §5's guidance: three lines at 80 columns, one more than the heading has room for.
CHANGE_GUIDANCE = (
    "The skills used in the middle of the session to help the person think and act differently. "
    "Building motivation counts as a relationship skill; the others as structuring."
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _inside(shown: str, left: str, right: str = "") -> str:
    """The screen's text between the ``left`` and ``right`` borders of a box, as one line."""
    parts = []
    for line in shown.splitlines():
        if left in line:
            start = line.index(left) + len(left)
            end = line.rindex(right) if right and line.count(right) > 1 else len(line)
            parts.append(line[start:end])
    return _one_line(" ".join(parts))


async def test_at_80x24_guidance_cut_to_fit_says_so_and_g_shows_all_of_it(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("n", "n", "n", "n")  # §5 Change-promoting skills
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScoringScreen)
        shown = screen_text(app)
        assert "§5/6 Change-promoting skills" in shown
        # Cut where it fits, and saying so: not "...the others as" and nothing more.
        assert GUIDANCE_MORE in shown
        assert "structuring." not in shown
        # The heading keeps its three rows: the items start on the fifth line, as before.
        lines = shown.splitlines()
        head_row = next(i for i, line in enumerate(lines) if "§5/6" in line)
        assert GUIDANCE_MORE in lines[head_row + 2]
        assert screen.query_one("#section-head").size.height == 3
        first_item = screen.session.section.items[0].text
        assert first_item in lines[head_row + 3]

        await pilot.press("G")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        assert CHANGE_GUIDANCE in _inside(screen_text(app), "█", "█")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        # A click on the heading shows it too; a section whose guidance fits says nothing more.
        await pilot.click("#section-head")
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        await pilot.press("escape", "p", "p", "p", "p")  # back to §1
        await pilot.pause()
        shown = screen_text(app)
        assert "§1/6" in shown and GUIDANCE_MORE not in shown
        assert "agrees what it is for." in _one_line(shown)


async def test_guidance_is_cut_again_where_it_wraps_when_the_terminal_widens(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("n", "n", "n", "n")
        await pilot.pause()
        assert GUIDANCE_MORE in screen_text(app)
        await pilot.resize_terminal(200, 30)
        await pilot.pause()
        await pilot.pause()
        shown = screen_text(app)
        assert GUIDANCE_MORE not in shown
        assert CHANGE_GUIDANCE in _inside(shown, "▕ ")


async def test_enter_finishes_a_marks_text_and_keeps_it_on_one_line(make_app: Callable[..., SeedsApp], store: Store, clock) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await set_up(pilot, "seed-one-to-one")
        clock.now = 130.0
        await pilot.press("m", "x")
        await pilot.pause()
        assert isinstance(app.screen, MarksDialog)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, TextEntryDialog)
        assert "Enter, Esc or Ctrl+S: done" in screen_text(app)
        await type_text(pilot, "Good summary")
        await pilot.press("enter")
        await pilot.pause()
        # Back at the marks, the text kept, and that Enter did not also attach the mark.
        assert isinstance(app.screen, MarksDialog)
        session = app.session
        assert session is not None
        assert [(e.text, e.item) for e in session.observation.events] == [("Good summary", None)]
        assert "Good summary" in screen_text(app)
        # Editing it again: Enter still finishes, and the text typed is added, not a new line.
        await pilot.press("e")
        await pilot.pause()
        await type_text(pilot, " here")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MarksDialog)
        obs = session.observation
        assert obs.events[0].text == "Good summary here"
    assert load_observation(store.draft_path(obs.id)).events[0].text == "Good summary here"


async def test_enter_in_an_evidence_note_still_starts_a_new_line(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, TextEntryDialog)
        assert "Enter, Esc" not in screen_text(app)
        await type_text(pilot, "one")
        await pilot.press("enter")
        await type_text(pilot, "two")
        await pilot.press("escape")
        await settle(pilot)
        session = app.session
        assert session is not None
        score = session.observation.score(session.section.id, session.item.id)
        assert score is not None and score.evidence == "one\ntwo"
