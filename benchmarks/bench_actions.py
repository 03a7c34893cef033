"""How long the set-up screen waits for a practitioner's open actions on a large store.

Usage: python3 benchmarks/bench_actions.py [--observations N] [--store DIR] [--repeat R]

Writes a demo store (unless --store names one that exists), then times
``earlier_observations`` + ``open_actions`` for the practitioner with the most
observations and for one with a single observation. Prints medians in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seeds_tui.core.actions import open_actions
from seeds_tui.demo.generator import write_demo
from seeds_tui.storage.carried import earlier_observations
from seeds_tui.storage.store import Store


def main() -> None:
    """Build or open the store and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--observations", type=int, default=10_000)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = args.store or Path(tempfile.mkdtemp()) / "store"
    store = Store(root)
    if not store.final_dir.exists():
        started = time.perf_counter()
        write_demo(store, observations=args.observations, seed=11)
        print(f"demo store: {args.observations:,} observations in {time.perf_counter() - started:.1f} s at {root}")
    counts = Counter(store.read(f.path).session.practitioner for f in store.files("final")[:2000])
    busiest, n_busiest = counts.most_common(1)[0]
    rarest, n_rarest = counts.most_common()[-1]
    print(f"final files: {len(store.files('final')):,}")
    for name, seen in ((busiest, n_busiest), (rarest, n_rarest)):
        times = []
        found: list = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            earlier, _ = earlier_observations(store, name)
            found = open_actions(earlier, name)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"open actions for a practitioner with {len(earlier)} observations (≥{seen} in the first 2,000 files): "
            f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms, {len(found)} open"
        )


if __name__ == "__main__":
    main()
