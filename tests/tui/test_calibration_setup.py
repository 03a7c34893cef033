"""Calibration on a shared store: observers do not see each other's scores by accident, and set-up catches a mistyped reference."""

from __future__ import annotations

from collections.abc import Callable

from screen_text import screen_text
from tui_helpers import TODAY

from seeds_tui.core.observation import RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage import settings as config
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.dialogs import ConfirmDialog
from seeds_tui.tui.screens.home import HomeScreen
from seeds_tui.tui.screens.scoring import ScoringScreen


def calibration_draft(store: Store, registry: RubricRegistry, observer: str) -> str:
    """``observer``'s draft of the double-scored session CAL-1 (one item scored), saved through the store."""
    loaded = registry.get("seed-one-to-one")
    obs = new_observation(
        rubric=RubricRef(id=loaded.rubric.id, version=loaded.rubric.version, sha256=loaded.sha256),
        session=Session(date=TODAY, observer=observer, practitioner="Pat P", team="North", purpose="calibration", session_ref="CAL-1"),
    )
    section = loaded.rubric.sections[0]
    obs = obs.model_copy(update={"scores": {section.id: {section.items[0].id: Score(value=3, evidence=f"{observer} saw it")}}})
    return store.save_draft(obs).id


async def open_row_of(pilot, observer: str) -> None:  # type: ignore[no-untyped-def]
    """Put the cursor on ``observer``'s row of the home list and press Enter."""
    home = pilot.app.screen
    assert isinstance(home, HomeScreen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    index = next(n for n, row in enumerate(home.rows) if row.observation is not None and row.observation.session.observer == observer)
    home.query_one("#home-list").move_cursor(row=index)
    await pilot.press("enter")
    await pilot.pause()


async def test_opening_the_other_observers_calibration_draft_asks_first(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    calibration_draft(store, registry, "Alex Observer")
    calibration_draft(store, registry, "Sam Observer")
    config.save_settings({"observer": "Sam Observer"})
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_row_of(pilot, "Alex Observer")
        assert isinstance(app.screen, ConfirmDialog)
        assert "Alex Observer's observation of a double-scored session" in screen_text(app)
        await pilot.press("enter")  # Cancel has the focus
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.session is None
        # Your own file opens straight away.
        await open_row_of(pilot, "Sam Observer")
        assert isinstance(app.screen, ScoringScreen)
        assert app.session is not None and app.session.observation.session.observer == "Sam Observer"


async def test_set_up_warns_when_the_reference_differs_from_another_sessions_only_by_punctuation(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from textual.widgets import Input, Static

    from seeds_tui.tui.screens.session_form import SessionScreen

    calibration_draft(store, registry, "Alex Observer")  # reference CAL-1
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        screen.query_one("#session_ref", Input).value = "CAL 1"
        await pilot.pause()  # the change reaches the form, which starts its check
        await app.workers.wait_for_complete()
        await pilot.pause()
        hint = screen.query_one("#session-ref-hint", Static)
        assert hint.display and "Another double-scored session uses CAL-1" in str(hint.render())
        screen.query_one("#session_ref", Input).value = "cal-1"  # the same reference: capitals do not matter
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not hint.display


async def test_a_finalised_file_is_still_hidden_until_the_other_observer_finalises(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    alex = calibration_draft(store, registry, "Alex Observer")
    loaded = registry.get("seed-one-to-one")
    draft = store.load(alex)
    scores = {s.id: {i.id: Score(value=2) for i in s.items} for s in loaded.rubric.sections}
    store.finalise(draft.model_copy(update={"scores": scores}), loaded.rubric)  # Alex is done; Sam has not started
    config.save_settings({"observer": "Sam Observer"})
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_row_of(pilot, "Alex Observer")
        assert isinstance(app.screen, ConfirmDialog)
