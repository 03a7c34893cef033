"""Tally presses keep their session-clock time, through the session controller, into the draft and the final file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.app import App

sys.path.insert(0, str(Path(__file__).parent))
from tui_helpers import FROZEN, FakeClock

from seeds_tui.core.observation import Score, Session, load_observation, new_observation
from seeds_tui.core.rubric import LoadedRubric, RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.controllers import session as session_module
from seeds_tui.tui.controllers.session import ObservationSession


def _loaded(registry: RubricRegistry) -> LoadedRubric:
    return registry.get("mi-informed-conversation")


def _new_draft(loaded: LoadedRubric):  # type: ignore[no-untyped-def]
    from seeds_tui.core.observation import RubricRef

    ref = RubricRef(id=loaded.rubric.id, version=loaded.rubric.version, sha256=loaded.sha256)
    session = Session(date=FROZEN.date(), observer="Sam Observer", practitioner="Pat Practitioner", team="North", consent_recorded=True)
    return new_observation(rubric=ref, session=session, when=FROZEN)


async def test_presses_and_undos_keep_their_clock_time_into_the_final_file(
    store: Store, registry: RubricRegistry, clock: FakeClock
) -> None:
    loaded = _loaded(registry)
    async with App().run_test() as pilot:
        session = ObservationSession(pilot.app, store, loaded, _new_draft(loaded), clock_source=clock, now_fn=lambda: FROZEN, delay=0.01)
        session.start_clock()
        clock.now = 40
        assert session.tap_counter("open_question") == 1
        clock.now = 95
        session.tap_counter("open_question")
        clock.now = 96
        session.tap_counter("closed_question")  # a slip: taken back at once
        clock.now = 98
        assert session.undo_counter() == "closed_question"
        clock.now = 400
        session.tap_counter("complex_reflection")
        session.pause_clock()
        clock.now = 10_000  # paused: this time is not the session's
        session.start_clock()
        clock.now = 10_030
        session.tap_counter("open_question")  # 430 s on the session clock
        assert await session.flush()
        on_disk = load_observation(store.draft_path(session.observation.id))
        assert on_disk.counters == {"open_question": 3, "closed_question": 0, "complex_reflection": 1}
        assert on_disk.counter_times["open_question"].at == [40, 95, 430]
        assert on_disk.counter_times["closed_question"].at == [] and on_disk.counter_times["closed_question"].undone == [98]
        assert on_disk.counter_times["complex_reflection"].at == [400]

        rubric = loaded.rubric
        for section in rubric.sections:
            for item in section.items:
                session.set_level(section.id, item.id, rubric.scale_of(item).values[-1])
        clock.now = 10_100
        await session.finalise()
        final = load_observation(store.final_path(session.observation.id))
        assert final.counter_times == on_disk.counter_times
        assert final.session.elapsed == 500
        assert store.final_path(final.id).read_text().count("\n[counter_times.") == 3


async def test_undo_after_reopening_takes_back_only_this_runs_presses(store: Store, registry: RubricRegistry, clock: FakeClock) -> None:
    """A draft reopened (another run) cannot undo the last run's presses: its times stay as saved."""
    loaded = _loaded(registry)
    async with App().run_test() as pilot:
        first = ObservationSession(pilot.app, store, loaded, _new_draft(loaded), clock_source=clock, now_fn=lambda: FROZEN, delay=0.01)
        first.start_clock()
        clock.now = 60
        first.tap_counter("affirmation")
        first.pause_clock()
        assert await first.flush()
        reopened = store.load(first.observation.id)
        second = ObservationSession(pilot.app, store, loaded, reopened, clock_source=clock, now_fn=lambda: FROZEN, delay=0.01)
        assert second.undo_counter() is None
        second.start_clock()
        clock.now = 90
        second.tap_counter("affirmation")
        assert second.undo_counter() == "affirmation"
        assert second.observation.counter_times["affirmation"].at == [60]
        assert second.observation.counter_times["affirmation"].undone == [90]


async def test_past_the_cap_the_count_goes_on_and_the_times_stay_partial(
    store: Store, registry: RubricRegistry, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session_module, "TALLY_TIMES_MAX", 2)
    loaded = _loaded(registry)
    async with App().run_test() as pilot:
        session = ObservationSession(pilot.app, store, loaded, _new_draft(loaded), clock_source=clock, now_fn=lambda: FROZEN, delay=0.01)
        session.start_clock()
        for second in (10, 20, 30):
            clock.now = second
            session.tap_counter("persuading")
        assert session.observation.counters["persuading"] == 3
        assert session.observation.counter_times["persuading"].at == [10, 20]
        assert session.undo_counter() == "persuading"  # the untimed third press: the kept times stay
        assert session.observation.counter_times["persuading"].at == [10, 20]
        assert session.observation.counters["persuading"] == 2


async def test_a_final_opened_read_only_refuses_a_tally(store: Store, registry: RubricRegistry, clock: FakeClock) -> None:
    loaded = _loaded(registry)
    obs = _new_draft(loaded).model_copy(
        update={"status": "final", "finalised": FROZEN, "scores": {"processes": {"engaging": Score(value=1)}}}
    )
    async with App().run_test() as pilot:
        session = ObservationSession(pilot.app, store, loaded, obs, clock_source=clock, now_fn=lambda: FROZEN, delay=0.01)
        with pytest.raises(session_module.ReadOnly):
            session.tap_counter("open_question")
        assert session.observation.counter_times == {}


async def test_the_change_target_is_typed_at_set_up_kept_and_warned_about(make_app, store: Store) -> None:  # type: ignore[no-untyped-def]
    """Every rubric offers it, plainly labelled and optional; a target that looks like a name gets a warning."""
    from tui_helpers import type_text

    from seeds_tui.tui.screens.scoring import ScoringScreen
    from seeds_tui.tui.screens.session_form import SessionScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("enter")  # the first rubric: not the MI one, the field is there for every rubric
        await pilot.pause()
        form = app.screen
        assert isinstance(form, SessionScreen)
        field = form.query_one("#change_target")
        assert "optional" in (field.placeholder or "")  # type: ignore[attr-defined]
        for name, text in (("observer", "Sam"), ("practitioner", "Pat P"), ("team", "North"), ("change_target", "Mr Smith   drinking")):
            form.query_one(f"#{name}").focus()
            await type_text(pilot, text)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert app.session.observation.session.change_target == "Mr Smith drinking"  # spaces made one
        assert any(n.title == "Personal data?" for n in app._notifications)
        assert await app.session.flush()
        assert load_observation(store.draft_path(app.session.observation.id)).session.change_target == "Mr Smith drinking"
