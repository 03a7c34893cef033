"""Keys typed in a burst land where the user meant them: the real app in a real pseudo-terminal.

Every burst below is written to the terminal in one write (0 ms between keys), as a fast
typist over SSH, tmux or a paste delivers it. The app must apply each key, in order, to the
item, field or list the user meant (``seeds_tui.tui.keys``). Before the keys were handled in
order, ``1 j 1 j 1 e`` lost ``j 1 j 1`` (the note went onto the first item, nothing scored),
and ``j 2 e`` lost the score.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pty_app import PtyApp, paste

from seeds_tui.calibration.consensus import draft_choices, load_consensus_draft
from seeds_tui.core.observation import Observation, load_observation
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX"), pytest.mark.xdist_group("pty")]


#: The first rubric on the list (Jersey-style checklist): section "setup" has items arrangements, purpose, review.
FIRST = ("setup", ["arrangements", "purpose", "review"])


def _quit_and_read(app: PtyApp, store: Path) -> Observation:
    app.write("\x11")  # Ctrl+Q: the draft is saved
    assert app.wait(30) == 0, app.text()[-2000:]
    [draft] = list((store / "drafts").glob("*.toml"))
    return load_observation(draft)


def _scores(obs: Observation) -> dict[str, tuple[int | None, str]]:
    return {f"{s}.{i}": (sc.value, sc.evidence) for s, items in obs.scores.items() for i, sc in items.items()}


@pytest.mark.parametrize("trial", range(6))
def test_levels_moves_and_a_note_typed_at_once_each_land_on_their_item(tmp_path: Path, trial: int) -> None:
    store = tmp_path / "store"
    with PtyApp(["--store", str(store)], cwd=tmp_path) as app:
        app.start_observation()
        app.write("1j1j1eburst note zqx")
        assert app.read_until("zqx"), "the note did not reach its dialog"
        app.write("\x1b")  # Esc: done, the note is kept
        app.settle(0.5)
        obs = _quit_and_read(app, store)
    section, (a, b, c) = FIRST
    assert _scores(obs) == {f"{section}.{a}": (1, ""), f"{section}.{b}": (1, ""), f"{section}.{c}": (1, "burst note zqx")}


@pytest.mark.parametrize("trial", range(4))
def test_a_move_a_level_and_a_note_typed_at_once_never_go_to_another_item(tmp_path: Path, trial: int) -> None:
    store = tmp_path / "store"
    with PtyApp(["--store", str(store)], cwd=tmp_path) as app:
        app.start_observation()
        app.write("j2enote for the second zqx")
        assert app.read_until("zqx")
        app.write("\x1b")
        app.settle(0.5)
        obs = _quit_and_read(app, store)
    section, (_, second, _) = FIRST
    assert _scores(obs) == {f"{section}.{second}": (2, "note for the second zqx")}


@pytest.mark.parametrize("trial", range(3))
def test_a_paste_straight_after_the_key_that_opens_a_note_goes_into_the_note(tmp_path: Path, trial: int) -> None:
    # A paste waits its turn like a key: it reached the item list (focused when it arrived) and was lost.
    store = tmp_path / "store"
    with PtyApp(["--store", str(store)], cwd=tmp_path) as app:
        app.start_observation()
        app.write(b"2e" + paste("pasted evidence zqx"))
        assert app.read_until("zqx"), "the paste did not reach the note"
        app.write("\x1b")
        app.settle(0.5)
        obs = _quit_and_read(app, store)
    section, (a, _, _) = FIRST
    assert _scores(obs) == {f"{section}.{a}": (2, "pasted evidence zqx")}


def test_the_whole_set_up_typed_at_once_fills_each_field_and_scores_the_first_item(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with PtyApp(["--store", str(store)], cwd=tmp_path) as app:
        assert app.read_until("New observation")
        app.write("n\rSam Observer\tAmy Hussain\tNorth\tRoutine\x132j0")
        assert app.read_until("clock")
        app.settle(1.0)
        obs = _quit_and_read(app, store)
    session = obs.session
    typed = (session.observer, session.practitioner, session.team, session.session_type)
    assert typed == ("Sam Observer", "Amy Hussain", "North", "Routine")
    section, (a, b, _) = FIRST
    assert _scores(obs) == {f"{section}.{a}": (2, ""), f"{section}.{b}": (0, "")}


def test_the_set_up_typed_at_once_with_enter_between_fields_fills_each_field(tmp_path: Path) -> None:
    """Enter moves on like Tab: a name typed straight after it is the next field's, never the last one's."""
    store = tmp_path / "store"
    with PtyApp(["--store", str(store)], cwd=tmp_path) as app:
        assert app.read_until("New observation")
        app.write("n\rSam Observer\rAmy Hussain\rNorth\rRoutine\x132j0")
        assert app.read_until("clock")
        app.settle(1.0)
        obs = _quit_and_read(app, store)
    session = obs.session
    assert (session.observer, session.practitioner, session.team, session.session_type) == (
        "Sam Observer",
        "Amy Hussain",
        "North",
        "Routine",
    )


def test_feedback_typed_straight_after_f3_reaches_the_self_assessment(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with PtyApp(["--store", str(store)], cwd=tmp_path) as app:
        app.start_observation()
        # F3 opens the feedback step; the Jersey rubric has no global ratings, so the self-assessment has the cursor.
        app.write("2\x1bORThey said it went well zqx")
        assert app.read_until("zqx")
        app.settle(0.5)
        mark = len(app.output)
        app.write("\x1b")  # Esc leaves the text for the strengths list (alone: Esc and a key at once is Alt+key)
        app.settle(0.3)
        app.write("\r")  # Enter adds a strength
        assert app.read_until("Cancel throws it away", since=mark)
        app.write("Clear agenda zqy\x13")  # typed at once into the new strength, Ctrl+S keeps it
        app.settle(1.0)
        obs = _quit_and_read(app, store)
    assert obs.feedback.self_assessment == "They said it went well zqx"
    assert [n.text for n in obs.feedback.strengths] == ["Clear agenda zqy"]
    section, (a, _, _) = FIRST
    assert _scores(obs)[f"{section}.{a}"] == (2, "")


def test_consensus_keys_and_rationale_typed_at_once_are_kept_in_order(tmp_path: Path) -> None:
    import importlib.util

    # The calibration screen's tests build the pair (tests/test_calibration.py shares the module name, so by path).
    spec = importlib.util.spec_from_file_location("tui_calibration_cases", Path(__file__).with_name("test_calibration.py"))
    assert spec is not None and spec.loader is not None
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    ALEX, SAM, calibration_observation = cases.ALEX, cases.SAM, cases.calibration_observation

    store_dir = tmp_path / "store"
    store, registry = Store(store_dir), RubricRegistry.default()
    (_, first) = calibration_observation(store, registry, "Sam", SAM, {})
    (_, second) = calibration_observation(store, registry, "Alex", ALEX, {})
    with PtyApp(["--store", str(store_dir)], cwd=tmp_path) as app:
        assert app.read_until("observations")
        app.settle(0.5)
        app.write("c")
        assert app.read_until("ready to compare")
        app.write("\r")
        assert app.read_until("Comparison")
        app.settle(0.3)
        # The first item to agree is the one two levels apart (beginning.agenda: 3 against 1).
        app.write("a2eBoth saw half of it zqx")
        assert app.read_until("zqx")
        app.settle(1.0)
        app.write("\x11")
        assert app.wait(30) == 0, app.text()[-2000:]
    found = load_consensus_draft(store, first.id, second.id)
    assert found is not None, "the consensus in progress was not saved"
    scores, rationale = draft_choices(found[1])
    assert scores["beginning.agenda"].value == 2
    assert rationale == {"beginning.agenda": "Both saw half of it zqx"}
