"""Parallel writers and two editors of one observation, through the real Store in real processes.

* Parallel writers: N processes each create and finalise observations in one store while the
  real CLI imports from it and summarises it: every finalised id is on disk exactly once, no
  reader ever meets a partial file, the import's counts only grow.
* Two editors: two threads (or processes) save the same revision of one draft at once: every
  time one save lands and the other gets ``ConflictError`` (its data still in its hands);
  never a silent overwrite. Through the app's path the losing version goes to conflicts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import figure, parallel_writers, two_editors
from helpers_core import draft

from seeds_tui.core.errors import ConflictError
from seeds_tui.storage.store import Store


def _writers(tmp_path: Path, writers: int, each: int) -> None:
    result = parallel_writers(tmp_path, writers=writers, each=each)
    figure(
        "parallel-writers",
        f"{result['writers']} processes x {result['each']} = {result['files']} files, {result['collisions']} collisions, "
        f"{result['lost']} lost, {result['reader_runs']} import/summary runs meanwhile, "
        f"{len(result['reader_problems'])} partial reads, {result['seconds']} s",
        **{k: v for k, v in result.items() if k != "reader_problems"},
    )
    assert result["failed_writers"] == []
    assert result["files"] == writers * each == result["reported"]
    assert result["collisions"] == 0 and result["lost"] == 0 and result["drafts_left"] == 0
    assert result["reader_problems"] == []
    assert result["imports_only_grow"]
    assert result["reader_runs"] >= 2, "the readers really ran while the writers wrote"


def test_a_few_parallel_writers(tmp_path: Path) -> None:
    """Default run: 4 processes x 15 observations, with the CLI reading meanwhile."""
    _writers(tmp_path, 4, 15)


@pytest.mark.slow
def test_eight_writers_two_thousand_files(tmp_path: Path) -> None:
    """8 processes x 250 observations: 2,000 files, 0 collisions, 0 lost; import and summary meanwhile."""
    _writers(tmp_path, 8, 250)


@pytest.mark.parametrize(("processes", "rounds"), [(False, 100), (True, 20)])
def test_two_editors_one_wins_one_is_told(tmp_path: Path, processes: bool, rounds: int) -> None:
    """Every round: one save, one ConflictError, the file holds the winner's text."""
    result = two_editors(tmp_path, rounds=rounds, processes=processes)
    kind = "processes" if processes else "threads"
    figure(
        f"two-editors-{kind}",
        f"{result['rounds']} rounds, {result['conflicts']} conflicts detected, {result['silent_overwrites']} silent overwrites",
        **result,
    )
    assert result["saves"] == result["conflicts"] == rounds
    assert result["silent_overwrites"] == 0


@pytest.mark.slow
def test_two_editing_processes_many_rounds(tmp_path: Path) -> None:
    """200 rounds of two processes racing."""
    result = two_editors(tmp_path, rounds=200, processes=True)
    figure(
        "two-editors-processes-slow",
        f"{result['rounds']} rounds, {result['conflicts']} conflicts detected, {result['silent_overwrites']} silent overwrites",
        **result,
    )
    assert result["saves"] == result["conflicts"] == 200 and result["silent_overwrites"] == 0


def test_racing_finalise_and_correction_are_conflicts(tmp_path: Path, rubric_dir: Path) -> None:
    """A stale copy never finalises over a final, nor corrects over a newer correction; the caller keeps its data."""
    from helpers_core import scored, small_rubric

    rubric = small_rubric(rubric_dir)
    store = Store(tmp_path / "store")
    obs = store.save_draft(scored(draft()))
    first, _ = store.finalise(obs, rubric)
    stale = obs.model_copy(update={"section_notes": {"structure": "my version"}})
    with pytest.raises(ConflictError):
        store.finalise(stale, rubric)
    assert stale.section_notes["structure"] == "my version"
    a = first.model_copy(update={"section_notes": {"structure": "correction A"}})
    b = first.model_copy(update={"section_notes": {"structure": "correction B"}})
    store.save_correction(a, rubric)
    with pytest.raises(ConflictError):
        store.save_correction(b, rubric)
    assert store.load(first.id).section_notes["structure"] == "correction A"
    # The loser keeps its version aside, as the app does: both versions are on disk.
    aside = store.keep_aside(b, "unsaved")
    assert store.read(aside).section_notes["structure"] == "correction B"
    assert (store.history_dir / f"{first.id}.r{first.revision}.toml").is_file()
