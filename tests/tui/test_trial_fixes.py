"""Fixes from the new-user trial: safe default buttons, typed text in the draft, early keys, list ends, read-only finals…"""

from __future__ import annotations

from collections.abc import Callable

from screen_text import screen_text
from textual import events
from textual.widgets import Button
from tui_helpers import finalised, set_up, settle, type_text

from seeds_tui.observation import load_observation
from seeds_tui.rubric import RubricRegistry
from seeds_tui.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.dialogs import ConfirmDialog, TextEntryDialog
from seeds_tui.tui.screens.home import HomeScreen
from seeds_tui.tui.screens.scoring import ScoringScreen


async def _draft_on_home(pilot, app: SeedsApp) -> str:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await set_up(pilot, "seed-one-to-one")
    await pilot.press("2")
    obs_id = app.session.observation.id  # type: ignore[union-attr]
    await pilot.press("escape")  # save and go home
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    return obs_id


async def test_d_then_enter_on_home_keeps_the_draft(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        obs_id = await _draft_on_home(pilot, app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert isinstance(app.screen.focused, Button) and app.screen.focused.id == "no"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert store.draft_path(obs_id).exists()


async def test_destructive_confirm_focuses_the_safe_button(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app(offer_resume=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(ConfirmDialog("Quit without saving?", "lose them?", yes="Quit and lose changes", no="Stay", yes_variant="error"))
        await pilot.pause()
        assert app.screen.focused is not None and app.screen.focused.id == "no"
        app.pop_screen()
        app.push_screen(ConfirmDialog("Resume?", "Resume it now?", yes="Resume", no="Not now"))
        await pilot.pause()
        assert app.screen.focused is not None and app.screen.focused.id == "yes"


async def test_evidence_being_typed_is_in_the_draft_before_done(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2", "e")
        await type_text(pilot, "asked about work")
        await settle(pilot)
        assert isinstance(app.screen, TextEntryDialog)  # still typing
        obs_id = app.session.observation.id  # type: ignore[union-attr]
        on_disk = load_observation(store.draft_path(obs_id))
        assert on_disk.scores["beginning"]["welcome"].evidence == "asked about work"
        assert app.session.state == "saved"  # type: ignore[union-attr]
        # Cancel puts the note back as it was.
        await pilot.press("tab", "tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScoringScreen)
    assert load_observation(store.draft_path(obs_id)).scores["beginning"]["welcome"].evidence == ""


async def test_mark_text_being_typed_is_in_the_draft(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("m", "x")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await type_text(pilot, "silence")
        await settle(pilot)
        assert isinstance(app.screen, TextEntryDialog)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    assert load_observation(store.draft_path(obs_id)).events[0].text == "silence"


async def test_keys_sent_with_the_opening_key_reach_the_note(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        for key in "exyz":
            app.post_message(events.Key(key, key))
        await settle(pilot)
        assert isinstance(app.screen, TextEntryDialog)
        assert app.screen.query_one("#entry").text == "xyz"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    assert load_observation(store.draft_path(obs_id)).scores["beginning"]["welcome"].evidence == "xyz"


async def test_item_list_stops_at_the_ends(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        rubric = app.session.rubric  # type: ignore[union-attr]
        first = rubric.sections[0]
        await pilot.press("k", "1")  # at the first item: stays there
        for _ in range(len(first.items) + 2):
            await pilot.press("j")
        await pilot.press("0")  # at the last item: stays there
        await settle(pilot)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    scores = load_observation(store.draft_path(obs_id)).scores[first.id]
    assert scores[first.items[0].id].value == 1
    assert scores[first.items[-1].id].value == 0
    assert len(scores) == 2


async def test_final_opened_read_only_shows_no_editing_keys(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    finalised(store, registry)
    app = make_app(offer_resume=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        await pilot.press("enter")  # the final observation, read-only review
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        text = screen_text(app)
    for editing in ("Note", "Level", " NA ", "Mark", "e to write", "Tab to write", "u undo"):
        assert editing not in text, editing
    assert "read-only" in text
