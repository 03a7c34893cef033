"""How fast the demo generator writes observations (prints figures; not run by CI).

Usage: python3 benchmarks/bench_demo.py [N ...]   (default: 1000 10000)

Each run writes into a fresh temporary store, including the final os.sync(), and reports
seconds and files per second, then how long reading the files back and checking them against
their rubric takes (a sample of up to 2,000), for comparison.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

# Run from a source checkout without installing: put the project folder on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from seeds_tui.core.observation import check_against_rubric, read_observation
from seeds_tui.core.rubric import RubricRegistry, bundled_rubric_dir
from seeds_tui.demo.generator import write_demo
from seeds_tui.storage.store import Store


def bench(n: int) -> None:
    """Write ``n`` observations and print the figures."""
    with tempfile.TemporaryDirectory(prefix="seeds-bench-") as folder:
        store = Store(Path(folder) / "store")
        begun = time.perf_counter()
        result = write_demo(store, n, seed=1)
        seconds = time.perf_counter() - begun
        size = sum(p.stat().st_size for p in result.paths)
        print(
            f"write  {n:>7,} observations: {seconds:6.2f} s  {n / seconds:8,.0f} files/s  "
            f"({size / n / 1024:.1f} KiB per file, {len(result.teams)} teams, {result.practitioners} practitioners)"
        )
        registry = RubricRegistry([bundled_rubric_dir()])
        sample = result.paths[:2000]
        begun = time.perf_counter()
        problems = 0
        for path in sample:
            obs, text = read_observation(path)
            problems += len(check_against_rubric(obs, registry.get(obs.rubric.id).rubric, path=path, text=text))
        seconds = time.perf_counter() - begun
        print(f"read+check {len(sample):>5,} of them:     {seconds:6.2f} s  {len(sample) / seconds:8,.0f} files/s  ({problems} problems)")


def main(argv: list[str]) -> None:
    """Run the benchmark for each size given (default 1,000 and 10,000)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, metavar="N", help="observations to write (default: 1000 10000)")
    sizes = parser.parse_args(argv).sizes or [1000, 10_000]
    print(f"seeds-tui demo generator, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for n in sizes:
        bench(n)


if __name__ == "__main__":
    main(sys.argv[1:])
