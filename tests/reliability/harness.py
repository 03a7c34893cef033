"""The big reliability cases as plain functions, shared by the tests and ``benchmarks/bench_reliability.py``.

Each function takes its counts as arguments (small in the default test run, larger under
``-m slow``, larger still in the benchmark), does the work through the product's real
``Store`` in real processes on real files, and returns its figures as a dict. The tests
assert on the figures; ``figure()`` prints them (visible with ``pytest -s``) and, when
``SEEDS_RELIABILITY_FIGURES`` names a file, appends them there as one JSON line each.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from helpers_core import draft, scored, small_rubric, write_rubric  # noqa: E402

from seeds_tui.core.errors import ConflictError, SeedsError  # noqa: E402
from seeds_tui.core.observation import Observation, load_observation  # noqa: E402
from seeds_tui.core.rubric import load_rubric  # noqa: E402
from seeds_tui.storage.store import Store  # noqa: E402

#: Runs ``seeds-tui ARGS`` and returns (exit code, stdout, stderr) (the ``run`` fixture).
Runner = Callable[[list[str]], tuple[int, str, str]]

#: Forked children share the parent's imports, so each kill costs milliseconds, not a Python start-up.
_FORK = multiprocessing.get_context("fork")


def figure(case: str, text: str, **numbers: Any) -> None:
    """Print one case's figure line and record it (JSON lines) when ``SEEDS_RELIABILITY_FIGURES`` is set."""
    print(f"{case}: {text}")
    target = os.environ.get("SEEDS_RELIABILITY_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"case": case, "text": text, **numbers}) + "\n")


def cli(*args: str, cwd: Path | None = None, timeout: float = 120, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``seeds-tui`` command line in a fresh Python process (``python -m seeds_tui``)."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(REPO) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "seeds_tui", *args],
        capture_output=True, text=True, timeout=timeout, cwd=cwd or REPO, env=environment, check=False,
    )  # fmt: skip


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path below ``root`` (relative) with its bytes (None for folders and links), to spot stray writes."""
    out: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        out[rel] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return out


def temp_files(store: Store) -> list[Path]:
    """Temp files (``.tmp-*``) anywhere in the store."""
    return sorted(p for p in store.root.rglob(".tmp-*") if p.is_file())


# -- 1. kill during save ---------------------------------------------------------------------------


def _stamped(obs: Observation, n: int) -> Observation:
    """The note repeats one stamp (the next revision), so a torn or mixed file cannot pass the check."""
    stamp = f"{obs.revision + 1:09d};"
    return obs.model_copy(update={"section_notes": {"structure": stamp * (1 + (n * 7919) % 1900)}})


def _saver(root: str, draft_ids: list[str], final_id: str, rubric_dir: str, report: str, seed: int) -> None:
    """Child: save drafts and corrections in a loop; after each save returns, append 'kind id revision'."""
    store = Store(root)
    rubric = load_rubric(Path(rubric_dir) / "small.toml")
    fd = os.open(report, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    rng = random.Random(seed)
    drafts = {i: store.load(i) for i in draft_ids}
    final = store.load(final_id)
    n = 0
    while True:
        n += 1
        if rng.random() < 0.2:
            final, _ = store.save_correction(_stamped(final, n), rubric)
            os.write(fd, f"final {final.id} {final.revision}\n".encode())
        else:
            obs_id = rng.choice(draft_ids)
            drafts[obs_id] = saved = store.save_draft(_stamped(drafts[obs_id], n))
            os.write(fd, f"draft {saved.id} {saved.revision}\n".encode())


def _reported(report: Path) -> dict[tuple[str, str], int]:
    """The highest revision the children reported as saved, per (kind, id); a torn last line is ignored."""
    best: dict[tuple[str, str], int] = {}
    for line in report.read_text(encoding="utf-8").split("\n"):
        parts = line.split()
        if len(parts) != 3 or not parts[2].isdigit():
            continue
        key = (parts[0], parts[1])
        best[key] = max(best.get(key, 0), int(parts[2]))
    return best


def check_whole(store: Store) -> dict[str, int]:
    """Every file under a final name parses and is self-consistent; returns counts by folder."""
    counts: dict[str, int] = {}
    for path in sorted(store.root.rglob("*.toml")):
        rel = path.relative_to(store.root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        assert path.stat().st_size > 0, f"empty file {rel}"
        obs = load_observation(path)  # raises on a torn or unparseable file
        note = obs.section_notes.get("structure", "")
        if note:
            stamp = note[:10]
            assert note == stamp * (len(note) // 10), f"mixed content in {rel}"
            if rel.parts[0] != "history":
                assert stamp == f"{obs.revision:09d};", f"{rel}: revision and content disagree"
        counts[rel.parts[0]] = counts.get(rel.parts[0], 0) + 1
    return counts


def kill_during_save(root: Path, *, kills: int, seed: int = 20261123, drafts: int = 3, max_wait: float = 0.04) -> dict[str, int]:
    """Fork a saver, SIGKILL it at a random moment, check the store; ``kills`` times over one store.

    Returns kills, saves reported, torn files (always 0, or an assertion fails first), lost
    saves (reported but not on disk), leftover temp files and files checked.
    """
    rng = random.Random(seed)
    rubric_dir = root / "rubrics"
    write_rubric(rubric_dir)
    rubric = small_rubric(rubric_dir)
    store = Store(root / "store")
    draft_ids = [store.save_draft(scored(draft())).id for _ in range(drafts)]
    final = store.save_draft(scored(draft()))
    final_id = store.finalise(final, rubric)[0].id
    report = root / "reported.txt"
    report.touch()
    lost = checked = 0
    for k in range(kills):
        before = report.stat().st_size
        child = _FORK.Process(target=_saver, args=(str(store.root), draft_ids, final_id, str(rubric_dir), str(report), rng.random()))
        child.start()
        deadline = time.monotonic() + 20
        # Wait until the child has saved at least once, then kill it at a random moment.
        while report.stat().st_size == before:
            assert child.is_alive() or report.stat().st_size > before, f"saver died on its own (exit {child.exitcode})"
            assert time.monotonic() < deadline, "saver never saved"
            time.sleep(0.001)
        time.sleep(rng.uniform(0, max_wait))
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL, child.exitcode
        if k % 25 == 0 or k == kills - 1:
            checked += sum(check_whole(store).values())
            for (kind, obs_id), revision in _reported(report).items():
                path = store.final_path(obs_id) if kind == "final" else store.draft_path(obs_id)
                if load_observation(path).revision < revision:
                    lost += 1
    reported = _reported(report)
    saves = sum(1 for line in report.read_text(encoding="utf-8").splitlines() if line.count(" ") == 2)
    corrections = reported.get(("final", final_id), 2) - 2
    # Every earlier revision of the corrected final is in history/, whole.
    history = {p.name for p in store.history_dir.glob("*.toml")}
    missing_history = [r for r in range(2, 2 + corrections) if f"{final_id}.r{r}.toml" not in history]
    return {
        "kills": kills, "saves": saves, "torn": 0, "lost": lost + len(missing_history), "temp_left": len(temp_files(store)),
        "files_checked": checked,
    }  # fmt: skip


# -- 4. parallel writers --------------------------------------------------------------------------


def _writer(root: str, rubric_dir: str, count: int, who: int, out: str) -> None:
    """Child: create and finalise ``count`` observations; write each id after finalise returns."""
    store = Store(root)
    rubric = load_rubric(Path(rubric_dir) / "small.toml")
    with open(out, "w", encoding="utf-8") as handle:
        for n in range(count):
            obs = store.save_draft(scored(draft(practitioner=f"Practitioner {who}-{n % 5}", team=f"Team {who % 4}")))
            final, _ = store.finalise(obs, rubric)
            handle.write(final.id + "\n")
            handle.flush()


def parallel_writers(root: Path, *, writers: int, each: int, readers: bool = True) -> dict[str, Any]:
    """``writers`` processes each finalise ``each`` observations into one store while the real CLI
    imports from it and summarises it. Returns files, collisions, lost, reader runs and problems seen."""
    rubric_dir = root / "rubrics"
    write_rubric(rubric_dir)
    store = Store(root / "store")
    store.ensure()
    outs = [root / f"writer-{w}.txt" for w in range(writers)]
    begun = time.perf_counter()
    children = [_FORK.Process(target=_writer, args=(str(store.root), str(rubric_dir), each, w, str(outs[w]))) for w in range(writers)]
    for child in children:
        child.start()
    reads: list[str] = []
    problems: list[str] = []
    seen: list[int] = []

    def read_while_writing() -> None:
        n = 0
        while any(c.is_alive() for c in children):
            n += 1
            target = root / f"copy-{n}"
            imported = cli("import", str(store.root), "--store", str(target), "--rubrics", str(rubric_dir), "--json")
            if imported.returncode != 0 or "Traceback" in imported.stderr:
                problems.append(f"import exit {imported.returncode}: {imported.stderr[-500:]}{imported.stdout[-500:]}")
            else:
                counts = json.loads(imported.stdout)["counts"]
                if counts["invalid"] or counts["conflict"]:
                    problems.append(f"import saw {counts}")
                seen.append(counts["imported"])
            reads.append("import")
            had_finals = seen_finals(store)
            summary = cli("summary", "--store", str(store.root), "--rubrics", str(rubric_dir), "--strict", "--format", "json",
                          "--threshold", "3")  # fmt: skip
            # Exit 1 saying there is nothing to summarise yet is fine before the first final lands.
            early = summary.returncode == 1 and not had_finals
            if "Traceback" in summary.stderr or "could not be read" in summary.stderr or (summary.returncode != 0 and not early):
                problems.append(f"summary exit {summary.returncode}: {summary.stderr[-500:]}")
            reads.append("summary")

    reader = threading.Thread(target=read_while_writing)
    if readers:
        reader.start()
    for child in children:
        child.join(600)
    if readers:
        reader.join(600)
    seconds = time.perf_counter() - begun
    failed = [c.exitcode for c in children if c.exitcode != 0]
    reported = [line for out in outs for line in out.read_text(encoding="utf-8").split()]
    on_disk = {p.stem for p in store.final_dir.glob("*.toml")}
    for path in store.final_dir.glob("*.toml"):
        load_observation(path)
    return {
        "writers": writers, "each": each, "files": len(on_disk), "reported": len(reported),
        "collisions": len(reported) - len(set(reported)), "lost": len(set(reported) - on_disk),
        "drafts_left": len(list(store.draft_dir.glob("*.toml"))), "failed_writers": failed, "reader_runs": len(reads),
        "reader_problems": problems, "imports_only_grow": seen == sorted(seen), "seconds": round(seconds, 1),
    }  # fmt: skip


# -- 5. two editors -------------------------------------------------------------------------------


def _editor(root: str, obs_id: str, text: str, ready: Any, start: Any, result: Any) -> None:
    store = Store(root)
    obs = store.load(obs_id)
    mine = obs.model_copy(update={"section_notes": {"structure": text}})
    ready.put(text)  # loaded: both editors hold the same revision before either saves
    start.wait()
    try:
        store.save_draft(mine)
    except ConflictError:
        result.put((text, "conflict"))
    except SeedsError as exc:  # pragma: no cover - reported as a failure by the caller
        result.put((text, f"error {exc}"))
    else:
        result.put((text, "saved"))


def _thread_editor(store: Store, obs: Observation, text: str, barrier: threading.Barrier, outcome: dict[str, str]) -> None:
    barrier.wait()
    try:
        store.save_draft(obs.model_copy(update={"section_notes": {"structure": text}}))
    except ConflictError:
        outcome[text] = "conflict"
    else:
        outcome[text] = "saved"


def seen_finals(store: Store) -> bool:
    """True once any final observation is in the store."""
    return any(store.final_dir.glob("*.toml"))


def two_editors(root: Path, *, rounds: int, processes: bool) -> dict[str, int]:
    """Two editors (threads or processes) save the same revision of one draft at once, ``rounds`` times.

    Returns rounds, saves, conflicts detected, silent overwrites (a save lost without an error)
    and whether every loser still held its own text (it always does: it is in the caller's hands).
    """
    store = Store(root / "store")
    obs_id = store.save_draft(draft()).id
    saves = conflicts = silent = 0
    for r in range(rounds):
        texts = [f"editor A round {r}", f"editor B round {r}"]
        if processes:
            start = _FORK.Event()
            ready = _FORK.Queue()
            queue = _FORK.Queue()
            kids = [_FORK.Process(target=_editor, args=(str(store.root), obs_id, t, ready, start, queue)) for t in texts]
            for kid in kids:
                kid.start()
            for _ in kids:
                ready.get(timeout=30)
            start.set()
            outcome = dict(queue.get(timeout=30) for _ in kids)
            for kid in kids:
                kid.join(10)
        else:
            barrier = threading.Barrier(2)
            outcome = {}
            loaded = [store.load(obs_id), store.load(obs_id)]
            threads = [
                threading.Thread(target=_thread_editor, args=(store, o, t, barrier, outcome)) for o, t in zip(loaded, texts, strict=True)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        winners = [t for t, o in outcome.items() if o == "saved"]
        losers = [t for t, o in outcome.items() if o == "conflict"]
        on_disk = store.load(obs_id).section_notes.get("structure")
        saves += len(winners)
        conflicts += len(losers)
        if len(winners) != 1 or len(losers) != 1 or on_disk != winners[0]:
            silent += 1
    return {"rounds": rounds, "saves": saves, "conflicts": conflicts, "silent_overwrites": silent}


@contextlib.contextmanager
def mounted_tmpfs(where: Path, size: str = "512k") -> Iterator[Path | None]:
    """A real, tiny tmpfs at ``where`` (root only); yields None when mounting is not permitted."""
    if os.geteuid() != 0:
        yield None
        return
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)], capture_output=True, check=False)
    if done.returncode != 0:
        yield None
        return
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def remount_read_only(where: Path) -> bool:
    """Remount a tmpfs made by ``mounted_tmpfs`` read-only; False when not permitted."""
    return subprocess.run(["mount", "-o", "remount,ro", str(where)], capture_output=True, check=False).returncode == 0
