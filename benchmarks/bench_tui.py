"""How fast the scoring app feels. Prints figures; not run by the test suite.

    python3 benchmarks/bench_tui.py [--observations 50]

Measures, on a store filled by the demo generator:
  * process start to first frame in a real pseudo-terminal, the app beside a bare Textual app
    (a header, a label and a footer) in the same run, and their ratio;
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


BARE_APP = r"""
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Label

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("bare-first-frame")
        yield Footer()

Bare().run()
"""


def pty_first_frame(command: list[str], marker: bytes, env: dict[str, str], timeout: float = 30.0) -> float:
    """Seconds from starting ``command`` in an 80x24 pseudo-terminal until ``marker`` is on its screen."""
    import fcntl
    import pty
    import select
    import signal
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    t0 = time.perf_counter()
    child = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env, start_new_session=True)
    os.close(follower)
    seen = bytearray()
    elapsed = float("nan")
    try:
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.01)
            if ready:
                try:
                    seen.extend(os.read(leader, 65536))
                except OSError:
                    break
                if marker in seen:
                    elapsed = time.perf_counter() - t0
                    break
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            while child.poll() is None:
                ready, _, _ = select.select([leader], [], [], 0.05)
                if ready:
                    try:
                        os.read(leader, 65536)
                    except OSError:
                        break
                if time.perf_counter() - t0 > timeout + 10:
                    child.kill()
            child.wait(timeout=10)
        finally:
            os.close(leader)
    return elapsed


def pty_first_frames(store: Path, runs: int = 9) -> tuple[list[float], list[float]]:
    """The app's and a bare Textual app's first frame in a pseudo-terminal, alternating, ``runs`` each."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SEEDS_CONFIG_DIR": str(store.parent / "config-pty"),
        "TERM": "xterm-256color",
        "COLUMNS": "80",
        "LINES": "24",
    }
    app_times, bare_times = [], []
    for _ in range(runs):
        app_times.append(pty_first_frame([sys.executable, "-m", "seeds_tui", "--store", str(store)], b"observations", env))
        bare_times.append(pty_first_frame([sys.executable, "-c", BARE_APP], b"bare-first-frame", env))
    return app_times, bare_times


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
    parser.add_argument("--first-frame-only", action="store_true", help="only the pseudo-terminal first-frame comparison")
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
        app_frames, bare_frames = pty_first_frames(store)
        ratio = statistics.median(app_frames) / statistics.median(bare_frames)
        print(f"first frame in a pseudo-terminal (80x24), seeds-tui: {ms(app_frames)}")
        print(f"first frame in a pseudo-terminal (80x24), bare app:  {ms(bare_frames)}")
        print(f"  ratio of medians (target 1.5 or less): {ratio:.2f}")
        if args.first_frame_only:
            return 0
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
