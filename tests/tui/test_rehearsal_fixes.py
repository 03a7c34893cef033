"""Pilot tests for what an SPO stumbled on in a live-session rehearsal (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from test_carry_forward import earlier_final
from tui_helpers import type_text

from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.rubric import RubricScreen
from seeds_tui.tui.screens.session_form import SessionScreen


async def _form(pilot) -> SessionScreen:  # type: ignore[no-untyped-def]
    app = pilot.app
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, RubricScreen)
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, SessionScreen)
    return app.screen


async def test_a_known_practitioners_team_is_filled_in_and_typing_over_it_replaces_it(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    earlier_final(store, registry, "Pat Practitioner", date(2026, 9, 1), ["Agree an agenda first"])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _form(pilot)
        screen.query_one("#observer").focus()
        await type_text(pilot, "Sam")
        screen.query_one("#practitioner").focus()
        await type_text(pilot, "pat practitioner")
        await pilot.pause()
        team = screen.query_one("#team")
        # Their team from the store, not a blank to type again (and mistype into a second team).
        assert team.value == "North"  # type: ignore[attr-defined]
        # A new name clears the team that was filled in for the old one.
        await type_text(pilot, "x")
        await pilot.pause()
        assert team.value == ""  # type: ignore[attr-defined]
        await pilot.press("backspace")
        await pilot.pause()
        assert team.value == "North"  # type: ignore[attr-defined]
        # Tab into it and type: the typed team replaces the filled-in one (no "NorthSouth").
        await pilot.press("tab")
        await type_text(pilot, "South")
        await pilot.pause()
        assert team.value == "South"  # type: ignore[attr-defined]
        # A team typed by hand stays when the practitioner changes.
        screen.query_one("#practitioner").focus()
        await pilot.press("end", "backspace")
        await pilot.pause()
        assert team.value == "South"  # type: ignore[attr-defined]


async def test_finalising_asks_about_earlier_actions_not_reviewed_and_no_agreed_actions(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from screen_text import screen_text
    from tui_helpers import set_up

    from seeds_tui.core.observation import Action
    from seeds_tui.tui.dialogs import ConfirmDialog
    from seeds_tui.tui.screens.review import ReviewScreen

    earlier_final(store, registry, "Pat Practitioner", date(2026, 9, 1), ["Agree an agenda first", "Summarise before the end"])
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one", practitioner="Pat Practitioner", by_keyboard=True)
        session = app.session
        assert session is not None and len(session.observation.feedback.carried) == 2
        session.mark_carried(0, "done")  # one of the two reviewed
        for section in session.rubric.sections:
            for item in section.items:
                session.set_level(section.id, item.id, 2)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        cautions = app.screen.cautions()
        # The conversation went by without marking them: the sheet would say "not yet reviewed".
        assert any("1 of 2 actions from earlier observations are not reviewed" in c for c in cautions), cautions
        assert any("No actions agreed" in c for c in cautions), cautions
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "not reviewed" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        session.add_action(Action(text="Agree an agenda first", review_date=date(2027, 1, 15)))
        await pilot.pause()
        assert not any("No actions agreed" in c for c in app.screen.cautions())


async def test_a_mark_removed_by_a_stray_backspace_is_put_back_with_u(make_app: Callable[..., SeedsApp], clock) -> None:  # type: ignore[no-untyped-def]
    from tui_helpers import set_up

    from seeds_tui.tui.dialogs.marks import MarksDialog

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        session = app.session
        assert session is not None
        clock.now = 130.0
        await pilot.press("m")
        clock.now = 400.0
        await pilot.press("m")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, MarksDialog)
        await pilot.press("e")
        await pilot.pause()
        await type_text(pilot, "Good summary")
        await pilot.press("escape")
        await pilot.pause()
        before = list(session.observation.events)
        assert [e.elapsed for e in before] == [130, 400] and before[0].text == "Good summary"
        await pilot.press("backspace")  # meant to correct the text: the mark and its time are gone
        await pilot.pause()
        assert [e.elapsed for e in session.observation.events] == [400]
        await pilot.press("u")
        await pilot.pause()
        assert session.observation.events == before
        assert isinstance(app.screen, MarksDialog)


async def test_an_unattached_mark_says_which_item_was_scored_just_before_it(make_app: Callable[..., SeedsApp], clock) -> None:  # type: ignore[no-untyped-def]
    from screen_text import screen_text
    from tui_helpers import set_up

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        clock.now = 60.0
        await pilot.press("2")  # Welcomes the person and checks in
        clock.now = 90.0
        await pilot.press("m")
        clock.now = 120.0
        await pilot.press("down", "1")  # Reviews the previous session and any tasks set
        clock.now = 150.0
        await pilot.press("m")
        await pilot.press("x")
        await pilot.pause()
        shown = screen_text(app)
        # Only times before: at the end of a 45-minute session "01:30 (no text)" is no help.
        assert "01:30  (no text)  not attached · after scoring Welcomes the person and checks in" in shown
        assert "02:30  (no text)  not attached · after scoring Reviews the previous session" in shown


async def test_at_80x24_the_strength_dialog_shows_the_evidence_notes_written_so_far(make_app: Callable[..., SeedsApp]) -> None:
    from screen_text import screen_text
    from tui_helpers import set_up

    from seeds_tui.tui.dialogs.feedback import LinkedNoteDialog

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        session = app.session
        assert session is not None
        session.set_evidence("beginning", "welcome", "Used the preferred name")
        session.set_evidence("beginning", "review", "Asked about the task")
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#strengths").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LinkedNoteDialog)
        shown = screen_text(app)
        # Not a heading over an empty box: the notes to draw the strength from are in sight.
        assert "Evidence notes so far:" in shown
        assert "Used the preferred name" in shown and "Asked about the task" in shown
        assert "Done" in shown and "Cancel" in shown


async def test_the_personal_data_toast_keeps_its_capitals_and_stays_short_at_80x24(make_app: Callable[..., SeedsApp]) -> None:
    from tui_helpers import set_up

    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("tab")
        await type_text(pilot, "Mr Smith said CRN X123456 twice")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause(0.2)
        said = " ".join(n.message for n in app._notifications if n.title == "Personal data?")
        # "PNC or CRN" and "Mr, Mrs, Ms" as the review screen words them, not "pnc or crn", "mr, mrs".
        assert "PNC or CRN" in said and "(Mr, Mrs, Ms...)" in said, said
        toasts = list(app.screen.query("Toast"))
        assert toasts and max(t.region.height for t in toasts) <= 5  # it sits over the items being scored


async def test_a_short_sessions_sheet_does_not_say_the_tally_times_were_lost(
    make_app: Callable[..., SeedsApp], store: Store, clock
) -> None:  # type: ignore[no-untyped-def]
    from tui_helpers import set_up

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "mi-informed-conversation")
        clock.now = 20.0
        await pilot.press("q", "q", "r")
        clock.now = 40.0
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
    (sheet,) = (store.root / "reports").glob("*.md")
    text = sheet.read_text()
    # The times were kept: the sheet gives the real reason there are no rates.
    assert "The time of each press was not kept" not in text
    assert "The session clock ran for less than a minute" in text


async def test_the_resume_question_comes_back_if_the_app_closes_before_it_is_answered(make_app: Callable[..., SeedsApp]) -> None:
    from tui_helpers import set_up

    from seeds_tui.tui.dialogs import ConfirmDialog
    from seeds_tui.tui.screens.home import HomeScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2")
        assert app.session is not None
        await app.session.wait_autosaved()
    for _ in range(2):  # the terminal is closed while the question is on screen: asked again next time
        again = make_app()
        async with again.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await again.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(again.screen, ConfirmDialog) and "seeds-tui was closed during an observation" in again.screen.message
    answered = make_app()
    async with answered.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await answered.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(answered.screen, ConfirmDialog)
        await pilot.press("escape")  # Not now
        await pilot.pause()
    last = make_app()
    async with last.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await last.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(last.screen, HomeScreen)  # answered once: not asked again
