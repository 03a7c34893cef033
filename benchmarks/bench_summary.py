"""How fast is a team summary as a store grows? Prints the figures quoted in docs/summaries.md.

Usage::

    python3 -m seeds_tui demo --store /tmp/demo10k --observations 10000 --seed 1
    python3 benchmarks/bench_summary.py --store /tmp/demo10k

Each phase runs in a fresh process (so peak memory is that phase's own) and times what a
facilitator waits for after start-up: reading the store through the cache and building the
team x section table.

* ``read bytes``: open and read every observation file (the floor for a cold run)
* ``cold``: no cache (deleted first)
* ``warm``: cache present, nothing changed
* ``one new``: one new observation file added since the warm run
* ``csv baseline``: ``pandas.read_csv`` of a CSV export of the same long frame, plus the same
  groupby (per-observation section percent, then team x section mean, median and shares)

The store is left as it was (the added file is removed again; the cache is rebuilt).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_read_bytes(store: Path) -> dict:
    t = time.perf_counter()
    total = files = 0
    for folder in ("observations", "drafts"):
        try:
            entries = list(os.scandir(store / folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.name.endswith(".toml") and not entry.name.startswith("."):
                with open(entry.path, "rb") as handle:
                    total += len(handle.read())
                files += 1
    return {"seconds": time.perf_counter() - t, "files": files, "bytes": total}


def _summary(store: Path) -> dict:
    from seeds_tui.core.rubric import RubricRegistry
    from seeds_tui.storage.store import Store
    from seeds_tui.team import frames
    from seeds_tui.team import tables as team_tables
    from seeds_tui.team.cache import load_rows

    registry = RubricRegistry.default()
    s = Store(store)
    t = time.perf_counter()
    rows = load_rows(s)
    t_rows = time.perf_counter()
    data = frames.summary_data(s, registry, rows=rows)
    tables = team_tables.build_tables(data, "section")
    done = time.perf_counter()
    return {
        "seconds": done - t,
        "read_seconds": t_rows - t,
        "tables_seconds": done - t_rows,
        "parsed": rows.parsed,
        "from_cache": rows.cached,
        "item_rows": len(data.items),
        "tables": len(tables),
    }


def phase_cli(store: Path) -> dict:
    """The whole command, as a facilitator runs it: ``seeds-tui summary`` (imports, cache, tables, text)."""
    import contextlib
    import io
    import tempfile

    t = time.perf_counter()
    from seeds_tui.cli import main as cli_main

    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stderr(io.StringIO()):
        code = cli_main(["summary", "--store", str(store), "-o", str(Path(tmp) / "summary.txt")])
    return {"seconds": time.perf_counter() - t, "exit": code}


def phase_cold(store: Path) -> dict:
    from seeds_tui.storage.store import Store
    from seeds_tui.team.cache import clear

    clear(Store(store))
    return _summary(store)


def phase_warm(store: Path) -> dict:
    return _summary(store)


def phase_add_one(store: Path) -> dict:
    """Add one observation (a copy of an existing one under a new id), then summarise."""
    from seeds_tui.core.observation import new_id, observation_to_toml, read_observation
    from seeds_tui.storage.atomic import write_atomic
    from seeds_tui.storage.store import Store

    s = Store(store)
    source = next(p for p in sorted((store / "observations").glob("*.toml")))
    obs, _ = read_observation(source)
    copy = obs.model_copy(update={"id": new_id()})
    target = s.final_path(copy.id)
    write_atomic(target, observation_to_toml(copy).encode("utf-8"))
    t = time.perf_counter()
    read_observation(target)
    own_parse = time.perf_counter() - t
    result = _summary(store)
    result["own_parse_seconds"] = own_parse
    result["added"] = str(target)
    return result


def phase_csv_export(store: Path, csv_path: Path) -> dict:
    from seeds_tui.core.rubric import RubricRegistry
    from seeds_tui.storage.store import Store
    from seeds_tui.team import frames

    frame = frames.item_frame(Store(store), RubricRegistry.default())
    frame.to_csv(csv_path, index=False)
    return {"rows": len(frame), "bytes": csv_path.stat().st_size}


def phase_csv_baseline(csv_path: Path) -> dict:
    import pandas as pd

    t = time.perf_counter()
    frame = pd.read_csv(csv_path)
    t_read = time.perf_counter()
    out = []
    for _, part in frame.groupby("rubric_id"):
        per_obs = (
            part.groupby(["observation_id", "team", "section"]).agg(points=("points", "sum"), possible=("possible", "sum")).reset_index()
        )
        per_obs["percent"] = 100.0 * per_obs["points"] / per_obs["possible"].where(per_obs["possible"] != 0)
        stats = per_obs.groupby(["team", "section"])["percent"].agg(["size", "mean", "median"])
        shares = part.assign(missed=part["value"] == part["scale_min"], na=part["code"] == "NA", no=part["code"] == "NO")
        shares = shares.groupby(["team", "section"])[["missed", "na", "no"]].mean()
        levels = part.dropna(subset=["value"]).groupby(["team", "section", "value"]).size().unstack(fill_value=0)
        out.append((stats, shares, levels))
    done = time.perf_counter()
    return {"seconds": done - t, "read_seconds": t_read - t, "groupby_seconds": done - t_read, "rows": len(frame)}


def _run(phase: str, store: Path, extra: list[str] = ()) -> dict:  # type: ignore[assignment]
    cmd = [sys.executable, __file__, "--store", str(store), "--phase", phase, *extra]
    out = subprocess.run(
        cmd, check=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--phase", choices=("read", "cold", "warm", "add", "export", "csv", "cli"))
    parser.add_argument("--warm-only", action="store_true", help="skip reading every file, the cold run and the new file (big stores)")
    parser.add_argument("--csv", type=Path, default=Path("/tmp/seeds-bench-items.csv"))
    args = parser.parse_args()
    store = args.store.resolve()
    if args.phase:
        fn = {
            "read": lambda: phase_read_bytes(store),
            "cold": lambda: phase_cold(store),
            "warm": lambda: phase_warm(store),
            "add": lambda: phase_add_one(store),
            "export": lambda: phase_csv_export(store, args.csv),
            "csv": lambda: phase_csv_baseline(args.csv),
            "cli": lambda: phase_cli(store),
        }[args.phase]
        result = fn()
        result["peak_mb"] = round(_peak_mb(), 1)
        print(json.dumps(result))
        return
    print(f"store: {store}  (cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f})")
    if args.warm_only:
        _run("warm", store)  # the cache matches the store
    else:
        read = _run("read", store)
        cold = _run("cold", store)
    warm = _run("warm", store)
    cli = _run("cli", store)
    if not args.warm_only:
        add = _run("add", store)
        Path(add["added"]).unlink()
    _run("export", store, ["--csv", str(args.csv)])
    base = _run("csv", store, ["--csv", str(args.csv)])
    _run("warm", store)  # leave the cache matching the store again
    args.csv.unlink(missing_ok=True)

    def line(name: str, r: dict, note: str = "") -> None:
        print(f"{name:<28} {r['seconds']:8.3f} s   peak {r['peak_mb']:7.1f} MB  {note}")

    print(f"item rows: {warm['item_rows']:,}")
    if not args.warm_only:
        print(f"observation files: {read['files']:,} ({read['bytes'] / 1e6:.1f} MB)")
        line("read every file's bytes", read)
        line("cold (no cache)", cold, f"= {cold['seconds'] / read['seconds']:.1f}x reading bytes; parsed {cold['parsed']:,}")
    line("warm (nothing changed)", warm, f"= {warm['seconds'] / base['seconds']:.2f}x the CSV baseline")
    line("warm seeds-tui summary", cli, f"= {cli['seconds'] / base['seconds']:.2f}x the CSV baseline (the whole command, text out)")
    if not args.warm_only:
        line(
            "one new observation",
            add,
            f"= warm + {add['seconds'] - warm['seconds']:+.3f} s (its own parse: {add['own_parse_seconds'] * 1000:.1f} ms)",
        )
    line("read_csv + same groupby", base, f"(read_csv {base['read_seconds']:.3f} s, groupby {base['groupby_seconds']:.3f} s)")
    cold_part = "" if args.warm_only else f"cold read {cold['read_seconds']:.3f} s + tables {cold['tables_seconds']:.3f} s; "
    print(f"detail: {cold_part}warm read {warm['read_seconds']:.3f} s + tables {warm['tables_seconds']:.3f} s")


if __name__ == "__main__":
    main()
