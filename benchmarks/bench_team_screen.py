"""How fast the Team summary screen answers. Prints figures; not run by the test suite.

    python3 benchmarks/bench_team_screen.py --store /tmp/demo20k      # an existing demo store
    python3 benchmarks/bench_team_screen.py --observations 20000      # writes one first (minutes)

Headless, through Textual's test driver at 120x40, with the summary cache on disk warm. Each
figure is the median (and worst) of ``--repeat`` runs, from the key (or push) to the table
drawn again, beside the same for a bare Textual app in the same run: a screen with a DataTable
of as many rows and columns, pushed and filled (``bare open``), and cleared and filled again
(``bare redraw``); and beside plain pandas on the same rows, without privacy (``pandas read +
groupby``: the cache's Arrow files read into pandas, then per-observation section percents and a
team x section mean, median, count and practitioners; ``pandas groupby``: that groupby alone on
the rows in memory, what a filter or view change would cost with no privacy).
Targets (issue 15) at 20,000 observations: open within 0.5 s warm, any
filter or view change within 100 ms.

  * open, first in this process: the store's cache read, frames built, the section table;
  * open again: what the app last read, shown at once (the store checked behind it);
  * view switch (F6) once the other views are built in the background, and at once after opening;
  * team filter (one team), date filter, threshold, sort (s).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.pilot import Pilot  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import DataTable, Input  # noqa: E402

from seeds_tui.core.rubric import RubricRegistry  # noqa: E402
from seeds_tui.storage.store import Store  # noqa: E402
from seeds_tui.team import cache  # noqa: E402
from seeds_tui.tui.controllers import team_summary  # noqa: E402
from seeds_tui.tui.controllers.team_summary import TeamSummary  # noqa: E402
from seeds_tui.tui.screens.team_summary import TeamSummaryScreen  # noqa: E402

SIZE = (120, 40)


class Timed(TeamSummaryScreen):
    """The real screen, noting when it last drew its table."""

    fills = 0
    filled_at = 0.0

    def _fill_table(self, keep_row: bool = False) -> None:
        super()._fill_table(keep_row)
        self.fills += 1
        self.filled_at = time.perf_counter()


class Bare(Screen[None]):
    """A DataTable of ``rows`` x ``columns`` short cells, filled on mount."""

    def __init__(self, rows: int, columns: int) -> None:
        super().__init__()
        self.rows, self.columns = rows, columns
        self.filled_at = 0.0
        self.fills = 0

    def compose(self) -> ComposeResult:
        yield DataTable(id="bare")

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        for n in range(self.columns):
            table.add_column(f"C{n}", width=8)
        for r in range(self.rows):
            table.add_row(*(f"{r}.{n}" for n in range(self.columns)))
        self.fills += 1
        self.filled_at = time.perf_counter()


class Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.animation_level = "none"


async def until_filled(pilot: Pilot, screen: Timed | Bare, before: int, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while screen.fills <= before:
        if time.monotonic() > end:
            raise SystemExit("the screen never drew its table")
        await pilot.pause(0.002)


async def timed(pilot: Pilot, screen: Timed | Bare, action: Callable[[], Awaitable[None] | None]) -> float:
    before = screen.fills
    t0 = time.perf_counter()
    result = action()
    if result is not None:
        await result
    await until_filled(pilot, screen, before)
    return screen.filled_at - t0


async def settle(app: App[None], pilot: Pilot) -> None:
    for _ in range(4):
        await pilot.pause()
        await app.workers.wait_for_complete()


def show(name: str, times: list[float], baseline: float | None = None, pandas: float | None = None) -> None:
    med = statistics.median(times)
    ratio = f"  ({med / baseline:6.1f}x bare)" if baseline else ""
    if pandas:
        ratio += f" ({med / pandas:5.1f}x pandas)"
    print(f"  {name:<40} median {1000 * med:7.1f} ms   worst {1000 * max(times):7.1f} ms{ratio}")


def pandas_groupby(items: pd.DataFrame) -> pd.DataFrame:
    """Team x section mean, median, count and practitioners of per-observation section percents (no privacy)."""
    per_obs = items.groupby(["observation_id", "section"], observed=True, sort=False).agg(
        team=("team", "first"), practitioner=("practitioner", "first"), points=("points", "sum"), possible=("possible", "sum")
    )
    per_obs["percent"] = 100 * per_obs["points"] / per_obs["possible"]
    per_obs = per_obs.reset_index()
    return per_obs.groupby(["team", "section"], observed=True).agg(
        observations=("percent", "size"), mean=("percent", "mean"), median=("percent", "median"), practitioners=("practitioner", "nunique")
    )


def pandas_read(store: Store) -> pd.DataFrame:
    """The cache's two Arrow files read into pandas, joined into one row per scored item."""
    files, rows = (
        pa.ipc.open_file(pa.memory_map(str(store.cache_dir / name))).read_all().to_pandas() for name in (cache.FILES_NAME, cache.ROWS_NAME)
    )
    return rows.merge(files, on="fid", how="inner")


def pandas_baselines(store: Store, items: pd.DataFrame, repeat: int) -> tuple[list[float], list[float]]:
    """(read + groupby, groupby alone) times, with the groupby on the screen's own item rows."""
    both, alone = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        pandas_read(store)
        pandas_groupby(items)
        both.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        pandas_groupby(items)
        alone.append(time.perf_counter() - t0)
    return both, alone


async def run(store: Store, repeat: int) -> None:
    registry = RubricRegistry.default()
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        results: dict[str, list[float]] = {
            k: [] for k in ("open", "again", "switch_warm", "switch_cold", "team", "dates", "threshold", "sort")
        }
        bare_open: list[float] = []
        bare_redraw: list[float] = []
        rows = columns = 0
        teams: list[str] = []
        items: pd.DataFrame | None = None
        for n in range(repeat):
            team_summary.READS.__init__()  # forget what was read: the first open reads the (warm) cache
            screen = Timed(TeamSummary(store, registry))
            results["open"].append(await timed(pilot, screen, lambda screen=screen: app.push_screen(screen)))
            table = screen.query_one("#ts-table", DataTable)
            rows, columns = table.row_count, len(table.columns)
            teams = list(screen.full.known_teams) if screen.full else []
            if screen.data is not None and screen.shown is not None:
                items = screen.data.only(screen.shown.rubric_id).items
            results["switch_cold"].append(await timed(pilot, screen, lambda: pilot.press("f6")))
            await settle(app, pilot)  # the background has built the other views
            results["switch_warm"].append(await timed(pilot, screen, lambda: pilot.press("f6")))
            await settle(app, pilot)
            field = screen.query_one("#ts-teams", Input)
            field.value = teams[n % len(teams)] if teams else ""
            results["team"].append(await timed(pilot, screen, screen._apply))
            await settle(app, pilot)
            field.value = ""
            screen.query_one("#ts-from", Input).value = "2026-01-01"
            results["dates"].append(await timed(pilot, screen, screen._apply))
            await settle(app, pilot)
            screen.query_one("#ts-threshold", Input).value = "6"
            results["threshold"].append(await timed(pilot, screen, screen._apply))
            await settle(app, pilot)
            results["sort"].append(await timed(pilot, screen, lambda: pilot.press("s")))
            app.pop_screen()
            await settle(app, pilot)
            again = Timed(TeamSummary(store, registry))
            results["again"].append(await timed(pilot, again, lambda again=again: app.push_screen(again)))
            await settle(app, pilot)
            app.pop_screen()
            await settle(app, pilot)
            bare = Bare(rows, columns)
            bare_open.append(await timed(pilot, bare, lambda bare=bare: app.push_screen(bare)))
            bare_redraw.append(await timed(pilot, bare, bare.fill))
            app.pop_screen()
            await settle(app, pilot)
    base_open, base_redraw = statistics.median(bare_open), statistics.median(bare_redraw)
    read_groupby, groupby = pandas_baselines(store, items, repeat) if items is not None else ([0.0], [0.0])
    pd_open, pd_change = statistics.median(read_groupby), statistics.median(groupby)
    n_items = len(items) if items is not None else 0
    print(f"table drawn: {rows} rows x {columns} columns at {SIZE[0]}x{SIZE[1]}; {repeat} runs; {n_items} item rows")
    show("bare app: push a DataTable screen", bare_open)
    show("bare app: clear and fill the DataTable", bare_redraw)
    show("pandas read + groupby (no privacy)", read_groupby)
    show("pandas groupby alone (no privacy)", groupby)
    show("open, first in the process (target 500)", results["open"], base_open, pd_open)
    show("open again (target 500)", results["again"], base_open, pd_open)
    show("view switch, other views built (100)", results["switch_warm"], base_redraw, pd_change)
    show("view switch at once after opening (100)", results["switch_cold"], base_redraw, pd_change)
    show("team filter, one team (100)", results["team"], base_redraw, pd_change)
    show("date filter (100)", results["dates"], base_redraw, pd_change)
    show("threshold 5 -> 6 (100)", results["threshold"], base_redraw, pd_change)
    show("sort by the next column (100)", results["sort"], base_redraw, pd_change)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="an existing store (e.g. written by seeds-tui demo)")
    parser.add_argument("--observations", type=int, default=20000, help="demo observations to write when no --store is given")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.store:
        store = Store(args.store)
    else:
        from seeds_tui.demo.generator import generate_demo

        folder = Path(tempfile.mkdtemp(prefix="bench-team-")) / "store"
        store = Store(folder)
        print(f"writing {args.observations} demo observations into {folder} ...")
        generate_demo(store, args.observations, seed=3)
    t0 = time.perf_counter()
    found = cache.load_rows(store)  # the cache on disk is warm from here on
    print(f"{len(found.files)} observation files; cache brought up to date in {time.perf_counter() - t0:.1f} s")
    asyncio.run(run(store, args.repeat))


if __name__ == "__main__":
    main()
