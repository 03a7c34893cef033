"""Disk full and I/O errors: injected ENOSPC / EIO on write and fsync, and a real full tmpfs.

Every save through the store (draft, finalise, correction, keep-aside, import) is reported
failed with a ``StoreError`` naming the file, the previous version stays byte-identical and
no temp file is left. In the app, the draft stays in memory, the screen says the save failed
and that the work is kept in memory, and the next save after the fault clears writes it all.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import figure, mounted_tmpfs, temp_files, tree
from helpers_core import draft, observation_text, scored, small_rubric

from seeds_tui.core.errors import ConflictError, StoreError
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage import atomic
from seeds_tui.storage.importer import import_files
from seeds_tui.storage.store import Store

FAULTS = {
    "write ENOSPC": ("write", errno.ENOSPC, "the disk is full"),
    "write EIO": ("write", errno.EIO, "Input/output error"),
    "write EDQUOT": ("write", errno.EDQUOT, "the disk is full"),
    "fsync ENOSPC": ("fsync", errno.ENOSPC, "the disk is full"),
    "fsync EIO": ("fsync", errno.EIO, "Input/output error"),
    "short write then ENOSPC": ("short-write", errno.ENOSPC, "the disk is full"),
}


@contextlib.contextmanager
def faulty_disk(monkeypatch: pytest.MonkeyPatch, under: Path, how: str, code: int) -> Iterator[list[int]]:
    """Make os.write or os.fsync fail with ``code`` for files below ``under`` only (other fds work).

    Yields a list that counts the faults injected. ``short-write`` writes half the bytes first
    (a partly filled temp file), then fails.
    """
    real_write, real_fsync = os.write, os.fsync
    hits: list[int] = []
    prefix = str(under.resolve())

    def ours(fd: int) -> bool:
        try:
            return os.readlink(f"/proc/self/fd/{fd}").startswith(prefix)
        except OSError:
            return False

    def write(fd: int, data: bytes) -> int:
        if how in ("write", "short-write") and ours(fd):
            if how == "short-write" and len(data) > 1 and not hits:
                hits.append(0)
                return real_write(fd, bytes(data[: len(data) // 2]))
            hits.append(1)
            raise OSError(code, os.strerror(code))
        return real_write(fd, data)

    def fsync(fd: int) -> None:
        if how == "fsync" and ours(fd):
            hits.append(1)
            raise OSError(code, os.strerror(code))
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "write", write)
    monkeypatch.setattr(atomic.os, "fsync", fsync)
    try:
        yield hits
    finally:
        monkeypatch.setattr(atomic.os, "write", real_write)
        monkeypatch.setattr(atomic.os, "fsync", real_fsync)


def _operations(store: Store, rubric_dir: Path, tmp_path: Path) -> dict[str, tuple[Callable[[], object], Path]]:
    """Each way the store writes, with the file it would change (set up so each has a previous version)."""
    rubric = small_rubric(rubric_dir)
    d = store.save_draft(scored(draft()))
    f = store.save_draft(scored(draft()))
    final, _ = store.finalise(store.save_draft(scored(draft())), rubric)
    big = {"section_notes": {"structure": "x" * 15_000}}
    incoming = tmp_path / "inbox"
    incoming.mkdir(parents=True, exist_ok=True)
    (incoming / "new.toml").write_text(
        observation_text(scored(draft()).model_copy(update={"status": "final", "finalised": final.finalised, "revision": 2})),
        encoding="utf-8",
    )
    registry = RubricRegistry([rubric_dir])
    return {
        "save draft": (lambda: store.save_draft(d.model_copy(update=big)), store.draft_path(d.id)),
        "finalise": (lambda: store.finalise(f, rubric), store.draft_path(f.id)),
        "save correction": (lambda: store.save_correction(final.model_copy(update=big), rubric), store.final_path(final.id)),
        "keep aside": (lambda: store.keep_aside(d.model_copy(update=big), "unsaved"), store.draft_path(d.id)),
        "import": (lambda: import_files([incoming], store, registry), store.final_path(final.id)),
    }


@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_write_fails_cleanly_and_keeps_the_previous_version(
    fault: str, tmp_path: Path, rubric_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five kinds of save x six faults: StoreError naming the file, nothing changed, no temp file."""
    how, code, words = FAULTS[fault]
    failed = 0
    store = Store(tmp_path / "store")
    for name, (operation, _) in _operations(store, rubric_dir, tmp_path).items():
        before = tree(store.root)
        with faulty_disk(monkeypatch, store.root, how, code) as hits, pytest.raises(StoreError) as caught:
            operation()
        assert hits, f"{name}: the fault was really injected"
        assert not isinstance(caught.value, ConflictError)
        message = str(caught.value)
        assert words in message, f"{name}: {message}"
        assert str(store.root) in message, f"{name}: the message names the file: {message}"
        assert "Traceback" not in message
        after = tree(store.root)
        # Nothing under a final name changed; only folders a save creates (empty) may be new.
        assert {k: v for k, v in after.items() if v is not None} == {k: v for k, v in before.items() if v is not None}, name
        assert temp_files(store) == [], f"{name}: no temp file left behind"
        failed += 1
    figure(f"disk-fault {fault}", f"{failed} kinds of save failed cleanly, 0 changed files, 0 temp files left", saves=failed)


def test_after_the_fault_clears_the_next_save_writes_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller still holds its data after a failed save; saving it again once the disk has room works."""
    store = Store(tmp_path / "store")
    saved = store.save_draft(scored(draft()))
    mine = saved.model_copy(update={"section_notes": {"structure": "an hour of notes"}})
    with faulty_disk(monkeypatch, store.root, "write", errno.ENOSPC), pytest.raises(StoreError):
        store.save_draft(mine)
    again = store.save_draft(mine)
    assert store.load(saved.id).section_notes == {"structure": "an hour of notes"}
    assert again.revision == saved.revision + 1


def test_a_real_full_filesystem(tmp_path: Path, rubric_dir: Path) -> None:
    """A 512 KiB tmpfs filled to the brim: every kind of save fails cleanly; after freeing space all work."""
    with mounted_tmpfs(tmp_path / "small") as root:
        if root is None:
            pytest.skip("mounting a tmpfs needs root (and permission); the injected faults above cover the same paths")
        ops = {}
        for name in ("save draft", "save correction", "keep aside", "import"):
            store = Store(root / name.replace(" ", "-"))
            ops[name] = (store, _operations(store, rubric_dir, tmp_path / name.replace(" ", "-"))[name][0])
        filler = root / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
        os.close(fd)
        failed = 0
        for name, (store, operation) in ops.items():
            before = tree(store.root)
            with pytest.raises(StoreError, match="the disk is full") as caught:
                operation()
            assert str(store.root) in str(caught.value), name
            assert {k: v for k, v in tree(store.root).items() if v is not None} == {k: v for k, v in before.items() if v is not None}
            assert temp_files(store) == [], name
            failed += 1
        filler.unlink()
        for _store, operation in ops.values():
            operation()  # room again: each save works
        figure(
            "disk-full tmpfs",
            f"{failed} kinds of save refused on a full 512 KiB tmpfs, 0 changed files; all saved after freeing space",
            saves=failed,
        )


async def test_app_keeps_the_draft_in_memory_on_a_full_disk_and_saves_it_later(
    make_app: Callable[..., object], store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scoring on a disk that fills up: NOT SAVED on screen, 'kept in memory' said, file unchanged; then all saved."""
    from screen_text import screen_text
    from tui_helpers import set_up, settle

    from seeds_tui.core.observation import load_observation

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:  # type: ignore[attr-defined]
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2")
        await settle(pilot)
        session = app.session  # type: ignore[attr-defined]
        path = store.draft_path(session.observation.id)
        before = path.read_bytes()
        with faulty_disk(monkeypatch, store.root, "fsync", errno.ENOSPC) as hits:
            await pilot.press("down", "3")
            await session.wait_autosaved()
            await pilot.pause()
            assert hits
            assert session.state == "unsaved"
            assert "the disk is full" in (session.error or "")
            errors = [n.message for n in app._notifications if n.severity == "error"]  # type: ignore[attr-defined]
            assert errors and "the disk is full" in errors[-1] and "kept in memory" in errors[-1]
            assert "NOT SAVED" in screen_text(app)
            assert path.read_bytes() == before, "the previous version is byte-identical"
            assert temp_files(store) == []
            assert session.observation.scores["beginning"]["review"].value == 3
        await pilot.press("down", "1")
        await session.wait_autosaved()
        await pilot.pause()
        assert session.state == "saved"
        assert "NOT SAVED" not in screen_text(app)
    saved = load_observation(path)
    assert {k: v.value for k, v in saved.scores["beginning"].items()} == {"welcome": 2, "review": 3, "agenda": 1}
    figure("app-disk-full", "draft kept in memory and said so on screen; previous file byte-identical; next save wrote all 3 scores")


async def test_app_refuses_to_save_a_note_it_could_not_read_back(make_app: Callable[..., object], store: Store) -> None:
    """A note past its 20,000-character cap is never written into an unreadable draft: the edit is refused with a
    plain message (the text fields keep to the cap themselves), and the draft stays saved."""
    from tui_helpers import set_up, settle

    from seeds_tui.core.observation import load_observation
    from seeds_tui.tui.controllers.session import TooLong

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:  # type: ignore[attr-defined]
        await pilot.pause()
        await set_up(pilot, "seed-one-to-one")
        await pilot.press("2")
        await settle(pilot)
        session = app.session  # type: ignore[attr-defined]
        path = store.draft_path(session.observation.id)
        section = session.section.id
        with pytest.raises(TooLong, match="at most 20,000 characters"):
            session.set_section_note(section, "n" * 20_001)
        assert await session.flush()
        await pilot.pause()
        assert session.state == "saved"
        assert load_observation(path).section_notes == {}, "the file on disk is the last good version and still opens"
        session.set_section_note(section, "n" * 20_000)
        assert await session.flush()
    assert load_observation(path).section_notes[section] == "n" * 20_000
