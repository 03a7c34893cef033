"""Pilot tests, at 80x24, for the frictions of the set-up form (issue 14): "Team: required" under the
field itself (in every form), a known practitioner's team filled in however fast the name is typed,
and the questionnaire's footer saying what Ctrl+Q does there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from screen_text import screen_text
from test_carry_forward import earlier_final
from test_rehearsal_fixes import _form
from textual import events
from tui_helpers import type_text

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp


async def burst(pilot, text: str, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """``text`` then ``keys`` as one burst, as a terminal delivers a fast typist's keys (``pilot.press``
    would wait for each key to be handled and hide the race), then let the app catch up."""
    for char in text:
        pilot.app.post_message(events.Key(char, char))
    for key in keys:
        pilot.app.post_message(events.Key(key, None))
    for _ in range(20):
        await pilot.pause(0.02)


def line_under(text: str, label: str) -> str:
    """The line of the screen below the one that starts with the field's ``label`` (in a dialog's frame or not)."""
    lines = text.splitlines()
    at = next(n for n, line in enumerate(lines) if line.lstrip(" █").startswith(label))
    return lines[at + 1]


async def test_an_empty_team_says_required_under_the_field_until_it_is_filled(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _form(pilot)
        screen.query_one("#observer").focus()
        await type_text(pilot, "Sam")
        screen.query_one("#practitioner").focus()
        await type_text(pilot, "Pat P")
        before = screen_text(app)
        assert "required" not in before  # nothing is flagged before a save is tried
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = screen_text(app)
        # Beside the field itself, not only in a toast and the list at the end of the form.
        assert "Team: required" in line_under(shown, "Team")
        assert "required" not in line_under(shown, "Practitioner")
        # The form does not move: the line takes the blank line below the field.
        assert shown.splitlines().index(next(ln for ln in shown.splitlines() if ln.lstrip().startswith("Session type"))) == (
            before.splitlines().index(next(ln for ln in before.splitlines() if ln.lstrip().startswith("Session type")))
        )
        assert app.screen.focused is screen.query_one("#team")
        await type_text(pilot, "North")
        await pilot.pause()
        assert "Team: required" not in screen_text(app)
        assert line_under(screen_text(app), "Team").strip() == ""  # the blank line below is back
        # Emptied again: it says so again.
        for _ in "North":
            await pilot.press("backspace")
        await pilot.pause()
        assert "Team: required" in line_under(screen_text(app), "Team")


async def test_every_required_field_of_the_set_up_form_says_so_under_itself(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _form(pilot)
        screen.query_one("#observer").value = ""  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = screen_text(app)
        assert "Observer: required" in line_under(shown, "Observer")
        assert "Practitioner: required" in line_under(shown, "Practitioner")
        screen.query_one("#observer").focus()
        await type_text(pilot, "Sam")
        await pilot.pause()
        shown = screen_text(app)
        assert "Observer: required" not in shown
        assert "Practitioner: required" in line_under(shown, "Practitioner")


async def test_a_known_practitioners_team_is_filled_in_when_the_name_is_completed_and_tab_pressed_at_once(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    earlier_final(store, registry, "Pat Practitioner", date(2026, 9, 1), ["Agree an agenda first"])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _form(pilot)
        screen.query_one("#observer").focus()
        await type_text(pilot, "Sam")
        screen.query_one("#practitioner").focus()
        # Typed fast: the first name, Right to take the suggestion, Tab, with no pause between.
        await burst(pilot, "Pat", "right", "tab")
        team = screen.query_one("#team")
        assert app.screen.focused is team
        assert screen.query_one("#practitioner").value == "Pat Practitioner"  # type: ignore[attr-defined]
        assert team.value == "North"  # type: ignore[attr-defined]
        assert "Team            North" in screen_text(app)
        # Typing there now replaces the team filled in, as after Tab into a filled field (no "NorthSouth").
        await burst(pilot, "South")
        assert team.value == "South"  # type: ignore[attr-defined]
        screen.query_one("#practitioner").focus()
        await pilot.press("end", "x")
        await pilot.pause()
        assert team.value == "South"  # type: ignore[attr-defined]  # a team the SPO typed stays


async def test_a_team_typed_before_the_name_is_completed_is_kept(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    earlier_final(store, registry, "Pat Practitioner", date(2026, 9, 1), ["Agree an agenda first"])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _form(pilot)
        screen.query_one("#observer").focus()
        await type_text(pilot, "Sam")
        screen.query_one("#team").focus()
        await type_text(pilot, "South")
        screen.query_one("#practitioner").focus()
        await burst(pilot, "Pat", "right", "tab")
        assert screen.query_one("#team").value == "South"  # type: ignore[attr-defined]


async def test_the_supervision_form_says_date_required_under_an_empty_date(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from test_supervision_screen import _with_actions, open_supervision

    _with_actions(store, registry)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_supervision(app, pilot)
        date_field = screen.query_one("#sv-date")
        date_field.value = ""  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Date: required" in line_under(screen_text(app), "Date")
        date_field.focus()
        await type_text(pilot, "23/11/2026")
        await pilot.pause()
        assert "Date: required" not in screen_text(app)


async def test_the_event_form_says_which_required_field_is_empty_and_stays_open(make_app: Callable[..., SeedsApp], store: Store) -> None:
    from test_events_screen import open_register

    from seeds_tui.tui.dialogs.events import EventForm
    from seeds_tui.tui.screens.events import EventsScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_register(app, pilot)
        await pilot.press("l")  # a new action learning set: it needs its topic
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EventForm)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # not closed and opened again
        shown = screen_text(app)
        assert "Topic: required" in line_under(shown, "Topic")
        assert "Title: required" not in shown  # a set's title is made from its topic
        assert form.focused is form.query_one("#ev-topic")
        await type_text(pilot, "Summaries")
        await pilot.pause()
        assert "Topic: required" not in screen_text(app)
        # A training day needs its title instead.
        form.query_one("#ev-kind").value = "training"  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Title: required" in line_under(screen_text(app), "Title")
        assert "Topic" not in screen_text(app)
        form.query_one("#ev-title").focus()
        await type_text(pilot, "MI refresher")
        await pilot.press("ctrl+s")
        for _ in range(4):
            await pilot.pause()
            await app.workers.wait_for_complete()
        assert isinstance(app.screen, EventsScreen)


async def test_the_questionnaires_footer_says_what_ctrl_q_and_esc_do_there(make_app: Callable[..., SeedsApp], store: Store) -> None:
    from test_voice_screen import set_up

    from seeds_tui.tui.screens.voice import VoiceFormScreen, VoiceThanksScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await set_up(app, pilot, "Riverside")
        footer = screen_text(app).splitlines()[-1]
        # Ctrl+Q does not quit here (twice, it stops without sending): the footer says so, not "Quit".
        assert "Quit" not in footer
        assert "^q Stop, send nothing" in footer
        assert "esc Stop (press twice)" in footer  # on the first question Esc stops too
        await pilot.press("4")
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "esc Previous question" in footer and "Stop (press twice)" not in footer
        await pilot.press("escape")
        await pilot.pause()
        assert form.step == 0 and "esc Stop (press twice)" in screen_text(app).splitlines()[-1]
        # What the footer says is what happens: Ctrl+Q twice, and nothing is sent.
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.screen is form
        await pilot.press("ctrl+q")
        for _ in range(4):
            await pilot.pause()
        assert app.is_running and isinstance(app.screen, VoiceFormScreen | VoiceThanksScreen)
        assert isinstance(app.screen, VoiceThanksScreen)
