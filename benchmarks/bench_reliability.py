"""The big reliability cases with larger counts: kills during saves, parallel writers, two editors.

Usage: python3 benchmarks/bench_reliability.py [--kills N] [--writers W] [--each E] [--rounds R] [--only CASE ...]

Runs the same code as the slow tests in ``tests/reliability`` (``tests/reliability/harness.py``),
through the real ``Store`` in real processes on real files in a temp folder, and prints each
case's figures: kills, saves reported, torn files, lost saves, leftover temp files; files
written in parallel, collisions, lost, partial reads seen by import and summary meanwhile;
conflicts detected and silent overwrites; the time of a durable autosave against the bare atomic
write of the same bytes; and the time each took. Not run by CI.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "reliability"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from harness import kill_during_save, parallel_writers, two_editors

CASES = ("kills", "writers", "editors", "autosave")


def autosave_times(root: Path, saves: int) -> dict[str, float]:
    """Milliseconds per durable draft save (median, 95th percentile) of a realistic draft, and of the bare recipe.

    The baseline is ``write_atomic`` of the same bytes (temp file, fsync, rename, fsync the folder)
    in the same run: what a save costs beyond it is the store's own work (lock, revision check,
    link checks, validation of what is written).
    """
    import statistics

    from helpers_core import draft, scored

    from seeds_tui.core.observation import observation_to_toml
    from seeds_tui.storage.atomic import write_atomic
    from seeds_tui.storage.store import Store

    store = Store(root / "store")
    obs = store.save_draft(scored(draft()))
    obs = obs.model_copy(update={"section_notes": {"structure": "A realistic section note. " * 80}})
    store_ms, bare_ms = [], []
    data = observation_to_toml(obs).encode("utf-8")
    for n in range(saves):
        begun = time.perf_counter()
        obs = store.save_draft(obs)
        store_ms.append((time.perf_counter() - begun) * 1000)
        begun = time.perf_counter()
        write_atomic(root / "store" / "drafts" / "bare.toml", data)
        bare_ms.append((time.perf_counter() - begun) * 1000)
        if n == 0:  # the first save creates the lock file and warms the imports: not what a user feels
            store_ms.clear()
            bare_ms.clear()

    def p95(values: list[float]) -> float:
        return sorted(values)[int(len(values) * 0.95) - 1]

    return {
        "median": statistics.median(store_ms), "p95": p95(store_ms),
        "bare_median": statistics.median(bare_ms), "bare_p95": p95(bare_ms),
    }  # fmt: skip


def main() -> None:
    """Run the chosen cases and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=2000, help="SIGKILLs during saves (default 2000; CI runs 300)")
    parser.add_argument("--writers", type=int, default=8, help="parallel writing processes (default 8)")
    parser.add_argument("--each", type=int, default=1000, help="observations each writer finalises (default 1000; CI runs 250)")
    parser.add_argument("--rounds", type=int, default=1000, help="two-editor races, for threads and for processes (default 1000)")
    parser.add_argument("--saves", type=int, default=300, help="durable draft saves timed (default 300)")
    parser.add_argument("--only", nargs="*", choices=CASES, default=list(CASES), help="run only these cases")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="seeds-bench-reliability-") as folder:
        root = Path(folder)
        if "kills" in args.only:
            begun = time.perf_counter()
            r = kill_during_save(root / "kills", kills=args.kills)
            print(f"kill-during-save: {r['kills']} kills, {r['saves']} saves reported, {r['torn']} torn, {r['lost']} lost, "
                  f"{r['temp_left']} temp files left (removed on next start), {time.perf_counter() - begun:.1f} s")  # fmt: skip
            failed |= r["lost"] > 0
        if "writers" in args.only:
            (root / "writers").mkdir()
            r = parallel_writers(root / "writers", writers=args.writers, each=args.each)
            print(f"parallel-writers: {r['writers']} processes x {r['each']} = {r['files']} files, {r['collisions']} collisions, "
                  f"{r['lost']} lost, {r['reader_runs']} import/summary runs meanwhile, {len(r['reader_problems'])} partial reads, "
                  f"{r['seconds']} s ({r['files'] / max(r['seconds'], 0.001):.0f} finalised files/s)")  # fmt: skip
            for problem in r["reader_problems"]:
                print(f"  reader problem: {problem}")
            failed |= bool(r["lost"] or r["collisions"] or r["reader_problems"] or r["files"] != args.writers * args.each)
        if "editors" in args.only:
            for processes in (False, True):
                begun = time.perf_counter()
                (root / f"editors-{processes}").mkdir()
                r = two_editors(root / f"editors-{processes}", rounds=args.rounds, processes=processes)
                kind = "processes" if processes else "threads"
                print(f"two-editors ({kind}): {r['rounds']} rounds, {r['conflicts']} conflicts detected, "
                      f"{r['silent_overwrites']} silent overwrites, {time.perf_counter() - begun:.1f} s")  # fmt: skip
                failed |= r["silent_overwrites"] > 0 or r["conflicts"] != args.rounds
        if "autosave" in args.only:
            (root / "autosave").mkdir()
            r = autosave_times(root / "autosave", args.saves)
            print(f"durable autosave: {args.saves} draft saves, median {r['median']:.2f} ms, p95 {r['p95']:.2f} ms "
                  f"(the bare atomic write of the same bytes: median {r['bare_median']:.2f} ms, p95 {r['bare_p95']:.2f} ms)")  # fmt: skip
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
