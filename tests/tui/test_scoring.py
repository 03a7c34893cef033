"""Scoring behaviour a user relies on, asserted on the files the app writes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from screen_text import screen_text
from tui_helpers import set_up, settle, type_text

from seeds_tui.core.observation import load_observation
from seeds_tui.core.scoring import section_scores
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.dialogs.marks import MarksDialog
from seeds_tui.tui.screens.help import HelpScreen
from seeds_tui.tui.screens.scoring import ScoringScreen
from seeds_tui.tui.screens.session_form import SessionScreen


async def test_na_no_and_lowest_level_are_kept_apart(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("0", "down", "a", "down", "o")
        await settle(pilot)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
        text = screen_text(app)
    saved = load_observation(store.draft_path(obs_id))
    items = saved.scores["beginning"]
    assert (items["welcome"].value, items["welcome"].code) == (0, None)
    assert (items["review"].value, items["review"].code) == (None, "NA")
    assert (items["agenda"].value, items["agenda"].code) == (None, "NO")
    result = section_scores(saved, app.session.rubric if app.session else None)[0]  # type: ignore[arg-type]
    assert (result.levels, result.na, result.no, result.percent) == (1, 1, 1, 0.0)
    raw = store.draft_path(obs_id).read_text()
    assert 'code = "NA"' in raw and 'code = "NO"' in raw and "value = 0" in raw
    assert "0 Missed" in text and "NA" in text and "NO" in text


async def test_markup_like_note_is_stored_and_shown_verbatim(make_app: Callable[..., SeedsApp], store: Store) -> None:
    note = "[b]not bold[/b] [/] [red]x $y"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2", "e")
        await type_text(pilot, note)
        await pilot.press("escape", "tab")
        await type_text(pilot, "[i]sec[/]")
        await settle(pilot)
        text = screen_text(app)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    assert note in text
    assert "[i]sec[/]" in text
    saved = load_observation(store.draft_path(obs_id))
    assert saved.scores["beginning"]["welcome"].evidence == note
    assert saved.section_notes["beginning"] == "[i]sec[/]"


async def test_tallies_with_undo_and_a_level_off_the_scale(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "mi-informed-conversation")
        counters = {c.key: c.id for c in app.session.rubric.counters}  # type: ignore[union-attr]
        await pilot.press("q", "q", "r", "c", "u")  # u takes back the last tally (c)
        await pilot.press("7")  # no level 7 on a 0-3 scale: nothing recorded
        await settle(pilot)
        obs = app.session.observation  # type: ignore[union-attr]
        text = screen_text(app)
    saved = load_observation(store.draft_path(obs.id))
    assert saved.counters == {counters["q"]: 2, counters["r"]: 1, counters["c"]: 0}
    assert saved.scores == {}
    assert (" q " in text and "Open question" in text) or "open question" in text.lower()


async def test_mark_now_attach_later(make_app: Callable[..., SeedsApp], store: Store, clock) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        clock.now = 30.0
        await pilot.press("m")
        clock.now = 95.0
        await pilot.press("m", "down", "down", "x")
        await pilot.pause()
        assert isinstance(app.screen, MarksDialog)
        await pilot.press("down", "enter", "escape")  # attach the second mark to the third item
        await settle(pilot)
        obs = app.session.observation  # type: ignore[union-attr]
        assert app.session.unattached_marks() == [0]  # type: ignore[union-attr]
    saved = load_observation(store.draft_path(obs.id))
    assert [(e.elapsed, e.item) for e in saved.events] == [(30, None), (95, "beginning.agenda")]


async def test_personal_data_in_a_note_warns_but_keeps_it(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("e")
        await type_text(pilot, "Mr Smith DOB 1.2.1990")
        await pilot.press("escape")
        await settle(pilot)
        warnings = [n for n in app._notifications if n.severity == "warning"]
        obs = app.session.observation  # type: ignore[union-attr]
    assert warnings and "person on probation" in warnings[-1].message
    assert "Mr Smith" not in warnings[-1].message  # the warning never repeats the text
    assert load_observation(store.draft_path(obs.id)).scores["beginning"]["welcome"].evidence == "Mr Smith DOB 1.2.1990"


async def test_store_not_writable_mid_session_keeps_the_draft_in_memory(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2")
        await settle(pilot)
        session = app.session
        assert session is not None
        drafts = store.draft_dir
        # Make the drafts folder unusable (root ignores permissions, so swap it for a plain file).
        backup = drafts.with_name("drafts-moved")
        drafts.rename(backup)
        drafts.write_text("not a folder")
        await pilot.press("down", "3")
        await session.wait_autosaved()
        await pilot.pause()
        assert session.state == "unsaved"
        assert str(drafts) in (session.error or "")
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and str(drafts) in errors[-1].message
        assert "NOT SAVED" in screen_text(app)
        assert session.observation.scores["beginning"]["review"].value == 3  # still in memory
        # The folder comes back: the next change saves everything.
        drafts.unlink()
        backup.rename(drafts)
        await pilot.press("down", "1")
        await session.wait_autosaved()
        await pilot.pause()
        assert session.state == "saved"
        assert "NOT SAVED" not in screen_text(app)
        saved = load_observation(store.draft_path(session.observation.id))
    assert {k: v.value for k, v in saved.scores["beginning"].items()} == {"welcome": 2, "review": 3, "agenda": 1}


async def test_quit_says_the_draft_is_saved(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("1", "ctrl+q")
        await pilot.pause()
    assert app.return_value == 0
    obs_id = app.session.observation.id  # type: ignore[union-attr]
    assert load_observation(store.draft_path(obs_id)).scores["beginning"]["welcome"].value == 1


async def test_session_details_are_checked(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("ctrl+s")  # nothing filled in
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        text = app.screen.query_one("#session-errors").render()
        assert "Practitioner: required" in str(text) and "Team: required" in str(text)


async def test_help_and_palette_jump_to_section(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = screen_text(app)
        # At 80x24 the flow of a session comes first, in five lines, whole; the keys follow.
        assert "How a session flows" in shown
        for step in ("1 Before:", "2 During:", "3 After (F3):", "4 Review (F4):", "5 Later:"):
            assert step in shown, step
        await pilot.press("end")
        for _ in range(40):  # the scroll lands a few frames on
            await pilot.pause(0.025)
            if "Ctrl+Q" in screen_text(app):
                break
        body = app.screen.query_one(".dialog-body")
        assert body.max_scroll_y > 0 and "Ctrl+Q" in screen_text(app)  # the keys are reached from the keyboard
        await pilot.press("escape", "ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Jump to section: Ending")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        assert app.session.section.id == "ending"  # type: ignore[union-attr]


def test_start_up_does_not_import_pandas() -> None:
    code = "import sys, seeds_tui.tui.app, seeds_tui.tui.screens.scoring, seeds_tui.tui.screens.review; print('pandas' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_first_frame_needs_neither_the_record_models_nor_the_store() -> None:
    """The home screen draws before the observation and rubric models are built (they cost a third of start-up)."""
    code = (
        "import sys, seeds_tui.tui.app, seeds_tui.tui.start, seeds_tui.tui.screens.home; "
        "print(sorted(m for m in ('seeds_tui.core.observation', 'seeds_tui.core.rubric', 'seeds_tui.storage.store', 'pydantic') "
        "if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, check=True
    )
    assert out.stdout.strip() == "[]"


async def test_a_broken_rubric_file_is_named_and_the_rest_still_work(tmp_path: Path, store: Store) -> None:
    from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
    from seeds_tui.tui.app import create_app

    extra = tmp_path / "rubrics [i]"  # brackets in a folder name are shown, not read as markup
    extra.mkdir()
    broken = extra / "broken [b].toml"
    broken.write_text('schema = "seeds-rubric/1"\nid = "broken"\n[[sections]\n')
    app = create_app(store, RubricRegistry([bundled_rubric_dir(), extra]))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and str(broken) in errors[0].message
        assert "[b].toml" in screen_text(app).replace("\n", ""), screen_text(app)
        await set_up(pilot, "jersey-interview-skills")  # the good rubrics are still offered


async def test_team_summary_opens_from_home_without_slowing_start_up(make_app: Callable[..., SeedsApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert type(app.screen).__name__ == "TeamSummaryScreen"


async def test_quitting_with_a_note_half_written_keeps_it(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("e")
        await type_text(pilot, "half a note")
        await pilot.press("ctrl+q")
        await pilot.pause()
    obs_id = app.session.observation.id  # type: ignore[union-attr]
    assert load_observation(store.draft_path(obs_id)).scores["beginning"]["welcome"].evidence == "half a note"


async def test_finalise_refuses_with_missing_items_and_leads_to_the_first(make_app: Callable[..., SeedsApp], store: Store) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2", "f4")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        assert "Not ready to finalise" in screen_text(app)
        await pilot.press("enter")  # go to the first missing item
        await pilot.pause()
        assert isinstance(app.screen, ScoringScreen)
        session = app.session
        assert session is not None
        # SEED 2.0.0 requires the review of the last session (NA at a first session): it is the first gap.
        assert (session.section.id, session.item.id) == ("beginning", "review")
        assert not store.final_dir.exists() or not any(store.final_dir.iterdir())


async def test_a_burst_of_keys_lands_on_the_right_items(make_app: Callable[..., SeedsApp], store: Store) -> None:
    """Keys that arrive together (a fast typist, a slow SSH link) are all applied, each to its item."""
    from textual import events

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        # Posted without waiting in between, as a terminal delivers "2j" "a" "j1" in one read.
        for key in ("2", "j", "a", "j", "1", "j", "o"):
            app.post_message(events.Key(key, key))
        await settle(pilot)
        obs_id = app.session.observation.id  # type: ignore[union-attr]
    items = load_observation(store.draft_path(obs_id)).scores["beginning"]
    assert (items["welcome"].value, items["review"].code, items["agenda"].value, items["environment"].code) == (2, "NA", 1, "NO")
