"""Finalised observations open read-only; corrections become a new revision through the store's check."""

from __future__ import annotations

from collections.abc import Callable

from screen_text import screen_text
from tui_helpers import finalised, open_review, settle

from seeds_tui.core.observation import load_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.scoring import ScoringScreen


async def test_final_opens_read_only_and_corrections_make_a_revision(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    obs_id = finalised(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_review(pilot)
        await pilot.pause()
        text = screen_text(app)
        n = len(registry.get("seed-one-to-one").rubric.item_keys)
        # The typical level, as on the sheet, not an audit band.
        assert "read-only" in text and "67%  Competent" in text and f"{n}/{n}" in text
        await pilot.press("f2")  # look at the scoring screen: keys do not change a final observation
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        await pilot.press("0")
        await pilot.pause()
        assert app.session.observation.scores["beginning"]["welcome"].value == 2  # type: ignore[union-attr]
        await pilot.press("f4", "c", "f2")  # correct
        await pilot.pause()
        await pilot.press("0", "ctrl+s")
        await settle(pilot)
        await app.workers.wait_for_complete()
    corrected = load_observation(store.final_path(obs_id))
    assert corrected.revision == 3  # draft save, finalise, correction
    assert corrected.scores["beginning"]["welcome"].value == 0
    assert (store.history_dir / f"{obs_id}.r2.toml").exists()
    assert load_observation(store.history_dir / f"{obs_id}.r2.toml").scores["beginning"]["welcome"].value == 2
