"""The script author's surface: the top-level API is cheap, typed and documented, and
docs/scripting.md works as written (the nightly job, the Python and SQL examples)."""

from __future__ import annotations

import doctest
import inspect
import json
import os
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import duckdb
import pytest

import seeds_tui

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "scripting.md"


def test_importing_seeds_tui_is_cheap_and_pandas_loads_only_for_a_table(tmp_path: Path) -> None:
    probe = f"""
import sys, time
from datetime import date
t = time.perf_counter()
import seeds_tui
elapsed = time.perf_counter() - t
heavy = lambda: sorted(m for m in ("pandas", "numpy", "pyarrow", "textual", "pydantic") if m in sys.modules)
print(elapsed, heavy())
store = seeds_tui.open_store({str(tmp_path / "store")!r})
seeds_tui.generate_demo(store, 3, seed=1, today=date(2026, 11, 23))
good, bad = seeds_tui.read_store(store)
seeds_tui.import_files([store.final_dir], {str(tmp_path / "other")!r})
print(heavy())
seeds_tui.item_frame(store)
print(heavy())
"""
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    first, after_reading, after_frame = out.stdout.splitlines()
    elapsed, loaded = first.split(" ", 1)
    assert loaded == "[]"  # not even pydantic until a name is used
    assert float(elapsed) < 0.1
    assert "pandas" not in after_reading and "pydantic" in after_reading
    assert "pandas" in after_frame


def test_every_public_name_resolves_and_every_function_has_a_runnable_example() -> None:
    finder = doctest.DocTestFinder()
    for name in seeds_tui.__all__:
        value = getattr(seeds_tui, name)
        if name == "__version__":
            pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
            assert value == pyproject["project"]["version"]
            continue
        assert inspect.getdoc(value), f"seeds_tui.{name} has no docstring"
        if inspect.isfunction(value):
            examples = [e for t in finder.find(value, name) for e in t.examples]
            assert examples, f"seeds_tui.{name} has no example in its docstring"
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = seeds_tui.nonsense
    assert set(seeds_tui.__all__) <= set(dir(seeds_tui))


def test_the_package_is_marked_typed() -> None:
    assert (ROOT / "seeds_tui" / "py.typed").is_file()
    signature = inspect.signature(seeds_tui.item_frame)
    assert signature.return_annotation == "pd.DataFrame"
    assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values())


def test_every_public_name_is_documented_in_scripting_md() -> None:
    text = DOC.read_text()
    for name in seeds_tui.__all__:
        if name.startswith("_"):
            continue
        assert re.search(rf"\b{re.escape(name)}\b", text), f"docs/scripting.md does not mention {name}"


# -- docs/scripting.md as written ----------------------------------------------------------------


def blocks(lang: str) -> list[str]:
    """Fenced blocks of one language, except those marked ``<!-- example only -->``."""
    text = DOC.read_text()
    found = []
    for match in re.finditer(rf"(<!-- example only -->\n)?```{lang}\n(.*?)```", text, re.S):
        if not match.group(1):
            found.append(match.group(2))
    return found


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run the nightly job from the docs, verbatim but for the folders, against demo data."""
    base = tmp_path_factory.mktemp("srv")
    bin_dir = base / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "seeds-tui"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m seeds_tui "$@"\n')
    shim.chmod(0o755)
    script = next(b for b in blocks("bash") if b.startswith("#!/usr/bin/env bash"))
    job = base / "nightly-seeds.sh"
    job.write_text(script)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "INBOX": str(base / "inbox"),
        "STORE": str(base / "store"),
        "OUT": str(base / "exports"),
        "KEY": str(base / "secrets" / "pseudonym.key"),
    }
    demo = subprocess.run(
        ["seeds-tui", "demo", "--store", str(base / "demo"), "--observations", "60", "--seed", "5"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    (base / "demo" / "observations").rename(base / "inbox")

    def run(**override: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", str(job)], env={**env, **override}, capture_output=True, text=True, timeout=300, check=False, cwd=base
        )

    return {"base": base, "run": run, "env": env}  # type: ignore[dict-item]


def test_nightly_job_from_the_docs_runs_against_demo_data(nightly: dict) -> None:
    base: Path = nightly["base"]
    first = nightly["run"]()
    assert first.returncode == 0, first.stderr
    assert "seeds nightly: imported 60, skipped 0, conflict 0, invalid 0, ignored 0" in first.stdout
    out = base / "exports"
    reports = sorted(p.name for p in (out / "reports").iterdir())
    assert [r.split("-")[0] for r in reports] == ["import", "import", "validate"]
    assert (base / "secrets" / "pseudonym.key").stat().st_mode & 0o777 == 0o600
    items = f"{out}/items/**/*.parquet"
    [(rows, observations)] = duckdb.sql(
        f"select count(*), count(distinct observation_id) from read_parquet('{items}', hive_partitioning = true)"
    ).fetchall()
    assert observations == 60 and rows > 60 * 10
    names = duckdb.sql(f"select distinct practitioner from read_parquet('{items}', hive_partitioning = true)").fetchall()
    assert all(re.fullmatch(r"P-[0-9A-F]+", n) for (n,) in names)
    csv_text = (out / "observations.csv").read_text()
    assert csv_text.count("\n") == 61
    # Twice in a night: nothing new, same exports.
    before = (out / "observations.csv").read_bytes()
    second = nightly["run"]()
    assert second.returncode == 0, second.stderr
    assert "imported 0, skipped 60" in second.stdout
    assert (out / "observations.csv").read_bytes() == before


def test_nightly_job_flags_bad_files_and_still_exports(nightly: dict) -> None:
    base: Path = nightly["base"]
    inbox = base / "inbox"
    victim = sorted(inbox.glob("*.toml"))[0]
    changed = victim.read_text().replace('status = "final"', 'status = "final"\nrevision_note = "x"', 1)
    (inbox / "resent-with-a-typo.toml").write_text(changed)
    conflicting = victim.read_text().replace("revision = ", "revision = 1", 1)
    (inbox / "edited-elsewhere.toml").write_text(conflicting)
    try:
        result = nightly["run"]()
    finally:
        (inbox / "resent-with-a-typo.toml").unlink()
        (inbox / "edited-elsewhere.toml").unlink()
    assert result.returncode == 1
    assert "some files need attention" in result.stderr
    day = next((base / "exports" / "reports").glob("import-*.json"))
    data = json.loads(day.read_text())
    assert data["counts"]["invalid"] == 1 and data["counts"]["conflict"] == 1
    assert len(list((base / "store" / "conflicts").iterdir())) == 1
    assert (base / "exports" / "observations.csv").read_text().count("\n") == 61


def test_python_examples_in_the_docs_run(nightly: dict, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    base: Path = nightly["base"]
    if not (base / "exports" / "items").exists():
        assert nightly["run"]().returncode == 0
    inbox = base / "inbox"
    monkeypatch.chdir(base)
    for pos, code in enumerate(blocks("python")):
        source = code.replace("/srv/seeds/exports", str(base / "exports")).replace("/srv/seeds/store", str(base / "store"))
        source = source.replace("/srv/seeds/inbox", str(inbox))
        assert "/srv/seeds" not in source, f"python block {pos} uses a folder the test cannot map"
        exec(compile(source, f"docs/scripting.md python block {pos}", "exec"), {"__name__": f"docs_block_{pos}"})
    out = capsys.readouterr().out
    assert "observations" in out and "rubric versions OK" in out
    assert re.search(r"^saved [0-9A-Z]{26}\.toml$", out, re.M)


def test_sql_example_in_the_docs_runs_in_duckdb(nightly: dict) -> None:
    base: Path = nightly["base"]
    if not (base / "exports" / "items").exists():
        assert nightly["run"]().returncode == 0
    [sql] = blocks("sql")
    frame = duckdb.sql(sql.replace("/srv/seeds/exports", str(base / "exports"))).df()
    assert len(frame) and set(frame.columns) == {"team", "section", "quarter", "observations", "percent_of_max"}
    assert frame["percent_of_max"].between(0, 100).all()


def test_every_api_function_taking_paths_takes_one_path_as_well_as_a_list(tmp_path: Path) -> None:
    from datetime import date

    from helpers_core import write_rubric

    inbox = seeds_tui.open_store(tmp_path / "inbox")
    seeds_tui.generate_demo(inbox, 4, seed=1, today=date(2026, 11, 23))
    # A plain string is one folder, never its characters (nor, with a leading "/", every one of them).
    result = seeds_tui.import_files(str(inbox.final_dir), tmp_path / "store")
    assert result.counts["imported"] == 4 and result.counts["invalid"] == 0
    assert seeds_tui.import_files(inbox.final_dir, tmp_path / "store").counts["skipped"] == 4
    write_rubric(tmp_path / "own-rubrics")
    for one in (str(tmp_path / "own-rubrics"), tmp_path / "own-rubrics"):
        assert seeds_tui.rubrics(one).get("small").rubric.id == "small"
    assert seeds_tui.rubrics([tmp_path / "own-rubrics"]).get("small")
    # A single team name is one team, in every function that filters by team.
    team = seeds_tui.item_frame(tmp_path / "store")["team"].iloc[0]
    for frame in (seeds_tui.item_frame(tmp_path / "store", teams=team), seeds_tui.observation_frame(tmp_path / "store", teams=team)):
        assert len(frame) and set(frame["team"]) == {team}
    assert set(seeds_tui.summary_data(tmp_path / "store", teams=team).observations["team"]) == {team}
    written = seeds_tui.write_export(tmp_path / "store", None, teams=team)
    assert isinstance(written, bytes) and written.count(b"\n") == len(seeds_tui.item_frame(tmp_path / "store", teams=[team])) + 1
    # A store may be given as its folder (a str or a Path) wherever the API takes one.
    for folder in (str(tmp_path / "demo-a"), tmp_path / "demo-b"):
        assert len(seeds_tui.generate_demo(folder, 2, seed=1, today=date(2026, 11, 23))) == 2
        assert len(seeds_tui.read_store(folder)[0]) == 2


def ends_with_its_own_message(run: subprocess.CompletedProcess[str]) -> None:
    """The job's last word, on stdout and on stderr, is its own ``seeds nightly:`` line; no traceback."""
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    last_out = run.stdout.strip().splitlines()[-1]
    assert last_out.startswith("seeds nightly: imported "), run.stdout
    if run.stderr.strip():
        assert run.stderr.strip().splitlines()[-1].startswith("seeds nightly: "), run.stderr


def test_nightly_job_against_a_missing_inbox_says_so_and_still_exports(nightly: dict) -> None:
    base: Path = nightly["base"]
    if not (base / "exports" / "items").exists():
        assert nightly["run"]().returncode == 0
    result = nightly["run"](INBOX=str(base / "no-inbox-tonight"))
    assert result.returncode == 1
    assert "seeds nightly: the inbox" in result.stderr and "does not exist" in result.stderr
    assert "seeds nightly: imported 0, skipped 0, conflict 0, invalid 1, ignored 0" in result.stdout
    ends_with_its_own_message(result)
    assert (base / "exports" / "observations.csv").read_text().count("\n") > 1


def test_nightly_job_on_a_first_night_with_no_inbox_and_no_store(nightly: dict, tmp_path: Path) -> None:
    result = nightly["run"](INBOX=str(tmp_path / "none"), STORE=str(tmp_path / "store"), OUT=str(tmp_path / "out"))
    assert result.returncode == 1
    assert "nothing was exported" in result.stderr
    ends_with_its_own_message(result)


def test_nightly_job_against_a_broken_file(nightly: dict, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "broken.toml").write_text('schema = "seeds-observation/2"\nid = = 1\n')
    result = nightly["run"](INBOX=str(inbox), STORE=str(tmp_path / "store"), OUT=str(tmp_path / "out"))
    assert result.returncode == 1
    assert "invalid 1" in result.stdout
    ends_with_its_own_message(result)
    rows = (tmp_path / "out" / "reports").glob("import-*.csv")
    assert "invalid" in next(rows).read_text()


def whole_store(base: Path) -> Path:
    """A whole demo store, with consensus records, as one observer's laptop holds it."""
    source = base / "whole-store"
    if not source.exists():
        from seeds_tui.demo.generator import generate_demo
        from seeds_tui.storage.store import Store

        generate_demo(Store(source), 80, seed=4, today=date(2026, 11, 23))
    assert any((source / "consensus").glob("*.toml"))
    return source


def test_nightly_job_against_a_whole_store_and_a_zip_of_one(nightly: dict, tmp_path: Path) -> None:
    import zipfile

    source = whole_store(tmp_path)
    result = nightly["run"](INBOX=str(source), STORE=str(tmp_path / "store"), OUT=str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    ends_with_its_own_message(result)
    consensus = sorted(p.name for p in (source / "consensus").glob("*.toml"))
    assert sorted(p.name for p in (tmp_path / "store" / "consensus").glob("*.toml")) == consensus
    csv_rows = (tmp_path / "out" / "observations.csv").read_text().count("\n")
    assert csv_rows == 1 + len(list((source / "observations").glob("*.toml")))
    archive = tmp_path / "zipped" / "laptop.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(source.rglob("*.toml")):
            zf.write(path, "laptop/" + path.relative_to(source).as_posix())
    result = nightly["run"](INBOX=str(archive.parent), STORE=str(tmp_path / "store2"), OUT=str(tmp_path / "out2"))
    assert result.returncode == 0, result.stderr
    ends_with_its_own_message(result)
    assert sorted(p.name for p in (tmp_path / "store2" / "consensus").glob("*.toml")) == consensus
    assert (tmp_path / "out2" / "observations.csv").read_text().count("\n") == csv_rows


def test_nightly_job_against_a_store_that_cannot_be_written(nightly: dict, tmp_path: Path) -> None:
    """The import cannot run at all (a file where the store should be): the job stops with its own
    message saying why, the import's exit code, and no traceback."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's parent folder should be")
    result = nightly["run"](STORE=str(blocker / "store"), OUT=str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("seeds nightly: import failed: ") and "cannot create folder" in last, result.stderr
    assert not (tmp_path / "out" / "observations.csv").exists()


#: Modules whose every example must run pasted on its own, besides the public API's.
PASTE_MODULES = (
    "seeds_tui.core.versions", "seeds_tui.core.models", "seeds_tui.storage.importer",
    "seeds_tui.team.export", "seeds_tui.cli.common", "seeds_tui.cli.schema", "seeds_tui.api",
)  # fmt: skip


def test_docstring_examples_run_when_pasted_into_a_fresh_interpreter() -> None:
    """Each example imports what it uses: it runs with nothing defined beforehand, as a user pastes it."""
    import importlib

    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    objects = [(name, getattr(seeds_tui, name)) for name in seeds_tui.__all__]
    objects += [(name, importlib.import_module(name)) for name in PASTE_MODULES]
    failed, tried = [], 0
    for name, obj in objects:
        if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismodule(obj)):
            continue
        for test in finder.find(obj, name, globs={}):
            if not test.examples:
                continue
            tried += 1
            result = runner.run(test, out=lambda _: None, clear_globs=True)
            if result.failed:
                failed.append(test.name)
    assert tried > 20 and not failed, sorted(set(failed))
