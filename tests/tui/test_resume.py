"""A draft survives the app being torn down mid-section, and is offered back once on the next start."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from screen_text import screen_text
from tui_helpers import set_up, steady, type_text

from seeds_tui.core.observation import load_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage import settings as config
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.dialogs import ConfirmDialog
from seeds_tui.tui.screens.home import HomeScreen
from seeds_tui.tui.screens.scoring import ScoringScreen


async def test_torn_down_mid_section_then_resumed_with_every_keystroke(make_app: Callable[..., SeedsApp], store: Store, clock) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        session = app.session
        assert session is not None
        clock.now = 65.0  # the session clock has run for 1:05
        # Section 1: welcome=3, review=NA, agenda=0 with evidence, environment left open
        await pilot.press("3", "down", "a", "down", "0", "e")
        await type_text(pilot, "set agenda late")
        await pilot.press("escape", "m", "n")  # a mark, then on to section 2
        await pilot.press("1", "down", "o", "tab")  # section 2: dual_role=1, negotiable=NO; then notes
        await type_text(pilot, "notes 2")
        await session.wait_autosaved()  # the autosave alone, nothing forced
        obs_id = session.observation.id
        assert store.draft_path(obs_id).exists()
    # The app is gone without Ctrl+Q (as after a crash); the draft marker is still set.
    assert config.load_settings().get("open_draft") == obs_id

    clock.now = 0.0
    saved = load_observation(store.draft_path(obs_id)).updated
    app2 = make_app(now_fn=lambda: saved + timedelta(minutes=10))
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app2.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app2.screen, ConfirmDialog), "the interrupted draft is offered back"
        assert "Pat P" in screen_text(app2)
        await pilot.press("enter")  # Resume
        await pilot.pause()
        # Its clock was running when the app went: did the session go on meanwhile? Not this time.
        assert isinstance(app2.screen, ConfirmDialog) and "Did the session go on?" in screen_text(app2)
        assert "10 minutes ago" in screen_text(app2)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app2.screen, ScoringScreen)
        obs = app2.session.observation  # type: ignore[union-attr]
        scores = {s: {i: (sc.value, sc.code, sc.evidence) for i, sc in items.items()} for s, items in obs.scores.items()}
        assert scores == {
            "beginning": {"welcome": (3, None, ""), "review": (None, "NA", ""), "agenda": (0, None, "set agenda late")},
            "role": {"dual_role": (1, None, ""), "negotiable": (None, "NO", "")},
        }
        assert obs.section_notes == {"role": "notes 2"}
        assert [(e.kind, e.elapsed) for e in obs.events] == [("mark", 65)]
        assert obs.session.elapsed == 65
        assert "01:05" in screen_text(app2)  # the clock carries on from where it was, paused
        assert not app2.session.clock.running  # type: ignore[union-attr]
        await pilot.press("escape")  # home, cleanly
        await pilot.pause()
        assert isinstance(app2.screen, HomeScreen)

    # Offered once: the next start shows the home list without asking.
    app3 = make_app()
    async with app3.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await steady(pilot)
        assert isinstance(app3.screen, HomeScreen)
        text = screen_text(app3)
        n = len(RubricRegistry.default().get("seed-one-to-one").rubric.item_keys)
        assert "draft" in text and "Pat P" in text and f"5/{n} scored" in text, text


async def test_after_a_crash_the_gap_is_added_when_the_session_went_on(make_app: Callable[..., SeedsApp], store: Store, clock) -> None:
    """A draft saved with its clock running (the app died without pausing it) asks on reopening;
    "it went on" adds the time since the last save and the clock runs on. A draft left by Ctrl+Q
    (clock paused on purpose) does not ask."""
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        session = app.session
        assert session is not None and session.clock.running
        clock.now = 300.0
        await pilot.press("3")
        await session.wait_autosaved()
        obs_id = session.observation.id
    on_disk = load_observation(store.draft_path(obs_id))
    assert on_disk.session.running_since is not None and on_disk.session.elapsed == 300

    clock.now = 0.0
    app2 = make_app(offer_resume=False, now_fn=lambda: on_disk.updated + timedelta(minutes=7))
    async with app2.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await steady(pilot)
        await pilot.press("r")  # resume the newest draft from the home list
        await pilot.pause()
        assert isinstance(app2.screen, ConfirmDialog) and "Did the session go on?" in screen_text(app2)
        assert "7 minutes ago" in screen_text(app2)
        await pilot.press("enter")  # "It went on: add the time" is focused
        await pilot.pause()
        assert isinstance(app2.screen, ScoringScreen)
        session = app2.session
        assert session is not None and session.clock.running
        assert session.clock.elapsed() == 300 + 7 * 60
        assert "12:00 running" in screen_text(app2)
        await pilot.press("ctrl+q")  # quitting on purpose pauses the clock
        await pilot.pause()
    on_disk = load_observation(store.draft_path(obs_id))
    assert on_disk.session.running_since is None and on_disk.session.elapsed == 720

    app3 = make_app(offer_resume=False)
    async with app3.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await steady(pilot)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app3.screen, ScoringScreen), "paused on purpose: nothing to ask"
