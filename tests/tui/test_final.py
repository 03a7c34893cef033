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


async def _correct_a_score(pilot) -> None:  # type: ignore[no-untyped-def]
    await open_review(pilot)
    await pilot.pause()
    await pilot.press("c", "f2")  # correct, then change a score
    await pilot.pause()
    await pilot.press("0", "ctrl+s")
    await settle(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_after_a_correction_the_app_says_the_earlier_revision_is_kept_and_how_to_purge_it(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    obs_id = finalised(store, registry)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _correct_a_score(pilot)
        told = [n.message for n in app._notifications if n.title == "Saved"]
        assert told and "Revision 2 is kept in" in told[-1] and str(store.history_dir) in told[-1]
        assert f"seeds-tui history purge {obs_id} --revision 2 --store {store.root}" in told[-1]
        assert "flagged" not in told[-1]


async def test_when_the_earlier_revision_held_flagged_notes_a_dialog_lists_them_and_the_purge_removes_them(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from seeds_tui.cli import main
    from seeds_tui.core.observation import Feedback, LinkedNote
    from seeds_tui.tui.dialogs import MessageDialog

    secret = "Mr Smith, born 12/03/1985, CRN X123456"
    obs_id = finalised(store, registry, feedback=Feedback(strengths=[LinkedNote(text=secret)]))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _correct_a_score(pilot)
        assert isinstance(app.screen, MessageDialog)
        message = app.screen.message
        assert "Revision 2, kept in" in message and "personal-data check flagged" in message and "strength 1" in message
        assert f"seeds-tui history purge {obs_id} --revision 2" in message
        assert "Smith" not in message and "X123456" not in message  # where, never what
        shown = screen_text(app)
        # Readable at 80x24 without scrolling: what was flagged and the command.
        assert "earlier revision is kept" in shown and "strength 1" in shown and "history purge" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, MessageDialog)
        # Corrected again (still with the note): both kept revisions hold it, and the message says so.
        await pilot.press("f4", "c", "f2")
        await pilot.pause()
        await pilot.press("1", "ctrl+s")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MessageDialog)
        message = app.screen.message
        assert "Revisions 2 and 3, kept in" in message and "revision 2: strength 1" in message and "revision 3: strength 1" in message
        assert f"seeds-tui history purge {obs_id} --store" in message and "--revision" not in message
        await pilot.press("enter")
        await pilot.pause()
    assert main(["history", "purge", obs_id, "--revision", "3", "--yes", "--store", str(store.root)]) == 0
    kept = store.history_dir / f"{obs_id}.r2.toml"
    assert "X123456" in kept.read_text()
    # Done as the message says.
    assert main(["history", "purge", obs_id, "--revision", "2", "--yes", "--store", str(store.root)]) == 0
    assert not kept.exists() and (store.history_dir / "purged.toml").is_file()
    assert "X123456" not in "".join(p.read_text() for p in store.history_dir.glob("*.toml"))  # none left in history
