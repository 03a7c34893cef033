"""Actions carried forward, driven by keyboard: shown at set-up and in the feedback step, marked, saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tui_helpers import TODAY, settle, type_text

from seeds_tui.core.observation import Action, Feedback, RubricRef, Score, Session, load_observation, new_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.after import AfterScreen
from seeds_tui.tui.screens.rubric import RubricScreen
from seeds_tui.tui.screens.scoring import ScoringScreen
from seeds_tui.tui.screens.session_form import SessionScreen
from seeds_tui.tui.widgets.carried import CarriedList


def earlier_final(store: Store, registry: RubricRegistry, practitioner: str, when: date, actions: list[str]) -> str:
    """A final SEED observation of ``practitioner`` agreeing ``actions``, made through the store."""
    loaded = registry.get("seed-one-to-one")
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(date=when, observer="Sam", practitioner=practitioner, team="North"),
    )
    scores = {s.id: {i.id: Score(value=2) for i in s.items} for s in rubric.sections}
    feedback = Feedback(actions=[Action(text=t, owner=practitioner, review_date=date(2026, 12, 1)) for t in actions])
    obs = store.save_draft(obs.model_copy(update={"scores": scores, "feedback": feedback}))
    final, _ = store.finalise(obs, rubric)
    return final.id


async def open_session_form(pilot, practitioner: str) -> SessionScreen:  # type: ignore[no-untyped-def]
    """From home: n, the first rubric (SEED), observer and practitioner typed; wait for the actions lookup."""
    app = pilot.app
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, RubricScreen)
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    screen.query_one("#observer").focus()
    await type_text(pilot, "Sam")
    screen.query_one("#practitioner").focus()
    await type_text(pilot, practitioner)
    await pilot.press("tab")
    await type_text(pilot, "North")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


def rows(listing: CarriedList) -> list[str]:
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


async def test_open_actions_are_shown_at_set_up_marked_and_saved_with_the_new_observation(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    earlier_final(store, registry, "Pat Practitioner", date(2026, 9, 1), ["Agree an agenda first", "Summarise before the end"])
    earlier_final(store, registry, "Robin Other", date(2026, 9, 2), ["Not Pat's action"])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await open_session_form(pilot, "pat practitioner")
        listing = screen.query_one("#carried", CarriedList)
        shown = rows(listing)
        assert len(shown) == 2
        assert "Agree an agenda first" in shown[0] and "To review" in shown[0] and "agreed 01/09/2026" in shown[0]
        assert not any("Not Pat's action" in r for r in shown)
        # Near the name too: at 80x24 the list itself is below the fold.
        count = screen.query_one("#carried-count")
        assert count.display and "2 open actions from earlier observations" in str(count.render())
        listing.focus()
        await pilot.press("d", "down", "c")
        await pilot.pause()
        await type_text(pilot, "Half way")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("g")
        assert "Done" in rows(listing)[0] and "Ongoing" in rows(listing)[1] and "Half way" in rows(listing)[1]
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        await settle(pilot)
        assert app.session is not None
        saved = load_observation(app.session.path)
        # Typed as "pat practitioner": saved as the name already in the store, not as a new person.
        assert saved.session.practitioner == "Pat Practitioner"
        assert [(c.text, c.status, c.comment) for c in saved.feedback.carried] == [
            ("Agree an agenda first", "done", ""),
            ("Summarise before the end", "ongoing", "Half way"),
        ]
        assert saved.feedback.carried[0].review_date == date(2026, 12, 1)


async def test_the_feedback_step_shows_them_and_marks_are_saved_as_typed(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_session_form(pilot, "Pat P")
        await pilot.press("ctrl+s")  # nothing open yet: starts with none carried
        await pilot.pause()
        assert app.session is not None and app.session.observation.feedback.carried == []
        # Meanwhile an earlier observation of Pat is finalised (say, by a colleague on the shared store).
        earlier_final(store, registry, "Pat P", date(2026, 10, 1), ["Explain the licence conditions"])
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, AfterScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        listing = app.screen.query_one("#carried", CarriedList)
        assert "Explain the licence conditions" in rows(listing)[0]
        listing.focus()
        await pilot.press("x", "c")
        await pilot.pause()
        await type_text(pilot, "No longer needed")
        await pilot.press("escape")
        await settle(pilot)
        saved = load_observation(app.session.path)
        assert [(c.status, c.comment) for c in saved.feedback.carried] == [("dropped", "No longer needed")]
        await pilot.press("u")
        await settle(pilot)
        assert load_observation(app.session.path).feedback.carried[0].status is None
        await pilot.press("f4")
        await pilot.pause()
        assert "Actions from earlier observations not yet reviewed: 1 of 1" in str(app.screen.query_one("#summary").render())


async def test_done_and_dropped_actions_are_not_offered_again(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    earlier_final(store, registry, "Pat P", date(2026, 9, 1), ["Done one", "Ongoing one", "Dropped one"])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await open_session_form(pilot, "Pat P")
        listing = screen.query_one("#carried", CarriedList)
        listing.focus()
        await pilot.press("d", "down", "g", "down", "x", "ctrl+s")
        await pilot.pause()
        session = app.session
        assert session is not None
        loaded = session.loaded
        for section in loaded.rubric.sections:
            for item in section.items:
                session.set_level(section.id, item.id, 2)
        await session.finalise()
        await pilot.pause()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = await open_session_form(pilot, "Pat P")
        shown = rows(screen.query_one("#carried", CarriedList))
        assert len(shown) == 1 and "Ongoing one" in shown[0] and f"ongoing at {TODAY:%d/%m/%Y}" in shown[0]


async def test_changing_the_practitioner_drops_the_other_persons_carried_actions(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from textual.widgets import Input

    earlier_final(store, registry, "Pat Smith", date(2026, 9, 1), ["Smith's own action"])
    earlier_final(store, registry, "Robin Smyth", date(2026, 9, 1), ["Smyth's own action"])
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_session_form(pilot, "Pat Smith")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.session is not None
        assert [c.text for c in app.session.observation.feedback.carried] == ["Smith's own action"]
        app.action_edit_details()
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SessionScreen)
        form.query_one("#practitioner", Input).value = "Robin Smyth"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await settle(pilot)
        saved = load_observation(app.session.path)
        assert saved.session.practitioner == "Robin Smyth" and saved.feedback.carried == []
        # The feedback step then brings in the new practitioner's own open actions.
        await pilot.press("f3")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert [c.text for c in load_observation(app.session.path).feedback.carried] == ["Smyth's own action"]
