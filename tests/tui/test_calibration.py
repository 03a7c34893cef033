"""The Calibration screen: double-scored sessions, the comparison of two observers, the consensus.

Observations are made with the product's own code (new_observation, Store.save_draft,
Store.finalise) under tmp_path; the app is driven by the keyboard as a user would.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from screen_text import assert_snapshot, screen_text
from textual import events
from textual.pilot import Pilot
from tui_helpers import TODAY, steady, type_text

from seeds_tui.calibration.agreement import OUTCOME_MARKS
from seeds_tui.calibration.consensus import draft_choices, load_consensus
from seeds_tui.core.observation import Observation, RubricRef, Score, Session, new_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp
from seeds_tui.tui.screens.calibration import CalibrationScreen
from seeds_tui.tui.screens.comparison import ComparisonScreen
from seeds_tui.tui.screens.consensus import ConsensusScreen

REF = "CAL-2026-11-23-N1"

# Hand-made scores on the newest SEED rubric, in rubric order (the first items of beginning, role
# and relationship; every other item NA): 10 items both scored with a level, the other 21 NA for both.
#   beginning:    2 1 3 2  vs  2 1 1 2   -> 3 exact, 1 two levels apart (agenda)
#   role:         2 2 1 2  vs  2 2 2 1   -> 2 exact, 2 within one
#   relationship: 2 3 NA…  vs  2 3 NA…   -> 2 exact
# Overall: 7 exact of 10 = 70%, 9 within one of 10 = 90%, 21 excluded.
SAM = {"beginning": [2, 1, 3, 2], "role": [2, 2, 1, 2], "relationship": [2, 3]}
ALEX = {"beginning": [2, 1, 1, 2], "role": [2, 2, 2, 1], "relationship": [2, 3]}
SAM_NOTE = "Set the agenda together with the person at the start [b]early[/b]"
ALEX_NOTE = "Agenda was announced, not agreed; the person had no say"
SECRET_NOTE = "a note nobody else may read before finalising"


def calibration_observation(
    store: Store,
    registry: RubricRegistry,
    observer: str,
    levels: dict[str, list[int]],
    notes: dict[str, str],
    *,
    final: bool = True,
    rubric_id: str = "seed-one-to-one",
    practitioner: str = "Pat P",
    ref: str = REF,
) -> tuple[Path, Observation]:
    """One observer's own observation of the shared session, saved (and finalised) through the store."""
    loaded = registry.get(rubric_id)
    rubric = loaded.rubric
    obs = new_observation(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=loaded.sha256),
        session=Session(
            date=TODAY,
            observer=observer,
            practitioner=practitioner,
            team="North",
            purpose="calibration",
            session_ref=ref,
            consent_recorded=True,
        ),
    )
    scores: dict[str, dict[str, Score]] = {}
    for section in rubric.sections:
        for n, item in enumerate(section.items):
            given = levels.get(section.id, [])
            key = f"{section.id}.{item.id}"
            score = Score(value=given[n], evidence=notes.get(key, "")) if n < len(given) else Score(code="NA")
            scores.setdefault(section.id, {})[item.id] = score
    obs = store.save_draft(obs.model_copy(update={"scores": scores}))
    if not final:
        return store.draft_path(obs.id), obs
    final_obs, path = store.finalise(obs, rubric)
    return path, final_obs


def make_pair(store: Store, registry: RubricRegistry, *, alex_final: bool = True) -> tuple[Path, Path]:
    """Sam (final) and Alex (final, or still a draft) scored the same session."""
    sam, _ = calibration_observation(store, registry, "Sam Observer", SAM, {"beginning.agenda": SAM_NOTE})
    alex, _ = calibration_observation(
        store, registry, "Alex Observer", ALEX, {"beginning.agenda": ALEX_NOTE, "role.dual_role": SECRET_NOTE}, final=alex_final
    )
    return sam, alex


async def open_calibration(pilot: Pilot) -> CalibrationScreen:
    """From home: c opens the Calibration list; wait for its rows."""
    await pilot.pause()
    await steady(pilot)
    await pilot.press("c")
    await pilot.pause()
    await steady(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CalibrationScreen)
    return screen


async def test_list_shows_waiting_status_and_never_a_score_before_both_finalise(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    make_pair(store, registry, alex_final=False)
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_calibration(pilot)
        text = screen_text(app)
        assert REF in text and "Alex Observer and Sam Observer" in text
        assert "waiting for Alex Observer to finalise" in text
        assert "Scores stay hidden until both observers have finalised" in " ".join(text.split())
        # No score, percentage, level name or evidence note of either observer.
        for hidden in (SECRET_NOTE, ALEX_NOTE, SAM_NOTE, "%", "Emerging", "Competent", "exact"):
            assert hidden not in text, hidden
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CalibrationScreen)  # the comparison did not open
        assert any("Waiting for Alex Observer to finalise" in n.message for n in app._notifications)
        assert not any(SECRET_NOTE in n.message or ALEX_NOTE in n.message for n in app._notifications)
        assert SECRET_NOTE not in screen_text(app)


async def test_comparison_shows_figures_and_the_item_two_levels_apart_first(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    make_pair(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_calibration(pilot)
        assert "ready to compare" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ComparisonScreen)
        lines = screen_text(app).splitlines()
        overall = next(line for line in lines if line.lstrip().startswith("Overall"))
        # compared, excluded, exact, within one (plain percentages before the coefficient)
        assert overall.split()[1:5] == ["10", "21", "70%", "90%"], overall
        beginning = next(line for line in lines if line.lstrip().startswith("Beginning and set-up"))
        assert beginning.split()[3:7] == ["4", "0", "75%", "75%"], beginning
        role = next(line for line in lines if line.lstrip().startswith("Role clarification"))
        assert role.split()[-5:-1] == ["4", "1", "50%", "100%"]  # the fifth item (compliance) NA for both, role
        # A section alpha on 4 items is marked, with no band word, and a note says why.
        assert role.split()[-1].endswith("*") and "unreliable" not in role and "tentative" not in role, role
        assert "* alpha on fewer than 10 items moves a lot with one item" in " ".join(screen_text(app).split())
        alpha = app.screen.agreement.overall.alpha
        assert alpha is not None and f"{alpha:.2f}" in overall
        assert app.screen.agreement.overall.alpha_band in overall

        await pilot.press("d")  # the items to discuss
        await pilot.pause()
        text = screen_text(app)
        discuss = text[text.index("To discuss") :]
        first_item = discuss[discuss.index("1.") :]
        assert first_item.startswith(f"1. {OUTCOME_MARKS['apart']} 2 levels apart"), first_item[:80]
        assert "Agrees the purpose and agenda" in first_item.splitlines()[0]
        flat = " ".join(first_item.split())
        assert " ".join(SAM_NOTE.split()) in flat and " ".join(ALEX_NOTE.split()) in flat  # both notes, in full, markup as typed
        assert flat.index(SAM_NOTE.split()[0]) < flat.index("2.")  # both notes belong to the first item
        assert "3 Skilful" in flat and "1 Emerging" in flat

        await pilot.press("i")  # every item, side by side
        await pilot.pause()
        text = screen_text(app)
        assert "Every item" in text and "Welcomes the person and checks in" in text

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CalibrationScreen)


async def test_comparison_snapshot_80x24(make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry) -> None:
    make_pair(store, registry)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_calibration(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await steady(pilot)
        assert_snapshot(app, "comparison-80x24", {str(store.root): "STORE"})


async def test_consensus_by_keyboard_refuses_a_missing_rationale_then_saves_apart_from_the_raw_files(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    sam_path, alex_path = make_pair(store, registry)
    raw_before = sam_path.read_bytes(), alex_path.read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_calibration(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConsensusScreen)
        # Three items differ, the two-levels-apart one first: beginning.agenda, then role's two within-one items.
        assert [e.key for e in screen.entries] == ["beginning.agenda", "role.confidentiality", "role.authority"]
        text = screen_text(app)
        assert "3 items to agree" in text and " ".join(ALEX_NOTE.split()) in " ".join(text.split())

        await pilot.press("2", "e")  # agreed level 2 for the agenda, then its rationale
        await type_text(pilot, "Brief")
        await pilot.press("escape", "j", "2", "e")
        await type_text(pilot, "Both saw it")
        await pilot.press("escape", "j", "1")  # the third item: a level, but no rationale yet
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConsensusScreen)  # refused: no confirmation asked
        assert not list(store.consensus_dir.glob("*.toml"))
        assert any("rationale" in n.message for n in app._notifications)
        assert app.screen.focused is not None and app.screen.focused.id == "cons-rationale"  # the cursor is where the rationale goes
        title = str(app.screen.query_one("#cons-rationale").border_title)
        assert "type here" in title and "e or Tab" not in title  # it has the cursor: no "press e" any more
        assert any("The cursor is in the rationale box" in n.message for n in app._notifications)

        await type_text(pilot, "Partial")  # typed straight into the box that has the cursor
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")  # confirm
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ComparisonScreen)
        assert "Consensus recorded" in screen_text(app)

    saved = load_consensus(store)
    assert len(saved) == 1
    path, consensus = saved[0]
    assert isinstance(consensus, Observation) and path.parent == store.consensus_dir
    assert consensus.consensus is not None
    items = [e.key for e in screen.entries]
    assert consensus.score(*items[0].split(".")).value == 2  # type: ignore[union-attr]
    assert consensus.score(*items[1].split(".")).value == 2  # type: ignore[union-attr]
    assert consensus.score(*items[2].split(".")).value == 1  # type: ignore[union-attr]
    assert consensus.score("beginning", "welcome").value == 2  # type: ignore[union-attr]  # alike: taken as agreed
    assert consensus.consensus.rationale == {
        items[0]: "Brief",
        items[1]: "Both saw it",
        items[2]: "Partial",
    }
    assert (sam_path.read_bytes(), alex_path.read_bytes()) == raw_before  # the raw files, byte for byte


async def test_each_problem_says_what_to_do(make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry) -> None:
    """Enter on a session that cannot be compared says what is wrong and what to do, per problem."""
    cases = {
        "CAL-SAME": ("both by the same observer", "set up again by the second observer"),
        "CAL-RUBRICS": ("scored with different rubrics", "both observers must score with the same rubric"),
        "CAL-THREE": ("three observations share this reference", "change the reference of the extra one"),
        "CAL-OTHER": ("do not look like one session (the practitioner differs)", "check the session reference"),
    }
    for _ in range(2):
        calibration_observation(store, registry, "Sam Observer", SAM, {}, ref="CAL-SAME")
    calibration_observation(store, registry, "Sam Observer", SAM, {}, ref="CAL-RUBRICS")
    calibration_observation(store, registry, "Alex Observer", {}, {}, rubric_id="jersey-interview-skills", ref="CAL-RUBRICS")
    for name in ("Sam Observer", "Alex Observer", "Jo Observer"):
        calibration_observation(store, registry, name, SAM, {}, ref="CAL-THREE")
    calibration_observation(store, registry, "Sam Observer", SAM, {}, ref="CAL-OTHER")
    calibration_observation(store, registry, "Alex Observer", ALEX, {}, practitioner="Kim Q", ref="CAL-OTHER")
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_calibration(pilot)
        assert sorted(s.session_ref for s in screen.sessions) == sorted(cases)
        for row, session in enumerate(screen.sessions):
            problem, advice = cases[session.session_ref]
            screen.query_one("#cal-list").move_cursor(row=row)
            app.clear_notifications()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, CalibrationScreen)
            [note] = [" ".join(n.message.split()) for n in app._notifications]
            assert problem in note.lower() and advice in note.lower(), note
            assert "once both observers have finalised" not in note, note  # not about finalising: both did


async def test_a_third_file_after_a_consensus_still_opens_the_recorded_consensus(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from seeds_tui.calibration.consensus import build_consensus, save_consensus

    sam_path, alex_path = make_pair(store, registry)
    sam, alex = store.read(sam_path), store.read(alex_path)
    agreed = {"beginning.agenda": Score(value=2), "role.confidentiality": Score(value=2), "role.authority": Score(value=2)}
    save_consensus(store, build_consensus(sam, alex, agreed, {k: f"why {k}" for k in agreed}))
    calibration_observation(store, registry, "Jo Observer", ALEX, {})  # later, a third file with the same reference
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_calibration(pilot)
        text = " ".join(screen_text(app).split())
        assert "three observations share this reference" in text
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ComparisonScreen)  # the agreed session is still reachable
        assert {screen.pair.first.id, screen.pair.second.id} == {sam.id, alex.id}
        text = " ".join(screen_text(app).split())
        assert "Consensus recorded" in text and "why beginning.agenda" in text and "Jo Observer" not in text
        assert any("three observations share this reference" in n.message.lower() for n in app._notifications)


async def test_recorded_consensus_is_shown_instead_of_a_second_one(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    from seeds_tui.calibration.consensus import build_consensus, save_consensus

    sam_path, alex_path = make_pair(store, registry)
    sam, alex = store.read(sam_path), store.read(alex_path)
    agreed = {"beginning.agenda": Score(value=2), "role.confidentiality": Score(value=2), "role.authority": Score(value=2)}
    why = {k: f"why {k}" for k in agreed}
    save_consensus(store, build_consensus(sam, alex, agreed, why))
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_calibration(pilot)
        assert "consensus recorded" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ComparisonScreen)
        text = " ".join(screen_text(app).split())
        assert "Consensus recorded" in text and "why beginning.agenda" in text
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ComparisonScreen)  # no second consensus offered
        assert any("already recorded" in n.message for n in app._notifications)


async def test_leaving_the_consensus_half_way_keeps_the_choices(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    make_pair(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_calibration(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("3", "e")
        await type_text(pilot, "Half way")
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmDialog"  # asks before leaving
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, ComparisonScreen)
        assert app.unsaved_consensus() == []  # leaving wrote the draft file at once
        [(_, on_disk)] = [(p, store.read(p)) for p in (store.consensus_dir / "drafts").glob("*.toml")]
        assert draft_choices(on_disk) == ({"beginning.agenda": Score(value=3)}, {"beginning.agenda": "Half way"})
        await pilot.press("a")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConsensusScreen)
        assert screen.consensus.agreed["beginning.agenda"] == Score(value=3)
        assert screen.consensus.rationale["beginning.agenda"] == "Half way"
        assert not list(store.consensus_dir.glob("*.toml"))


async def test_help_lists_the_calibration_keys(make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry) -> None:
    make_pair(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await steady(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert "Calibration: double-scored sessions" in screen_text(app)
        await pilot.press("escape")
        await open_calibration(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        text = screen_text(app)
        assert "agree the consensus" in text and "go to the items to discuss" in text


async def test_keys_typed_in_one_burst_land_where_they_belong(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    """A fast typist, a paste or tmux send-keys: every key reaches the list before e has moved the focus."""
    make_pair(store, registry)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_calibration(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        burst = [*"2eOnce, late", "escape", *"j1eNo limits given", "escape", *"j2"]
        for key in burst:
            app.post_message(events.Key({" ": "space", ",": "comma"}.get(key, key), None if key == "escape" else key))
        for _ in range(5):
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConsensusScreen)
        assert {k: s.value for k, s in screen.consensus.agreed.items()} == {
            "beginning.agenda": 2,
            "role.confidentiality": 1,
            "role.authority": 2,
        }
        assert screen.consensus.rationale == {"beginning.agenda": "Once, late", "role.confidentiality": "No limits given"}
        assert screen.focused is not None and screen.focused.id == "cons-items"


async def test_observers_who_agree_on_everything_record_their_scores_as_the_consensus(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    calibration_observation(store, registry, "Sam Observer", SAM, {})
    calibration_observation(store, registry, "Alex Observer", SAM, {})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_calibration(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert "To discuss (0" in screen_text(app) and "Nothing to discuss" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConsensusScreen) and "0 items to agree" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ComparisonScreen)
    [(_, consensus)] = load_consensus(store)
    assert isinstance(consensus, Observation) and consensus.consensus is not None
    assert consensus.consensus.rationale == {}
    assert consensus.score("beginning", "agenda").value == 3  # type: ignore[union-attr]


async def autosaved(pilot: Pilot) -> ConsensusScreen:
    """Wait (the real autosave timer and worker, no fixed sleep) until the consensus draft is written or failed."""
    screen = pilot.app.screen
    assert isinstance(screen, ConsensusScreen)
    deadline = time.monotonic() + 10
    while screen.consensus.autosave.active or (screen.consensus.dirty and screen.consensus.autosave.error is None):
        assert time.monotonic() < deadline, "the consensus autosave never finished"
        await asyncio.sleep(0.01)
    await pilot.pause()
    return screen


async def open_consensus(pilot: Pilot) -> ConsensusScreen:
    """Home → c → the ready pair → Enter → a."""
    await open_calibration(pilot)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("a")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ConsensusScreen)
    return screen


async def test_a_consensus_in_progress_survives_the_app_closing_unsaved_and_resumes(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    sam_path, alex_path = make_pair(store, registry)
    raw_before = sam_path.read_bytes(), alex_path.read_bytes()
    drafts = store.consensus_dir / "drafts"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_consensus(pilot)
        await pilot.press("2", "e")
        await type_text(pilot, "Brief")
        await pilot.press("escape", "j", "e")  # a rationale for an item whose level is not chosen yet
        await type_text(pilot, "Still talking")
        await pilot.press("escape", "j", "o")
        screen = await autosaved(pilot)
        assert "draft saved" in screen_text(app) and screen.consensus.autosave.error is None
        # On disk before the app closes: what a kill at this moment would leave.
        [path] = list(drafts.glob("*.toml"))
        assert draft_choices(store.read(path)) == (
            {"beginning.agenda": Score(value=2), "role.authority": Score(code="NO")},
            {"beginning.agenda": "Brief", "role.confidentiality": "Still talking"},
        )
        await pilot.press("e")
        await type_text(pilot, "Not seen")  # torn down before this autosave is due: the close writes it
    assert not list(store.consensus_dir.glob("*.toml"))  # nothing recorded: only a draft

    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_calibration(pilot)
        assert "consensus in progress" in screen_text(app)
        screen = await open_consensus(pilot)
        assert screen.consensus.agreed == {"beginning.agenda": Score(value=2), "role.authority": Score(code="NO")}
        assert screen.consensus.rationale == {
            "beginning.agenda": "Brief",
            "role.confidentiality": "Still talking",
            "role.authority": "Not seen",
        }
        text = screen_text(app)
        # On the first item not agreed yet, its rationale in the field; the agenda done, authority set to NO.
        assert "draft saved" in text and "Still talking" in text and "2 of 3 agreed" in text
        await pilot.press("1", "ctrl+s")  # the last level; every changed item has its rationale
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ComparisonScreen) and "Consensus recorded" in screen_text(app)

    [(recorded, consensus)] = load_consensus(store)
    assert recorded.parent == store.consensus_dir and recorded.name == path.name  # the draft's id
    assert isinstance(consensus, Observation) and consensus.consensus is not None
    assert consensus.consensus.rationale == {
        "beginning.agenda": "Brief",
        "role.confidentiality": "Still talking",
        "role.authority": "Not seen",
    }
    assert consensus.score("role", "confidentiality").value == 1  # type: ignore[union-attr]
    assert consensus.score("role", "authority").code == "NO"  # type: ignore[union-attr]
    assert not list(drafts.glob("*.toml"))  # the draft went once the record was written
    assert (sam_path.read_bytes(), alex_path.read_bytes()) == raw_before


async def test_a_blocked_drafts_folder_says_not_saved_and_keeps_everything(
    make_app: Callable[..., SeedsApp], store: Store, registry: RubricRegistry
) -> None:
    make_pair(store, registry)
    store.consensus_dir.mkdir(mode=0o700)
    blocker = store.consensus_dir / "drafts"
    blocker.write_text("a file where the drafts folder goes")
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_consensus(pilot)
        await pilot.press("3", "e")
        await type_text(pilot, "Kept")
        screen = await autosaved(pilot)
        assert screen.consensus.autosave.error is not None and "drafts" in screen.consensus.autosave.error
        assert "NOT SAVED" in screen_text(app)
        [told] = [n for n in app._notifications if n.title == "Consensus draft not saved"]  # told once, not per key
        assert "drafts" in told.message and "kept in memory" in told.message
        assert "Traceback" not in told.message
        assert app.unsaved_consensus() == [REF]

        await pilot.press("ctrl+q")  # quitting asks first: the changes are only in memory
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmDialog"
        assert "drafts" in app.screen.message and "only in memory" in app.screen.message  # type: ignore[attr-defined]
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConsensusScreen) and app.is_running

        blocker.unlink()  # the folder can be written again: the next change saves everything
        await pilot.press("escape", "j", "2")
        screen = await autosaved(pilot)
        assert screen.consensus.autosave.error is None and "draft saved" in screen_text(app)
        [path] = list(blocker.glob("*.toml"))
        assert draft_choices(store.read(path)) == (
            {"beginning.agenda": Score(value=3), "role.confidentiality": Score(value=2)},
            {"beginning.agenda": "Kept"},
        )
    assert not list(store.consensus_dir.glob("*.toml"))
