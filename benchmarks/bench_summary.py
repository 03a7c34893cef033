"""How fast is ``seeds-tui summary`` as a store grows? Prints the figures quoted in docs/summaries.md.

Usage::

    python3 -m seeds_tui demo --store /tmp/demo10k --observations 10000 --seed 1
    python3 benchmarks/bench_summary.py --store /tmp/demo10k

Every phase runs in a fresh process, timed from outside it (``os.wait4``): wall time, CPU time
(user + system, the process and any it waited for) and peak memory (the largest resident set
of any one process, as ``/usr/bin/time -v`` reports it). On a machine shared with other work
the wall time grows with the load; the CPU time much less.

* ``read bytes``: open and read every observation file (the floor for a cold run)
* ``cold command``: ``seeds-tui summary`` with no cache (deleted first): parses every file, writes the cache
* ``warm command``: ``seeds-tui summary``, the whole command (Python start-up, imports, the store's
  check against the cache, the tables, the text written to a file), cache present, nothing changed
* ``warm read + tables``: the same work inside one process, after the imports
* ``one new``: one new observation file added since the warm run (read + tables)
* ``csv baseline``: ``pandas.read_csv`` of a CSV export of the same long frame, plus the same
  groupby (per-observation section percent, then team x section mean, median and shares), timed
  after ``import pandas``; and ``csv script``: the same as a whole process (``python`` start-up and
  ``import pandas`` included), the like-for-like comparison with the whole command

Modules are compiled to bytecode once, as an installed package's are (``--no-bytecode`` keeps
``PYTHONDONTWRITEBYTECODE`` if set: every module is then compiled on every run, 0.1-0.2 s more).
Warm phases run ``--repeat`` times (default 3) and the best run is shown: the least disturbed by
other work on the machine. The store is left as it was (the added file is removed again; the
cache is rebuilt).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def phase_read_bytes(store: Path) -> dict:
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
    return {"files": files, "bytes": total}


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
        "inner_seconds": done - t,
        "read_seconds": t_rows - t,
        "tables_seconds": done - t_rows,
        "parsed": rows.parsed,
        "from_cache": rows.cached,
        "item_rows": len(data.items),
        "tables": len(tables),
    }


def phase_clear(store: Path) -> dict:
    from seeds_tui.storage.store import Store
    from seeds_tui.team.cache import clear

    clear(Store(store))
    return {}


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
    return {"inner_seconds": done - t, "read_seconds": t_read - t, "groupby_seconds": done - t_read, "rows": len(frame)}


#: Whether children may keep compiled bytecode (``--no-bytecode`` clears it for the run).
BYTECODE = [True]


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if BYTECODE[0]:
        # As installed: pip compiles a package's modules once; a checkout run with
        # PYTHONDONTWRITEBYTECODE would compile every module on every run instead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _timed(cmd: list[str]) -> dict:
    """Run ``cmd``; its wall time, CPU time and peak memory, measured from outside; its last stdout line as JSON."""
    env = _env()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as errors:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=errors, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        errors.seek(0)
        text, err_text = out.read(), errors.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err_text[-2000:]}")
    lines = text.strip().splitlines()
    try:
        result = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        result = {}
    result.update(seconds=wall, cpu_seconds=usage.ru_utime + usage.ru_stime, peak_mb=usage.ru_maxrss / 1024)
    return result


def _run(phase: str, store: Path, extra: list[str] = ()) -> dict:  # type: ignore[assignment]
    return _timed([sys.executable, __file__, "--store", str(store), "--phase", phase, *extra])


def _command(store: Path, out: Path) -> dict:
    """The whole ``seeds-tui summary`` as a facilitator runs it (output to a file)."""
    return _timed([sys.executable, "-m", "seeds_tui", "summary", "--store", str(store), "-o", str(out)])


def _best(runs: list[dict]) -> dict:
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["runs"] = [round(r["seconds"], 3) for r in runs]
    best["peak_mb"] = max(r["peak_mb"] for r in runs)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--phase", choices=("read", "clear", "warm", "add", "export", "csv"))
    parser.add_argument("--warm-only", action="store_true", help="skip reading every file, the cold run and the new file (big stores)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each warm phase; the best is shown (default 3)")
    parser.add_argument("--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE if set (modules compiled on every run)")
    parser.add_argument("--csv", type=Path, default=Path(tempfile.gettempdir()) / "seeds-bench-items.csv")
    args = parser.parse_args()
    store = args.store.resolve()
    if args.phase:
        fn = {
            "read": lambda: phase_read_bytes(store),
            "clear": lambda: phase_clear(store),
            "warm": lambda: _summary(store),
            "add": lambda: phase_add_one(store),
            "export": lambda: phase_csv_export(store, args.csv),
            "csv": lambda: phase_csv_baseline(args.csv),
        }[args.phase]
        print(json.dumps(fn()))
        return
    print(f"store: {store}  (cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f})")
    repeat = max(1, args.repeat)
    BYTECODE[0] = not args.no_bytecode
    warm_up = "import pandas, seeds_tui.cli, seeds_tui.cli.summary, seeds_tui.team.tables, seeds_tui.render.summary, seeds_tui.team.cache"
    subprocess.run([sys.executable, "-c", warm_up], check=True, env=_env())  # compiled once, as an installation is
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "summary.txt"
        if not args.warm_only:
            read = _run("read", store)
            _run("clear", store)
            cold = _command(store, text)
        else:
            _command(store, text)  # the cache matches the store
        warm_cmd = _best([_command(store, text) for _ in range(repeat)])
        warm = _best([_run("warm", store) for _ in range(repeat)])
        if not args.warm_only:
            add = _run("add", store)
            Path(add["added"]).unlink()
        _run("export", store, ["--csv", str(args.csv)])
        base = _best([_run("csv", store, ["--csv", str(args.csv)]) for _ in range(repeat)])
        _command(store, text)  # leave the cache matching the store again
    args.csv.unlink(missing_ok=True)
    base_inner = base["inner_seconds"]

    def line(name: str, r: dict, note: str = "") -> None:
        print(f"{name:<36} {r['seconds']:7.3f} s  cpu {r['cpu_seconds']:6.3f} s  peak {r['peak_mb']:7.1f} MB  {note}")

    print(f"item rows: {warm['item_rows']:,}; best of {repeat} runs for warm phases and the baseline")
    if not args.warm_only:
        print(f"observation files: {read['files']:,} ({read['bytes'] / 1e6:.1f} MB)")
        line("read every file's bytes", read)
        line("cold seeds-tui summary (builds cache)", cold, f"= {cold['seconds'] / read['seconds']:.1f}x reading bytes")
    line("warm seeds-tui summary (whole command)", warm_cmd, f"runs {warm_cmd['runs']}")
    line("warm read + tables (in one process)", warm, f"inside: {warm['inner_seconds']:.3f} s")
    if not args.warm_only:
        line(
            "one new observation (in one process)",
            add,
            f"inside: {add['inner_seconds']:.3f} s = warm {add['inner_seconds'] - warm['inner_seconds']:+.3f} s "
            f"(its own parse: {add['own_parse_seconds'] * 1000:.1f} ms)",
        )
    line("python: read_csv + same groupby", base, f"inside: {base_inner:.3f} s (read_csv {base['read_seconds']:.3f} s)")
    print(
        f"ratios: warm command / whole baseline script {warm_cmd['seconds'] / base['seconds']:.2f}x (cpu "
        f"{warm_cmd['cpu_seconds'] / base['cpu_seconds']:.2f}x); warm command / baseline after import pandas "
        f"{warm_cmd['seconds'] / base_inner:.2f}x; warm read + tables / baseline after import pandas "
        f"{warm['inner_seconds'] / base_inner:.2f}x"
    )
    detail = f"warm read {warm['read_seconds']:.3f} s + tables {warm['tables_seconds']:.3f} s"
    print(f"detail: {detail}; parsed {warm['parsed']:,}, from the cache {warm['from_cache']:,}")


if __name__ == "__main__":
    main()
