"""The store: atomic, owner-only saves, revision checks, drafts and final files.

Faults are real where the machine allows it: a 256 KiB tmpfs filled to the brim for a
full disk, a read-only remount for a folder that refuses writes (root ignores chmod).
Where mounting is not permitted the real-filesystem tests skip and say why; the
injected-fault tests (``os.fsync`` failing) always run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers_core import SECRET, draft, scored, small_rubric

from seeds_tui.core.errors import ConflictError, ObservationError, StoreError
from seeds_tui.core.observation import Observation, Score, load_observation, new_id
from seeds_tui.storage import atomic
from seeds_tui.storage.store import Store

REPO = Path(__file__).resolve().parents[1]


def mode(path: Path) -> int:
    """The permission bits of ``path``."""
    return stat.S_IMODE(path.stat().st_mode)


def visible_files(root: Path) -> list[Path]:
    """Every non-hidden file under ``root`` (temp files are hidden)."""
    return sorted(p for p in root.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))


# -- modes, names, listing ----------------------------------------------------------------


def test_new_files_and_folders_are_owner_only(tmp_path: Path) -> None:
    """0600 files and 0700 folders, including missing parents, whatever the umask."""
    old = os.umask(0)
    try:
        store = Store(tmp_path / "deep" / "er" / "store")
        saved = store.save_draft(draft())
        _, final_path = store.finalise(scored(saved), small_rubric(tmp_path / "r"))
    finally:
        os.umask(old)
    for folder in (tmp_path / "deep", tmp_path / "deep" / "er", store.root, store.draft_dir, store.final_dir, store.lock_dir):
        assert mode(folder) == 0o700, folder
    assert mode(final_path) == 0o600
    assert mode(store.lock_dir / f"{saved.id}.lock") == 0o600
    second = store.save_draft(draft())
    assert mode(store.draft_path(second.id)) == 0o600


def test_names_are_unique_sortable_and_leak_nothing(tmp_path: Path) -> None:
    """File names are ULIDs: 26 safe characters, sortable by creation time, no personal data."""
    store = Store(tmp_path)
    earlier = [new_id(1_700_000_000_000 + n) for n in range(50)]
    assert earlier == sorted(earlier)
    assert len(set(new_id(5) for _ in range(1000))) == 1000
    saved = store.save_draft(draft(team="Team North", observer="Sam Observer"))
    name = store.draft_path(saved.id).name
    assert name == f"{saved.id}.toml"
    assert len(saved.id) == 26 and saved.id.isalnum() and saved.id.isupper()
    for personal in (SECRET, "North", "Sam", "2026"):
        assert personal not in name
    with pytest.raises(StoreError, match="not an observation id"):
        store.draft_path("../../etc/passwd")


def test_files_skips_temp_hidden_and_foreign_entries(tmp_path: Path) -> None:
    """Readers list only real observation files: no temp files, folders, or other names."""
    store = Store(tmp_path)
    saved = store.save_draft(draft())
    (store.draft_dir / f".tmp-{saved.id}.toml.abcd1234").write_text("torn", encoding="utf-8")
    (store.draft_dir / ".hidden.toml").write_text("x", encoding="utf-8")
    (store.draft_dir / "notes.txt").write_text("x", encoding="utf-8")
    (store.draft_dir / "folder.toml").mkdir()
    assert [f.path for f in store.files()] == [store.draft_path(saved.id)]
    assert [p for p, _ in store.drafts()] == [store.draft_path(saved.id)]


def test_files_newest_first_and_iter_reports_broken_files(tmp_path: Path) -> None:
    """Newest first within drafts and finals; a damaged file is yielded as its error."""
    store = Store(tmp_path)
    rubric = small_rubric(tmp_path / "r")
    first = store.save_draft(draft())
    time.sleep(0.002)
    second = store.save_draft(draft())
    final, _ = store.finalise(scored(first), rubric)
    assert [f.id for f in store.files()] == [second.id, final.id]
    assert [f.status for f in store.files()] == ["draft", "final"]
    broken = store.final_dir / f"{new_id()}.toml"
    broken.write_text(f'practitioner = "{SECRET}"\nrevision = "x"\n', encoding="utf-8")
    results = dict(store.iter_observations())
    assert isinstance(results[broken], ObservationError)
    assert SECRET not in str(results[broken])
    assert isinstance(results[store.final_path(final.id)], Observation)


# -- saving and revisions -----------------------------------------------------------------


def test_save_draft_counts_revisions_and_reads_back(tmp_path: Path) -> None:
    """Each save adds one to the revision; the file holds exactly the returned copy."""
    store = Store(tmp_path)
    obs = draft()
    assert obs.revision == 0
    one = store.save_draft(obs)
    two = store.save_draft(one.model_copy(update={"section_notes": {"structure": "Good start"}}))
    assert (one.revision, two.revision) == (1, 2)
    assert store.load(obs.id) == two
    assert load_observation(store.draft_path(obs.id)) == two


def test_two_loaded_copies_one_success_one_conflict(tmp_path: Path) -> None:
    """Two editors of one draft: the first save wins, the second is refused and nothing is lost."""
    store = Store(tmp_path)
    saved = store.save_draft(draft())
    alice = store.load(saved.id)
    bob = store.load(saved.id)
    alice_saved = store.save_draft(alice.model_copy(update={"section_notes": {"structure": "Alice"}}))
    before = store.draft_path(saved.id).read_bytes()
    with pytest.raises(ConflictError) as caught:
        store.save_draft(bob.model_copy(update={"section_notes": {"structure": "Bob"}}))
    message = str(caught.value)
    assert "changed on disk since it was opened" in message
    assert "revision 2, expected 1" in message
    assert "Nothing was overwritten" in message
    assert SECRET not in message
    assert store.draft_path(saved.id).read_bytes() == before
    assert store.load(saved.id) == alice_saved


def test_new_draft_never_overwrites_an_existing_one(tmp_path: Path) -> None:
    """Saving a revision-0 copy over a saved draft is a conflict too."""
    store = Store(tmp_path)
    obs = draft()
    store.save_draft(obs)
    with pytest.raises(ConflictError):
        store.save_draft(obs)


RACER = r"""
import sys, time
from pathlib import Path
from seeds_tui.storage.store import Store
from seeds_tui.core.errors import ConflictError
root, obs_id, name, signal = sys.argv[1:5]
store = Store(root)
obs = store.load(obs_id)
Path(root, f".ready-{name}").touch()
deadline = time.monotonic() + 20
while not Path(signal).exists():
    if time.monotonic() > deadline:
        sys.exit(9)
    time.sleep(0.0005)
try:
    store.save_draft(obs.model_copy(update={"section_notes": {"structure": name}}))
except ConflictError as exc:
    print(exc)
    sys.exit(3)
"""


def test_two_processes_racing_give_one_success_one_conflict(tmp_path: Path) -> None:
    """Two processes load the same revision, wait for one signal, then save at once."""
    store = Store(tmp_path / "store")
    saved = store.save_draft(draft())
    for round_ in range(3):
        go = tmp_path / f"go-{round_}"
        procs = {
            name: subprocess.Popen(
                [sys.executable, "-c", RACER, str(store.root), saved.id, f"{name}{round_}", str(go)],
                cwd=REPO,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("alice", "bob")
        }
        deadline = time.monotonic() + 30
        while not all((store.root / f".ready-{name}{round_}").exists() for name in procs):
            assert time.monotonic() < deadline, "racers did not start"
            assert all(p.poll() is None for p in procs.values()), [p.communicate() for p in procs.values()]
            time.sleep(0.01)
        go.touch()
        results = {name: p.wait(timeout=30) for name, p in procs.items()}
        outputs = {name: p.communicate() for name, p in procs.items()}
        assert sorted(results.values()) == [0, 3], outputs
        winner = next(name for name, code in results.items() if code == 0)
        loser = next(name for name, code in results.items() if code == 3)
        assert "changed on disk since it was opened" in outputs[loser][0]
        on_disk = store.load(saved.id)
        assert on_disk.section_notes == {"structure": f"{winner}{round_}"}
        assert on_disk.revision == saved.revision + round_ + 1


# -- finalising and corrections -----------------------------------------------------------


def test_finalise_writes_once_and_removes_the_draft(tmp_path: Path) -> None:
    """A complete draft becomes a final file; finalising it again is refused."""
    store = Store(tmp_path)
    rubric = small_rubric(tmp_path / "r")
    saved = store.save_draft(scored(draft()))
    final, path = store.finalise(saved, rubric)
    assert path == store.final_path(saved.id)
    assert final.status == "final" and final.finalised is not None and final.revision == saved.revision + 1
    assert not store.draft_path(saved.id).exists()
    assert load_observation(path) == final
    assert store.load(saved.id) == final
    before = path.read_bytes()
    with pytest.raises(ConflictError, match="already exists"):
        store.finalise(saved, rubric)
    assert path.read_bytes() == before
    with pytest.raises(ConflictError, match="finalised elsewhere"):
        store.save_draft(saved)


def test_finalise_refuses_missing_required_items(tmp_path: Path) -> None:
    """Required items left unscored are listed; the draft stays as it was."""
    store = Store(tmp_path)
    rubric = small_rubric(tmp_path / "r")
    saved = store.save_draft(draft())
    before = store.draft_path(saved.id).read_bytes()
    with pytest.raises(ObservationError) as caught:
        store.finalise(saved, rubric)
    fields = [p.field for p in caught.value.problems]
    assert fields == ["scores.structure.agenda", "scores.relationship.empathy"]
    assert "required item has no score" in str(caught.value)
    assert store.draft_path(saved.id).read_bytes() == before
    assert not store.final_path(saved.id).exists()


def test_finalise_refuses_a_stale_copy(tmp_path: Path) -> None:
    """Finalising a copy older than the draft on disk is a conflict, not a silent loss."""
    store = Store(tmp_path)
    rubric = small_rubric(tmp_path / "r")
    first = store.save_draft(scored(draft()))
    store.save_draft(first)
    with pytest.raises(ConflictError):
        store.finalise(first, rubric)
    assert not store.final_path(first.id).exists()


def test_correction_keeps_history_and_checks_revision(tmp_path: Path) -> None:
    """A correction saves a new revision and keeps the previous one in history/."""
    store = Store(tmp_path)
    rubric = small_rubric(tmp_path / "r")
    final, path = store.finalise(store.save_draft(scored(draft())), rubric)
    original = path.read_bytes()
    copy_a, copy_b = store.load(final.id), store.load(final.id)
    fixed = copy_a.model_copy(update={"scores": {**copy_a.scores, "relationship": {"empathy": Score(value=2)}}})
    corrected, _ = store.save_correction(fixed, rubric)
    assert corrected.revision == final.revision + 1
    history = store.history_dir / f"{final.id}.r{final.revision}.toml"
    assert history.read_bytes() == original
    assert mode(history) == 0o600 and mode(store.history_dir) == 0o700
    with pytest.raises(ConflictError):
        store.save_correction(copy_b, rubric)
    assert store.load(final.id) == corrected


def test_discard_draft(tmp_path: Path) -> None:
    """A discarded draft is gone; discarding twice is harmless."""
    store = Store(tmp_path)
    saved = store.save_draft(draft())
    store.discard_draft(saved.id)
    store.discard_draft(saved.id)
    assert store.files() == []
    with pytest.raises(StoreError, match="no observation"):
        store.load(saved.id)


# -- faults -------------------------------------------------------------------------------


def _fault_store(tmp_path: Path) -> tuple[Store, Observation, bytes]:
    store = Store(tmp_path / "store")
    saved = store.save_draft(scored(draft()))
    return store, saved, store.draft_path(saved.id).read_bytes()


def _bigger(obs: Observation) -> Observation:
    return obs.model_copy(update={"section_notes": {"structure": "x" * 20_000, "relationship": "y" * 20_000}})


def _assert_intact(store: Store, saved: Observation, before: bytes) -> None:
    path = store.draft_path(saved.id)
    assert path.read_bytes() == before, "the previous version is intact byte-for-byte"
    assert [p.name for p in store.draft_dir.iterdir()] == [path.name], "no temp file left behind"


@pytest.mark.parametrize(
    ("code", "words"), [(errno.ENOSPC, "the disk is full"), (errno.EDQUOT, "the disk is full"), (errno.EIO, "previous version is intact")]
)
def test_failed_fsync_is_a_failed_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str) -> None:
    """If fsync fails the save fails, with a message saying why, and the old file stays."""
    store, saved, before = _fault_store(tmp_path)

    def failing_fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    with pytest.raises(StoreError) as caught:
        store.save_draft(_bigger(saved))
    assert not isinstance(caught.value, ConflictError)
    assert words in str(caught.value)
    assert str(store.draft_path(saved.id)) in str(caught.value)
    monkeypatch.undo()
    _assert_intact(store, saved, before)
    assert store.save_draft(saved).revision == saved.revision + 1, "a later save works"


@contextlib.contextmanager
def small_filesystem(where: Path, size: str = "256k") -> Iterator[Path]:
    """A real, tiny tmpfs at ``where`` (root only); skips the test if mounting is not permitted."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the injected-fault tests cover this path")
    where.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.skip(
            f"mount -t tmpfs not permitted here ({result.stderr.strip() or result.returncode}); the injected-fault tests cover this path"
        )
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def test_full_disk_on_a_real_small_filesystem(tmp_path: Path) -> None:
    """Fill a 256 KiB tmpfs; a bigger save fails as 'disk is full' and the old draft is intact."""
    with small_filesystem(tmp_path / "small") as root:
        store, saved, before = _fault_store(root)
        filler = root / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * 4096)
        finally:
            os.close(fd)
        with pytest.raises(OSError):
            (root / "probe").write_bytes(b"x" * 8192)
        with pytest.raises(StoreError) as caught:
            store.save_draft(_bigger(saved))
        assert "the disk is full" in str(caught.value)
        assert "previous version is intact" in str(caught.value)
        _assert_intact(store, saved, before)
        filler.unlink()
        again = store.save_draft(_bigger(saved))
        assert store.load(saved.id) == again


def test_read_only_folder_refuses_the_save(tmp_path: Path) -> None:
    """A folder that refuses writes gives a clear StoreError; the old draft is untouched.

    Root ignores chmod, so as root the store lives on a tmpfs remounted read-only.
    """
    if os.geteuid() != 0:
        store, saved, before = _fault_store(tmp_path)
        store.draft_dir.chmod(0o500)
        try:
            with pytest.raises(StoreError, match="not writable"):
                store.save_draft(_bigger(saved))
        finally:
            store.draft_dir.chmod(0o700)
        _assert_intact(store, saved, before)
        return
    with small_filesystem(tmp_path / "ro") as root:
        store, saved, before = _fault_store(root)
        remount = subprocess.run(["mount", "-o", "remount,ro", str(root)], capture_output=True, text=True, check=False)
        if remount.returncode != 0:
            pytest.skip(f"read-only remount not permitted ({remount.stderr.strip()})")
        with pytest.raises(StoreError) as caught:
            store.save_draft(_bigger(saved))
        assert "not writable" in str(caught.value)
        assert store.draft_path(saved.id).read_bytes() == before


def test_a_file_where_the_drafts_folder_should_be(tmp_path: Path) -> None:
    """A blocked path (works as root too) is a StoreError naming the folder, not a traceback."""
    store = Store(tmp_path / "store")
    store.root.mkdir()
    store.draft_dir.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        store.save_draft(draft())
    assert str(store.draft_dir) in str(caught.value)
    assert "cannot create folder" in str(caught.value)


def test_store_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    """--store pointing inside a file gives a StoreError."""
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="cannot create folder"):
        Store(blocker / "store").save_draft(draft())


def test_damaged_draft_on_disk_is_not_overwritten(tmp_path: Path) -> None:
    """If the draft on disk has no readable revision, saving refuses rather than guessing."""
    store = Store(tmp_path)
    saved = store.save_draft(draft())
    store.draft_path(saved.id).write_text("garbage without a revision\n", encoding="utf-8")
    with pytest.raises(ObservationError, match="no readable revision"):
        store.save_draft(saved)
    assert store.draft_path(saved.id).read_text(encoding="utf-8") == "garbage without a revision\n"


def test_known_names(tmp_path: Path) -> None:
    """Names for pick lists come from the saved files, sorted without regard to case."""
    store = Store(tmp_path)
    store.save_draft(draft(team="south", observer="Zed"))
    store.save_draft(draft(team="North", observer="amy"))
    names = store.known_names()
    assert names["team"] == ["North", "south"]
    assert names["observer"] == ["amy", "Zed"]
    assert names["practitioner"] == [SECRET]


def test_failed_fsync_while_finalising_keeps_the_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A final file that cannot be made durable is not created; the draft stays to try again."""
    store = Store(tmp_path)
    rubric = small_rubric(tmp_path / "r")
    saved = store.save_draft(scored(draft()))
    before = store.draft_path(saved.id).read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(StoreError, match="the disk is full"):
        store.finalise(saved, rubric)
    monkeypatch.undo()
    assert not store.final_path(saved.id).exists()
    assert store.draft_path(saved.id).read_bytes() == before
    assert [p.name for p in store.final_dir.iterdir()] == []
    final, path = store.finalise(saved, rubric)
    assert load_observation(path) == final


def test_settings_are_owner_only_and_forgiving(isolated_user_folders: dict[str, Path]) -> None:
    """Settings save atomically as 0600 in a 0700 folder; a damaged file reads as empty."""
    from seeds_tui.storage.settings import load_settings, save_settings, settings_path

    save_settings({"observer": "Sam Observer", "skip": None})
    path = settings_path()
    assert path.parent == isolated_user_folders["config"]
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert load_settings() == {"observer": "Sam Observer"}
    save_settings({"team": "North"})
    assert load_settings() == {"observer": "Sam Observer", "team": "North"}
    for junk in (b"\xff\xfe junk", b"a = [[[[", b"x = 1" + b"0" * 5000, b"#" * (65 * 1024)):
        path.write_bytes(junk)
        assert load_settings() == {}


def test_long_comment_before_the_revision_is_still_read(tmp_path: Path) -> None:
    """A valid file whose revision sits past the first 4 KiB (a long comment) can still be saved over."""
    store = Store(tmp_path)
    saved = store.save_draft(draft())
    path = store.draft_path(saved.id)
    path.write_text("# " + "x" * 5000 + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert store.load(saved.id) == saved
    assert store.save_draft(saved).revision == saved.revision + 1
    with pytest.raises(ConflictError):
        store.save_draft(saved)
