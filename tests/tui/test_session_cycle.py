"""The observation cycle as practice runs it: the session clock measures the session only, the
feedback conversation has its own time and date, the observer's summary and a few dated actions,
the practitioner's response added after finalising, and order or licence at set-up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from screen_text import screen_text
from tui_helpers import FROZEN, FakeClock, finalised, open_review, set_up, settle, type_text

from seeds_tui.cli import main
from seeds_tui.core.observation import Action, load_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.dialogs import TextEntryDialog
from seeds_tui.tui.screens.after import AfterScreen
from seeds_tui.tui.screens.review import ReviewScreen
from seeds_tui.tui.screens.scoring import ScoringScreen
from seeds_tui.tui.screens.session_form import SessionScreen


async def test_the_session_ends_when_scoring_ends_and_the_feedback_has_its_own_clock(
    make_app: Callable[..., SeedsApp], store: Store, clock: FakeClock
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "mi-informed-conversation")
        session = app.session
        assert session is not None and session.clock.running
        clock.now = 600.0
        await pilot.press("E")  # the observer ends the session, staying to tidy the scores
        await pilot.pause()
        assert not session.clock.running and session.session_ended
        assert "clock 10:00 ended" in screen_text(app)
        clock.now = 660.0
        await pilot.press("t")  # it went on after all: t opens it again
        assert session.clock.running and not session.session_ended
        clock.now = 900.0
        await pilot.press("f3")  # leaving scoring for the feedback ends the session
        await pilot.pause()
        assert isinstance(app.screen, AfterScreen)
        assert session.session_ended and session.clock.elapsed() == 840
        assert "feedback not started" in screen_text(app)
        clock.now = 1000.0  # rating the whole session, privately: no clock runs
        assert not session.feedback_clock.running
        await pilot.press("tab")  # into the conversation: its date, today, filled in
        await pilot.pause()
        assert session.feedback_clock.running and session.observation.feedback.date == FROZEN.date()
        when = app.screen.query_one("#feedback-date")
        assert when.value == "23/11/2026"  # type: ignore[attr-defined]
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "24/11/2026")  # held the next day
        await pilot.pause()
        assert session.observation.feedback.date == date(2026, 11, 24)
        clock.now = 1300.0
        await pilot.press("f4")  # away from the feedback: its clock waits
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen) and not session.feedback_clock.running
        clock.now = 5000.0
        await pilot.press("escape")  # back to the feedback
        await pilot.pause()
        await pilot.press("tab")  # the conversation goes on: its clock too, from where it stopped
        await pilot.pause()
        assert "feedback 05:00" in screen_text(app) and "paused" not in screen_text(app)
        clock.now = 5060.0
        assert session.feedback_clock.elapsed() == 360
        await settle(pilot)
    saved = load_observation(store.draft_path(session.observation.id))
    assert saved.session.elapsed == 840 and saved.session.ended is not None and saved.session.running_since is None
    assert saved.feedback.elapsed == 360 and saved.feedback.date == date(2026, 11, 24)


async def test_the_after_step_asks_for_the_view_first_a_summary_and_a_few_dated_actions(
    make_app: Callable[..., SeedsApp], store: Store
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("f3")
        await pilot.pause()
        text = screen_text(app)
        # Whole-session ratings first (the observer's, before the conversation), then the practitioner's view, with prompts.
        assert text.index("Whole-session ratings") < text.index("The feedback conversation") < text.index("self-assessment")
        assert "What went well, and how do you know?" in text
        session = app.session
        assert session is not None
        app.screen.query_one("#summary").focus()
        await type_text(pilot, "Warm and clear")
        await pilot.pause()
        assert session.observation.feedback.summary == "Warm and clear"
        for n in range(4):
            session.add_action(Action(text=f"Action {n}", review_date=date(2027, 1, 15) if n else None))
        await pilot.pause()
        notice = str(app.screen.query_one("#actions-notice").render())
        assert "Four actions: two or three are easier to follow up." in notice and "1 without a review date." in notice
        # A gentle word at finalising too, never a block.
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert any("two or three are easier to follow up" in c for c in app.screen.cautions())


async def test_order_or_licence_is_chosen_at_set_up_and_kept_when_details_change(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        for field, text in (("#observer", "Sam Observer"), ("#practitioner", "Pat P"), ("#team", "North")):
            app.screen.query_one(field).focus()
            await type_text(pilot, text)
        app.screen.query_one("#sentence").value = "licence"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        session = app.session
        assert session is not None and session.observation.session.sentence == "licence"
        await app.run_action("app.edit_details")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.query_one("#sentence").value == "licence"  # type: ignore[attr-defined]
        app.screen.query_one("#sentence").value = "order"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert session.observation.session.sentence == "order"
        await settle(pilot)
    assert load_observation(store.draft_path(session.observation.id)).session.sentence == "order"


async def test_the_practitioners_response_is_added_after_finalising_without_a_correction(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry, capsys
) -> None:
    obs_id = finalised(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_review(pilot)
        assert "r adds or changes the practitioner's written response" in app.screen.summary().plain
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, TextEntryDialog)
        await type_text(pilot, "I agree with the actions")
        await pilot.press("escape")  # done: saved at once
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session is not None and app.session.mode == "final"  # never a correction
        assert isinstance(app.screen, ReviewScreen)
        assert "response: added after finalising" in app.screen.summary().plain
    final = load_observation(store.final_path(obs_id))
    assert final.feedback.practitioner_comment == "I agree with the actions"
    assert final.feedback.response_added == FROZEN and final.revision == 3
    before = load_observation(store.history_dir / f"{obs_id}.r2.toml")
    assert before.feedback.practitioner_comment == "" and before.feedback.response_added is None
    assert main(["report", str(store.final_path(obs_id))]) == 0
    sheet = capsys.readouterr().out
    assert "## Your response" in sheet and "I agree with the actions" in sheet
    assert "Added on 23 November 2026, after the observation was finalised." in sheet
