"""How fast the scoring app feels. Prints figures; not run by the test suite.

    python3 benchmarks/bench_tui.py [--observations 50]

Measures, on a store filled by the demo generator:
  * process start to first frame (a fresh interpreter, the real app, headless);
  * key press to updated screen while scoring (median and 95th percentile): wall time through
    Textual's test driver (which waits for the screen to settle), beside the same figure for a
    bare Textual app with one Input (the driver's own cost), and the CPU time the app used;
  * section switch (n / p);
  * autosave: one durable save of a full draft, and change-to-disk with the debounce.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST_FRAME = r"""
import sys, time
t0 = float(sys.argv[1])
from seeds_tui.core.rubric import RubricRegistry
from seeds_tui.storage.store import Store
from seeds_tui.tui.app import SeedsApp

class FirstFrame(SeedsApp):
    def on_mount(self) -> None:
        super().on_mount()
        self.call_after_refresh(self._done)

    def _done(self) -> None:
        self.call_after_refresh(lambda: self.exit(time.time() - t0))

app = FirstFrame(Store(sys.argv[2]), RubricRegistry.default(), offer_resume=False)
elapsed = app.run(headless=True, size=(80, 24))
print(f"{elapsed:.4f} {'pandas' in sys.modules}")
"""


def first_frame(store: Path, runs: int = 5) -> tuple[list[float], bool]:
    """Seconds from process start to the home screen's first frame (fresh interpreter each run)."""
    times, pandas = [], False
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEEDS_CONFIG_DIR": str(store.parent / "config")}
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", FIRST_FRAME, repr(t0), str(store)], capture_output=True, text=True, env=env, check=True)
        value, loaded = out.stdout.split()[-2:]
        times.append(float(value))
        pandas = pandas or loaded == "True"
    return times, pandas


async def bare_key_baseline(presses: int = 40) -> list[float]:
    """The test driver's cost of one key press, on a bare app."""
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()

    times = []
    async with Bare().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for i in range(presses):
            t = time.perf_counter()
            await pilot.press("abc"[i % 3])
            times.append(time.perf_counter() - t)
    return times


async def scoring(store_dir: Path, size: tuple[int, int]) -> dict[str, list[float]]:
    """Key presses and section switches on the scoring screen; autosave latency."""
    from datetime import date

    from seeds_tui.core.observation import Session
    from seeds_tui.core.rubric import RubricRegistry
    from seeds_tui.storage.store import Store
    from seeds_tui.tui.app import create_app

    store = Store(store_dir)
    registry = RubricRegistry.default()
    loaded = registry.get("seed-one-to-one")
    app = create_app(store, registry, offer_resume=False)
    out: dict[str, list[float]] = {"key": [], "key_cpu": [], "section": [], "section_cpu": [], "change_to_disk": []}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        r = loaded.rubric
        app.start_observation(loaded, Session(date=date.today(), observer="Bench", practitioner="Bench P", team="Bench"))
        await pilot.pause()
        for i in range(60):
            key = ("0", "1", "2", "3", "a", "o", "down", "up")[i % 8]
            t, c = time.perf_counter(), time.process_time()
            await pilot.press(key)
            out["key"].append(time.perf_counter() - t)
            out["key_cpu"].append(time.process_time() - c)
        for i in range(20):
            t, c = time.perf_counter(), time.process_time()
            await pilot.press("n" if i % 2 == 0 else "p")
            out["section"].append(time.perf_counter() - t)
            out["section_cpu"].append(time.process_time() - c)
        session = app.session
        assert session is not None
        for i in range(10):
            await session.flush()
            t = time.perf_counter()
            session.set_level(r.sections[0].id, r.sections[0].items[0].id, i % 4)
            await session.wait_autosaved()
            out["change_to_disk"].append(time.perf_counter() - t)
    return out


def save_times(store_dir: Path, runs: int = 30) -> list[float]:
    """One durable autosave (atomic write + fsyncs) of a fully scored draft."""
    from datetime import date

    from seeds_tui.core.observation import RubricRef, Score, Session, new_observation
    from seeds_tui.core.rubric import RubricRegistry
    from seeds_tui.storage.store import Store

    loaded = RubricRegistry.default().get("seed-one-to-one")
    r = loaded.rubric
    store = Store(store_dir)
    obs = new_observation(
        rubric=RubricRef(id=r.id, version=r.version, sha256=loaded.sha256),
        session=Session(date=date.today(), observer="Bench", practitioner="Bench P", team="Bench"),
    )
    obs = obs.model_copy(update={"scores": {s.id: {i.id: Score(value=2, evidence="x" * 200) for i in s.items} for s in r.sections}})
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        obs = store.save_draft(obs)
        times.append(time.perf_counter() - t)
    return times


def ms(values: list[float]) -> str:
    """Median and 95th percentile in milliseconds."""
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return f"median {1000 * statistics.median(values):6.1f} ms   p95 {1000 * p95:6.1f} ms   (n={len(values)})"


def main() -> int:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--observations", type=int, default=50, help="demo observations in the store (default 50)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        os.environ["SEEDS_CONFIG_DIR"] = str(base / "config")
        store = base / "store"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        subprocess.run(
            [sys.executable, "-m", "seeds_tui", "demo", "--store", str(store), "--observations", str(args.observations)],
            check=True,
            env=env,
            capture_output=True,
        )
        print(f"store: {args.observations} demo observations; python {sys.version.split()[0]}")
        frames, pandas = first_frame(store)
        print(f"process start to first frame (80x24): {ms(frames)}   pandas imported: {pandas}")
        for size in ((80, 24), (120, 40)):
            result = asyncio.run(scoring(base / f"bench-{size[0]}", size))
            print(f"key press to updated screen ({size[0]}x{size[1]}), wall: {ms(result['key'])}")
            print(f"  CPU used by the app per key press:        {ms(result['key_cpu'])}")
            print(f"section switch ({size[0]}x{size[1]}), wall:              {ms(result['section'])}")
            print(f"  CPU used by the app per switch:           {ms(result['section_cpu'])}")
        print(f"(test driver alone, bare Input app, wall):  {ms(asyncio.run(bare_key_baseline()))}")
        print(f"autosave, one durable save of a full draft: {ms(save_times(base / 'saves'))}")
        print(f"autosave, change to disk (0.4 s debounce):  {ms(result['change_to_disk'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
