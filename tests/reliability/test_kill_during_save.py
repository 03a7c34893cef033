"""Kill during save: a process saving through the real Store, SIGKILLed at random moments.

After every batch of kills each file under a final name parses, is whole and self-consistent
(its note repeats its own revision), and every save the child reported as done (it writes a
line only after ``save_draft``/``save_correction`` returned) is on disk at that revision or
later. Leftover temp files are ignored by every reader and removed by the next start.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from harness import figure, kill_during_save, temp_files

from seeds_tui.cli import main
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.importer import import_files
from seeds_tui.storage.store import Store


def _kills(tmp_path: Path, kills: int) -> dict[str, int]:
    result = kill_during_save(tmp_path, kills=kills)
    figure(
        "kill-during-save",
        f"{result['kills']} kills, {result['saves']} saves reported, {result['torn']} torn, {result['lost']} lost, "
        f"{result['temp_left']} temp files left, {result['files_checked']} file checks",
        **result,
    )
    assert result["lost"] == 0
    assert result["saves"] >= kills, "the child really was saving when killed"
    return result


def test_a_few_kills_lose_nothing(tmp_path: Path) -> None:
    """Default run: 20 kills over one store."""
    _kills(tmp_path, 20)


@pytest.mark.slow
def test_three_hundred_kills_lose_nothing_and_leftovers_are_ignored_then_cleaned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """300 kills; then every reader skips the leftover temp files and the next start removes them."""
    result = _kills(tmp_path, 300)
    store = Store(tmp_path / "store")
    rubrics = tmp_path / "rubrics"
    _readers_ignore_and_start_cleans(store, rubrics, capsys, expect_leftovers=result["temp_left"])


def test_leftover_temp_files_are_ignored_by_readers_and_cleaned_on_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Planted leftovers (as a kill between write and rename leaves them) in every folder."""
    kill_during_save(tmp_path, kills=1)
    store = Store(tmp_path / "store")
    folders = (store.draft_dir, store.final_dir, store.history_dir, store.consensus_dir / "drafts")
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".tmp-01J00000000000000000000000.toml.dead1234").write_bytes(b'schema = "seeds-observation/2"\nrevis')
        (folder / ".tmp-01J00000000000000000000001.toml.dead5678").write_bytes(b"")
    _readers_ignore_and_start_cleans(store, tmp_path / "rubrics", capsys, expect_leftovers=2 * len(folders))


def _readers_ignore_and_start_cleans(store: Store, rubrics: Path, capsys: pytest.CaptureFixture[str], *, expect_leftovers: int) -> None:
    earlier = capsys.readouterr().out
    with capsys.disabled():
        print(earlier, end="")  # the kill figure, printed before capsys was read
    leftovers = temp_files(store)
    assert len(leftovers) >= expect_leftovers
    # Store.files and the summary cache never list them.
    assert not any(f.path.name.startswith(".") for f in store.files())
    # validate over the whole store: every file valid.
    assert main(["validate", str(store.root), "--rubrics", str(rubrics), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["invalid"] == 0
    # import of the whole store into another: nothing invalid.
    copy = import_files([store.root], store.root.parent / "copy", RubricRegistry([rubrics]))
    assert copy.counts["invalid"] == 0 and copy.counts["conflict"] == 0
    # A fresh temp file (a save in flight elsewhere) survives a start; old ones are removed.
    fresh = store.draft_dir / ".tmp-in-flight.toml.0000abcd"
    fresh.write_bytes(b"half")
    old = time.time() - 3600
    for path in leftovers:
        os.utime(path, (old, old))
    # The summary command is a start: it opens the store, cleans, and reads nothing torn.
    assert main(["summary", "--store", str(store.root), "--rubrics", str(rubrics), "--threshold", "3", "--strict"]) in (0, 1)
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "could not be read" not in out.err
    assert temp_files(store) == [fresh], "old leftovers removed, the in-flight one kept"
    assert store.clean_temp_files() == 0
    figure(
        "temp-cleanup",
        f"{len(leftovers)} leftover temp files ignored by files/validate/import/summary, all removed on start; 1 in-flight temp kept",
        removed=len(leftovers),
    )
