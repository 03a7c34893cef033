"""The big reliability cases with larger counts: kills during saves, parallel writers, two editors.

Usage: python3 benchmarks/bench_reliability.py [--kills N] [--writers W] [--each E] [--rounds R] [--only CASE ...]

Runs the same code as the slow tests in ``tests/reliability`` (``tests/reliability/harness.py``),
through the real ``Store`` in real processes on real files in a temp folder, and prints each
case's figures: kills, saves reported, torn files, lost saves, leftover temp files; files
written in parallel, collisions, lost, partial reads seen by import and summary meanwhile;
conflicts detected and silent overwrites; and the time each took. Not run by CI.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "reliability"))

from harness import kill_during_save, parallel_writers, two_editors

CASES = ("kills", "writers", "editors")


def main() -> None:
    """Run the chosen cases and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=2000, help="SIGKILLs during saves (default 2000; CI runs 300)")
    parser.add_argument("--writers", type=int, default=8, help="parallel writing processes (default 8)")
    parser.add_argument("--each", type=int, default=1000, help="observations each writer finalises (default 1000; CI runs 250)")
    parser.add_argument("--rounds", type=int, default=1000, help="two-editor races, for threads and for processes (default 1000)")
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
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
