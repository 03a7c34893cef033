"""The store under hostile or unlucky contents: pipes, links, misnamed copies, huge revisions, busy locks.

Each case is one of issue 11's, tried on every path that reads or writes a store: the store's
own saves, the summary cache, carried actions, calibration pairs and consensus, settings, the
pseudonym key, reports, history and conflicts, and the real command line. Everything runs on
real files; what could hang runs in a child process with a time limit, so a hang is a failure
with a message, not a stuck test run.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from harness import REPO, cli
from helpers_core import SECRET, draft, scored, small_rubric, write_rubric

from seeds_tui.core.errors import ConflictError, ObservationError, StoreBusy, StoreError
from seeds_tui.core.observation import REVISION_MAX, Action, Observation, Score, load_observation, observation_to_toml
from seeds_tui.storage import atomic
from seeds_tui.storage.store import Store

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def run_python(code: str, *, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh Python with the repository and tests on the path; a hang fails the test."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(REPO / "tests"), env.get("PYTHONPATH", "")])
    try:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung for more than {timeout} s (a read or a lock waited for good)")


def tree(root: Path) -> dict[str, bytes | None]:
    """Every entry under ``root`` with its bytes (None for folders and other kinds)."""
    if not root.exists():
        return {}
    out: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        out[rel] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return out


# -- a pipe in place of a file ------------------------------------------------------------------


@posix_only
def test_a_pipe_in_place_of_a_draft_never_blocks_the_store(tmp_path: Path) -> None:
    """Every reader refuses the pipe at once; saving that draft fails clearly; other observations save as usual."""
    root = tmp_path / "store"
    rubric_folder = tmp_path / "r"
    write_rubric(rubric_folder)
    store = Store(root)
    victim = store.save_draft(draft())
    other = store.save_draft(draft())
    final, _ = store.finalise(store.save_draft(scored(draft())), small_rubric(rubric_folder))
    store.draft_path(victim.id).unlink()
    os.mkfifo(store.draft_path(victim.id))
    (tmp_path / "victim.toml").write_text(observation_to_toml(victim))
    result = run_python(
        f"""
        import json
        from pathlib import Path
        from seeds_tui.core.errors import ObservationError, StoreError
        from seeds_tui.core.observation import load_observation
        from seeds_tui.storage.store import Store
        from seeds_tui.storage.carried import earlier_observations
        from seeds_tui.calibration.pairing import calibration_sessions
        from seeds_tui.team.cache import load_rows
        store = Store({str(root)!r})
        out = {{}}
        victim = load_observation({str(tmp_path / "victim.toml")!r})
        try:
            store.save_draft(victim)
        except ObservationError as exc:
            out["victim"] = str(exc)
        other = store.load({other.id!r})
        out["other"] = store.save_draft(other).revision
        out["files"] = sorted(f.path.name for f in store.files())
        try:
            store.load({victim.id!r})
        except (ObservationError, StoreError) as exc:
            out["load"] = str(exc)
        out["rows"] = len(load_rows(store).files)
        out["carried"] = len(earlier_observations(store, {SECRET!r})[0])
        out["calibration"] = len(calibration_sessions(store)[0])
        print(json.dumps(out))
        """,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert "not a regular file" in out["victim"] and store.draft_path(victim.id).name in out["victim"]
    assert out["other"] == other.revision + 1, "another observation saves while the pipe is there"
    assert out["files"] == sorted([store.draft_path(other.id).name, store.final_path(final.id).name])
    assert "not a regular file" in out["load"]
    assert out["rows"] == 2 and out["carried"] == 1
    assert store.draft_path(victim.id).is_fifo(), "the pipe was left as it was, not read or replaced"


@posix_only
@pytest.mark.parametrize("where", ["drafts", "observations"])
def test_commands_on_a_store_holding_pipes_finish(tmp_path: Path, rubric_dir: Path, where: str) -> None:
    """validate reports the pipe; summary, export, compare and import finish; none waits on it."""
    root = tmp_path / "store"
    store = Store(root)
    store.finalise(store.save_draft(scored(draft())), small_rubric(rubric_dir))
    store.save_draft(draft())
    folder = root / where
    folder.mkdir(exist_ok=True)
    os.mkfifo(folder / "01JH2JS7Z06V9R9J8GYEDHMG19.toml")
    common = ["--rubrics", str(rubric_dir)]
    done = cli("validate", str(root), *common, timeout=60)
    assert done.returncode == 1 and "not a regular file" in done.stdout
    for args in (
        ["summary", "--store", str(root), "--status", "all", *common],
        ["export", "--store", str(root), "--format", "csv", "-o", str(tmp_path / "out.csv"), *common],
        ["compare", "--store", str(root), *common],
        ["import", str(root), "--store", str(tmp_path / "other"), *common],
    ):
        done = cli(*args, timeout=60)
        assert "Traceback" not in done.stderr, args
        assert done.returncode in (0, 1), done.stderr[-400:]


@posix_only
def test_pipes_in_place_of_settings_key_and_cache_files_are_skipped(tmp_path: Path, isolated_user_folders: dict[str, Path]) -> None:
    """Settings, the pseudonym key and the summary cache are read only when they are regular files."""
    root = tmp_path / "store"
    store = Store(root)
    store.save_draft(draft())
    config = isolated_user_folders["config"]
    config.mkdir(parents=True, exist_ok=True)
    os.mkfifo(config / "settings.toml")
    os.mkfifo(root / ".pseudonym-key")
    (root / ".cache").mkdir()
    os.mkfifo(root / ".cache" / "files-v4.arrow")
    os.mkfifo(root / ".cache" / "rows-v4.arrow")
    result = run_python(
        f"""
        import os
        os.environ["SEEDS_CONFIG_DIR"] = {str(config)!r}
        from seeds_tui.storage.settings import load_settings
        from seeds_tui.storage.store import Store
        from seeds_tui.team.cache import load_rows
        from seeds_tui.team.pseudonyms import pseudonym_key
        store = Store({str(root)!r})
        print(load_settings(), len(pseudonym_key(store)), len(load_rows(store).files))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["{}", "32", "1"]


# -- the lock: a timeout, one lock per observation, busy is not a conflict ---------------------------


_HOLD = """
import sys, time
from pathlib import Path
from seeds_tui.storage.atomic import locked
lock = Path(sys.argv[1])
lock.parent.mkdir(parents=True, exist_ok=True)
with locked(lock, timeout=5):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold_lock(lock: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding ``lock`` for ``seconds`` (a save stuck on a slow share); returns once it holds it."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(lock), str(seconds)], stdout=subprocess.PIPE, text=True, env=env)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_stuck_save_never_blocks_another_observation_and_is_busy_not_a_conflict(tmp_path: Path) -> None:
    """While another process holds one observation's lock, others save at once; that one is StoreBusy, nothing changed."""
    store = Store(tmp_path / "store", lock_timeout=0.5)
    stuck = store.save_draft(draft())
    free = store.save_draft(draft())
    before = store.draft_path(stuck.id).read_bytes()
    holder = _hold_lock(store.lock_dir / f"{stuck.id}.lock", 30)
    try:
        started = time.monotonic()
        assert store.save_draft(free).revision == free.revision + 1
        assert time.monotonic() - started < 0.4, "another observation never waits for the stuck one"
        started = time.monotonic()
        with pytest.raises(StoreBusy) as caught:
            store.save_draft(stuck)
        assert 0.4 < time.monotonic() - started < 5
        assert not isinstance(caught.value, ConflictError), "busy is not 'someone else saved this'"
        assert "save again" in str(caught.value)
        assert store.draft_path(stuck.id).read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
    assert store.save_draft(stuck).revision == stuck.revision + 1, "once the lock is free the same save lands"


@pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM")
def test_signals_during_a_lock_wait_never_turn_into_a_conflict(tmp_path: Path) -> None:
    """Signals arriving while the save waits for another process's lock: the save lands after it, no ConflictError."""
    store = Store(tmp_path / "store", lock_timeout=10)
    saved = store.save_draft(draft())
    holder = _hold_lock(store.lock_dir / f"{saved.id}.lock", 1.0)
    arrived = []
    previous = signal.signal(signal.SIGALRM, lambda *_: arrived.append(1))
    signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
    try:
        again = store.save_draft(saved)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        holder.wait()
    assert len(arrived) >= 5
    assert again.revision == saved.revision + 1
    assert load_observation(store.draft_path(saved.id)).revision == saved.revision + 1


# -- links never lead writes, deletes or clean-ups out of the store ----------------------------------


def _linked_store(tmp_path: Path, folder: str) -> tuple[Store, Path, Observation, Observation]:
    """A store with a draft and a final, whose ``folder`` is then a link to a folder outside."""
    rubric = small_rubric(tmp_path / "r")
    store = Store(tmp_path / "store")
    open_draft = store.save_draft(draft())
    final, _ = store.finalise(store.save_draft(scored(draft())), rubric)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the store's\n")
    old = time.time() - 3600
    (outside / ".tmp-someone-else.toml.1234").write_text("someone else's temp file\n")
    os.utime(outside / ".tmp-someone-else.toml.1234", (old, old))
    target = store.root / folder
    if target.is_dir():
        for entry in target.iterdir():
            shutil.move(str(entry), outside / entry.name)
        target.rmdir()
    elif target.exists():
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(outside, target_is_directory=True)
    return store, outside, open_draft, final


@pytest.mark.parametrize("folder", ["drafts", "observations", "history", "reports", "conflicts", ".locks", ".cache"])
def test_no_save_goes_through_a_linked_store_folder(tmp_path: Path, folder: str) -> None:
    """Scoring, finalising, correcting, keeping aside, the sheet, the cache: refused naming the link, nothing written outside."""
    store, outside, open_draft, final = _linked_store(tmp_path, folder)
    before = tree(outside)
    rubric = small_rubric(tmp_path / "r")
    refused: list[str] = []
    attempts = {
        "draft": lambda: store.save_draft(store.load(open_draft.id) if folder != "drafts" else open_draft),
        "new draft": lambda: store.save_draft(draft()),
        "finalise": lambda: store.finalise(scored(store.load(open_draft.id) if folder != "drafts" else open_draft), rubric),
        "correction": lambda: store.save_correction(final if folder == "observations" else store.load(final.id), rubric),
        "keep aside": lambda: store.keep_aside(final),
        "report": lambda: store.write_report(f"{final.id}.md", b"sheet"),
        "discard": lambda: store.discard_draft(open_draft.id),
    }
    for name, attempt in attempts.items():
        try:
            attempt()
        except StoreError as exc:
            if str(store.root / folder) in str(exc) and "link" in str(exc):
                refused.append(name)
    from seeds_tui.team.cache import load_rows

    load_rows(store)  # the cache is skipped silently when .cache is a link
    store.clean_temp_files()
    assert tree(outside) == before, "nothing written, replaced or deleted outside the store"
    if folder != ".cache":  # the cache is derived: a linked one is silently not used
        assert refused, "the user is told which link was refused"


def test_a_linked_lock_file_or_key_is_never_written_through(tmp_path: Path) -> None:
    """A link where the old .lock, a per-observation lock or the pseudonym key would be: nothing appears at its target."""
    store = Store(tmp_path / "store")
    saved = store.save_draft(draft())
    outside = tmp_path / "outside"
    outside.mkdir()
    (store.root / ".lock").symlink_to(outside / "lock")
    (store.lock_dir / f"{saved.id}.lock").unlink()
    (store.lock_dir / f"{saved.id}.lock").symlink_to(outside / "observation-lock")
    (store.root / ".pseudonym-key").symlink_to(outside / "key")
    other = store.save_draft(draft())
    with pytest.raises(StoreError, match="link"):
        store.save_draft(saved)
    from seeds_tui.team.pseudonyms import pseudonym_key

    assert len(pseudonym_key(store)) == 32
    assert other.revision == 1
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("folder", ["consensus", "consensus/drafts"])
def test_consensus_never_goes_through_a_link(tmp_path: Path, folder: str) -> None:
    """Consensus records and consensus drafts refuse a linked folder, naming it."""
    from seeds_tui.calibration.consensus import build_consensus, consensus_draft, save_consensus, save_consensus_draft

    rubric = small_rubric(tmp_path / "r")
    store = Store(tmp_path / "store")
    pair = []
    for observer in ("Sam Lee", "Kim Ray"):
        obs = scored(draft(observer=observer, purpose="calibration", session_ref="CAL-1"))
        pair.append(store.finalise(store.save_draft(obs), rubric)[0])
    outside = tmp_path / "outside"
    outside.mkdir()
    (store.root / folder).parent.mkdir(parents=True, exist_ok=True)
    (store.root / folder).symlink_to(outside, target_is_directory=True)
    with pytest.raises(StoreError, match="link"):
        if folder == "consensus":
            save_consensus(store, build_consensus(pair[0], pair[1], {}, {}))
        else:
            save_consensus_draft(store, consensus_draft(pair[0], pair[1], {}, {}))
    assert list(outside.iterdir()) == []


def test_temp_clean_up_never_deletes_through_a_link(tmp_path: Path) -> None:
    """An old temp-named file in a folder a store folder links to is left alone."""
    store, outside, _, _ = _linked_store(tmp_path, "drafts")
    assert store.clean_temp_files() == 0
    assert (outside / ".tmp-someone-else.toml.1234").exists()


# -- a file whose name is not its id ------------------------------------------------------------------


def _store_with_a_copy(tmp_path: Path, copy_name: str) -> tuple[Store, Path, Path, Observation]:
    rubric_dir = tmp_path / "r"
    rubric = small_rubric(rubric_dir)
    store = Store(tmp_path / "store")
    finals = []
    for n in range(6):
        obs = scored(draft(practitioner=f"Practitioner {n}", team="North"))
        obs = obs.model_copy(update={"feedback": obs.feedback.model_copy(update={"actions": [Action(text="Agree an agenda.")]})})
        finals.append(store.finalise(store.save_draft(obs), rubric)[0])
    original = store.final_path(finals[0].id)
    copy = store.final_dir / copy_name.format(id=finals[0].id, other=finals[1].id[:-1] + ("Y" if finals[1].id.endswith("Z") else "Z"))
    return store, original, copy, finals[0]


@pytest.mark.parametrize(
    "copy_name", ["{id} (1).toml", "{id} (conflicted copy 2026-01-01).toml", "{id}.sync-conflict-x.toml", "{other}.toml"]
)
def test_a_copy_under_another_name_is_counted_nowhere_and_saved_through_never(tmp_path: Path, copy_name: str) -> None:
    """Store.read refuses it, every reader counts the observation once, validate names it, the original is untouched."""
    from seeds_tui.storage.carried import earlier_observations
    from seeds_tui.team.cache import load_rows
    from seeds_tui.team.export import Filters, build

    store, original, copy, _ = _store_with_a_copy(tmp_path, copy_name)
    registry_dir = tmp_path / "r"
    from seeds_tui.core.rubric import RubricRegistry

    registry = RubricRegistry([registry_dir])
    clean_items = len(build(store, registry, "items", Filters()).frame)
    clean_rows = load_rows(store, use_cache=False)
    shutil.copyfile(original, copy)
    before = original.read_bytes()
    with pytest.raises(ObservationError, match="name is not the observation's id"):
        store.read(copy)
    rows = load_rows(store)
    assert len(rows.files) == len(clean_rows.files) and len(rows.rows) == len(clean_rows.rows)
    assert [p for p, _ in rows.problems] == [copy]
    assert len(build(store, registry, "items", Filters()).frame) == clean_items
    assert len(earlier_observations(store, "Practitioner 0")[0]) == 1
    done = cli("validate", str(store.root), "--rubrics", str(registry_dir), "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 1 and report["invalid"] == 1
    assert {p["file"] for p in report["problems"]} == {str(copy)}, "the copy is named, never the original"
    assert all(p["field"] == "id" for p in report["problems"])
    assert original.read_bytes() == before


def test_a_copy_of_a_calibration_observation_does_not_make_a_third_observer(tmp_path: Path) -> None:
    """A double-scored session with a conflicted copy of one file is still ready to compare; the copy is an error."""
    from seeds_tui.calibration.pairing import calibration_sessions

    rubric = small_rubric(tmp_path / "r")
    store = Store(tmp_path / "store")
    pair = [
        store.finalise(store.save_draft(scored(draft(observer=o, purpose="calibration", session_ref="CAL-1"))), rubric)[0]
        for o in ("Sam Lee", "Kim Ray")
    ]
    shutil.copyfile(store.final_path(pair[0].id), store.final_dir / f"{pair[0].id} (1).toml")
    sessions, errors = calibration_sessions(store)
    assert len(sessions) == 1 and sessions[0].ready
    assert [e.path for e in errors] == [store.final_dir / f"{pair[0].id} (1).toml"]


def test_validate_reports_duplicate_ids_outside_a_store(tmp_path: Path, rubric_dir: Path) -> None:
    """Two files holding one observation id in a folder of exports: the second (not named by the id) is reported."""
    obs = scored(draft()).model_copy(update={"status": "draft"})
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.toml").write_text(observation_to_toml(obs))
    (folder / "b.toml").write_text(observation_to_toml(obs))
    (folder / "other.toml").write_text(observation_to_toml(draft()))
    done = cli("validate", str(folder), "--rubrics", str(rubric_dir), "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 1 and report["invalid"] == 1
    assert [p["file"] for p in report["problems"]] == [str(folder / "b.toml")]
    assert "same observation id" in report["problems"][0]["message"]


# -- the revision bound ------------------------------------------------------------------------------


def test_validate_and_saving_agree_on_the_revision_bound(tmp_path: Path, rubric_dir: Path) -> None:
    """A revision at the bound fails validate and is refused by the store; one below validates and saves."""
    store = Store(tmp_path / "store")
    saved = store.save_draft(draft())
    path = store.draft_path(saved.id)
    for revision, valid in ((REVISION_MAX, False), (REVISION_MAX - 1, True)):
        path.write_text(observation_to_toml(saved.model_copy(update={"revision": revision})))
        done = cli("validate", str(path), "--rubrics", str(rubric_dir))
        assert (done.returncode == 0) is valid, done.stdout
        loaded = store.load(saved.id)
        if valid:
            assert store.save_draft(loaded).revision == REVISION_MAX
        else:
            assert "revision" in done.stdout
            with pytest.raises(ObservationError, match="revision is at its limit"):
                store.save_draft(loaded)
            assert load_observation(path).revision == REVISION_MAX


# -- kept-aside and history copies are never overwritten ----------------------------------------------


def test_three_editors_of_one_draft_keep_two_copies_aside(tmp_path: Path) -> None:
    """The second and third editors both conflict; each is told its own file, and both files hold their own work."""
    root = tmp_path / "store"
    first = Store(root).save_draft(draft())
    editors = [Store(root) for _ in range(3)]
    copies = [first.model_copy(update={"section_notes": {"structure": f"editor {n}"}}) for n in range(3)]
    editors[0].save_draft(copies[0])
    kept = []
    for store, mine in zip(editors[1:], copies[1:], strict=True):
        with pytest.raises(ConflictError):
            store.save_draft(mine)
        kept.append(store.keep_aside(mine))
    assert kept[0] != kept[1]
    assert [load_observation(p).section_notes["structure"] for p in kept] == ["editor 1", "editor 2"]
    newer = copies[2].model_copy(update={"section_notes": {"structure": "editor 2, later"}})
    assert editors[2].keep_aside(newer, replacing=kept[1]) == kept[1], "an editor may bring its own copy up to date"
    assert editors[1].keep_aside(newer, replacing=kept[1]) != kept[1], "but never someone else's"
    assert load_observation(kept[0]).section_notes["structure"] == "editor 1"


def test_history_copies_are_never_overwritten(tmp_path: Path) -> None:
    """A history file already there with other bytes stays; the revision is kept beside it under a new name."""
    rubric = small_rubric(tmp_path / "r")
    store = Store(tmp_path / "store")
    final, path = store.finalise(store.save_draft(scored(draft())), rubric)
    store.history_dir.mkdir()
    planted = store.history_dir / f"{final.id}.r{final.revision}.toml"
    planted.write_text("an older copy kept by hand\n")
    original = path.read_bytes()
    fixed = final.model_copy(update={"scores": {**final.scores, "relationship": {"empathy": Score(value=1)}}})
    store.save_correction(fixed, rubric)
    assert planted.read_text() == "an older copy kept by hand\n"
    kept = sorted(p for p in store.history_dir.iterdir() if p != planted)
    assert len(kept) == 1 and kept[0].read_bytes() == original


# -- no output option writes into a store or over an observation --------------------------------------


def test_no_output_option_writes_into_the_store_or_over_an_observation(tmp_path: Path, rubric_dir: Path) -> None:
    """report/summary/export -o and import --report refuse store folders and observation files; reports/ is allowed."""
    rubric = small_rubric(rubric_dir)
    store = Store(tmp_path / "store")
    _, path = store.finalise(store.save_draft(scored(draft())), rubric)
    outside_copy = tmp_path / "copy.toml"
    shutil.copyfile(path, outside_copy)
    before = tree(store.root)
    common = ["--store", str(store.root), "--rubrics", str(rubric_dir)]
    refused = [
        ["report", str(path), "-o", str(path), *common],
        ["report", str(path), "-o", str(store.history_dir / "x.md"), *common],
        ["report", str(outside_copy), "-o", str(outside_copy), *common],
        ["report", str(path), "-o", str(outside_copy), *common],
        ["summary", "-o", str(path), *common],
        ["summary", "-o", str(store.draft_dir / "summary.txt"), *common],
        ["summary", "--format", "html", "-o", str(outside_copy), *common],
        ["export", "--format", "csv", "-o", str(store.root / "x.csv"), *common],
        ["export", "--format", "csv", "-o", str(outside_copy), *common],
        ["import", str(outside_copy), "--report", str(store.final_dir / "r.csv"), *common],
    ]
    for args in refused:
        done = cli(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert tree(store.root) == before
    assert outside_copy.read_bytes() == path.read_bytes()
    store.reports_dir.mkdir()
    done = cli("report", str(path), "-o", str(store.reports_dir / "sheet.md"), *common)
    assert done.returncode == 0, done.stderr
    assert (store.reports_dir / "sheet.md").read_text().startswith("#")


# -- big and binary files in a store ------------------------------------------------------------------


def test_huge_and_binary_files_in_a_store_are_reported_not_read_whole(tmp_path: Path, rubric_dir: Path) -> None:
    """A 50 MiB file and a binary one named like observations: validate names both, summary warns, nothing hangs."""
    store = Store(tmp_path / "store")
    store.finalise(store.save_draft(scored(draft())), small_rubric(rubric_dir))
    with open(store.final_dir / "01JH2JS7Z06V9R9J8GYEDHMG19.toml", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (store.final_dir / "01JH2JS7Z06V9R9J8GYEDHMG20.toml").write_bytes(os.urandom(4096))
    done = cli("validate", str(store.root), "--rubrics", str(rubric_dir))
    assert done.returncode == 1 and done.stdout.count("01JH2JS7Z06V9R9J8GYEDHMG") == 2
    done = cli("summary", "--store", str(store.root), "--rubrics", str(rubric_dir), "--strict")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("could not be read") == 2


def test_lock_wait_reports_busy_through_the_atomic_helper(tmp_path: Path) -> None:
    """The lock helper itself: a second holder in another thread times out as StoreBusy."""
    lock = tmp_path / "x.lock"
    inside = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with atomic.locked(lock, timeout=1):
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    inside.wait(5)
    try:
        with pytest.raises(StoreBusy), atomic.locked(lock, timeout=0.2):
            pass
    finally:
        release.set()
        thread.join()
    with atomic.locked(lock, timeout=0.2):
        pass
