"""Read-only, vanished and blocked store folders: a clear message naming the folder, nothing lost.

Root ignores file modes, so as root the store lives on a small tmpfs remounted read-only;
otherwise the folders are made read-only with chmod. Commands that only read a store keep
working on a read-only one (that is the point of reading); commands that write (import, demo)
exit 1 naming the folder. On a store folder that has gone, every reading command exits 1
naming it; nothing ever ends in a traceback. The real command line runs in subprocesses in
the slow run and in-process (same code path, same exit codes) in the default run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Runner, figure, mounted_tmpfs, remount_read_only, tree
from helpers_core import draft, observation_text, scored, small_rubric

from seeds_tui.core.errors import StoreError
from seeds_tui.storage.store import Store


def _fill(store: Store, rubric_dir: Path) -> None:
    rubric = small_rubric(rubric_dir)
    for n in range(4):
        obs = store.save_draft(scored(draft(practitioner=f"Practitioner {n}")))
        store.finalise(obs, rubric)
    store.save_draft(scored(draft()))


@contextlib.contextmanager
def read_only_store(tmp_path: Path, rubric_dir: Path) -> Iterator[Store]:
    """A filled store that refuses writes: a tmpfs remounted read-only (root) or chmod 0500 folders."""
    if os.geteuid() == 0:
        with mounted_tmpfs(tmp_path / "ro", size="4m") as root:
            if root is None:
                pytest.skip("cannot mount a tmpfs to make a read-only store as root")
            store = Store(root / "store")
            _fill(store, rubric_dir)
            if not remount_read_only(root):
                pytest.skip("cannot remount the tmpfs read-only")
            yield store
        return
    store = Store(tmp_path / "store")
    _fill(store, rubric_dir)
    folders = [store.root, *[p for p in store.root.rglob("*") if p.is_dir()]]
    for folder in folders:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        yield store
    finally:
        for folder in folders:
            folder.chmod(0o700)


def _incoming(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "one.toml").write_text(observation_text(scored(draft())), encoding="utf-8")
    return inbox


def test_read_only_store(run: Runner, tmp_path: Path, rubric_dir: Path) -> None:
    """Readers work; writers exit 1 naming the folder; the store is unchanged; no traceback."""
    inbox = _incoming(tmp_path)
    with read_only_store(tmp_path, rubric_dir) as store:
        before = tree(store.root)
        common = ["--store", str(store.root), "--rubrics", str(rubric_dir)]
        readers = {
            "validate": ["validate", str(store.root), "--rubrics", str(rubric_dir)],
            "summary": ["summary", *common, "--threshold", "3"],
            "export": ["export", *common, "-o", str(tmp_path / "out.csv")],
            # The labels' key cannot be stored: this run's labels use a one-off key (documented).
            "export --pseudonymise": ["export", *common, "--pseudonymise", "-o", str(tmp_path / "p.csv")],
        }
        writers = {
            "import": ["import", str(inbox), *common],
            "demo": ["demo", "--store", str(store.root), "--observations", "5"],
        }
        for name, args in readers.items():
            code, out, err = run(args)
            assert code == 0, f"{name}: {err}"
            assert "Traceback" not in out + err
        refused = 0
        for name, args in writers.items():
            code, out, err = run(args)
            assert "Traceback" not in out + err, name
            assert code == 1, f"{name} exit {code}: {err}"
            assert str(store.root) in err and ("not writable" in err or "permission denied" in err or "read-only" in err.lower()), (
                f"{name}: {err}"
            )
            refused += 1
        assert tree(store.root) == before, "nothing in the store changed"
    figure(
        "read-only-store",
        f"{len(readers)} reading commands worked, {refused} writing commands exited 1 naming the folder, 0 tracebacks, 0 files changed",
        readers=len(readers),
        refused=refused,
    )


def test_vanished_store(run: Runner, tmp_path: Path, rubric_dir: Path) -> None:
    """The store folder has gone: every command reading it exits 1 naming the folder; no traceback."""
    store = Store(tmp_path / "store")
    _fill(store, rubric_dir)
    shutil.rmtree(store.root)
    common = ["--store", str(store.root), "--rubrics", str(rubric_dir)]
    commands = {
        "validate": ["validate", str(store.root), "--rubrics", str(rubric_dir)],
        "summary": ["summary", *common, "--threshold", "3"],
        "export": ["export", *common, "-o", str(tmp_path / "out.csv")],
        "import (from it)": ["import", str(store.root), "--store", str(tmp_path / "other"), "--rubrics", str(rubric_dir)],
        "report": ["report", str(store.final_dir / "01J0000000000000000000000A.toml")],
    }
    for name, args in commands.items():
        code, out, err = run(args)
        assert "Traceback" not in out + err, name
        assert code == 1, f"{name} exit {code}: {err}"
        assert str(store.root) in out + err, f"{name}: {out}{err}"
    assert not (tmp_path / "out.csv").exists()
    figure("vanished-store", f"{len(commands)} commands exited 1 naming the folder, 0 tracebacks", commands=len(commands))


def test_blocked_store_folder(run: Runner, tmp_path: Path, rubric_dir: Path) -> None:
    """A file where the store folder should be: writers exit 1 naming it (works as root too)."""
    blocker = tmp_path / "store"
    blocker.write_text("not a folder", encoding="utf-8")
    inbox = _incoming(tmp_path)
    for args in (
        ["import", str(inbox), "--store", str(blocker), "--rubrics", str(rubric_dir)],
        ["demo", "--store", str(blocker), "--observations", "3"],
        ["summary", "--store", str(blocker), "--rubrics", str(rubric_dir)],
    ):
        code, out, err = run(args)
        assert code == 1 and "Traceback" not in out + err, (args, err)
        assert str(blocker) in err, (args, err)
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_store_removed_under_the_writer_is_made_again_and_nothing_is_lost(tmp_path: Path) -> None:
    """A store folder deleted while someone scores: the next save makes the folders again and saves all."""
    store = Store(tmp_path / "store")
    saved = store.save_draft(scored(draft()))
    shutil.rmtree(store.root)
    mine = saved.model_copy(update={"section_notes": {"structure": "kept"}})
    with pytest.raises(StoreError, match="removed or finalised"):
        store.save_draft(mine)  # the draft it knew has gone: refused, the caller keeps its data
    aside = store.keep_aside(mine)
    assert store.read(aside).section_notes == {"structure": "kept"}


async def test_app_on_a_store_turned_read_only(tmp_path: Path, bundled_registry, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The store's filesystem turns read-only mid-session: NOT SAVED, folder named, kept in memory; then saved."""
    import subprocess

    from screen_text import screen_text
    from tui_helpers import FROZEN, TODAY, FakeClock, set_up, settle

    from seeds_tui.core.observation import load_observation
    from seeds_tui.tui.app import create_app

    with mounted_tmpfs(tmp_path / "ro", size="4m") as root:
        if root is None:
            pytest.skip("needs root to mount a tmpfs and remount it read-only (chmod does not stop root)")
        store = Store(root / "store")
        app = create_app(store, bundled_registry, today=TODAY, clock_source=FakeClock(), now_fn=lambda: FROZEN, autosave_delay=0.05)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await set_up(pilot, "seed-one-to-one")
            await pilot.press("2")
            await settle(pilot)
            session = app.session
            assert session is not None
            path = store.draft_path(session.observation.id)
            before = path.read_bytes()
            assert remount_read_only(root)
            await pilot.press("down", "3")
            await session.wait_autosaved()
            await pilot.pause()
            assert session.state == "unsaved"
            assert str(store.root) in (session.error or "") and "not writable" in (session.error or "")
            assert ".lock" not in (session.error or ""), "the message names the folder, not an internal file"
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert errors and "kept in memory" in errors[-1]
            assert "NOT SAVED" in screen_text(app)
            assert path.read_bytes() == before
            subprocess.run(["mount", "-o", "remount,rw", str(root)], check=True)
            await pilot.press("down", "1")
            await session.wait_autosaved()
            await pilot.pause()
            assert session.state == "saved"
        saved = load_observation(path)
        assert {k: v.value for k, v in saved.scores["beginning"].items()} == {"welcome": 2, "review": 3, "agenda": 1}
