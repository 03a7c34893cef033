"""A writer killed with SIGKILL in the middle of a burst of saves never leaves a torn file.

A child process saves drafts in a tight loop (notes of changing length, so each write
takes a different time); the test kills it at random moments, several times over the same
store, then checks every ``.toml`` file parses, is complete and self-consistent, and that
nothing but observation files (and hidden temp files) was left behind.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers_core import draft

from seeds_tui.core.observation import load_observation
from seeds_tui.storage.store import Store

REPO = Path(__file__).resolve().parents[1]

WRITER = r"""
import sys
from pathlib import Path
from seeds_tui.storage.store import Store
root, ids = sys.argv[1], sys.argv[2].split(",")
store = Store(root)
drafts = [store.load(i) for i in ids]
n = 0
while True:
    for pos, obs in enumerate(drafts):
        n += 1
        # The note repeats one stamp, so a torn or mixed file cannot pass the check.
        stamp = f"{obs.revision + 1:09d};"
        note = stamp * (1 + (n * 37) % 2000)
        drafts[pos] = store.save_draft(obs.model_copy(update={"section_notes": {"structure": note}}))
        if n == 1:
            Path(root, ".started").touch()
"""


def _check_store(store: Store, expected_ids: set[str]) -> dict[str, int]:
    revisions = {}
    for path in sorted(store.root.rglob("*")):
        relative = path.relative_to(store.root)
        hidden = any(part.startswith(".") for part in relative.parts)
        if path.is_dir() or hidden:
            continue
        assert path.suffix == ".toml" and path.parent == store.draft_dir, f"stray file {relative}"
        assert path.stat().st_size > 0, f"empty file {relative}"
        obs = load_observation(path)
        note = obs.section_notes.get("structure", "")
        if obs.revision > 1:
            stamp = f"{obs.revision:09d};"
            assert note and note == stamp * (len(note) // len(stamp)), f"inconsistent note in {relative}"
        revisions[obs.id] = obs.revision
    assert set(revisions) == expected_ids
    return revisions


@pytest.mark.slow
def test_sigkill_during_saves_leaves_no_torn_file(tmp_path: Path) -> None:
    """Kill the writer at random moments five times; every file is whole each time."""
    store = Store(tmp_path / "store")
    ids = [store.save_draft(draft()).id for _ in range(3)]
    rng = random.Random(20261123)
    last = {i: 1 for i in ids}
    reads = 0
    for _ in range(5):
        started = store.root / ".started"
        started.unlink(missing_ok=True)
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(store.root), ",".join(ids)], cwd=REPO, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not started.exists():
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.005)
        # Read while the writer writes: a reader never sees a half-written file.
        until = time.monotonic() + rng.uniform(0.0, 0.25)
        while time.monotonic() < until:
            for stored in store.files():
                reads += 1
                assert load_observation(stored.path).id == stored.id
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        revisions = _check_store(store, set(ids))
        for obs_id, revision in revisions.items():
            assert revision >= last[obs_id], "no save was lost"
        last = revisions
    assert sum(last.values()) > 3 * 5, "the writer really was saving when killed"
    assert reads > 0
    # Temp files a kill left behind are hidden, so no reader ever lists them.
    assert [f.path.parent for f in store.files()] == [store.draft_dir] * 3
